"""`heartlink import` of sheets as offices keep them, as real files (.xlsx, .xls, .ods, CSV with
semicolons): a title above the header, an STT column, a header of two rows, dates merged down
several rows (read from an .ods file's own XML too), subtotal rows left out inside the data, the
total row and signature block left out and named, totals and subtotals checked against their
rows, Vietnamese category and kind words, and phones that lost their leading zero."""

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
    SUBTOTAL_LEFT_OUT,
    SUBTOTAL_ROWS,
    write_ods,
    write_sheet,
)

from conftest import file_state

HANDOUTS_READ = [
    ("2023-03-06", "meal", 120, None),
    ("2023-03-06", "lemonade", 50, None),
    ("2023-03-06", "cake", 10, "Tết muộn"),
    ("2023-03-13", "meal", 100, None),
]


def handouts_sheet(tmp_path, fmt, rows=HANDOUT_ROWS, merges=HANDOUT_MERGES):
    """The office's handout sheet in `fmt` (the .xls is the committed fixture)."""
    path = tmp_path / f"tra-qua.{fmt}"
    if fmt == "xls":
        return shutil.copy(FIXTURES / "office-handouts.xls", path)
    return write_sheet(path, rows, merges)


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
        {"row": 10, "column": "count", "total": 300, "sum": 280, "reason": "total"}
    ]
    assert "row 10: the total of count is 300, but the rows above it add up to 280" in (
        result.stderr
    )
    assert len(stored_handouts(db_path)) == 4


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_blank_date_not_merged_is_refused(run, ok, db_path, tmp_path, fmt):
    """Only a merged cell gives its value to the rows under it: a blank date is never filled
    from the row above."""
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    unmerged = [text for text in HANDOUT_MERGES if text != HANDOUT_DATE_MERGE]
    result = run("import", "handouts", str(handouts_sheet(tmp_path, fmt, merges=unmerged)))
    assert result.exit_code == 1, result
    assert "row 7, column date: date is empty; every row needs one\n" in result.stderr
    assert "row 8, column date: date is empty; every row needs one\n" in result.stderr
    assert result.stderr.count("Error: ") == 1 and "Traceback" not in result.stderr
    assert file_state(db_path) == before


def test_repeated_rows_and_cells_before_a_merged_date_do_not_shift_it(ok, db_path, tmp_path):
    """An .ods writes equal rows and cells once, with how many there are: two blank rows above
    the title and two blank columns left of the table (each written once, repeated) move the
    merged date to D8:D10, and it is read there."""
    from openpyxl.worksheet.cell_range import CellRange

    rows = [[None] * 7, [None] * 7] + [[None, None, *row] for row in HANDOUT_ROWS]
    merges = []
    for text in HANDOUT_MERGES:
        cells = CellRange(text)
        cells.shift(col_shift=2, row_shift=2)
        merges.append(cells.coord)
    assert "D8:D10" in merges
    result = ok(
        "import", "handouts", str(write_ods(tmp_path / "far.ods", rows, merges)), "-f", "json"
    )
    assert stored_handouts(db_path) == HANDOUTS_READ
    assert result.json()["left_out"] == [
        {"first_row": 12, "last_row": 12, "reason": "total"},
        {"first_row": 14, "last_row": 17, "reason": "below"},
    ]


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
    if fmt == "xls":
        shutil.copy(FIXTURES / "office-beneficiaries.xls", path)
    else:
        write_sheet(path, BENEFICIARY_ROWS, [])
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


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_subtotal_rows_inside_the_data_are_left_out_and_reading_goes_on(ok, db_path, tmp_path, fmt):
    path = write_sheet(tmp_path / f"quy-1.{fmt}", SUBTOTAL_ROWS, [])
    result = ok("import", "handouts", str(path), "--format", "json")
    summary = result.json()
    assert (summary["rows"], summary["imported"]) == (5, 5)
    assert summary["left_out"] == SUBTOTAL_LEFT_OUT
    assert summary["total_mismatches"] == []
    assert stored_handouts(db_path) == [
        ("2023-01-02", "meal", 120, None),
        ("2023-01-09", "meal", 100, None),
        ("2023-02-06", "lemonade", 50, None),
        ("2023-03-06", "cake", 10, None),
        ("2023-03-13", "meal", 90, None),
    ]
    assert "row 5: a subtotal row, left out" in result.stderr
    assert "row 11: a subtotal row, left out" in result.stderr
    assert "row 12: a total row, left out" in result.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_subtotal_is_checked_against_the_rows_since_the_one_before(ok, db_path, tmp_path, fmt):
    rows = [list(row) for row in SUBTOTAL_ROWS]
    rows[7][3] = 60  # month 2's one row holds 50
    rows[11][3] = 400  # all the rows add up to 370
    path = write_sheet(tmp_path / f"quy-1.{fmt}", rows, [])
    result = ok("import", "handouts", str(path), "--format", "json")
    assert result.json()["total_mismatches"] == [
        {"row": 8, "column": "count", "total": 60, "sum": 50, "reason": "subtotal"},
        {"row": 12, "column": "count", "total": 400, "sum": 370, "reason": "total"},
    ]
    assert (
        "row 8: the subtotal of count is 60, but the rows since the previous subtotal add up "
        "to 50; check the sheet"
    ) in result.stderr
    assert "row 12: the total of count is 400, but the rows above it add up to 370" in (
        result.stderr
    )
    assert len(stored_handouts(db_path)) == 5
