"""Reading the tables of a CSV file or a workbook (.xlsx, .xls, .ods) for import, laid out as
offices keep them: finding the header row (below a title, one row or two under a merged group
heading), each row's cells as the text a person typed (a date merged down several rows given to
each of them), the subtotal rows inside the data, and where the data ends (a total row, a
signature block), with the rows left out and why. Checking what the cells say is
heartlink.importer's work.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice, zip_longest
from pathlib import Path

from heartlink import fields
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import _
from heartlink.text import parse_whole_number

# How far down a sheet the header row is looked for (exports put a title above it).
HEADER_SEARCH_ROWS = 10
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
SUFFIXES = (".csv", *WORKBOOK_SUFFIXES)

# What the first filled cell of a row says when the data has ended above it (compared as
# fields.header_key gives it): a total row, or the signature block of a report. Whole cells
# only: "Công" and "Tống" begin Vietnamese names.
TOTAL_WORDS = frozenset({"tong cong", "tong", "cong", "tong so", "total", "grand total"})
# The total of a month, quarter, week or year: "Cộng tháng 1", "Tổng cộng quý I/2023". The period
# is numbered: a name may be "Công Thắng".
_TOTAL_OF_A_PERIOD = re.compile(
    r"^(tong cong|tong|cong) (thang [0-9]{1,2}|quy [0-9ivx]{1,4}|tuan [0-9]{1,2}|nam [0-9]{4})"
    r"( (nam )?[0-9]{4})?$"
)
SIGNATURE_WORDS = frozenset(
    {
        "nguoi lap bieu",
        "nguoi lap",
        "nguoi lap bang",
        "thu truong don vi",
        "thu truong",
        "ke toan",
        "truong cong an phuong",
        "xac nhan",
        "ky ghi ro ho ten",
        "ky va ghi ro ho ten",
        "ky ho ten",
        "ky ten",
        "ky ten dong dau",
        "prepared by",
        "signature",
    }
)
# The amount in words under a total: "Bằng chữ: Sáu triệu đồng chẵn", "Số tiền bằng chữ: …".
_IN_WORDS = re.compile(r"^(so tien )?(viet )?bang chu( |$)")
# What ends the data after a total row (which is then the final total, not a subtotal).
AFTER_THE_TOTAL = ("words", "signature")
# The place and date above a signature: "Đà Nẵng, ngày 31 tháng 12 năm 2023".
_PLACE_AND_DATE = re.compile(r"(^| )ngay( [0-9]+)? thang( [0-9]+)? nam( [0-9]+)?$")

# A row of a table: its number as a spreadsheet shows it, {field: text}, and what is wrong with
# the row as a whole (None when nothing is).
Record = tuple[int, dict[str, str], str | None]


@dataclass
class LeftOut:
    """Rows `first` to `last` of a sheet, not read as data, and why (`reason`: "subtotal" for
    a total row that more data follows, "total" for the total row that ends the data,
    "signature" for the first row of a signature block or of the place and date above it,
    "words" for the amount in words written under a total,
    "below" for the rows under the total or signature)."""

    first: int
    last: int
    reason: str

    def as_dict(self) -> dict:
        return {"first_row": self.first, "last_row": self.last, "reason": self.reason}


@dataclass
class TotalMismatch:
    """A total row whose figure in `column` is not the sum of the rows it covers: every row
    above it for the total ending the data (`reason` "total"), the rows since the previous
    subtotal for a subtotal ("subtotal")."""

    row: int
    column: str
    total: int
    rows_sum: int
    reason: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "total": self.total,
            "sum": self.rows_sum,
            "reason": self.reason,
        }


@dataclass
class InputTable:
    """The rows of one table in a file, under a recognised header row."""

    name: str
    columns: dict[str, int]  # field name -> position in the row
    ignored: list[str]  # headers of columns that are not read
    header_row: int  # the (last) row of the header
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text) after the header
    size: int | None  # number of rows in the file, when known without reading it
    headed: int  # cells of the header row up to its last heading
    summed: tuple[str, ...] = ()  # the figures a total row is checked on, by field name
    left_out: list[LeftOut] = field(default_factory=list)  # known once records() has ended
    mismatches: list[TotalMismatch] = field(default_factory=list)  # likewise

    def records(self) -> Iterator[Record]:
        """(row number as a spreadsheet shows it, {field: text}, what is wrong with the row as
        a whole or None); empty rows left out. A row is wrong when it has text in cells past
        the header's last heading, which nothing would read (empty cells there are fine:
        Excel writes trailing separators).

        A total row that more data rows follow is a subtotal ("Cộng tháng 1"): it is left
        out, its figures checked against the rows since the previous subtotal, and reading goes
        on. The data ends at the last total row or at a signature block (see `end_of_data`):
        that row and every row below it go to `left_out`, and the total's figures are checked
        against the sums of all the rows above (`mismatches`)."""
        columns = list(self.columns.items())
        width = max(self.columns.values()) + 1
        headed = self.headed
        rows_since_subtotal = _Sums(self.summed, self.columns)
        all_rows = _Sums(self.summed, self.columns)
        total_row: tuple[int, list[str]] | None = None  # a subtotal if data follows it
        try:
            for number, texts in self.rows:
                if not "".join(texts).strip():
                    continue
                reason = end_of_data(texts)
                if total_row is not None:
                    all_rows.absorb(rows_since_subtotal)
                    if reason in AFTER_THE_TOTAL:
                        self._ends(*total_row, "total", all_rows, first_below=number)
                        return
                    self._checked(*total_row, "subtotal", rows_since_subtotal)
                    rows_since_subtotal = _Sums(self.summed, self.columns)
                    total_row = None
                if reason == "total":
                    total_row = number, texts
                    continue
                if reason is not None:
                    self._ends(number, texts, reason, all_rows)
                    return
                wrong = None
                if len(texts) > headed and "".join(texts[headed:]).strip():
                    cells = max(i for i, text in enumerate(texts) if text.strip()) + 1
                    wrong = _(
                        "{cells} cells, the header has {headed}; give the extra cells a "
                        "heading or remove them"
                    ).format(cells=cells, headed=headed)
                if len(texts) < width:  # a short row: the cells it lacks are empty
                    texts = texts + [""] * (width - len(texts))
                rows_since_subtotal.add(texts)
                yield number, {name: texts[index] for name, index in columns}, wrong
            if total_row is not None:
                all_rows.absorb(rows_since_subtotal)
                self._ends(*total_row, "total", all_rows)
        except CellTooLong as exc:
            names = {index: name for name, index in self.columns.items()}
            raise exc.located(self.name, names) from None

    def _checked(self, number: int, texts: list[str], reason: str, sums: _Sums) -> None:
        """Leave out a total or subtotal row, its figures checked against `sums`."""
        self.left_out.append(LeftOut(number, number, reason))
        self.mismatches.extend(sums.mismatches(number, texts, reason))

    def _ends(
        self,
        number: int,
        texts: list[str],
        reason: str,
        sums: _Sums,
        first_below: int | None = None,
    ) -> None:
        """Leave out the row that ends the data (a total checked against `sums`) and every
        filled row below it, from `first_below` when that row has been read already."""
        if reason == "total":
            self._checked(number, texts, reason, sums)
        else:
            self.left_out.append(LeftOut(number, number, reason))
        below = [n for n, cells in self.rows if "".join(cells).strip()]
        if first_below is not None:
            below.insert(0, first_below)
        if below:
            self.left_out.append(LeftOut(below[0], below[-1], "below"))


def end_of_data(texts: list[str]) -> str | None:
    """ "total", "signature" or "words" when a row ends the data above it, else None. Only the row's
    first filled cell is read: a total row begins with its word ("Tổng cộng", "Cộng"), a
    signature block with its titles ("Người lập biểu", "Thủ trưởng đơn vị") or the place and
    date above them; a row of data begins with a number (STT) or a date, or a name."""
    first = next((text for text in texts if text.strip()), "")
    if first.lstrip()[:1].isdigit() or len(first) > 80:
        return None
    key = fields.header_key(first)
    if key in TOTAL_WORDS or _TOTAL_OF_A_PERIOD.match(key):
        return "total"
    if key in SIGNATURE_WORDS or _PLACE_AND_DATE.search(key):
        return "signature"
    if _IN_WORDS.match(key):
        return "words"
    return None


class _Sums:
    """The sums of a sheet's figures (the `summed` fields), for checking a total row; a
    column with an empty or unreadable cell is not checked (its rows' problems are reported
    by the import, and a total over cells left empty says nothing)."""

    def __init__(self, summed: tuple[str, ...], columns: dict[str, int]):
        self.positions = {name: columns[name] for name in summed if name in columns}
        self.sums = dict.fromkeys(self.positions, 0)

    def add(self, texts: list[str]) -> None:
        sums = self.sums
        for name, index in self.positions.items():
            if name not in sums:
                continue
            text = texts[index]
            if text.isdigit():
                sums[name] += int(text)
            else:
                try:
                    sums[name] += parse_whole_number(text)
                except (InputError, ValueError):
                    del sums[name]

    def absorb(self, other: _Sums) -> None:
        """Add the sums of other rows of the same columns (a column unchecked in either stays
        unchecked)."""
        for name in list(self.sums):
            if name in other.sums:
                self.sums[name] += other.sums[name]
            else:
                del self.sums[name]

    def mismatches(self, row: int, texts: list[str], reason: str) -> list[TotalMismatch]:
        found = []
        for name, total in self.sums.items():
            index = self.positions[name]
            text = texts[index].strip() if index < len(texts) else ""
            try:
                written = parse_whole_number(text) if text else None
            except InputError:
                written = None
            if written is not None and written != total:
                found.append(TotalMismatch(row, name, written, total, reason))
        return found


class CellTooLong(HeartlinkError):
    """A CSV cell longer than the csv module reads; `located` names its row and column."""

    def __init__(self, row: int, position: int):
        self.row, self.position = row, position
        super().__init__(
            _("row {row}, column {column}: {message}").format(
                row=row, column=position, message=self.reason()
            )
        )

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


# ((first row, first column), (last row, last column)), from 0, as python-calamine gives them.
MergedRange = tuple[tuple[int, int], tuple[int, int]]
# A table of a file: its name, its number of rows when known, its rows (a list for a workbook's
# sheet), and for an .ods sheet how to read its merged ranges, which only the file itself says.
Table = tuple[str, int | None, Iterable[list[str]], Callable[[], list[MergedRange]] | None]


def _csv_tables(path: Path) -> Iterator[Table]:
    with open(path, "rb") as binary:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: binary.read(1 << 20), b""))
    with open(path, encoding="utf-8-sig", newline="") as f:
        try:
            head = [line for line in islice(f, DELIMITER_LINES) if line.strip()]
        except UnicodeDecodeError:
            raise _not_utf8(path) from None
        f.seek(0)
        delimiter = _delimiter(head)

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

        yield path.name, lines, rows(), None


# The lines that tell the delimiter: enough to reach past a title and a blank row or two.
DELIMITER_LINES = 20


def _delimiter(lines: list[str]) -> str:
    """The delimiter of a CSV: Excel in locales that write decimals with a comma (Vietnamese
    among them) saves with semicolons. The one the most lines use, line by line, so that a
    title row above the header (one cell, no delimiter) does not decide it; ties go to the
    comma."""
    candidates = ",;\t"
    return max(candidates, key=lambda d: (sum(1 for line in lines if d in line), d == ","))


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
    """Cells without the apostrophe that guards them (see unguarded)."""
    return [unguarded(cell) if cell[:1] == "'" else cell for cell in cells]


def unguarded(text: str) -> str:
    """Text without the apostrophe that guards it: `export` puts one before text a spreadsheet
    would run as a formula, and a spreadsheet keeps one typed before digits to have them read
    as text ('0935123456). Before anything else it is part of the text ('tis)."""
    if text[:1] == "'" and (text[1:2] in FORMULA_STARTS or text[1:2].isdigit()):
        return text[1:]
    return text


def _not_utf8(path: Path) -> HeartlinkError:
    return HeartlinkError(
        _(
            "{name} is not UTF-8 text; in Excel save it as 'CSV UTF-8 (Comma "
            "delimited)' or as an .xlsx workbook"
        ).format(name=path.name)
    )


def _workbook_tables(path: Path) -> Iterator[Table]:
    """The sheets of an .xlsx, .xls or .ods workbook, read by python-calamine (a Rust reader
    of all three, several times faster than openpyxl: benchmarks, `sheets`). Merged cells are
    spread in .xlsx and .xls sheets; python-calamine gives no merged ranges of an .ods sheet,
    whose table says how to read them from the file (`ods_merged_ranges`)."""
    import python_calamine as calamine

    suffix = path.suffix.lower()
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise HeartlinkError(
            _("{file} is protected by a password; save a copy without one and import that").format(
                file=path.name
            )
        ) from None
    except (calamine.CalamineError, OSError, ValueError):
        raise HeartlinkError(
            _(
                "{file} is not a {suffix} workbook that can be read; open it in a spreadsheet "
                "and save it again"
            ).format(file=path.name, suffix=suffix)
        ) from None
    try:
        for sheet_name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
                # From cell A1: rows and columns numbered as a spreadsheet shows them.
                cells = sheet.to_python(skip_empty_area=False)
            except calamine.CalamineError:
                continue  # a chart or macro sheet holds no table
            rows = [[_cell_text(cell) for cell in row] for row in cells]
            name = _("{file} (sheet {sheet})").format(file=path.name, sheet=sheet_name)
            if suffix == ".ods":
                yield name, len(rows), rows, partial(ods_merged_ranges, path, sheet_name)
            else:
                spread_merged(rows, sheet.merged_cell_ranges or [])
                yield name, len(rows), rows, None
    finally:
        workbook.close()


def _cell_text(cell: object) -> str:
    return unguarded(cell) if isinstance(cell, str) else _text(cell)


def spread_merged(rows: list[list[str]], merges: list[MergedRange]) -> None:
    """Give each row of a range merged down (a date over several rows, a heading over the two
    rows of a header) the value of its first cell, which is the only one that holds it."""
    for (top, column), (bottom, _right) in merges:
        if bottom <= top or top >= len(rows) or column >= len(rows[top]):
            continue
        value = rows[top][column]
        for row in rows[top + 1 : bottom + 1]:
            if column < len(row) and not row[column]:
                row[column] = value


_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TABLE, _ODS_ROW = _TABLE_NS + "table", _TABLE_NS + "table-row"
_ODS_CELLS = (_TABLE_NS + "table-cell", _TABLE_NS + "covered-table-cell")


def ods_merged_ranges(path: Path, sheet_name: str) -> list[MergedRange]:
    """The merged ranges of one sheet of an .ods file, numbered as python-calamine numbers its
    rows and cells (from A1). The file's content.xml is read as a stream, up to the end of that
    sheet: a merged cell is the first of its range, with number-rows-spanned and
    number-columns-spanned; equal rows and cells are written once, with
    number-rows-repeated / number-columns-repeated saying how many they stand for."""
    import zipfile
    from xml.etree.ElementTree import ParseError, iterparse

    merges: list[MergedRange] = []
    depth = 0  # of tables, from the sheet's own: a table inside a cell has rows of its own
    row = column = repeated_rows = 0
    try:
        with zipfile.ZipFile(path) as ods, ods.open("content.xml") as content:
            for event, element in iterparse(content, ("start", "end")):
                tag = element.tag
                if tag == _ODS_TABLE:
                    if event == "start" and (
                        depth or element.get(_TABLE_NS + "name") == sheet_name
                    ):
                        depth += 1
                    elif event == "end" and depth:
                        depth -= 1
                        if not depth:
                            break
                elif depth != 1:
                    pass
                elif event == "start" and tag == _ODS_ROW:
                    column = 0
                    repeated_rows = int(element.get(_TABLE_NS + "number-rows-repeated", 1))
                elif event == "start" and tag in _ODS_CELLS:
                    down = int(element.get(_TABLE_NS + "number-rows-spanned", 1))
                    across = int(element.get(_TABLE_NS + "number-columns-spanned", 1))
                    if down > 1 or across > 1:
                        merges.append(((row, column), (row + down - 1, column + across - 1)))
                    column += int(element.get(_TABLE_NS + "number-columns-repeated", 1))
                elif event == "end" and tag == _ODS_ROW:
                    row += repeated_rows
                if event == "end" and tag == _ODS_ROW:
                    element.clear()  # a stream: the rows read are not kept
    except (OSError, KeyError, ValueError, ParseError, zipfile.BadZipFile):
        raise HeartlinkError(
            _(
                "{file}: its merged cells cannot be read; open it in a spreadsheet and save it "
                "again"
            ).format(file=path.name)
        ) from None
    return merges


def _blank_under_value(rows: list[list[str]], header_row: int, positions: list[int]) -> bool:
    """Whether a data row below the header has a blank cell, in one of the columns at
    `positions`, under a filled one (what a cell merged down looks like before it is spread).
    Total rows are passed over; a signature block ends the data."""
    filled_above: set[int] = set()
    for texts in rows[header_row:]:
        if not "".join(texts).strip():
            continue
        reason = end_of_data(texts)
        if reason == "total":
            continue
        if reason in AFTER_THE_TOTAL:
            break
        for position in positions:
            if position < len(texts) and texts[position].strip():
                filled_above.add(position)
            elif position in filled_above:
                return True
    return False


@contextmanager
def open_sheet(
    path: Path, wanted: tuple[fields.Field, ...], summed: tuple[str, ...] = ()
) -> Iterator[InputTable]:
    """The first table in the file (a CSV file, or a workbook's sheets in order) whose header
    row, within its first rows, names every required field of `wanted`. A total row is
    checked on the `summed` fields."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise HeartlinkError(
            _("{path} is a folder; give the .csv, .xlsx, .xls or .ods file to import").format(
                path=path
            )
        )
    if suffix not in SUFFIXES:
        raise InputError(
            _("cannot import {file}: give a .csv, .xlsx, .xls or .ods file").format(file=path.name)
        )
    if not path.is_file():
        raise HeartlinkError(_("no file {path}; check the name and folder").format(path=path))
    spellings = fields.lookup(wanted)
    required = [f.name for f in wanted if f.required]
    tables = _csv_tables(path) if suffix == ".csv" else _workbook_tables(path)
    try:
        for name, size, rows, merged_ranges in tables:
            try:
                found = _find_header(iter(rows), spellings, required)
            except CellTooLong as exc:
                raise exc.located(name, {}) from None
            if found is not None and merged_ranges is not None:
                needed = [found[1][name] for name in required]
                if _blank_under_value(rows, found[0], needed):
                    spread_merged(rows, merged_ranges())
                    found = _find_header(iter(rows), spellings, required)
            if found is None:
                continue
            number, columns, ignored, headed, after = found
            yield InputTable(
                name,
                columns,
                ignored,
                number,
                after,
                size,
                headed,
                summed=summed,
            )
            return
        raise HeartlinkError(
            _(
                "{file} has no header row naming the columns {columns} (English or Vietnamese "
                "headings; see README, Import)"
            ).format(file=path.name, columns=", ".join(required))
        )
    finally:
        tables.close()


def _find_header(
    rows: Iterator[list[str]], spellings: dict[str, str], required: list[str]
) -> tuple[int, dict[str, int], list[str], int, Iterator[tuple[int, list[str]]]] | None:
    """The header among the first rows: (its last row's number, the fields by position, the
    headings not recognised, its cells up to the last heading, the numbered rows after it);
    None if there is none.

    A header may take two rows, a group heading (merged over its columns) above the column
    headings: a column is then named by its lower cell, or by its upper one where the lower
    is empty (a heading merged down both rows)."""
    head: list[list[str]] = []
    failure: CellTooLong | None = None
    try:
        for cells in rows:
            head.append(cells)
            if len(head) > HEADER_SEARCH_ROWS:
                break
    except CellTooLong as exc:  # raised again where the rows reach it, naming its column
        failure = exc
    for index, cells in enumerate(head[:HEADER_SEARCH_ROWS]):
        below = head[index + 1] if index + 1 < len(head) else None
        columns, ignored, repeated = _header(cells, spellings)
        if all(f in columns for f in required):
            if below is not None and _continues_header(below, columns, spellings):
                cells = _two_rows(cells, below)
                index += 1
        elif below is None or all(f in _header(below, spellings)[0] for f in required):
            continue  # the header, if any, is the next row
        else:
            cells = _two_rows(cells, below)
            columns, ignored, repeated = _header(cells, spellings)
            if not all(f in columns for f in required):
                continue
            index += 1
        columns, ignored, repeated = _header(cells, spellings)
        number = index + 1
        if repeated:
            field_name, first, second = repeated[0]
            raise HeartlinkError(
                _(
                    "row {row}: two columns are read as {field} (columns {first} and {second}); "
                    "rename or remove one"
                ).format(row=number, field=field_name, first=first, second=second)
            )
        headed = max(i for i, cell in enumerate(cells) if cell.strip()) + 1
        return number, columns, ignored, headed, _after(head, number, failure, rows)
    if failure is not None:
        raise failure
    return None


def _after(
    head: list[list[str]], number: int, failure: CellTooLong | None, rows: Iterator[list[str]]
) -> Iterator[tuple[int, list[str]]]:
    """The numbered rows after a header in row `number` of the rows read ahead (`head`)."""
    yield from enumerate(head[number:], number + 1)
    if failure is not None:
        raise failure
    yield from enumerate(rows, len(head) + 1)


def _two_rows(upper: list[str], lower: list[str]) -> list[str]:
    """The headings of a header of two rows, column by column."""
    return [low if low.strip() else up for up, low in zip_longest(upper, lower, fillvalue="")]


def _continues_header(below: list[str], columns: dict[str, int], spellings: dict[str, str]) -> bool:
    """Whether the row under a header is its second row: every filled cell of it a heading,
    one at least naming a field the first row does not, and the others repeating the heading
    above them (a heading merged down both rows)."""
    filled = [(i, spellings.get(fields.header_key(cell))) for i, cell in enumerate(below)]
    filled = [(i, name) for i, name in filled if below[i].strip()]
    if not filled or any(name is None for _i, name in filled):
        return False
    return any(name not in columns for _i, name in filled) and all(
        columns.get(name, i) == i for i, name in filled
    )


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
