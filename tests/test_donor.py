"""`heartlink donor …` and `export donors`: the donor register, its bad input, and a private
donor's name kept out of default exports."""

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from heartlink import db, donors, ids
from heartlink.errors import HeartlinkError, InputError, NotFoundError
from heartlink.i18n import Lang

BAKERY = "Công ty Bánh Ngọt Hòa Bình"
PRIVATE_NAME = "Trần Thị Bích Ngọc"


def add(ok, name: str = PRIVATE_NAME, *options: str) -> dict:
    return ok("donor", "add", name, *options, "--format", "json").json()


def donor_count(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM donor").fetchone()[0]


def assert_check_clean(ok) -> None:
    assert ok("check", "--format", "json").json()["ok"] is True


def test_add_is_private_by_default_and_shows_in_list(ok):
    donor = add(ok, PRIVATE_NAME, "--type", "individual", "--phone", "0905 123 456")
    assert donor["public"] is False
    assert (donor["type"], donor["phone"], donor["archived"]) == (
        "individual",
        "0905 123 456",
        False,
    )
    assert donor["code"] == ids.short_code(donor["id"])
    public = add(ok, BAKERY, "--type", "business", "--public")
    assert public["public"] is True
    listed = ok("donor", "list", "--format", "json").json()
    assert [d["name"] for d in listed] == [BAKERY, PRIVATE_NAME]
    table = ok("donor", "list").stdout
    assert public["code"] in table and "business" in table
    assert_check_clean(ok)


def test_add_prints_the_id_and_says_the_code(run):
    result = run("donor", "add", BAKERY, "--type", "business")
    assert result.exit_code == 0, result
    assert ids.looks_like_reference(result.stdout.strip())
    assert "Registered donor, code" in result.stderr


def test_vietnamese_type_words_are_accepted(ok):
    assert add(ok, PRIVATE_NAME, "--type", "Cán bộ")["type"] == "officer"
    assert add(ok, BAKERY, "--type", "doanh nghiệp")["type"] == "business"


def test_decomposed_name_is_stored_composed_and_found_without_accents(ok):
    decomposed = unicodedata.normalize("NFD", PRIVATE_NAME)
    donor = add(ok, decomposed, "--type", "individual")
    assert donor["name"] == PRIVATE_NAME
    found = ok("donor", "list", "--search", "tran thi bich", "--format", "json").json()
    assert [d["id"] for d in found] == [donor["id"]]
    by_code = ok("donor", "list", "--search", donor["code"], "--format", "json").json()
    assert [d["id"] for d in by_code] == [donor["id"]]
    assert ok("donor", "list", "--search", "nobody here", "--format", "json").json() == []


@pytest.mark.parametrize(
    "options, field",
    [
        (["--type", "alien"], "type"),
        ([], "--type"),
        (["--type", "individual", "--phone", "not a phone"], "phone"),
        (["--type", "individual", "--note", "x" * 2001], "note"),
        (["--type", "individual", "--address", "a\x07b"], "address"),
        (["--type", "individual", "--public", "--phone", "12"], "phone"),
    ],
)
def test_bad_input_is_one_error_line_and_changes_nothing(run, db_path, options, field):
    result = run("donor", "add", PRIVATE_NAME, *options)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert field in result.stderr
    assert PRIVATE_NAME not in result.stderr
    assert donor_count(db_path) == 0


@pytest.mark.parametrize("name", ["", "   ", "Tr\x00n", "x" * 201, "Trần\nThị"])
def test_bad_names_are_refused(run, db_path, name):
    result = run("donor", "add", name, "--type", "individual")
    assert result.exit_code == 2, result
    assert result.stderr.startswith("Error: ") and "name" in result.stderr
    assert donor_count(db_path) == 0


def test_duplicate_same_folded_name_and_type_is_refused_unless_forced(ok, run, db_path):
    first = add(ok, PRIVATE_NAME, "--type", "individual")
    result = run("donor", "add", "tran thi bich ngoc", "--type", "individual")
    assert result.exit_code == 1, result
    assert first["code"] in result.stderr and "--force" in result.stderr
    assert PRIVATE_NAME not in result.stderr
    assert donor_count(db_path) == 1
    # Another type is another donor (an officer giving privately, a business of that name).
    add(ok, PRIVATE_NAME, "--type", "officer")
    add(ok, "tran thi bich ngoc", "--type", "individual", "--force")
    assert donor_count(db_path) == 3
    assert_check_clean(ok)


def test_duplicate_of_an_archived_donor_says_so(ok, run):
    first = add(ok, PRIVATE_NAME, "--type", "individual")
    ok("donor", "archive", first["id"])
    result = run("donor", "add", PRIVATE_NAME, "--type", "individual")
    assert result.exit_code == 1 and "(archived)" in result.stderr


def test_edit_changes_only_the_given_fields(ok):
    donor = add(ok, PRIVATE_NAME, "--type", "individual", "--phone", "0905 123 456")
    edited = ok(
        "donor", "edit", donor["code"], "--public", "--note", "mỗi tháng", "-f", "json"
    ).json()
    assert edited["public"] is True and edited["note"] == "mỗi tháng"
    assert (edited["name"], edited["type"], edited["phone"]) == (
        PRIVATE_NAME,
        "individual",
        "0905 123 456",
    )
    assert edited["updated_at"]
    cleared = ok("donor", "edit", donor["code"], "--phone", "", "--private", "-f", "json").json()
    assert cleared["phone"] is None and cleared["public"] is False
    assert_check_clean(ok)
    log = ok("log", "--format", "json").json()
    edits = [entry for entry in log if entry["action"] == "donor.edit"]
    assert len(edits) == 2


def test_edit_refuses_nothing_to_change_a_duplicate_and_unknown_donors(ok, run):
    donor = add(ok, PRIVATE_NAME, "--type", "individual")
    other = add(ok, BAKERY, "--type", "business")
    nothing = run("donor", "edit", donor["code"])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    same = run("donor", "edit", other["code"], "--name", PRIVATE_NAME, "--type", "individual")
    assert same.exit_code == 1 and donor["code"] in same.stderr
    assert ok("donor", "show", other["code"], "-f", "json").json()["name"] == BAKERY
    unknown = run("donor", "edit", "ZZZZZZZZ", "--note", "x")
    assert unknown.exit_code == 1 and "no donor has that id or code" in unknown.stderr
    malformed = run("donor", "edit", "not a code", "--note", "x")
    assert malformed.exit_code == 2 and "not a donor id or code" in malformed.stderr
    bad_type = run("donor", "edit", donor["code"], "--type", "alien")
    assert bad_type.exit_code == 2


def test_archive_hides_and_unarchive_brings_back(ok, run):
    donor = add(ok, PRIVATE_NAME, "--type", "individual")
    archived = ok("donor", "archive", donor["code"], "-f", "json").json()
    assert archived["archived"] is True and archived["archived_at"]
    assert ok("donor", "list", "-f", "json").json() == []
    listed = ok("donor", "list", "--with-archived", "-f", "json").json()
    assert [d["id"] for d in listed] == [donor["id"]]
    assert "Archived" in ok("donor", "list", "--with-archived").stdout
    twice = run("donor", "archive", donor["code"])
    assert twice.exit_code == 1 and "already archived" in twice.stderr
    back = run("donor", "unarchive", donor["code"])
    assert back.exit_code == 0 and f"Donor {donor['code']} unarchived." in back.stderr
    again = run("donor", "unarchive", donor["code"])
    assert again.exit_code == 1 and "not archived" in again.stderr
    assert_check_clean(ok)
    actions = [entry["action"] for entry in ok("log", "--format", "json").json()]
    assert {"donor.add", "donor.archive", "donor.unarchive"} <= set(actions)


def test_resolve_active_refuses_an_archived_donor(ok, db_path):
    donor = add(ok, PRIVATE_NAME, "--type", "individual")
    ledger = db.open_for_write(db_path)
    assert donors.resolve_active(ledger.conn, donor["code"]) == donor["id"]
    donors.set_archived(ledger, donor["code"], True, officer="Officer Test")
    with pytest.raises(HeartlinkError, match="archived; bring them back") as refused:
        donors.resolve_active(ledger.conn, donor["code"])
    assert f"heartlink donor unarchive {donor['code']}" in str(refused.value)
    with pytest.raises(NotFoundError):
        donors.resolve_active(ledger.conn, "ZZZZZZZZ")
    with pytest.raises(InputError):
        donors.resolve_active(ledger.conn, "Trần Thị")


def test_public_name(ok, db_path):
    private = add(ok, PRIVATE_NAME, "--type", "individual")
    officer = add(ok, "Lê Văn Tám", "--type", "officer")
    named_officer = add(ok, "Nguyễn Văn Hùng", "--type", "officer", "--public")
    bakery = add(ok, BAKERY, "--type", "business", "--public")
    assert donors.public_name(private, "vi") == "Nhà hảo tâm"
    assert donors.public_name(private, Lang.en) == "A well-wisher"
    assert donors.public_name(officer, "vi") == "Cán bộ, chiến sĩ"
    assert donors.public_name(officer, "en") == "Officers"
    assert donors.public_name(named_officer, "vi") == "Nguyễn Văn Hùng"
    assert donors.public_name(None, "vi") == "Nhà hảo tâm"
    conn = db.open_for_write(db_path).conn
    assert donors.public_name(bakery["id"], "en", conn) == BAKERY
    assert donors.public_name(private["id"], "en", conn) == "A well-wisher"
    row = conn.execute("SELECT * FROM donor WHERE id = ?", (officer["id"],)).fetchone()
    assert donors.public_name(row, "vi") == "Cán bộ, chiến sĩ"


def _give(
    db_path: Path,
    donor_id: str,
    date: str,
    kind: str,
    count: int,
    value: int | None,
    *,
    voided=False,
):
    """A donation row, as `heartlink receive` (another branch) will write it."""
    ledger = db.open_for_write(db_path)
    with ledger.write() as conn:
        conn.execute(
            "INSERT INTO donation (id, date, year, donor_id, kind, programme, count, value_vnd,"
            " method, officer, created_at, voided_at, voided_by, void_reason)"
            " VALUES (?, ?, ?, ?, ?, 'general', ?, ?, ?, 'Officer Test', ?, ?, ?, ?)",
            (
                ids.new_id(),
                date,
                int(date[:4]),
                donor_id,
                kind,
                count,
                value,
                "bank" if kind == "cash" else "in-kind",
                db.utc_now(),
                db.utc_now() if voided else None,
                "Officer Test" if voided else None,
                "typed twice" if voided else None,
            ),
        )
    ledger.conn.close()


def test_show_lists_donations_and_totals_by_year_per_kind_voided_left_out(ok, db_path):
    donor = add(ok, BAKERY, "--type", "business", "--public")
    _give(db_path, donor["id"], "2023-01-10", "cash", 2_000_000, 2_000_000)
    _give(db_path, donor["id"], "2023-06-01", "cash", 1_000_000, 1_000_000)
    _give(db_path, donor["id"], "2023-06-02", "cash", 9_000_000, 9_000_000, voided=True)
    _give(db_path, donor["id"], "2024-01-20", "cake", 700, None)
    shown = ok("donor", "show", donor["code"], "--format", "json").json()
    assert [d["date"] for d in shown["donations"]] == ["2023-01-10", "2023-06-01", "2024-01-20"]
    by_year = {(y["year"], y["kind"]): y for y in shown["given_by_year"]}
    assert by_year[(2023, "cash")]["count"] == 3_000_000
    assert by_year[(2023, "cash")]["donations"] == 2
    assert by_year[(2023, "cash")]["value_vnd"] == 3_000_000
    assert by_year[(2024, "cake")]["count"] == 700
    table = ok("donor", "show", donor["code"]).stdout
    assert "Given by year" in table and "Donations: 3" in table and "3,000,000" in table
    csv_lines = ok("donor", "show", donor["code"], "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,code,date,kind,count") and len(csv_lines) == 4


def test_show_of_an_unknown_donor(ok, run):
    add(ok, BAKERY, "--type", "business")
    result = run("donor", "show", "ZZZZZZZZ")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no donor has that id")


def test_a_private_donors_name_never_appears_in_a_default_export(ok, run, tmp_path):
    private = add(
        ok,
        PRIVATE_NAME,
        "--type",
        "individual",
        "--phone",
        "0905 123 456",
        "--address",
        "12 Lê Duẩn",
        "--note",
        "ghi chú riêng",
    )
    officer = add(ok, "Lê Văn Tám", "--type", "officer")
    add(ok, BAKERY, "--type", "business", "--public", "--phone", "0236 3811 222")
    secrets = [
        PRIVATE_NAME,
        "Lê Văn Tám",
        "0905 123 456",
        "12 Lê Duẩn",
        "ghi chú riêng",
        "0236 3811 222",
    ]
    for fmt in ("csv", "json"):
        for lang in ("en", "vi"):
            text = ok("export", "donors", "--format", fmt, "--lang", lang).stdout
            assert BAKERY in text
            assert private["code"] in text and officer["code"] in text
            for secret in secrets:
                assert secret not in text, (fmt, lang)
    workbook = tmp_path / "donors.xlsx"
    ok("export", "donors", "--output", str(workbook))
    from openpyxl import load_workbook

    cells = [
        str(c) for row in load_workbook(workbook).active.iter_rows(values_only=True) for c in row
    ]
    assert BAKERY in cells and private["code"] in cells
    assert not any(secret in cell for cell in cells for secret in secrets)


def test_export_with_personal_data_writes_names_to_a_private_file(ok, run, tmp_path):
    add(ok, PRIVATE_NAME, "--type", "individual", "--phone", "0905 123 456")
    refused = run("export", "donors", "--include-personal-data")
    assert refused.exit_code == 2 and "needs --output" in refused.stderr
    out = tmp_path / "donors.csv"
    ok("export", "donors", "--include-personal-data", "--output", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert PRIVATE_NAME in text and "0905 123 456" in text
    assert out.stat().st_mode & 0o077 == 0
    header = text.splitlines()[0]
    assert header == "name,type,public,phone,address,note,id,code,archived,created_at"


def test_export_donors_of_a_year_lists_only_those_who_gave(ok, db_path):
    gave = add(ok, BAKERY, "--type", "business", "--public")
    add(ok, PRIVATE_NAME, "--type", "individual")
    _give(db_path, gave["id"], "2023-01-10", "cash", 2_000_000, 2_000_000)
    rows = ok("export", "donors", "--year", "2023", "--format", "json").json()
    assert [r["id"] for r in rows] == [gave["id"]]
    headings = ok("export", "donors", "--lang", "vi").stdout.splitlines()[0]
    assert headings.startswith("Họ tên,Loại nhà hảo tâm,Công khai tên")


def test_donor_add_and_edit_options_come_from_the_description(run):
    from heartlink.nouns import DONOR

    add_help = run("donor", "add", "--help", db=None).stdout
    edit_help = run("donor", "edit", "--help", db=None).stdout
    for field in DONOR.of(DONOR.options):
        long_flag = field.option.flags[0].split("/")[0]
        assert long_flag in edit_help
        assert (long_flag in add_help) == (field.name != "name")
