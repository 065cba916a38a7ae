"""One renderer registry for everything heartlink shows or writes: a table for people, JSON and
CSV for scripts, Excel workbooks for the head of station. Every command builds a Document (its
tables, from the core: heartlink.tables) and `render` writes it in the format asked, to standard
output or to a file. Data goes to stdout; messages go to stderr (see heartlink.cli.common.say).
"""

import csv
import json
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from heartlink.cli.formats import ExportFormat, Format
from heartlink.i18n import Lang, _, language
from heartlink.tables import Column, Table, english

if TYPE_CHECKING:
    from heartlink.cli.views import Labels
    from heartlink.i18n import Formatter

__all__ = ["Column", "Document", "ExportFormat", "Format", "Table", "english", "render"]


@dataclass(frozen=True)
class Document:
    """What a command shows, whatever the format: its tables (CSV writes the first, a workbook
    has a sheet for each), and what some formats show their own way.

    `json` is the object --format json gives where it is not the first table's rows (a report's
    object, a record); `people`, when given, draws the document for people instead of a table
    per table; `empty` is said on stderr when there is nothing to draw; `flat`, when given, is
    the one table CSV writes instead of the first (a document of several parts as one list).

    A printed document (pdf) is headed like an administrative report: `title` (in capitals),
    `dated` (place and date in words), the `signature` block's role and the `signer`'s name
    under it; its `charts` are drawn after the tables, under `charts_title`.
    """

    tables: Sequence[Table]
    json: Any = None
    people: Callable[[], None] | None = None
    empty: str = "Nothing to show."
    flat: Table | None = None
    title: str = ""
    dated: str = ""
    signature: str = ""
    signer: str = ""
    charts: "Sequence[BarChart]" = ()
    charts_title: str = ""


@dataclass(frozen=True)
class BarChart:
    """A bar per label (a month) of a printed document, scaled to the chart's own peak: kinds
    count in different units, so that each has its own chart. A second line of the title
    (after a newline) is set in the body font."""

    title: str
    labels: Sequence[str]
    values: Sequence[int]


@dataclass(frozen=True)
class Destination:
    """Where a document goes: `stream` (binary), or standard output when None.

    `for_spreadsheet` is a file to be opened in Excel: CSV starts with a byte order mark, which
    Excel on Windows needs to read UTF-8. Standard output has none, for the scripts that read it
    (and `report --format csv` and `export totals --format csv` give the same bytes there).
    `heading` is a workbook's title (the station); `path` the file `stream` writes, beside
    which a workbook keeps its temporary files.
    """

    stream: IO[bytes] | None = None
    formatter: "Formatter | None" = None
    for_spreadsheet: bool = False
    heading: str = ""
    path: Path | None = None

    @property
    def fmt(self) -> "Formatter":
        return self.formatter or english()


Renderer = Callable[[Document, Destination], list[str]]


def render(fmt: str, document: Document, destination: Destination | None = None) -> list[str]:
    """Write `document` in format `fmt` (table, json, csv, xlsx or pdf) to `destination`; returns
    notes for the person at the terminal (what had to be changed to write it)."""
    return RENDERERS[str(fmt)](document, destination or Destination())


# --- cells -----------------------------------------------------------------------------------


@cache
def _formula_starts() -> tuple[str, ...]:
    # The import reads the same starts to take the guard off again; loaded on first use only.
    from heartlink.sheets import FORMULA_STARTS

    return FORMULA_STARTS


def looks_like_formula(column: Column, value: Any) -> bool:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1`, `@SUM`): every CSV and
    workbook heartlink writes keeps it text. Numbers, negative ones too, stay numbers."""
    return isinstance(value, str) and not column.numeric and value.startswith(_formula_starts())


def _csv_cell(column: Column, value: Any, formatter: "Formatter") -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, bool):
        return "1" if value else "0"
    elif column.kind == "date" and formatter.lang != "en":
        # Dates are stored as 2023-03-06, the English form: only Vietnamese rewrites them.
        return formatter.date(value)
    # An apostrophe in front keeps it text (and `heartlink import` takes it off again).
    return "'" + value if looks_like_formula(column, value) else value


# --- streams ---------------------------------------------------------------------------------


class _Utf8:
    """Text written as UTF-8 to a binary stream, which it never closes (a TextIOWrapper closes
    the stream under it when it is collected: standard output, after an error)."""

    def __init__(self, binary: IO[bytes]):
        self.binary = binary

    def write(self, text: str) -> int:
        return self.binary.write(text.encode("utf-8"))


def _text_out(destination: Destination) -> Any:
    if destination.stream is not None:
        return _Utf8(destination.stream)
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    # Bytes, not the console's text mode: the same bytes on every platform and console encoding.
    return sys.stdout if binary is None else _Utf8(binary)


def _flush(destination: Destination) -> None:
    stream = destination.stream or getattr(sys.stdout, "buffer", sys.stdout)
    stream.flush()


# --- the formats -----------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, set | tuple):
        return list(value)
    return str(value)


def _dumps(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)


def write_json(value: Any, out: Any) -> None:
    out.write(_dumps(value) + "\n")


def write_json_rows(rows: Iterable[dict], out: Any) -> None:
    """A JSON array written one row at a time, so a long list is never held in memory."""
    out.write("[")
    separator = "\n  "
    for row in rows:
        out.write(separator + _dumps(row, indent=None))
        separator = ",\n  "
    out.write("]\n" if separator == "\n  " else "\n]\n")


def _as_json(document: Document, destination: Destination) -> list[str]:
    out = _text_out(destination)
    if document.json is not None:
        write_json(document.json, out)
    else:
        write_json_rows(document.tables[0].rows(), out)
    _flush(destination)
    return []


def _as_csv(document: Document, destination: Destination) -> list[str]:
    """The first table (or the flat one): one header row (the headings), then a line per row,
    streamed."""
    table, formatter = document.flat or document.tables[0], destination.fmt
    out = _text_out(destination)
    if destination.for_spreadsheet:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.heading for column in table.columns])
    for row in table.rows():
        writer.writerow([_csv_cell(c, row.get(c.key), formatter) for c in table.columns])
    _flush(destination)
    return []


def _as_workbook(document: Document, destination: Destination) -> list[str]:
    from heartlink.cli import workbook

    if destination.stream is None:
        from heartlink.errors import InputError

        raise InputError(
            _("a workbook is a file, not text for standard output; give --output FILE")
        )
    return workbook.write(document.tables, destination)


def _as_pdf(document: Document, destination: Destination) -> list[str]:
    from heartlink.cli import pdf

    if destination.stream is None:
        from heartlink.errors import InputError

        raise InputError(_("a PDF is a file, not text for standard output; give --output FILE"))
    return pdf.write(document, destination)


def _for_people(document: Document, destination: Destination) -> list[str]:
    if document.people is not None:
        document.people()
        return []
    shown = []
    for table in document.tables:
        rows = list(table.rows())
        if rows:
            shown.append(
                make_table(
                    table.columns,
                    rows,
                    table.title or None,
                    destination.fmt,
                    names=catalogue_names(table.columns, destination.fmt),
                )
            )
    if shown:
        print_tables(*shown)
    else:
        from heartlink.cli.common import say

        say(document.empty)
    return []


RENDERERS: dict[str, Renderer] = {
    "table": _for_people,
    "json": _as_json,
    "csv": _as_csv,
    "xlsx": _as_workbook,
    "pdf": _as_pdf,
}


# --- tables for people -----------------------------------------------------------------------


def catalogue_names(columns: Sequence[Column], formatter: "Formatter") -> "Labels | None":
    """The catalogue's Vietnamese names for a table for people in Vietnamese with a column of
    catalogue values (Column.catalogue), read once per command; None for any other table,
    which shows the values as stored."""
    if formatter.lang != Lang.vi or not any(column.catalogue for column in columns):
        return None
    from heartlink.cli.common import catalogue_names as read_names

    return read_names()


def cell(column: Column, row: dict, formatter: "Formatter", names: "Labels | None" = None) -> str:
    """The text people read for `column` of `row`: a catalogue value by its name in `names`
    (catalogue_names), when given."""
    value = row.get(column.key)
    if names is not None and column.catalogue:
        value = names.of_catalogue(column.catalogue, value, row)
    return column.show(value, formatter)


class FittedTable:
    """A rich table of `columns` that fits the console: on a narrow terminal its optional
    columns are left out, rightmost first, before its labels would shrink to nothing (a caption
    says which)."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Iterable[dict],
        title: str | None = None,
        formatter: "Formatter | None" = None,
        names: "Labels | None" = None,
    ):
        self.columns = list(columns)
        self.title = title
        self.formatter = formatter or english()
        rows = list(rows)
        self.cells = {
            c.key: [cell(c, row, self.formatter, names) for row in rows] for c in self.columns
        }
        self.row_count = len(rows)

    @staticmethod
    def _unbreakable(column: Column) -> bool:
        # Codes, dates and numbers never break across lines; names, places and headings may.
        return column.numeric or column.key in ("code", "date", "id")

    def _longest(self, column: Column) -> int:
        """The width below which a cell of `column` would be cut: its longest value when that
        never breaks, else its longest word, and its heading's longest word."""
        from rich.cells import cell_len

        values = self.cells[column.key]
        if not self._unbreakable(column):
            values = [word for value in values for word in value.split()]
        return max(map(cell_len, [*values, *column.heading.split()]), default=1)

    def _table(self, columns: Sequence[Column]) -> Any:
        from rich.table import Table as RichTable

        table = RichTable(title=self.title, title_justify="left", header_style="bold")
        for column in columns:
            unbreakable = self._unbreakable(column)
            table.add_column(
                column.heading,
                justify="right" if column.numeric else "left",
                min_width=self._longest(column) if unbreakable else None,
            )
        for index in range(self.row_count):
            table.add_row(*(self.cells[column.key][index] for column in columns))
        return table

    def _narrowest(self, columns: Sequence[Column]) -> int:
        """The narrowest the table can be with no label cut: each column at its longest
        unbreakable text, with its padding and border."""
        return 1 + sum(self._longest(column) + 3 for column in columns)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        columns, left_out = list(self.columns), []
        while self._narrowest(columns) > options.max_width:
            optional = [column for column in columns if column.optional]
            if not optional:
                break
            columns.remove(optional[-1])
            left_out.insert(0, optional[-1].heading)
        table = self._table(columns)
        if left_out:
            table.caption = self.formatter.word(
                "Left out to fit the terminal: {columns}. Widen it, or use --format csv.",
                columns=", ".join(left_out),
            )
            table.caption_justify = "left"
        yield table


def in_language(columns: Sequence[Column], keep: Collection[str] = ()) -> list[Column]:
    """`columns` with their headings (marked with N_) in this run's language, for a table of
    the command line's own (a report's headings follow its --lang through word() instead),
    except the columns keyed in `keep`."""
    vi = language() == Lang.vi
    return [
        column
        if column.key in keep
        else replace(column, heading=column.vi if vi and column.vi else _(column.heading))
        for column in columns
    ]


def make_table(
    columns: Sequence[Column],
    rows: Iterable[dict],
    title: str | None = None,
    formatter: "Formatter | None" = None,
    *,
    names: "Labels | None" = None,
) -> FittedTable:
    return FittedTable(columns, rows, title, formatter, names)


def table_for_people(
    columns: Sequence[Column], rows: Iterable[dict], title: str = "", keep: Collection[str] = ()
) -> FittedTable:
    """A table of the command line's own (not a report's) under `title` (already translated):
    headed in this run's language (but the columns keyed in `keep`), its figures and words
    written as that language writes them, and its catalogue values named in it."""
    formatter = run_formatter()
    names = catalogue_names(columns, formatter)
    return FittedTable(in_language(columns, keep), rows, title or None, formatter, names)


def print_tables(*renderables: Any) -> None:
    from rich.console import Console

    # A terminal gets its own width; a file or a pipe gets wide lines rather than wrapped cells.
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console = Console(soft_wrap=False, width=160)
    # Rich turns a closed stdout into SystemExit; let the command line's handler see the pipe.
    console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
    for renderable in renderables:
        console.print(renderable)


def _raise_broken_pipe() -> None:
    raise BrokenPipeError


# --- the commands' shortcuts -----------------------------------------------------------------


def output_rows(
    rows: Iterable[dict],
    fmt: Format,
    columns: Sequence[Column],
    *,
    fields: Sequence[str],
    title: str | None = None,
    empty: str = "Nothing to show.",
    keep: Collection[str] = (),
) -> None:
    """A list of records: a table of `columns` (headed in this run's language, but for the
    columns keyed in `keep`), a JSON array of whole rows, or CSV of `fields`."""
    kinds = {column.key: column.kind for column in columns}
    data = Table.of([Column(f, f, kinds.get(f, "text")) for f in fields], rows, title=title or "")

    def people() -> None:
        shown = Table.of(in_language(columns, keep), rows, title=title or "")
        _for_people(Document([shown], empty=empty), Destination(formatter=run_formatter()))

    render(fmt, Document([data], people=people, empty=empty))


def output_record(
    record: dict,
    fmt: Format,
    *,
    show: Callable[[], None],
    rows: Iterable[dict] | None = None,
    fields: Sequence[str] | None = None,
) -> None:
    """One record or summary: `show()` for people, the whole record as a JSON object, and for
    CSV `rows` of `fields` (by default the record itself as one row)."""
    keys = list(record) if fields is None else fields
    data = Table.of([Column(key, key) for key in keys], [record] if rows is None else rows)
    render(fmt, Document([data], json=record, people=show))


def run_formatter() -> "Formatter":
    """Numbers, money and dates of a list for people, in this run's language."""
    from heartlink.i18n import Formatter

    return english() if language() == Lang.en else Formatter(language())


_PLAIN = Destination()
