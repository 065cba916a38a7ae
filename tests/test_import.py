"""`heartlink import`: the sample as it is, round trips, all or nothing, dry runs, idempotence,
Vietnamese sheets, matching beneficiaries, and problems reported with row and column."""

import datetime as dt
import sqlite3
from collections import Counter
from functools import partial

import pytest
from openpyxl import Workbook

from heartlink import db, handouts, importer, sheets

from conftest import SAMPLE_BENEFICIARIES, SAMPLE_HANDOUT_ROWS, SAMPLE_HANDOUTS, file_state

HEADER = "date,kind,count,beneficiary,programme,place,value_vnd,note\n"


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return str(path)


def report(ok, db_path=None, year="2023"):
    kwargs = {"db": db_path} if db_path else {}
    result = ok("report", year, "--format", "json", **kwargs).json()
    return {key: result[key] for key in ("totals", "programmes", "overall")}


def handout_count(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM handout").fetchone()[0]
    finally:
        conn.close()


def test_the_sample_in_data_imports_as_it_is(ok, sample_2023):
    totals = {row["kind"]: row for row in report(ok)["totals"]}
    assert totals["meal"]["count"] == 2950 and totals["meal"]["handouts"] == 52
    assert totals["cash"]["count"] == 6_000_000 and totals["cash"]["beneficiaries"] == 1
    # The sample also has the year's money (received_and_spent) and its sponsorship; these
    # files are its handouts.
    assert report(ok) == {
        key: value
        for key, value in ok("--sample", "report", "2023", "-f", "json", db=None).json().items()
        if key not in ("year", "received_and_spent", "sponsorships")
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_a_fresh_database(ok, sample_2023, tmp_path, fmt):
    people, given = tmp_path / f"people.{fmt}", tmp_path / f"handouts.{fmt}"
    ok("export", "beneficiaries", "--include-personal-data", "-o", str(people))
    ok("export", "handouts", "-o", str(given))
    fresh = tmp_path / "fresh.db"
    ok("import", "beneficiaries", str(people), db=fresh)
    imported = ok("import", "handouts", str(given), "--format", "json", db=fresh).json()
    assert (imported["rows"], imported["imported"]) == (SAMPLE_HANDOUT_ROWS,) * 2
    assert report(ok, fresh) == report(ok)
    # Handouts naming a beneficiary by id still reach them.
    orphan = ok("beneficiary", "show", "S8R04262", "--format", "json", db=fresh).json()
    # The godmother's twelve monthly pay-outs (sample-2023-handouts.csv).
    assert [h["kind"] for h in orphan["handouts"]] == ["cash"] * 12
    # And again: every row is already there.
    again = ok("import", "handouts", str(given), "--format", "json", db=fresh).json()
    assert (again["imported"], again["already_present"]) == (0, SAMPLE_HANDOUT_ROWS)
    assert report(ok, fresh) == report(ok)


def test_vietnamese_export_imports_back(ok, sample_2023, tmp_path):
    people, given = tmp_path / "nguoi-nhan.xlsx", tmp_path / "luot-trao.csv"
    ok("export", "beneficiaries", "--lang", "vi", "--include-personal-data", "-o", str(people))
    ok("export", "handouts", "--lang", "vi", "-o", str(given))
    fresh = tmp_path / "fresh.db"
    ok("import", "beneficiaries", str(people), db=fresh)
    ok("import", "handouts", str(given), db=fresh)
    assert report(ok, fresh) == report(ok)


def test_dry_run_changes_nothing(ok, run, db_path, tmp_path):
    ok("record", "meal", "-n", "5", "--date", "2023-01-02")
    before = file_state(db_path)
    people = ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES), "--dry-run", "-f", "json")
    assert people.json()["dry_run"] and people.json()["imported"] == 24
    assert (
        "Would import 24 beneficiaries" in people.stderr and "Nothing was changed" in people.stderr
    )
    sheet = write(tmp_path / "h.csv", HEADER + "2023-01-09,meal,60,,,,,\n")
    assert ok("import", "handouts", sheet, "--dry-run", "-f", "json").json()["imported"] == 1
    assert file_state(db_path) == before
    missing = tmp_path / "nothing-here.db"
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES), "--dry-run", db=missing)
    assert not missing.exists()


def test_dry_run_reports_what_would_fail(run, db_path, ok):
    ok("record", "meal", "-n", "5")
    before = file_state(db_path)
    result = run("import", "handouts", str(SAMPLE_HANDOUTS), "--dry-run")
    assert result.exit_code == 1
    first_named = next(
        number
        for number, line in enumerate(SAMPLE_HANDOUTS.read_text(encoding="utf-8").splitlines())
        if number and line.split(",")[3]
    )
    expected = f"row {first_named + 1}, column beneficiary: no beneficiary has that id or code"
    assert expected in result.stderr
    assert file_state(db_path) == before


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(ok, run, db_path, tmp_path):
    ok("record", "meal", "-n", "5")
    before = file_state(db_path)
    sheet = write(
        tmp_path / "old.csv",
        HEADER
        + "2023-01-02,meal,56,,,,,\n"
        + "31/02/2023,meel,abc,,,,12.5,\n"
        + "2023-01-09,,66,,nowhere,,,\n"
        + "2023-01-16,meal,58,,,,,\n",
    )
    result = run("import", "handouts", sheet)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:6] == [
        "  row 3, column date: date does not exist; check the day and the month (day first: "
        "06/03/2023 is 6 March)",
        "  row 3, column kind: unknown kind 'meel'; did you mean 'meal'? see `heartlink kind list`",
        "  row 3, column count: count must be a whole number such as 120, 6.000.000 or 6,000,000",
        "  row 3, column value_vnd: value must be a whole number; a . or , separates thousands: "
        "1.500 is 1500",
        "  row 4, column kind: kind is empty; every row needs one",
        "  row 4, column programme: unknown programme 'nowhere'; see `heartlink programme list`",
    ]
    assert [line for line in lines if line.startswith("Error: ")] == [lines[-1]]
    assert lines[-1].startswith("Error: 6 problems in old.csv; nothing was imported")
    assert file_state(db_path) == before


def test_importing_twice_doubles_nothing_and_identical_rows_are_two(ok, db_path, tmp_path):
    sheet = write(
        tmp_path / "mondays.csv",
        HEADER + "2023-01-02,meal,56,,,,,\n2023-01-02,meal,56,,,,,\n2023-01-09,meal,60,,,,,\n",
    )
    first = ok("import", "handouts", sheet, "--format", "json").json()
    assert first["imported"] == 3
    second = ok("import", "handouts", sheet, "--format", "json").json()
    assert (second["imported"], second["already_present"]) == (0, 3)
    # The same rows typed differently (dates day first, counts grouped) are the same rows; a
    # third identical Monday is new.
    retyped = write(
        tmp_path / "retyped.csv",
        HEADER + "02/01/2023,Suất cơm,56,,,,,\n" * 3 + "9.1.2023,meal,60,,,,,\n",
    )
    third = ok("import", "handouts", retyped, "--format", "json").json()
    assert (third["imported"], third["already_present"]) == (1, 3)
    assert handout_count(db_path) == 4


def test_vietnamese_headers_semicolons_and_grouped_numbers(ok, tmp_path):
    sheet = write(
        tmp_path / "so-cu.csv",
        "Ngày;Loại;Số lượng;Người nhận;Chương trình;Địa điểm;Giá trị (đồng);Ghi chú;Cột khác\n"
        "06/03/2023;banh tet;1.234;;;Công an phường;1.234.567;ghi chú;x\n",
        encoding="utf-8-sig",
    )
    result = ok("import", "handouts", sheet)
    assert "Columns not read: Cột khác" in result.stderr
    row = ok("handout", "list", "--format", "json").json()[0]
    assert (row["date"], row["kind"], row["count"], row["value_vnd"]) == (
        "2023-03-06",
        "cake",
        1234,
        1_234_567,
    )


def test_workbook_with_a_title_row_and_two_sheets(ok, tmp_path):
    path = tmp_path / "2023.xlsx"
    workbook = Workbook()
    people = workbook.active
    people.title = "Người nhận"
    people.append(["Danh sách người nhận 2023"])
    people.append(["Họ tên", "Nhóm đối tượng", "Năm sinh", "Tổ dân phố", "Hộ gia đình"])
    people.append(["Hộ Nguyễn Thị Lan", "Hộ nghèo", 1961, 12, "có"])
    handouts = workbook.create_sheet("Lượt trao")
    handouts.append(["Ngày", "Loại", "Số lượng"])
    import datetime as dt

    handouts.append([dt.datetime(2023, 1, 2), "meal", 56.0])
    workbook.save(path)
    ok("import", "beneficiaries", str(path))
    ok("import", "handouts", str(path))
    person = ok("beneficiary", "list", "--format", "json").json()[0]
    assert (person["categories"], person["group"], person["household"]) == (
        ["poor-household"],
        "tổ 12",
        True,
    )
    assert ok("handout", "list", "--format", "json").json()[0]["count"] == 56


def test_beneficiaries_already_here_are_linked_not_duplicated(ok, tmp_path, db_path):
    here = ok(
        "beneficiary", "add", "Phạm Thị Hoa", "--born", "2012", "--group", "39", "-f", "json"
    ).json()
    new_id = "01GNNA1J00EMXDYMM08QW1VEYT"
    sheet = write(
        tmp_path / "people.csv",
        "name,born,group,categories,id\n"
        f"pham thi hoa,2012,tổ 39,orphan,{new_id}\n"
        "Lê Văn Tám,1990,,after-rehab,\n",
    )
    summary = ok("import", "beneficiaries", sheet, "--format", "json").json()
    assert (summary["imported"], summary["matched"]) == (1, 1)
    assert len(ok("beneficiary", "list", "--format", "json").json()) == 2
    # The file's id for her reaches the record that was already here.
    handouts = write(tmp_path / "h.csv", HEADER + f"2023-06-01,gift,1,{new_id},,,,\n")
    ok("import", "handouts", handouts)
    assert ok("handout", "list", "--format", "json").json()[0]["beneficiary_id"] == here["id"]
    again = ok("import", "beneficiaries", sheet, "--format", "json").json()
    assert (again["imported"], again["matched"], again["already_present"]) == (0, 1, 1)


def test_ambiguous_and_repeated_beneficiaries_are_reported(ok, run, tmp_path, db_path):
    for _ in range(2):
        ok("beneficiary", "add", "Trần Văn Bình", "--born", "1958", "--force")
    before = file_state(db_path)
    sheet = write(
        tmp_path / "people.csv",
        "name,born\nTran Van Binh,1958\nVõ Thị Thu,1975\nvo thi thu,1975\n",
    )
    result = run("import", "beneficiaries", sheet)
    assert result.exit_code == 1
    assert "row 2, column name: matches 2 beneficiaries already here (codes " in result.stderr
    assert "row 4, column name: the same name, birth year and group as row 3" in result.stderr
    assert file_state(db_path) == before


def test_problems_never_show_personal_data(ok, run, tmp_path):
    ok("record", "meal", "-n", "1")
    people = write(
        tmp_path / "people.csv",
        "name,phone,born\nNguyễn Văn An,Số 0987 xyz,1990\nHồ Thị Bé,0987 654 321,2090\n",
    )
    result = run("import", "beneficiaries", people)
    assert result.exit_code == 1
    assert "row 2, column phone" in result.stderr and "row 3, column born" in result.stderr
    for private in ("Nguyễn", "Hồ Thị", "0987"):
        assert private not in result.stderr
    handouts = write(tmp_path / "h.csv", HEADER + "2023-01-02,meal,5,Nguyễn Văn An,,,,\n")
    result = run("import", "handouts", handouts)
    assert "row 2, column beneficiary: that is not a beneficiary id" in result.stderr
    assert "Nguyễn" not in result.stderr


def test_rows_with_an_id_already_here_are_skipped(ok, run, tmp_path):
    handout_id = ok("record", "meal", "-n", "5", "--date", "2023-01-02", "-f", "json").json()["id"]
    sheet = write(tmp_path / "h.csv", f"date,kind,count,id\n2023-01-02,meal,5,{handout_id}\n")
    summary = ok("import", "handouts", sheet, "--format", "json").json()
    assert (summary["imported"], summary["already_present"]) == (0, 1)
    twice = write(
        tmp_path / "twice.csv",
        "date,kind,count,id\n" + "2023-01-03,meal,5,01GNNA1J00EMXDYMM08QW1VEYT\n" * 2,
    )
    result = run("import", "handouts", twice)
    assert "row 3, column id: the same id as row 2" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "code", "says"),
    [
        ("notes.txt", "x", 2, "give a .csv, .xlsx, .xls or .ods file"),
        ("missing.csv", None, 1, "no file"),
        ("no-header.csv", "a,b,c\n1,2,3\n", 1, "has no header row naming the columns date, kind"),
        ("fake.xlsx", "not a zip", 1, "is not a .xlsx workbook"),
        ("twice.csv", "date,kind,count,Số lượng\n", 1, "two columns are read as count"),
    ],
)
def test_files_that_cannot_be_read(run, ok, db_path, tmp_path, name, content, code, says):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("import", "handouts", str(path))
    assert result.exit_code == code, result
    assert result.stderr.startswith("Error: ") and says in result.stderr
    assert result.stderr.count("\n") == 1
    assert file_state(db_path) == before


def test_a_csv_that_is_not_utf8_gets_advice(run, tmp_path):
    path = tmp_path / "cp1258.csv"
    # What "Save as CSV" wrote in older Excel: the Windows code page, not UTF-8.
    path.write_bytes(HEADER.encode() + "2023-01-02,meal,5,,,Quán cà phê,,\n".encode("cp1258"))
    result = run("import", "handouts", str(path))
    assert result.exit_code == 1 and "is not UTF-8 text" in result.stderr


def test_long_files_report_progress_and_import_in_one_go(tmp_path):
    rows = 2500
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "".join(f"2023-01-02,meal,{i + 1},,,,,\n" for i in range(rows)))
    calls = []
    with db.open_for_write(tmp_path / "long.db") as ledger:
        summary = importer.import_handouts(
            ledger, path, officer="test", progress=lambda done, total: calls.append((done, total))
        )
        assert summary["imported"] == rows
        assert ledger.conn.execute("SELECT SUM(count) FROM handout").fetchone()[0] == sum(
            range(1, rows + 1)
        )
    assert calls[0] == (500, rows + 1) and calls[-1] == (rows, rows)


def test_record_and_import_share_their_checks(run, ok, tmp_path):
    ok("record", "meal", "-n", "1")
    typed = run("record", "meel", "-n", "1")
    sheet = write(tmp_path / "h.csv", HEADER + "2023-01-02,meel,1,,,,,\n")
    imported = run("import", "handouts", sheet)
    message = typed.stderr.removeprefix("Error: ").strip()
    assert f"row 2, column kind: {message}" in imported.stderr


def test_an_import_is_one_audit_entry(ok, tmp_path):
    sheet = write(tmp_path / "h.csv", HEADER + "2023-01-02,meal,56,,,,,\n2023-01-09,meal,60,,,,,\n")
    ok("import", "handouts", sheet, "--dry-run")
    ok("import", "handouts", sheet, "--by", "Trung úy Lan")
    entries = ok("log", "--format", "json").json()
    assert [(e["action"], e["officer"], e["target"]) for e in entries] == [
        ("import", "Trung úy Lan", "h.csv")
    ]
    assert (entries[0]["after"]["rows"], entries[0]["after"]["imported"]) == (2, 2)


def test_an_export_imports_again_after_someone_is_archived(ok, sample_2023, tmp_path):
    exported = tmp_path / "handouts.csv"
    ok("export", "handouts", "-o", str(exported))
    ok("beneficiary", "archive", "S8R04262")
    again = ok("import", "handouts", str(exported), "--format", "json").json()
    assert (again["imported"], again["already_present"]) == (0, SAMPLE_HANDOUT_ROWS)


def test_the_sample_workbook_in_data_imports_as_it_is(ok, tmp_path):
    from pathlib import Path

    workbook = Path(__file__).resolve().parents[1] / "data" / "sample-2023.xlsx"
    ok("import", "beneficiaries", str(workbook))
    ok("import", "handouts", str(workbook))
    imported = ok("report", "2023", "--format", "json").json()
    sample = ok("--sample", "report", "2023", "--format", "json", db=None).json()
    assert imported["totals"] == sample["totals"]
    assert imported["overall"] == sample["overall"]


def test_an_unclosed_quote_is_a_problem_not_a_swallowed_file(run, ok, db_path, tmp_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    rows = '2023-01-02,meal,5,,,,,"Bữa trưa\n' + "".join(
        f"2023-01-{d:02d},meal,5,,,,,\n" for d in range(3, 20)
    )
    result = run("import", "handouts", write(tmp_path / "q.csv", HEADER + rows))
    assert result.exit_code == 1 and "quote" in result.stderr, result
    assert file_state(db_path) == before


def test_a_rebuilt_database_does_not_import_the_original_sheet_twice(ok, tmp_path):
    sheet = write(tmp_path / "s.csv", HEADER + "2023-01-02,meal,5,,,,,\n2023-01-09,meal,6,,,,,\n")
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    ok("--db", str(old), "import", "handouts", sheet, db=None)
    exported = tmp_path / "export.csv"
    ok("--db", str(old), "export", "handouts", "--output", str(exported), db=None)
    ok("--db", str(new), "import", "handouts", str(exported), db=None)
    again = ok("--db", str(new), "import", "handouts", sheet, "--format", "json", db=None).json()
    assert again["imported"] == 0 and again["already_present"] == 2
    first = ok("--db", str(old), "handout", "list", "--format", "json", db=None).json()
    second = ok("--db", str(new), "handout", "list", "--format", "json", db=None).json()
    assert [h["created_at"] for h in first] == [h["created_at"] for h in second]


def test_two_people_alike_but_with_their_own_ids_import_back(ok, tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    ok("--db", str(old), "beneficiary", "add", "Lê Văn Tám", "--born", "1990", db=None)
    ok("--db", str(old), "beneficiary", "add", "Lê Văn Tám", "--born", "1990", "--force", db=None)
    out = tmp_path / "people.csv"
    ok(
        "--db",
        str(old),
        "export",
        "beneficiaries",
        "--include-personal-data",
        "--output",
        str(out),
        db=None,
    )
    ok("--db", str(new), "import", "beneficiaries", str(out), db=None)
    assert len(ok("--db", str(new), "beneficiary", "list", "--format", "json", db=None).json()) == 2


def test_import_problems_never_show_what_was_in_the_cell(run, tmp_path):
    people = write(tmp_path / "p.csv", "Họ,Tên,Mã heartlink\nNguyễn Văn,An,048080001234\n")
    result = run("import", "beneficiaries", people)
    for private in ("Nguyễn", "048080001234"):
        assert private not in result.stderr, result.stderr
    handouts = write(tmp_path / "h.csv", HEADER + "2023-01-02,meal,5,0905123456,,,,\n")
    result = run("import", "handouts", handouts)
    assert result.exit_code == 1 and "0905123456" not in result.stderr


def test_a_fractional_number_cell_is_refused_not_read_as_thousands(run, tmp_path):
    book = Workbook()
    book.active.append(["date", "kind", "count"])
    book.active.append(["2023-01-02", "meal", 1.234])
    book.save(tmp_path / "x.xlsx")
    result = run("import", "handouts", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "whole number" in result.stderr


def test_a_failed_import_creates_no_database(run, db_path, tmp_path):
    bad = write(tmp_path / "bad.csv", HEADER + "2023-02-30,meal,5,,,,,\n")
    assert run("import", "handouts", bad).exit_code == 1
    assert not db_path.exists()


def test_csv_exports_keep_formulas_as_text_and_import_them_back(ok, tmp_path):
    note = '=HYPERLINK("http://x.example","Bấm")'
    ok("record", "meal", "-n", "3", "-d", "2023-01-02", "--note", note, "--place", "@home")
    out = tmp_path / "h.csv"
    ok("export", "handouts", "--output", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",'@home," in text
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "import", "handouts", str(out), db=None)
    [row] = ok("--db", str(fresh), "handout", "list", "--format", "json", db=None).json()
    assert row["note"] == note and row["place"] == "@home"


def _import_result(ledger_path, sheet, **kwargs):
    """A handout import's summary, or its problems as the lines the command prints."""
    with db.open_for_write(ledger_path) as ledger:
        try:
            return importer.import_handouts(ledger, sheet, officer="test", **kwargs)
        except importer.ImportProblems as exc:
            return [str(problem) for problem in exc.problems]


@pytest.mark.parametrize("batch", [1, 2, 3, 1000])
def test_ids_looked_up_in_batches_give_what_one_row_at_a_time_gives(
    ok, db_path, tmp_path, monkeypatch, batch
):
    """Rows whose id is here are skipped unchecked, and repeated ids refused with the row they
    repeat, however the rows fall into look-up batches (1 is one row at a time)."""
    monkeypatch.setattr(importer, "BATCH", batch)
    here = ok("record", "meal", "-n", "5", "--date", "2023-01-02", "-f", "json").json()["id"]
    new, other = "01GNNA1J00EMXDYMM08QW1VEYT", "01GNNA1J00EMXDYMM08QW1VEYV"
    sheet = write(
        tmp_path / "ids.csv",
        "date,kind,count,id\n"
        f"2023-01-02,meel,5,{here.lower()}\n"  # 2: here (in lower case): skipped unchecked
        f"2023-01-03,meal,5,{new}\n"  # 3: new
        "2023-01-04,meel,5,\n"  # 4: no id: checked
        f"2023-01-05,meal,x,{here}\n"  # 5: repeats row 2, and is checked
        f"2023-01-06,meal,5,{new}\n"  # 6: repeats row 3, from another batch
        f"31/02/2023,meal,5,{other}\n"  # 7: new, checked
        f"2023-01-07,meal,5,{here[:-1]}*\n",  # 8: not an id
    )
    assert _import_result(db_path, sheet) == [
        "row 4, column kind: unknown kind 'meel'; did you mean 'meal'? see `heartlink kind list`",
        "row 5, column id: the same id as row 2",
        "row 5, column count: count must be a whole number such as 120, 6.000.000 or 6,000,000",
        "row 6, column id: the same id as row 3",
        "row 7, column date: date does not exist; check the day and the month (day first: "
        "06/03/2023 is 6 March)",
        "row 8, column id: that is not a valid id (26 characters of Crockford base32)",
    ]
    good = write(
        tmp_path / "good.csv",
        "date,kind,count,id\n"
        f"2023-01-02,meel,5,{here}\n"
        f"2023-01-03,meal,5,{new}\n"
        "2023-01-04,meal,5,\n"
        f"2023-01-05,meal,5,{other.lower()}\n",
    )
    summary = _import_result(db_path, good)
    assert (summary["rows"], summary["imported"], summary["already_present"]) == (4, 3, 1)
    again = _import_result(db_path, good)
    assert (again["rows"], again["imported"], again["already_present"]) == (4, 0, 4)


def test_dates_remembered_by_their_text_are_read_against_each_import_own_today():
    """An import reads each date text once (its HandoutRules remembers it); what it remembers
    never reaches a check against another day, where "today" or a future date differs."""
    texts = ["today", "Hôm qua", "2023-03-08", "08/03/2023", "2023-03-07", "2023-02-30", "x"]
    with db.open_memory() as ledger:
        days = [dt.date(2023, 3, 6), dt.date(2023, 3, 9)]
        all_rules = [handouts.HandoutRules(ledger.conn, day) for day in days]
        for _ in range(2):  # the second time from what each remembers
            for rules in all_rules:
                for text in texts:
                    given = {"date": text, "kind": "meal", "count": "1"}
                    row, problems = rules.check(given)
                    values, expected = handouts.HandoutRules.check_values(given, rules.today)
                    assert [(f, str(e)) for f, e in problems] == [(f, str(e)) for f, e in expected]
                    assert (row and row["date"]) == (values["date"] and values["date"].isoformat())
    assert (all_rules[0]._dates["today"], all_rules[1]._dates["today"]) == tuple(days)
    assert "2023-03-08" not in all_rules[0]._dates  # in the future on the 6th: refused
    assert all_rules[1]._dates["2023-03-08"] == dt.date(2023, 3, 8)


def test_csv_cells_and_workbook_values_give_the_same_records(tmp_path):
    """CSV cells are text as read; a workbook's values become the text a person would have
    typed. Either way, short rows read as empty cells, blank rows are left out, and a row with
    text only past the header's last heading is kept and said to be wrong (its empty fields
    are then reported too)."""
    rows = [
        ("2023-01-02", "meal", "5", "", "", "", "", "Bữa trưa"),
        (dt.datetime(2023, 1, 3), "meal", 6.0, None, None, None, 1500),
        ("2023-01-04", "meal", 7),
        (" ", None, "\t"),
        ("", "", "", "", "", "", "", "", "not read"),
        (dt.date(2023, 1, 5), "cake", 1.5, None, None, None, None, True),
    ]
    book = Workbook()
    book.active.append(["Title"])
    book.active.append(HEADER.strip().split(","))
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "h.xlsx")
    typed = [[sheets._text(value) for value in row] for row in rows]
    (tmp_path / "h.csv").write_text(
        "Title\n" + HEADER + "".join(",".join(row) + "\n" for row in typed), encoding="utf-8"
    )
    read = []
    for name in ("h.csv", "h.xlsx"):
        with sheets.open_sheet(tmp_path / name, importer.HANDOUT_COLUMNS) as sheet:
            read.append(list(sheet.records()))
    fields = HEADER.strip().split(",")
    past_the_header = "9 cells, the header has 8; give the extra cells a heading or remove them"
    expected = [
        (3 + i, dict(zip(fields, typed[i] + [""] * 8, strict=False)), None) for i in (0, 1, 2, 4, 5)
    ]
    expected[3] = (*expected[3][:2], past_the_header)
    assert read == [expected, expected]
    assert expected[1][1]["date"] == "2023-01-03" and expected[1][1]["count"] == "6"
    assert expected[4][1]["count"] == "1.500000" and expected[4][1]["note"] == "1"


def test_row_keys_keep_the_bytes_they_were_stored_with():
    """Keys stored by earlier imports make re-imports skip their rows: the same content and
    occurrence must always give the same key (these were computed with json.dumps)."""
    meal = {"date": "2023-03-06", "kind": "meal", "count": 120, "beneficiary_id": None}
    meal |= {"programme": "meals", "value_vnd": None, "place": None, "note": None}
    cash = {"date": "2023-03-06", "kind": "cash", "count": 1}
    cash |= {"beneficiary_id": "01GNNA1J00EMXDYMM08QW1VEYT", "programme": "tết"}
    cash |= {"value_vnd": 6_000_000, "place": 'Bệnh viện "Ung bướu" Đà Nẵng'}
    cash["note"] = "tab\there\nline \\ \u2028 \x7f 😀"
    occurrences: Counter[bytes] = Counter()
    keys = [
        importer.row_key(meal, {}, occurrences),
        importer.row_key(meal, {}, occurrences),
        importer.row_key(cash, {"programme": "tết", "value_vnd": "6.000.000"}, occurrences),
    ]
    assert keys == [
        "7c08d53224dba1a92df49c91be7b8ba9",
        "e7a3aa6f25d8addf03c982d92c9496c5",
        "5ec22a3cc1018a4e6c0f9faa6693976d",
    ]


def test_an_import_works_with_a_larger_page_cache_and_gives_it_back(tmp_path, monkeypatch):
    seen = []
    insert = handouts.insert

    def watched(conn, rows):
        seen.append(conn.execute("PRAGMA cache_size").fetchone()[0])
        insert(conn, rows)

    watched_sheet = importer.HANDOUTS._replace(insert=watched)
    monkeypatch.setattr(
        importer, "import_handouts", partial(importer.import_entries, watched_sheet)
    )
    sheet = write(tmp_path / "h.csv", HEADER + "2023-01-02,meal,56,,,,,\n")
    bad = write(tmp_path / "bad.csv", HEADER + "2023-02-30,meal,56,,,,,\n")
    with db.open_for_write(tmp_path / "h.db") as ledger:
        before = ledger.conn.execute("PRAGMA cache_size").fetchone()[0]
        assert importer.import_handouts(ledger, sheet, officer="test")["imported"] == 1
        with pytest.raises(importer.ImportProblems):
            importer.import_handouts(ledger, bad, officer="test")
        assert ledger.conn.execute("PRAGMA cache_size").fetchone()[0] == before
    assert seen == [-importer.IMPORT_CACHE_KIB]
