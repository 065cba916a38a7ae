"""`heartlink import` of sheets as offices keep them, as real files (.xlsx, .xls, .ods, CSV with
semicolons): a title above the header, an STT column, a header of two rows, dates merged down
several rows, the total row and signature block left out and named, a total checked against
its rows, Vietnamese category and kind words, and phones that lost their leading zero."""

import shutil
import sqlite3

import pytest
from sheetfiles import (
    BENEFICIARY_LEFT_OUT,
    BENEFICIARY_ROWS,
    FIXTURES,
    HANDOUT_DATE_MERGE,
    HANDOUT_LEFT_OUT,
    HANDOUT_MERGES,
    HANDOUT_ROWS,
    with_dates_repeated,
    write_csv,
    write_ods,
    write_xlsx,
)

from conftest import file_state

HANDOUTS_READ = [
    ("2023-03-06", "meal", 120, None),
    ("2023-03-06", "lemonade", 50, None),
    ("2023-03-06", "cake", 10, "Tết muộn"),
    ("2023-03-13", "meal", 100, None),
]


def handouts_sheet(tmp_path, fmt, rows=HANDOUT_ROWS, merges=HANDOUT_MERGES):
    """The office's handout sheet in `fmt`; where the format has no merged cells read (CSV,
    .ods), every row holds its date, as such a file must."""
    path = tmp_path / f"tra-qua.{fmt}"
    if fmt == "xlsx":
        return write_xlsx(path, rows, merges)
    if fmt == "xls":
        return shutil.copy(FIXTURES / "office-handouts.xls", path)
    if fmt == "ods":
        unmerged = [text for text in merges if text != HANDOUT_DATE_MERGE]
        return write_ods(path, with_dates_repeated(rows, merges), unmerged)
    return write_csv(path, with_dates_repeated(rows, merges))


def stored_handouts(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT date, kind, count, note FROM handout ORDER BY rowid").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv"])
def test_an_office_handout_sheet_imports_and_names_the_rows_left_out(ok, db_path, tmp_path, fmt):
    sheet = handouts_sheet(tmp_path, fmt)
    result = ok("import", "handouts", str(sheet), "--format", "json")
    summary = result.json()
    assert (summary["rows"], summary["imported"]) == (4, 4)
    assert summary["left_out"] == HANDOUT_LEFT_OUT
    assert summary["total_mismatches"] == []
    assert summary["ignored_columns"] == ["STT"]
    assert stored_handouts(db_path) == HANDOUTS_READ
    assert "row 10: a total row, left out" in result.stderr
    assert "rows 12–15: below the end of the data, left out" in result.stderr
    # The signatories' names are not repeated: nothing personal in what is printed.
    assert "Nguyễn" not in result.stderr + result.stdout


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_a_total_that_disagrees_with_its_rows_is_reported(ok, db_path, tmp_path, fmt):
    rows = [list(row) for row in HANDOUT_ROWS]
    rows[9][3] = 300  # the rows add up to 280
    result = ok("import", "handouts", str(handouts_sheet(tmp_path, fmt, rows)), "-f", "json")
    assert result.json()["total_mismatches"] == [
        {"row": 10, "column": "count", "total": 300, "sum": 280}
    ]
    assert "row 10: the total of count is 300, but the rows above it add up to 280" in (
        result.stderr
    )
    assert len(stored_handouts(db_path)) == 4


def test_a_date_merged_in_an_ods_sheet_is_not_invented(run, ok, db_path, tmp_path):
    """python-calamine gives no merged ranges for .ods: a blank date under a merged one is
    refused with how to fix the sheet, not filled from the row above."""
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    sheet = write_ods(tmp_path / "merged.ods", HANDOUT_ROWS, HANDOUT_MERGES)
    result = run("import", "handouts", str(sheet))
    assert result.exit_code == 1, result
    assert "row 7, column date: date is empty; every row needs one (cells merged down" in (
        result.stderr
    )
    assert "row 8, column date" in result.stderr and "save the sheet as .xlsx" in result.stderr
    assert result.stderr.count("Error: ") == 1 and "Traceback" not in result.stderr
    assert file_state(db_path) == before


def test_a_blank_date_not_merged_is_refused_in_an_xlsx_sheet(run, tmp_path):
    sheet = write_xlsx(tmp_path / "blank.xlsx", HANDOUT_ROWS, ["A4:A5", "B4:B5", "C4:D4"])
    result = run("import", "handouts", str(sheet))
    assert result.exit_code == 1
    assert "row 7, column date: date is empty; every row needs one\n" in result.stderr


def stored_people(db_path):
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT b.name, b.phone, b.residential_group, (SELECT group_concat(category, ';')"
            " FROM (SELECT category FROM beneficiary_category c WHERE c.beneficiary_id = b.id"
            " ORDER BY category)) FROM beneficiary b ORDER BY b.rowid"
        )
        return rows.fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods", "csv"])
def test_an_office_beneficiary_sheet_imports(ok, db_path, tmp_path, fmt):
    path = tmp_path / f"doi-tuong.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path, BENEFICIARY_ROWS, [])
    elif fmt == "xls":
        shutil.copy(FIXTURES / "office-beneficiaries.xls", path)
    elif fmt == "ods":
        write_ods(path, BENEFICIARY_ROWS, [])
    else:
        write_csv(path, BENEFICIARY_ROWS)
    result = ok("import", "beneficiaries", str(path), "--format", "json")
    summary = result.json()
    assert (summary["imported"], summary["phones_restored"]) == (3, 1)
    assert summary["left_out"] == BENEFICIARY_LEFT_OUT
    assert stored_people(db_path) == [
        ("Lê Thị Hoa", "0935123456", "tổ 39", "orphan"),
        ("Phạm Văn Sơn", "0905123456", "tổ 8", "disabled;elderly"),
        ("Võ Thị Lan", None, "tổ 12", "near-poor-household"),
    ]
    assert "phone numbers given back the leading 0 a spreadsheet had taken off" in result.stderr
    assert "0935123456" not in result.stderr and "935123456" not in result.stderr
    assert "row 8: a signature block or the place and date above one, left out" in result.stderr


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        ("Mồ côi", "orphan"),
        ("Khuyết tật", "disabled"),
        ("Cao tuổi", "elderly"),
        ("Người cao tuổi", "elderly"),
        ("Sau cai nghiện", "after-rehab"),
        ("Bệnh nhân", "patient"),
        ("Học sinh", "student"),
        ("hoc sinh", "student"),
        ("Hộ nghèo", "poor-household"),
        ("Hộ cận nghèo", "near-poor-household"),
        ("ho can ngheo", "near-poor-household"),
    ],
)
def test_everyday_category_words_are_read_on_the_command_line(ok, word, slug):
    person = ok("beneficiary", "add", "Lê Thị Hoa", "-c", word, "-f", "json").json()
    assert person["categories"] == [slug]


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        ("Suất cơm", "meal"),
        ("com", "meal"),
        ("Bánh tét", "cake"),
        ("banh tet", "cake"),
        ("Sách vở", "school-supplies"),
        ("xe dap", "bicycle"),
        ("Quà", "gift"),
    ],
)
def test_everyday_kind_words_are_read_on_the_command_line(ok, word, slug):
    assert ok("record", word, "-n", "3", "-f", "json").json()["kind"] == slug


def test_a_short_form_of_two_kinds_is_refused_naming_both(run, ok, db_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    result = run("record", "Suất", "-n", "3")
    assert result.exit_code == 2, result
    assert result.stderr == "Error: 'suat' matches kinds meal and exam-prep; use the slug\n"
    assert file_state(db_path) == before
