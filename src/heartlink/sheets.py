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
from heartlink.i18n import _

# How far down a sheet the header row is looked for (exports put a title above it).
HEADER_SEARCH_ROWS = 10
SUFFIXES = (".csv", ".xlsx")

# A row of a table: its number as a spreadsheet shows it, {field: text}, and what is wrong with
# the row as a whole (None when nothing is).
Record = tuple[int, dict[str, str], str | None]


@dataclass
class InputTable:
    """The rows of one table in a file, under a recognised header row."""

    name: str
    columns: dict[str, int]  # field name -> position in the row
    ignored: list[str]  # headers of columns that are not read
    header_row: int
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text) after the header
    size: int | None  # number of rows in the file, when known without reading it
    headed: int  # cells of the header row up to its last heading

    def records(self) -> Iterator[Record]:
        """(row number as a spreadsheet shows it, {field: text}, what is wrong with the row as
        a whole or None); empty rows left out. A row is wrong when it has text in cells past
        the header's last heading, which nothing would read (empty cells there are fine:
        Excel writes trailing separators)."""
        columns = list(self.columns.items())
        width = max(self.columns.values()) + 1
        headed = self.headed
        try:
            for number, texts in self.rows:
                if not "".join(texts).strip():
                    continue
                wrong = None
                if len(texts) > headed and "".join(texts[headed:]).strip():
                    cells = max(i for i, text in enumerate(texts) if text.strip()) + 1
                    wrong = _(
                        "{cells} cells, the header has {headed}; give the extra cells a "
                        "heading or remove them"
                    ).format(cells=cells, headed=headed)
                if len(texts) < width:  # a short row: the cells it lacks are empty
                    texts = texts + [""] * (width - len(texts))
                yield number, {name: texts[index] for name, index in columns}, wrong
        except CellTooLong as exc:
            names = {index: name for name, index in self.columns.items()}
            raise exc.located(self.name, names) from None


class CellTooLong(HeartlinkError):
    """A CSV cell longer than the csv module reads; `located` names its row and column."""

    def __init__(self, row: int, position: int):
        self.row, self.position = row, position
        super().__init__(f"row {row}, column {position}: {self.reason()}")

    @staticmethod
    def reason() -> str:
        return _(
            "a cell is longer than {field_size_limit:,} characters, the most "
            "a CSV cell may hold here; shorten it (no field needs that much "
            "text)"
        ).format(field_size_limit=csv.field_size_limit())

    def located(self, file_name: str, names: dict[int, str]) -> HeartlinkError:
        """The error naming the file, and the column by its field where it is one read."""
        column = names.get(self.position - 1, str(self.position))
        return HeartlinkError(
            _("{file_name}, row {row}, column {column}: {reason}").format(
                file_name=file_name, row=self.row, column=column, reason=self.reason()
            )
        )


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
            row = ended = 0  # rows read, and the line the last one ended on
            try:
                for cells in reader:
                    row, ended = row + 1, reader.line_num
                    yield _unguarded(cells)
            except UnicodeDecodeError:
                raise _not_utf8(path) from None
            except csv.Error as exc:
                if "field limit" in str(exc):
                    record = _lines(path, ended, reader.line_num)
                    raise CellTooLong(row + 1, _longest_cell(record, delimiter)) from None
                raise HeartlinkError(
                    _(
                        '{name}, line {line}: a quote (") is opened and never closed, or '
                        "a cell is malformed; fix the quotes and import again"
                    ).format(name=path.name, line=reader.line_num)
                ) from None

        yield path.name, lines, rows()


def _lines(path: Path, after: int, last: int) -> str:
    """Lines after+1 to last of a text file, read again (only when a row could not be read)."""
    from itertools import islice

    with open(path, encoding="utf-8-sig", newline="") as f:
        return "".join(islice(f, after, last))


def _longest_cell(record: str, delimiter: str) -> int:
    """The position (from 1) of the longest cell in the text of one CSV row: the csv module
    refuses an over-long cell without saying which it was. Quotes only decide whether a
    delimiter separates cells, which is all the counting needs."""
    position, longest, length, longest_at, quoted = 1, -1, 0, 1, False
    for char in record:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            position, length = position + 1, 0
        else:
            length += 1
        if length > longest:
            longest, longest_at = length, position
    return longest_at


def _unguarded(cells: list[str]) -> list[str]:
    """Cells as written before `export` guarded them against spreadsheet formulas."""
    return [cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell for cell in cells]


def _not_utf8(path: Path) -> HeartlinkError:
    return HeartlinkError(
        _(
            "{name} is not UTF-8 text; in Excel save it as 'CSV UTF-8 (Comma "
            "delimited)' or as an .xlsx workbook"
        ).format(name=path.name)
    )


def _xlsx_tables(path: Path) -> Iterator[tuple[str, int | None, Iterator[list[str]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read_only streams the sheet instead of loading it whole.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError):
        raise HeartlinkError(
            _("{name} is not an .xlsx workbook that can be read").format(name=path.name)
        ) from None
    try:
        for sheet in workbook.worksheets:
            # Read-only mode trusts the size a sheet declares (its <dimension>), and stops there:
            # some tools other than Excel declare fewer rows or columns than they write. Without
            # it every row is read as it is, and how many there are is known only at the end.
            sheet.reset_dimensions()
            rows = ([_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
            yield f"{path.name} (sheet {sheet.title})", None, rows
    finally:
        workbook.close()


@contextmanager
def open_sheet(path: Path, wanted: tuple[fields.Field, ...]) -> Iterator[InputTable]:
    """The first table in the file (a CSV file, or a workbook's sheets in order) whose header
    row, within its first rows, names every required field of `wanted`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise HeartlinkError(
            _("{path} is a folder; give the .csv or .xlsx file to import").format(path=path)
        )
    if suffix not in SUFFIXES:
        raise InputError(
            _("cannot import {name}: give a .csv or .xlsx file").format(name=path.name)
        )
    if not path.is_file():
        raise HeartlinkError(_("no file {path}; check the name and folder").format(path=path))
    spellings = fields.lookup(wanted)
    required = [f.name for f in wanted if f.required]
    tables = _csv_tables(path) if suffix == ".csv" else _xlsx_tables(path)
    try:
        for name, size, rows in tables:
            try:
                found = _find_header(rows, spellings, required)
            except CellTooLong as exc:
                raise exc.located(name, {}) from None
            if found is None:
                continue
            number, columns, ignored, headed = found
            after = enumerate(rows, number + 1)
            yield InputTable(name, columns, ignored, number, after, size, headed)
            return
        raise HeartlinkError(
            _(
                "{name} has no header row naming the columns {columns} (English "
                "or Vietnamese headings; see README, Import)"
            ).format(name=path.name, columns=", ".join(required))
        )
    finally:
        tables.close()


def _find_header(
    rows: Iterator[list[str]], spellings: dict[str, str], required: list[str]
) -> tuple[int, dict[str, int], list[str], int] | None:
    """The header among the first rows: (its row number, the fields by position, the headings
    not recognised, its cells up to the last heading); None if there is none."""
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        columns, ignored, repeated = _header(cells, spellings)
        if not all(f in columns for f in required):
            continue
        if repeated:
            field_name, first, second = repeated[0]
            raise HeartlinkError(
                _(
                    "row {number}: two columns are read as {field_name} (columns "
                    "{first} and {second}); rename or remove one"
                ).format(number=number, field_name=field_name, first=first, second=second)
            )
        headed = max(i for i, cell in enumerate(cells) if cell.strip()) + 1
        return number, columns, ignored, headed
    return None


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
