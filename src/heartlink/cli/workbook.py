"""Excel workbooks (.xlsx), written with openpyxl in write-only mode: rows stream to the file,
so a sheet of a million handouts takes no more memory than one of a thousand.

Each sheet has a title row (the station, the year, the view), then a bold, shaded header row,
both frozen so they stay in view while scrolling; numbers and money are numbers (with
thousands separators shown as the reader's Excel or LibreOffice writes them), dates are dates,
and column widths fit the longest value.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from heartlink.cli.render import Column, Sheet
from heartlink.i18n import Formatter

MAX_WIDTH = 60
NUMBER_FORMATS = {
    "number": "#,##0",
    "signed": "+#,##0;-#,##0;0",
    "money": '#,##0 "₫"',
    "percent": '+0.0"%";-0.0"%";0.0"%"',
}


def write(path: Any, *, title: str, sheets: Sequence[Sheet], formatter: Formatter) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet, title, formatter)
    workbook.save(path)


def _write_sheet(workbook: Any, sheet: Sheet, title: str, formatter: Formatter) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    worksheet = workbook.create_sheet(sheet.name[:31])  # Excel's limit for sheet names
    # Widths must be set before the first row is written in write-only mode: a first pass.
    for index, width in enumerate(_fitted_widths(sheet), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A3"

    heading = WriteOnlyCell(worksheet, value=f"{title} — {sheet.title}")
    heading.font = Font(bold=True, size=13)
    worksheet.append([heading])
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=column.heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(bottom=Side(style="thin"))
        cell.alignment = Alignment(
            horizontal="right" if column.style in NUMBER_FORMATS else "left", wrap_text=True
        )
        header.append(cell)
    worksheet.append(header)

    date_format = Formatter.XLSX_DATE[formatter.lang]
    for row in sheet.rows():
        worksheet.append(
            [
                _cell(worksheet, column, row.get(column.key), formatter, date_format, WriteOnlyCell)
                for column in sheet.columns
            ]
        )


def _cell(
    worksheet: Any, column: Column, value: Any, formatter: Formatter, date_format: str, make: Any
) -> Any:
    if value is None:
        return None
    if column.style in NUMBER_FORMATS:
        cell = make(worksheet, value=value)
        cell.number_format = NUMBER_FORMATS[column.style]
        return cell
    if column.style == "date":
        cell = make(worksheet, value=dt.date.fromisoformat(value))
        cell.number_format = date_format
        return cell
    if column.style == "list":
        return ";".join(value)
    if column.style == "flag":
        return formatter.word("yes" if value else "no")
    if isinstance(value, str) and value.startswith("="):
        # openpyxl writes a string starting with "=" as a formula: a note such as "=2+2", or a
        # name crafted to run something, must stay text.
        cell = make(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


# Excel's limit is 1,048,576 rows a sheet; two go to the title and the header.
MAX_ROWS = 1_048_576 - 2


def _fitted_widths(sheet: Sheet, max_rows: int = MAX_ROWS) -> list[float]:
    """Column widths from a first read of the rows, which also refuses a sheet too long for
    Excel (before anything is written)."""
    widths = [len(column.heading) for column in sheet.columns]
    for number, row in enumerate(sheet.rows(), start=1):
        if number > max_rows:
            from heartlink.errors import InputError

            raise InputError(
                f"sheet {sheet.title!r} has more than {max_rows:,} rows, more than Excel opens; "
                "export one --year at a time, or as CSV"
            )
        for index, column in enumerate(sheet.columns):
            widths[index] = max(widths[index], _shown_length(column, row.get(column.key)))
    return [min(MAX_WIDTH, width + 2) for width in widths]


def _shown_length(column: Column, value: Any) -> int:
    if value is None:
        return 0
    if column.style in NUMBER_FORMATS:
        digits = len(str(abs(value)))
        return digits + (digits - 1) // 3 + 3  # separators, sign or currency
    if column.style == "date":
        return 10
    if column.style == "list" and isinstance(value, Iterable):
        return len(";".join(value))
    return len(str(value))
