"""`heartlink record`, `handout list` and `handout void`."""

import datetime as dt
import sqlite3

import pytest

from conftest import file_state


def test_record_with_defaults(ok, db_path):
    result = ok("record", "meal", "--count", "120")
    handout_id = result.stdout.strip()
    assert len(handout_id) == 26
    assert "Recorded meal: 120" in result.stderr
    [row] = ok("handout", "list", "--format", "json").json()
    assert row["id"] == handout_id
    assert row["date"] == dt.date.today().isoformat()
    assert row["programme"] == "meals"
    assert row["officer"] == "Officer Test"
    assert row["beneficiary_id"] is None
    assert row["unit"] == "portion"


def test_record_json_prints_an_object_with_id(ok):
    record = ok("record", "cake", "-n", "240", "-d", "14/01/2023", "--format", "json").json()
    assert record["id"] and record["kind"] == "cake" and record["programme"] == "tet-cakes"
    assert record["date"] == "2023-01-14"


def test_officer_from_by_then_environment(ok):
    ok("record", "meal", "-n", "1", "--by", "Trung úy Lan")
    ok("record", "meal", "-n", "1", env={"HEARTLINK_OFFICER": "Đại úy Minh"})
    officers = [r["officer"] for r in ok("handout", "list", "--format", "json").json()]
    assert sorted(officers) == ["Trung úy Lan", "Đại úy Minh"]


def test_kind_accepted_by_vietnamese_name_without_accents(ok):
    record = ok("record", "banh tet", "-n", "3", "--format", "json").json()
    assert record["kind"] == "cake"


def test_record_to_a_beneficiary_with_programme_place_value_note(ok):
    code = ok("beneficiary", "add", "Trương Thị Bích Ngọc", "-c", "orphan", "--format", "json")
    beneficiary = code.json()
    record = ok(
        "record",
        "cash",
        "--count",
        "6.000.000",
        "--to",
        beneficiary["code"],
        "--date",
        "05/09/2023",
        "--place",
        "Trụ sở",
        "--note",
        "Mẹ đỡ đầu",
        "--format",
        "json",
    ).json()
    assert record["beneficiary_id"] == beneficiary["id"]
    assert record["count"] == 6_000_000
    assert record["value_vnd"] == 6_000_000  # cash: one đồng a unit
    assert record["programme"] == "godmother"
    record = ok(
        "record", "gift", "-n", "2", "-p", "meals", "--value", "150.000", "--format", "json"
    ).json()
    assert (record["programme"], record["value_vnd"]) == ("meals", 150_000)


def test_value_from_the_kinds_unit_value(ok):
    ok("kind", "edit", "meal", "--unit-value", "30.000")
    record = ok("record", "meal", "-n", "120", "--format", "json").json()
    assert record["value_vnd"] == 3_600_000


def test_text_is_stored_exactly(ok):
    note = 'Robert\'); DROP TABLE handout; -- "quoted" ; 🍚🎉 Bữa cơm'
    ok("record", "meal", "-n", "1", "--note", note, "--place", "Ung bướu; 'B' khu")
    [row] = ok("handout", "list", "--format", "json").json()
    assert row["note"] == note
    assert row["place"] == "Ung bướu; 'B' khu"


def test_year_boundaries(ok):
    ok("record", "meal", "-n", "10", "--date", "31/12/2022")
    ok("record", "meal", "-n", "20", "--date", "2023-01-01")
    ok("record", "meal", "-n", "40", "--date", "2023-12-31")
    ok("record", "meal", "-n", "80", "--date", "01/01/2024")

    def count(year):
        totals = ok("report", str(year), "--format", "json").json()["totals"]
        return totals[0]["count"] if totals else 0

    assert (count(2022), count(2023), count(2024)) == (10, 60, 80)
    assert len(ok("handout", "list", "--year", "2023", "--format", "json").json()) == 2


def test_void_leaves_a_handout_out_of_totals(ok):
    keep = ok("record", "meal", "-n", "120", "-d", "2023-03-06").stdout.strip()
    wrong = ok("record", "meal", "-n", "210", "-d", "2023-03-06").stdout.strip()
    result = ok("handout", "void", wrong[-8:], "--reason", "typed 210 for 120")
    assert result.stdout.strip() == wrong
    [totals] = ok("report", "2023", "--format", "json").json()["totals"]
    assert (totals["count"], totals["handouts"]) == (120, 1)
    listed = ok("handout", "list", "--format", "json").json()
    assert [r["id"] for r in listed] == [keep]
    everything = ok("handout", "list", "--with-voided", "--format", "json").json()
    voided = next(r for r in everything if r["id"] == wrong)
    assert voided["voided"] and voided["void_reason"] == "typed 210 for 120"
    assert voided["voided_by"] == "Officer Test"


def test_void_twice_is_refused(ok, run, db_path):
    wrong = ok("record", "meal", "-n", "210").stdout.strip()
    ok("handout", "void", wrong, "--reason", "typo")
    before = file_state(db_path)
    result = run("handout", "void", wrong, "--reason", "again")
    assert result.exit_code == 1
    assert "already voided" in result.stderr
    assert file_state(db_path) == before


def test_handout_list_filters(ok):
    b = ok("beneficiary", "add", "Lê Hoàng Nam", "-c", "after-rehab", "--format", "json").json()
    ok("record", "livelihood-kit", "-n", "1", "--to", b["id"], "-d", "2023-03-20")
    ok("record", "meal", "-n", "50", "-d", "2023-03-20")
    ok("record", "meal", "-n", "60", "-d", "2022-03-21")

    def ids(*args):
        return len(ok("handout", "list", *args, "--format", "json").json())

    assert ids() == 3
    assert ids("--kind", "meal") == 2
    assert ids("--year", "2023", "--kind", "meal") == 1
    assert ids("--to", b["code"]) == 1
    assert ids("--programme", "livelihood") == 1
    csv_out = ok("handout", "list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,date,kind,count,unit,programme,beneficiary_id,value_vnd")
    assert len(csv_out) == 4
    table = ok("handout", "list").stdout
    assert "livelihood-kit" in table and "Code" in table


TODAY = dt.date.today()
BAD_RECORDS = [
    (["record", "meel", "-n", "1"], 2, "unknown kind 'meel'; did you mean 'meal'?"),
    (["record", "meal", "-n", "0"], 2, "count must be at least 1"),
    (["record", "meal", "-n", "-5"], 2, "count must be positive"),
    (["record", "meal", "-n", "2.5"], 2, "count must be a whole number"),
    (["record", "meal", "-n", "1000000001"], 2, "over one billion"),
    (["record", "meal", "-n", "lots"], 2, "count must be a whole number"),
    (["record", "meal", "-n", "1", "-d", "2023-02-30"], 2, "does not exist"),
    (["record", "meal", "-n", "1", "-d", "31/04/2023"], 2, "does not exist"),
    (["record", "meal", "-n", "1", "-d", "next week"], 2, "is not a date"),
    (
        ["record", "meal", "-n", "1", "-d", (TODAY + dt.timedelta(days=2)).isoformat()],
        2,
        "in the future",
    ),
    (["record", "meal", "-n", "1", "--to", "ZZZZZZZZ"], 1, "no beneficiary has that id or code"),
    (["record", "meal", "-n", "1", "--to", "Phạm Văn A"], 2, "is not a beneficiary id"),
    (["record", "meal", "-n", "1", "-p", "meels"], 2, "unknown programme 'meels'"),
    (["record", "meal", "-n", "1", "--value", "12.5"], 2, "value must be a whole number"),
    (["record", "meal"], 2, "Missing option '--count'"),
    (["record", "meal", "--cout", "3"], 2, "No such option: --cout"),
    (["handout", "void", "ZZZZZZZZ", "--reason", "x"], 1, "no handout has that id or code"),
    (["handout", "void", "ZZZZZZZZ", "--reason", " "], 2, "reason is empty"),
    (["handout", "list", "--year", "1999"], 2, "year is out of range"),
    (["handout", "list", "--kind", "bike"], 2, "unknown kind 'bike'"),
    (["report", "1999"], 2, "year is out of range"),
    (["report", str(TODAY.year + 2)], 2, "out of range"),
    (["report", "last-year"], 2, "Invalid value"),
]


@pytest.mark.parametrize(("args", "code", "says"), BAD_RECORDS, ids=lambda v: str(v)[:40])
def test_bad_input_one_line_exit_code_database_unchanged(run, ok, db_path, args, code, says):
    ok("beneficiary", "add", "Phạm Văn A")
    ok("record", "meal", "-n", "5")
    before = file_state(db_path)
    result = run(*args)
    assert result.exit_code == code, result
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and says in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, "one line"
    assert "Traceback" not in result.stderr
    assert file_state(db_path) == before


def test_archived_beneficiary_cannot_receive(ok, run, db_path):
    b = ok("beneficiary", "add", "Võ Thị Thu", "--format", "json").json()
    ok("beneficiary", "archive", b["code"])
    before = file_state(db_path)
    result = run("record", "gift", "-n", "1", "--to", b["code"])
    assert result.exit_code == 1
    assert "is archived" in result.stderr and "unarchive" in result.stderr
    assert file_state(db_path) == before


def test_ambiguous_code_asks_for_more(ok, run, db_path):
    ok("record", "meal", "-n", "1")
    conn = sqlite3.connect(db_path)
    for letter in ("A", "B"):  # two ids with the same last eight characters
        conn.execute(
            "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
            f" VALUES ('01GNNA1J00EMXDY{letter}M08QW1VEYT', '2023-01-02', 2023, 'meal', 'meals',"
            " 5, 'x', 'now')"
        )
    conn.commit()
    conn.close()
    before = file_state(db_path)
    result = run("handout", "void", "8qw1veyt", "--reason", "x")
    assert result.exit_code == 2 and "more than one handout" in result.stderr
    assert file_state(db_path) == before
    ok("handout", "void", "01GNNA1J00EMXDYBM08QW1VEYT", "--reason", "x")


def test_huge_values_are_refused_not_overflowed(ok, run, db_path):
    ok("kind", "edit", "meal", "--unit-value", "1.000.000")
    before = file_state(db_path)
    result = run("record", "meal", "-n", "1.000.000.000")  # 10^15 VND
    assert result.exit_code == 2 and "value" in result.stderr and "over" in result.stderr
    assert file_state(db_path) == before
    result = run("kind", "edit", "meal", "--unit-value", "2.000.000.000.000")
    assert result.exit_code == 2


def test_an_empty_beneficiary_is_refused_not_read_as_anonymous(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    result = run("record", "cash", "-n", "6.000.000", "--to", "")
    assert result.exit_code == 2 and "(--to) is empty" in result.stderr
    assert file_state(db_path) == before


def test_names_typed_where_an_id_belongs_are_not_echoed(run, ok):
    ok("record", "meal", "-n", "1")
    for args in (
        ["record", "cash", "-n", "5", "--to", "Phạm Thanh Sơn"],
        ["beneficiary", "show", "Phạm Thanh Sơn"],
        ["handout", "void", "Phạm Thanh Sơn", "--reason", "x"],
    ):
        result = run(*args)
        assert result.exit_code == 2  # not an id or a code at all: a usage error
        assert "Phạm" not in result.stderr and "Error: " in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["record", "meal", "--count", "abc"],
        ["record", "meal", "--count", "5", "--date", "2023-02-30"],
        ["record", "meal", "--count", "5", "--value", "1.5"],
        ["beneficiary", "add", "  "],
        ["beneficiary", "add", "A", "--born", "1800"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_bad_input_creates_no_database(run, db_path, args):
    result = run(*args)
    assert result.exit_code == 2
    assert not db_path.exists() and not db_path.parent.exists()


def test_a_count_of_thousands_of_digits_is_a_usage_error(run):
    result = run("record", "meal", "--count", "9" * 5000)
    assert result.exit_code == 2 and "count" in result.stderr
