"""Sheets laid out as Vietnamese offices keep them, written as real files: .xlsx (openpyxl),
.ods (the OpenDocument XML, written here), CSV with semicolons; the .xls is a committed fixture
made from the same rows (tests/fixtures/make_office_xls.py says how).

A sheet is its rows (Python values, None for an empty cell, from row 1 and column A) and its
merged ranges ("B6:B8").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils.cell import range_boundaries

FIXTURES = Path(__file__).with_name("fixtures")
MONDAY, NEXT_MONDAY = dt.date(2023, 3, 6), dt.date(2023, 3, 13)

# Handouts: a title, a blank row, a header of two rows (STT and Ngày merged down both, "Hàng
# trao" merged over Loại and Số lượng), a date merged down three rows, the total row, the
# place and date, the signature block.
HANDOUT_ROWS: list[list] = [
    ["CÔNG AN PHƯỜNG THANH KHÊ ĐÔNG", None, None, None, None],
    ["DANH SÁCH TRAO QUÀ THÁNG 3 NĂM 2023", None, None, None, None],
    [None, None, None, None, None],
    ["STT", "Ngày", "Hàng trao", None, "Ghi chú"],
    [None, None, "Loại", "Số lượng", None],
    [1, MONDAY, "Suất cơm", 120, None],
    [2, None, "Nước chanh", 50, None],
    [3, None, "Bánh tét", 10, "Tết muộn"],
    [4, NEXT_MONDAY, "cơm", 100, None],
    ["Tổng cộng", None, None, 280, None],
    [None, None, None, None, None],
    [None, None, None, "Đà Nẵng, ngày 31 tháng 3 năm 2023", None],
    ["Người lập biểu", None, None, "Thủ trưởng đơn vị", None],
    ["(Ký, ghi rõ họ tên)", None, None, "(Ký, ghi rõ họ tên)", None],
    ["Nguyễn Văn An", None, None, "Trần Văn Bình", None],
]
HANDOUT_DATE_MERGE = "B6:B8"
HANDOUT_MERGES = ["A4:A5", "B4:B5", "C4:D4", "E4:E5", HANDOUT_DATE_MERGE, "A10:C10"]
# Rows 6 to 9 are read; row 10 is the total, rows 12 to 15 are below it.
HANDOUT_LEFT_OUT = [
    {"first_row": 10, "last_row": 10, "reason": "total"},
    {"first_row": 12, "last_row": 15, "reason": "below"},
]

# Handouts of a quarter with a subtotal under each month ("Cộng tháng 1", or "Cộng" alone)
# and more data below it, a subtotal of the last month right above the final total.
SUBTOTAL_ROWS: list[list] = [
    ["DANH SÁCH TRAO QUÀ QUÝ I NĂM 2023", None, None, None, None],
    ["STT", "Ngày", "Loại", "Số lượng", "Ghi chú"],
    [1, dt.date(2023, 1, 2), "Suất cơm", 120, None],
    [2, dt.date(2023, 1, 9), "Suất cơm", 100, None],
    ["Cộng tháng 1", None, None, 220, None],
    [None, None, None, None, None],
    [3, dt.date(2023, 2, 6), "Nước chanh", 50, None],
    ["Cộng", None, None, 50, None],
    [4, MONDAY, "Bánh tét", 10, None],
    [5, NEXT_MONDAY, "Suất cơm", 90, None],
    ["Cộng tháng 3", None, None, 100, None],
    ["Tổng cộng", None, None, 370, None],
    [None, "Người lập biểu", None, None, None],
    [None, "Nguyễn Văn An", None, None, None],
]
SUBTOTAL_LEFT_OUT = [
    {"first_row": 5, "last_row": 5, "reason": "subtotal"},
    {"first_row": 8, "last_row": 8, "reason": "subtotal"},
    {"first_row": 11, "last_row": 11, "reason": "subtotal"},
    {"first_row": 12, "last_row": 12, "reason": "total"},
    {"first_row": 13, "last_row": 14, "reason": "below"},
]
# Beneficiaries: a title, Vietnamese headings with STT, categories in everyday words, a phone
# that lost its leading zero (a number cell) and one kept as text with a guard apostrophe, and
# a signature block with no total row above it.
BENEFICIARY_ROWS: list[list] = [
    ["DANH SÁCH ĐỐI TƯỢNG", None, None, None, None, None, None],
    [None, None, None, None, None, None, None],
    ["STT", "Họ và tên", "Năm sinh", "Tổ", "Đối tượng", "Số điện thoại", "Ghi chú"],
    [1, "Lê Thị Hoa", 2012, 39, "Mồ côi", 935123456, None],
    [2, "Phạm Văn Sơn", 1950, "Tổ 8", "Cao tuổi; Khuyet tat", "'0905123456", None],
    [3, "Võ Thị Lan", 1980, 12, "Hộ cận nghèo", None, "con học lớp 5"],
    [None, None, None, None, None, None, None],
    [None, "Người lập biểu", None, None, "Thủ trưởng đơn vị", None, None],
    [None, "Nguyễn Văn An", None, None, "Trần Văn Bình", None, None],
]
BENEFICIARY_LEFT_OUT = [
    {"first_row": 8, "last_row": 8, "reason": "signature"},
    {"first_row": 9, "last_row": 9, "reason": "below"},
]


def merged(ranges: list[str]) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of each range, from 1."""
    return [range_boundaries(text) for text in ranges]


def with_dates_repeated(rows: list[list], merges: list[str]) -> list[list]:
    """The rows as a sheet without merged cells has them: every row of a range merged down
    holds the value of its first."""
    rows = [list(row) for row in rows]
    for first_column, first_row, _last_column, last_row in merged(merges):
        for row in rows[first_row:last_row]:
            if row[first_column - 1] is None:
                row[first_column - 1] = rows[first_row - 1][first_column - 1]
    return rows


def write_sheet(path: Path, rows: list[list], merges: list[str]) -> Path:
    """The sheet as a file of the kind its suffix names (.xlsx, .ods, .csv); in CSV, which has
    no merged cells, every row holds the value of a range merged down, as such a file must."""
    if path.suffix == ".xlsx":
        return write_xlsx(path, rows, merges)
    if path.suffix == ".ods":
        return write_ods(path, rows, merges)
    return write_csv(path, with_dates_repeated(rows, merges))


def write_xlsx(path: Path, rows: list[list], merges: list[str]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tháng 3"
    for row in rows:
        sheet.append(row)
    for text in merges:
        sheet.merge_cells(text)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], delimiter: str = ";") -> Path:
    """CSV as Excel in a Vietnamese locale saves it: semicolons, dates day first, BOM."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows([[text(v) for v in row] for row in rows])
    return path


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def write_ods(path: Path, rows: list[list], merges: list[str]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice writes one: a merged range is its first cell
    with number-rows-spanned / number-columns-spanned, and covered cells after it; equal cells
    side by side, and equal rows, written once with number-columns- / number-rows-repeated."""
    spans, covered = {}, set()
    for first_column, first_row, last_column, last_row in merged(merges):
        spans[(first_row, first_column)] = (
            last_row - first_row + 1,
            last_column - first_column + 1,
        )
        for r in range(first_row, last_row + 1):
            for c in range(first_column, last_column + 1):
                if (r, c) != (first_row, first_column):
                    covered.add((r, c))
    body = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row, 1):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            span = ""
            if (r, c) in spans:
                down, across = spans[(r, c)]
                span = (
                    f' table:number-rows-spanned="{down}" table:number-columns-spanned="{across}"'
                )
            if value is None:
                cells.append(f"<table:table-cell{span}/>")
            elif isinstance(value, dt.date):
                cells.append(
                    f'<table:table-cell{span} office:value-type="date" '
                    f'office:date-value="{value.isoformat()}"><text:p>'
                    f"{value.strftime('%d/%m/%Y')}</text:p></table:table-cell>"
                )
            elif isinstance(value, int):
                cells.append(
                    f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell{span} office:value-type="string">'
                    f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
                )
        body.append(_repeated(cells, "columns"))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="Tháng 3">'
        + "".join(
            f"<table:table-row{repeat}>{cells}</table:table-row>"
            for cells, repeat in _runs(body, "rows")
        )
        + "</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest {_ODS_NAMESPACES} '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as ods:
        # The mimetype first and stored uncompressed, as the format requires.
        ods.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        ods.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        ods.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _runs(items: list, what: str) -> list[tuple]:
    """Consecutive equal items as (item, the attribute saying how many there are), the way
    LibreOffice compresses equal cells (number-columns-repeated) and rows (number-rows-repeated)."""
    runs: list[list] = []
    for item in items:
        if runs and runs[-1][0] == item:
            runs[-1][1] += 1
        else:
            runs.append([item, 1])
    return [
        (item, f' table:number-{what}-repeated="{count}"' if count > 1 else "")
        for item, count in runs
    ]


def _repeated(cells: list[str], what: str) -> str:
    """The cells of a row, equal neighbours written once with how many there are."""
    return "".join(
        re.sub(r"^(<table:[a-z-]+)", r"\g<1>" + repeat, cell, count=1)
        for cell, repeat in _runs(cells, what)
    )
