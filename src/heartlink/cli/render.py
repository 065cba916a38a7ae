"""One renderer registry for every command that prints data: tables for people, JSON and CSV
for scripts. Data goes to stdout; messages go to stderr (see heartlink.cli.common.say)."""

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heartlink.i18n import Formatter


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


_english: "Formatter | None" = None


def english() -> "Formatter":
    """The default formatter (English)."""
    global _english
    if _english is None:
        from heartlink.i18n import Formatter

        _english = Formatter()
    return _english


@dataclass(frozen=True)
class Column:
    """One column of a table: the row key, its heading, and how to show the value."""

    key: str
    heading: str
    style: str = "text"  # text | number | money | signed | percent | date | list | flag

    def show(self, value: Any, formatter: "Formatter | None" = None) -> str:
        """The value as text for people, in the formatter's language (English by default)."""
        if value is None or value == []:
            return "—"
        fmt = formatter or english()
        shown: dict[str, Callable[[Any], str]] = {
            "number": fmt.number,
            "money": fmt.money,
            "signed": fmt.signed,
            "percent": fmt.percent,
            "date": fmt.date,
            "list": ", ".join,
            "flag": lambda v: fmt.word("yes" if v else "no"),
        }
        return shown.get(self.style, str)(value)


@dataclass(frozen=True)
class Sheet:
    """A table written to a file: one sheet of a workbook, or the whole of a CSV or JSON file.

    `rows` gives a fresh iterable each time it is called: the workbook writer reads the rows
    twice (once to fit the column widths, once to write them) rather than holding them.
    """

    name: str
    title: str
    columns: Sequence[Column]
    rows: Callable[[], Iterable[dict]]


def _json_default(value: Any) -> Any:
    if isinstance(value, set | tuple):
        return list(value)
    return str(value)


def _dumps(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_json_default)


def write_json(value: Any, out: IO[str] | None = None) -> None:
    (out or sys.stdout).write(_dumps(value) + "\n")


def write_json_rows(rows: Iterable[dict], out: IO[str] | None = None) -> None:
    """A JSON array written one row at a time, so a long list is never held in memory."""
    out = out or sys.stdout
    out.write("[")
    separator = "\n  "
    for row in rows:
        out.write(separator + _dumps(row, indent=None))
        separator = ",\n  "
    out.write("]\n" if separator == "\n  " else "\n]\n")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else value


def write_csv_rows(
    rows: Iterable[dict],
    fields: Sequence[str],
    out: IO[str] | None = None,
    headings: Sequence[str] | None = None,
) -> None:
    """One header row (`headings`, else the field names), then a line per row, streamed."""
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(headings or fields)
    for row in rows:
        writer.writerow([_csv_cell(row.get(field)) for field in fields])


def make_table(
    columns: Sequence[Column],
    rows: Iterable[dict],
    title: str | None = None,
    formatter: "Formatter | None" = None,
) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        right = column.style in ("number", "money", "signed", "percent")
        # Codes, dates and numbers never break across lines; names and places may.
        no_wrap = right or column.key in ("code", "date", "id")
        table.add_column(column.heading, justify="right" if right else "left", no_wrap=no_wrap)
    for row in rows:
        table.add_row(*(column.show(row.get(column.key), formatter) for column in columns))
    return table


def print_tables(*renderables: Any) -> None:
    from rich.console import Console

    # A terminal gets its own width; a file or a pipe gets wide lines rather than wrapped cells.
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    # Rich turns a closed stdout into SystemExit; let the command line's handler see the pipe.
    console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
    for renderable in renderables:
        console.print(renderable)


def _raise_broken_pipe() -> None:
    raise BrokenPipeError


def _table_rows(columns: Sequence[Column], title: str | None, empty: str):
    def show(rows: Iterable[dict]) -> None:
        rows = list(rows)
        if not rows:
            from heartlink.cli.common import say

            say(empty)
            return
        print_tables(make_table(columns, rows, title))

    return show


def output_rows(
    rows: Iterable[dict],
    fmt: Format,
    columns: Sequence[Column],
    *,
    fields: Sequence[str],
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """A list of records: a table of `columns`, a JSON array of whole rows, or CSV of `fields`."""
    renderers: dict[Format, Callable[[Iterable[dict]], None]] = {
        Format.table: _table_rows(columns, title, empty),
        Format.json: write_json_rows,
        Format.csv: lambda rs: write_csv_rows(rs, fields),
    }
    renderers[fmt](rows)


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
    renderers: dict[Format, Callable[[], None]] = {
        Format.table: show,
        Format.json: lambda: write_json(record),
        Format.csv: lambda: write_csv_rows(
            [record] if rows is None else rows, list(record) if fields is None else fields
        ),
    }
    renderers[fmt]()


def write_workbook(
    path: Any, *, title: str, sheets: Sequence[Sheet], formatter: "Formatter"
) -> None:
    """An Excel workbook (.xlsx) of `sheets`: see heartlink.cli.workbook."""
    from heartlink.cli import workbook

    workbook.write(path, title=title, sheets=sheets, formatter=formatter)
