"""Excel workbooks (.xlsx), written with openpyxl in write-only mode: rows stream to the file,
so a sheet of a million handouts takes no more memory than one of a thousand.

Each sheet has a title row (the station, the year, the view), then a bold, shaded header row,
both frozen so they stay in view while scrolling; numbers and money are numbers (with
thousands separators shown as the reader's Excel or LibreOffice writes them), dates are dates,
and column widths fit the longest value. A table's total row (bold, under a rule) and its note
close the sheet.

Every sheet prints on A4 (landscape when its columns are wider than a portrait page), fitted to
one page wide, the title and header rows repeated on each page, and the station and the page
number in the footer.
"""

import contextlib
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from heartlink.cli.render import Destination, looks_like_formula
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import Formatter, _
from heartlink.tables import Column, Table

if TYPE_CHECKING:
    from pathlib import Path

MAX_WIDTH = 60
# Column widths count characters of the body font; a bold heading is about this much wider, and
# a heading narrower than its column breaks mid-word when printed.
BOLD = 1.15
# The columns (in characters) an A4 portrait page holds at 100 %, within Excel's default margins.
PORTRAIT_WIDTH = 90
NUMBER_FORMATS = {
    "number": "#,##0",
    "signed": "+#,##0;-#,##0;0",
    "money": '#,##0 "₫"',
    "percent": '+0.0"%";-0.0"%";0.0"%"',
}
# Excel keeps at most this many characters in a cell (and cuts longer text when it opens one).
MAX_CELL_TEXT = 32_767
REPLACEMENT = "\ufffd"


def write(tables: Sequence[Table], destination: Destination) -> list[str]:
    """A workbook of `tables`, a sheet each, written to `destination.stream`; returns notes for
    the person at the terminal. Every table is read once first (widths, Excel's limits), so a
    workbook that cannot be written is refused before anything is."""
    from heartlink import files

    widths = [_fitted_widths(table) for table in tables]
    cleaner = _Cleaner()
    with files.scratch_folder_beside(destination.path) as scratch, _temporary_files_in(scratch):
        workbook = Workbook(write_only=True)
        try:
            for table, table_widths in zip(tables, widths, strict=True):
                _write_sheet(workbook, table, table_widths, destination, cleaner)
            _save(workbook, destination.stream)
        except BaseException:
            _abandon(workbook)
            raise
    return cleaner.notes()


def _abandon(workbook: Any) -> None:
    """A workbook that failed half-way (a full disk, Ctrl-C): its sheets' streams closed now,
    their errors ignored (the first error is the one to report). Left to the garbage collector,
    each would print a traceback at exit, after the Error: line. openpyxl has no public way to
    drop a write-only sheet, hence its private generators."""
    for worksheet in workbook.worksheets:
        writer = getattr(worksheet, "_writer", None)
        for stream in (getattr(worksheet, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                with contextlib.suppress(BaseException):
                    stream.close()


def _save(workbook: Any, stream: Any) -> None:
    """openpyxl's save_workbook, closing the archive when writing fails (a full disk): left to
    the garbage collector, it would try again at exit and print a traceback."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    archive = ZipFile(stream, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(workbook, archive).save()
    except BaseException:
        with contextlib.suppress(Exception):
            archive.close()
        raise


class _Cleaner:
    """Text as a workbook can hold it: control characters (which old databases may hold, and
    which openpyxl refuses) replaced by U+FFFD, counted."""

    def __init__(self) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.pattern = ILLEGAL_CHARACTERS_RE
        self.cells = 0

    def __call__(self, text: str) -> str:
        cleaned, found = self.pattern.subn(REPLACEMENT, text)
        if found:
            self.cells += 1
        return cleaned

    def notes(self) -> list[str]:
        if not self.cells:
            return []
        return [
            _(
                "Note: {cells:,} cells held control characters, which Excel "
                "cannot store; each was replaced by {REPLACEMENT}."
            ).format(cells=self.cells, REPLACEMENT=REPLACEMENT)
        ]


@contextmanager
def _temporary_files_in(folder: "Path") -> Iterator[None]:
    """openpyxl's write-only sheets stream into temporary files in the system's temp folder,
    where a killed export would leave every name it wrote: inside this block they go to
    `folder` (beside the output, owner-only, removed whatever happens) instead."""
    import tempfile

    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before


def _write_sheet(
    workbook: Any,
    table: Table,
    widths: list[float],
    destination: Destination,
    clean: "_Cleaner",
) -> None:
    worksheet = workbook.create_sheet(clean(table.name)[:31])  # Excel's limit for sheet names
    # Widths must be set before the first row is written in write-only mode: the first pass.
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A3"
    _print_setup(worksheet, sum(widths), destination.heading)

    heading = WriteOnlyCell(
        worksheet, value=clean(" — ".join(filter(None, (destination.heading, table.title))))
    )
    heading.font = Font(bold=True, size=13)
    worksheet.append([heading])
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(worksheet, value=clean(column.heading))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(bottom=Side(style="thin"))
        cell.alignment = Alignment(
            horizontal="right" if column.kind in NUMBER_FORMATS else "left", wrap_text=True
        )
        header.append(cell)
    worksheet.append(header)

    formatter = destination.fmt
    date_format = Formatter.XLSX_DATE[formatter.lang]
    for row in table.rows():
        worksheet.append(
            [
                _cell(worksheet, column, row.get(column.key), formatter, date_format, clean)
                for column in table.columns
            ]
        )
    if table.total is not None:
        worksheet.append(
            [
                _total_cell(
                    worksheet,
                    _cell(
                        worksheet,
                        column,
                        table.total.get(column.key),
                        formatter,
                        date_format,
                        clean,
                    ),
                )
                for column in table.columns
            ]
        )
    if table.note:
        note = WriteOnlyCell(worksheet, value=clean(table.note))
        note.font = Font(italic=True)
        worksheet.append([note])


def _total_cell(worksheet: Any, cell: Any) -> Any:
    """A cell of the total row: bold, under a rule across the whole row."""
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(worksheet, value=cell)
    cell.font = Font(bold=True)
    cell.border = Border(top=Side(style="thin"))
    return cell


def _print_setup(worksheet: Any, width: float, station: str) -> None:
    """A4, landscape when the columns are wider than a portrait page, one page wide (as many
    long as it takes), the title and header rows on every page, the station and "page 2/5" in
    the footer."""
    setup = worksheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_options.horizontalCentered = True
    worksheet.print_title_rows = "1:2"
    if station:
        # In a header or footer "&" starts a code (&P is the page): a station's own is doubled.
        worksheet.oddFooter.left.text = station.replace("&", "&&")
    worksheet.oddFooter.right.text = "&P/&N"


def _cell(
    worksheet: Any,
    column: Column,
    value: Any,
    formatter: Formatter,
    date_format: str,
    clean: "_Cleaner",
) -> Any:
    if value is None:
        return None
    if column.kind in NUMBER_FORMATS:
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = NUMBER_FORMATS[column.kind]
        return cell
    if column.kind == "date":
        cell = WriteOnlyCell(worksheet, value=dt.date.fromisoformat(value))
        cell.number_format = date_format
        return cell
    if column.kind == "list":
        value = ";".join(value)
    elif column.kind == "flag":
        return formatter.word("yes" if value else "no")
    if not isinstance(value, str):
        return value
    value = clean(value)
    if looks_like_formula(column, value):
        # openpyxl writes a string starting with "=" as a formula: a note such as "=2+2", or a
        # name crafted to run something, must stay text.
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


# Excel's limit is 1,048,576 rows a sheet; two go to the title and the header.
MAX_ROWS = 1_048_576 - 2


def _fitted_widths(table: Table, max_rows: int = MAX_ROWS) -> list[float]:
    """Column widths from a first read of the rows, which also refuses, before anything is
    written, a sheet too long for Excel and text too long for one of its cells (Excel would cut
    it, and a re-import lose the rest)."""
    widths = [math.ceil(len(column.heading) * BOLD) for column in table.columns]
    if table.total is not None:
        widths = [
            max(width, math.ceil(_shown_length(column, table.total.get(column.key)) * BOLD))
            for width, column in zip(widths, table.columns, strict=True)
        ]
    for number, row in enumerate(table.rows(), start=1):
        if number > max_rows:
            raise InputError(
                _(
                    "sheet {title!r} has more than {max_rows:,} rows, more than "
                    "Excel opens; export one --year at a time, or as CSV"
                ).format(title=table.title, max_rows=max_rows)
            )
        for index, column in enumerate(table.columns):
            value = row.get(column.key)
            if isinstance(value, str) and _excel_length(value) > MAX_CELL_TEXT:
                raise HeartlinkError(
                    _(
                        "{record}, column {column}: text longer than the {limit:,} "
                        "characters an Excel cell holds; nothing was written. Export as "
                        "CSV (no such limit), or shorten it"
                    ).format(record=_record(row, number), column=column.key, limit=MAX_CELL_TEXT)
                )
            widths[index] = max(widths[index], _shown_length(column, value))
    return [min(MAX_WIDTH, width + 2) for width in widths]


def _excel_length(text: str) -> int:
    if len(text) <= MAX_CELL_TEXT // 2:
        return len(text)
    return len(text.encode("utf-16-le")) // 2  # Excel counts UTF-16 units, emoji as two


def _record(row: dict, number: int) -> str:
    return f"record {row['id']}" if row.get("id") else f"row {number}"


def _shown_length(column: Column, value: Any) -> int:
    if value is None:
        return 0
    if column.kind in NUMBER_FORMATS:
        digits = len(str(abs(value)))
        return digits + (digits - 1) // 3 + 3  # separators, sign or currency
    if column.kind == "date":
        return 10
    if column.kind == "list" and isinstance(value, Iterable):
        return len(";".join(value))
    return len(str(value))
