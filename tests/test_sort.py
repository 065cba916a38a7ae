"""Lists of people in Vietnamese order (issue 15): by given name, then the rest of the name, in
the Vietnamese alphabet, tones deciding only between names otherwise equal; `--sort
name|code|added` on the lists and exports of people."""

import csv
import random
import sqlite3
import unicodedata

import pytest

from heartlink import beneficiaries, db, name_order
from heartlink.name_order import sort_key_v1, vietnamese_sort_key
from heartlink.registers import Sort

# The issue's example, in its order.
ISSUE_ORDER = ["Nguyễn Văn An", "Trần Thị Anh", "Lê Văn Ân", "Phạm Bình", "Hồ Dũng", "Võ Đào"]


def in_key_order(names):
    shuffled = list(names)
    random.Random(15).shuffle(shuffled)
    return sorted(shuffled, key=vietnamese_sort_key)


def test_the_issue_s_example_order():
    assert in_key_order(ISSUE_ORDER) == ISSUE_ORDER


@pytest.mark.parametrize(
    "ordered",
    [
        # The same given name: by the rest of the name, family name first.
        ["Lê Văn An", "Nguyễn Văn An", "Trần Văn An"],
        ["Lê Thị Hoa", "Lê Văn Hoa"],
        # A given name that is the start of another comes first, whatever the family names.
        ["Võ An", "Lê Anh"],
        ["An", "Lê An"],
        # Each letter of its own, in the alphabet: a ă â, d đ, e ê, o ô ơ, u ư.
        ["Lê An", "Lê Ăn", "Lê Ân", "Lê Bảo"],
        ["Lê Dung", "Lê Đức", "Lê Em"],
        ["Lê Em", "Lê Êm", "Lê Giang"],
        ["Lê Ong", "Lê Ông", "Lê Ơn", "Lê Phúc"],
        ["Lê Ung", "Lê Ưng", "Lê Vân"],
        # Tones decide only between names otherwise equal: Án before Anh, and among the
        # same letters ngang, huyền, hỏi, ngã, sắc, nặng.
        ["Lê Văn Án", "Lê Văn Anh"],
        ["Lê Văn Hoa", "Lê Văn Hòa", "Lê Văn Hỏa", "Lê Văn Hõa", "Lê Văn Hóa", "Lê Văn Họa"],
        ["Lê Văn Hùng", "Lê Vằn Hùng"],
        # Loan-word letters after y, in this order: f j w z.
        ["Lê Yến", "Lê Fan", "Lê Jin", "Lê Wan", "Lê Zen"],
        # Digits before letters, letters of other alphabets after f j w z.
        ["Tổ 9", "Tổ An", "Tổ Zen", "Tổ Ωmega"],
    ],
)
def test_ties_and_letters(ordered):
    assert in_key_order(ordered) == ordered


def test_a_household_sorts_as_its_head():
    """ "Hộ" is left out: the household of Phan Văn Hùng sorts among the Hùngs by Phan; the
    family name Hồ is a name and stays."""
    assert vietnamese_sort_key("Hộ Phan Văn Hùng") == vietnamese_sort_key("Phan Văn Hùng")
    assert in_key_order(["Lê Văn Hùng", "Hộ Phan Văn Hùng", "Trần Văn Hùng"]) == [
        "Lê Văn Hùng",
        "Hộ Phan Văn Hùng",
        "Trần Văn Hùng",
    ]
    assert in_key_order(["Hồ Văn Hùng", "Hộ Lê Văn Hùng"]) == ["Hồ Văn Hùng", "Hộ Lê Văn Hùng"]
    assert vietnamese_sort_key("Hộ") != vietnamese_sort_key("")  # one word is the name


@pytest.mark.parametrize(
    "name",
    [
        unicodedata.normalize("NFD", "Nguyễn Văn Ân"),
        "NGUYỄN VĂN ÂN",
        "nguyễn  văn\tân ",
    ],
)
def test_nfc_nfd_case_and_blanks_give_the_same_key(name):
    assert vietnamese_sort_key(name) == vietnamese_sort_key("Nguyễn Văn Ân")


def test_eth_typed_for_d_with_stroke_is_d_with_stroke():
    # U+00D0 looks like Đ (U+0110) and some keyboards give it.
    assert vietnamese_sort_key("\u00d0ào") == vietnamese_sort_key("Đào")


def test_version_1_of_the_key_is_frozen():
    """Migration 0011 stored these keys: changing sort_key_v1 would leave every file upgraded
    before the change in another order. A new key is a new function and a new migration."""
    assert name_order.KEY_VERSION == 1
    assert sort_key_v1("Nguyễn Văn An") == "AP-PJY]IP-[BP 00000030000"
    assert sort_key_v1("Hộ Phan Văn Hùng") == "KYPJ-TKAP-[BP 01000000000"
    assert sort_key_v1("Võ Đào") == "GAQ-[Q 01003"
    assert vietnamese_sort_key("Võ Đào") == sort_key_v1("Võ Đào")


# The command line ----------------------------------------------------------------------------


def add_all(ok, names):
    """Register `names` in a shuffled order; their profiles in the order registered."""
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)
    return [
        ok("beneficiary", "add", name, "--force", "--format", "json").json() for name in shuffled
    ]


def listed(ok, *args, **options):
    rows = ok("beneficiary", "list", *args, "--format", "json", **options).json()
    return [row["name"] for row in rows]


def test_beneficiary_list_is_in_vietnamese_order_by_default(ok):
    add_all(ok, [*ISSUE_ORDER, "Hộ Phan Văn Hùng", "Lê Văn Hùng"])
    expected = [*ISSUE_ORDER[:4], "Hồ Dũng", "Võ Đào", "Lê Văn Hùng", "Hộ Phan Văn Hùng"]
    assert listed(ok) == expected
    assert listed(ok, "--sort", "name") == expected


def test_sort_code_and_added(ok):
    added = add_all(ok, ISSUE_ORDER)
    by_code = ok("beneficiary", "list", "--sort", "code", "--format", "json").json()
    assert [row["code"] for row in by_code] == sorted(row["code"] for row in added)
    assert listed(ok, "--sort", "added") == [row["name"] for row in added]
    # CSV follows the order too, with the same keys.
    text = ok("beneficiary", "list", "--sort", "added", "--format", "csv").stdout
    rows = list(csv.DictReader(text.splitlines()))
    assert [row["name"] for row in rows] == [row["name"] for row in added]


def test_a_renamed_person_moves_to_their_new_place(ok):
    add_all(ok, ISSUE_ORDER)
    code = next(p["code"] for p in beneficiaries_by_name(ok) if p["name"] == "Võ Đào")
    ok("beneficiary", "edit", code, "--name", "Võ Văn Ái")
    assert listed(ok)[0] == "Võ Văn Ái"


def beneficiaries_by_name(ok):
    return ok("beneficiary", "list", "--format", "json").json()


def test_imported_people_are_in_vietnamese_order(ok, tmp_path):
    sheet = tmp_path / "people.csv"
    shuffled = list(ISSUE_ORDER)
    random.Random(3).shuffle(shuffled)
    sheet.write_text("name\n" + "\n".join(shuffled) + "\n", encoding="utf-8")
    ok("import", "beneficiaries", str(sheet))
    assert listed(ok) == ISSUE_ORDER


def test_donor_list_is_in_vietnamese_order(ok):
    for name in reversed(ISSUE_ORDER):
        ok("donor", "add", name, "--type", "individual")
    donors = ok("donor", "list", "--format", "json").json()
    assert [row["name"] for row in donors] == ISSUE_ORDER
    by_code = ok("donor", "list", "--sort", "code", "--format", "json").json()
    assert [row["code"] for row in by_code] == sorted(row["code"] for row in donors)


def test_sort_refuses_what_it_does_not_know(ok, run, db_path):
    ok("beneficiary", "add", "Phạm Bình")
    result = run("beneficiary", "list", "--sort", "age")
    assert result.exit_code == 2 and "--sort" in result.stderr


def test_exports_of_people_follow_the_sort(ok, tmp_path):
    added = add_all(ok, ISSUE_ORDER)
    out = tmp_path / "people.csv"
    ok("export", "beneficiaries", "--include-personal-data", "--output", str(out))
    assert [row["name"] for row in read_csv(out)] == ISSUE_ORDER
    out.unlink()
    ok("export", "beneficiaries", "--include-personal-data", "--sort", "code", "-o", str(out))
    assert [row["code"] for row in read_csv(out)] == sorted(row["code"] for row in added)
    # Without personal data the names are codes, listed by code; --sort added is allowed.
    plain = ok("export", "beneficiaries", "--format", "json").json()
    assert [row["code"] for row in plain] == sorted(row["code"] for row in added)
    plain = ok("export", "beneficiaries", "--sort", "added", "--format", "json").json()
    assert [row["code"] for row in plain] == [row["code"] for row in added]


def test_an_export_without_names_refuses_their_order(ok, run, tmp_path):
    """Codes in the order of the names they stand for would hint at the names."""
    add_all(ok, ISSUE_ORDER)
    out = tmp_path / "people.csv"
    for what in ("beneficiaries", "donors"):
        result = run("export", what, "--sort", "name", "--output", str(out))
        assert result.exit_code == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: --sort name needs")
        assert not out.exists()


def test_donor_export_follows_the_sort(ok, tmp_path):
    for name in reversed(ISSUE_ORDER):
        ok("donor", "add", name, "--type", "individual", "--public")
    out = tmp_path / "donors.csv"
    ok("export", "donors", "--include-personal-data", "--output", str(out))
    assert [row["name"] for row in read_csv(out)] == ISSUE_ORDER


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# The stored key ------------------------------------------------------------------------------


def test_a_file_from_before_the_key_gets_keys_for_everyone_it_holds(tmp_path, ok):
    """Migration 0011 fills the key of the people already there."""
    from test_schema import file_of_version

    path = tmp_path / "v8.db"
    file_of_version(path, 8)
    conn = sqlite3.connect(path, isolation_level=None)
    for number, name in enumerate(reversed(ISSUE_ORDER)):
        conn.execute(
            "INSERT INTO beneficiary (id, name, created_at, created_by) VALUES (?, ?, ?, 'Lan')",
            (f"01H0000000000000000000000{number}", name, "2023-01-01T00:00:00.000Z"),
        )
        conn.execute(
            "INSERT INTO donor (id, name, type, created_at, created_by)"
            " VALUES (?, ?, 'individual', ?, 'Lan')",
            (f"01H0000000000000000000000{number}", name, "2023-01-01T00:00:00.000Z"),
        )
    conn.close()
    assert listed(ok, db=path) == ISSUE_ORDER  # read from an upgraded copy
    ok("record", "meal", "-n", "1", db=path)  # a writer upgrades the file itself
    conn = sqlite3.connect(path)
    for table in ("beneficiary", "donor"):
        stored = conn.execute(f"SELECT name, name_sort_key FROM {table}").fetchall()
        assert stored and all(key == sort_key_v1(name) for name, key in stored)
    conn.close()


def test_a_list_by_name_walks_the_index(tmp_path):
    """Sorting 100,000 people is a walk of the stored keys' index, not a sort of them."""
    ledger = db.open_memory()
    statements = []
    ledger.conn.set_trace_callback(statements.append)
    for options in ({}, {"text": "an"}, {"with_archived": True, "received_in": 2023}):
        statements.clear()
        list(beneficiaries.search(ledger.conn, sort=Sort.name, **options))
        plan = " / ".join(
            row[3] for row in ledger.conn.execute(f"EXPLAIN QUERY PLAN {statements[-1]}")
        )
        assert "USING INDEX beneficiary_by_name_order" in plan and "TEMP B-TREE" not in plan
    ledger.close()
