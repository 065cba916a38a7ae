"""Reading the tables of a CSV file or an .xlsx workbook for import: finding the header row,
and each row's cells as the text a person typed. Checking what the cells say is
heartlink.importer's work.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from heartlink import fields
from heartlink.errors import HeartlinkError, InputError

# How far down a sheet the header row is looked for (exports put a title above it).
HEADER_SEARCH_ROWS = 10
SUFFIXES = (".csv", ".xlsx")


@dataclass
class InputTable:
    """The rows of one table in a file, under a recognised header row."""

    name: str
    columns: dict[str, int]  # field name -> position in the row
    ignored: list[str]  # headers of columns that are not read
    header_row: int
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text) after the header
    size: int | None  # number of rows in the file, when known without reading it

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as a spreadsheet shows it, {field: text}); empty rows left out."""
        columns = list(self.columns.items())
        width = max(self.columns.values()) + 1
        for number, texts in self.rows:
            if not "".join(texts).strip():
                continue
            if len(texts) < width:  # a short row: the cells it lacks are empty
                texts = texts + [""] * (width - len(texts))
            yield number, {name: texts[index] for name, index in columns}


# What makes a spreadsheet read a cell as a formula (and so run it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(cell: object) -> str:
    """A cell as the text a person would have typed: 120.0 is "120", a date "2023-03-06"."""
    if isinstance(cell, str):
        return cell
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float):
        # Six decimals, so that 1.234 can never be read as 1.234 thousands (1234).
        return str(int(cell)) if cell.is_integer() else f"{cell:f}"
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _csv_tables(path: Path) -> Iterator[tuple[str, int | None, Iterator[list[str]]]]:
    with open(path, "rb") as binary:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: binary.read(1 << 20), b""))
    with open(path, encoding="utf-8-sig", newline="") as f:
        try:
            first = f.readline()
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        f.seek(0)
        # Excel in locales that write decimals with a comma (Vietnamese among them) saves CSV
        # with semicolons; the header line tells which one a file uses.
        delimiter = max(",;\t", key=first.count)

        def rows() -> Iterator[list[str]]:
            # strict: an unclosed quote is an error, not the rest of the file in one cell.
            reader = csv.reader(f, delimiter=delimiter, strict=True)
            try:
                for cells in reader:
                    yield _unguarded(cells)
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            except csv.Error:
                raise HeartlinkError(
                    f'{path.name}, line {reader.line_num}: a quote (") is opened and never '
                    "closed, or a cell is malformed; fix the quotes and import again"
                ) from None

        yield path.name, lines, rows()


def _unguarded(cells: list[str]) -> list[str]:
    """Cells as written before `export` guarded them against spreadsheet formulas."""
    return [cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell for cell in cells]


def _not_utf8(path: Path) -> HeartlinkError:
    return HeartlinkError(
        f"{path.name} is not UTF-8 text; in Excel save it as 'CSV UTF-8 (Comma delimited)' "
        "or as an .xlsx workbook"
    )


def _xlsx_tables(path: Path) -> Iterator[tuple[str, int | None, Iterator[list[str]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the sheet instead of loading it whole.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError):
        raise HeartlinkError(f"{path.name} is not an .xlsx workbook that can be read") from None
    try:
        for sheet in workbook.worksheets:
            rows = ([_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
            yield f"{path.name} (sheet {sheet.title})", sheet.max_row, rows
    finally:
        workbook.close()


@contextmanager
def open_sheet(path: Path, wanted: tuple[fields.Field, ...]) -> Iterator[InputTable]:
    """The first table in the file (a CSV file, or a workbook's sheets in order) whose header
    row, within its first rows, names every required field of `wanted`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot import {path.name}: give a .csv or .xlsx file")
    if not path.is_file():
        raise HeartlinkError(f"no file {path}; check the name and folder")
    spellings = fields.lookup(wanted)
    required = [f.name for f in wanted if f.required]
    tables = _csv_tables(path) if suffix == ".csv" else _xlsx_tables(path)
    try:
        for name, size, rows in tables:
            for number, cells in enumerate(rows, start=1):
                if number > HEADER_SEARCH_ROWS:
                    break
                columns, ignored, repeated = _header(cells, spellings)
                if not all(f in columns for f in required):
                    continue
                if repeated:
                    field_name, first, second = repeated[0]
                    raise HeartlinkError(
                        f"row {number}: two columns are read as {field_name} (columns {first} "
                        f"and {second}); rename or remove one"
                    )
                yield InputTable(name, columns, ignored, number, enumerate(rows, number + 1), size)
                return
        raise HeartlinkError(
            f"{path.name} has no header row naming the columns {', '.join(required)} (English "
            "or Vietnamese headings; see README, Import)"
        )
    finally:
        tables.close()


def _header(cells: list[str], spellings: dict[str, str]) -> tuple[dict, list, list]:
    """The fields a row's cells name, by position; the headings not recognised; and fields
    named twice, as (field, first column, second column), columns counted from 1."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    repeated: list[tuple[str, int, int]] = []
    for index, cell in enumerate(cells):
        heading = cell.strip()
        name = spellings.get(fields.header_key(heading))
        if name is None:
            if heading:
                ignored.append(heading)
        elif name in columns:
            repeated.append((name, columns[name] + 1, index + 1))
        else:
            columns[name] = index
    return columns, ignored, repeated
