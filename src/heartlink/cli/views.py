"""The report's documents, in English or Vietnamese: names for the rows of heartlink.reports,
their columns, the month chart, and the Documents that `report` renders and `export totals`
writes (one document, so that both give the same bytes)."""

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from heartlink.cli.render import Column, Document
from heartlink.i18n import Formatter, Lang
from heartlink.tables import Table

DIMENSION_HEADINGS = {
    "programme": "Programme",
    "month": "Month",
    "category": "Category",
    "group": "Group",
    "station": "Station",
}
BAR_WIDTH = 24
_EIGHTHS = " ▏▎▍▌▋▊▉"


class Labels:
    """Names of kinds, units, programmes, categories, months and groups in one language."""

    def __init__(self, conn: sqlite3.Connection, formatter: Formatter):
        from heartlink import catalogue

        self.fmt = formatter
        vi = formatter.lang == Lang.vi
        self.kinds = {
            k["slug"]: (k["name_vi"], k["unit_vi"]) if vi else (k["name_en"], k["unit_en"])
            for k in catalogue.list_kinds(conn)
        }
        name = "name_vi" if vi else "name_en"
        self.programmes = {p["slug"]: p[name] for p in catalogue.list_programmes(conn)}
        self.categories = {c["slug"]: c[name] for c in catalogue.list_categories(conn)}

    def kind(self, slug: str) -> str:
        return self.kinds.get(slug, (slug, ""))[0]

    def unit(self, slug: str) -> str:
        return self.kinds.get(slug, (slug, ""))[1]

    def dimension(self, by: str, value: Any) -> str:
        from heartlink.reports import NOT_SET

        if by == "station":
            return str(value) if value else self.fmt.word("No station code")
        if value is None:
            return self.fmt.word("Anonymous handouts")
        if value == NOT_SET:
            return self.fmt.word("No category" if by == "category" else "No group")
        if by == "programme":
            return self.programmes.get(value, value)
        if by == "category":
            return self.categories.get(value, value)
        if by == "month":
            return self.fmt.month(value)
        return str(value)

    def named(self, rows: Iterable[dict], by: str) -> Iterator[dict]:
        """Rows with `dimension_name`, `kind_name` and `unit_name` added."""
        for row in rows:
            extra = {"kind_name": self.kind(row["kind"]), "unit_name": self.unit(row["kind"])}
            if by != "kind":
                extra["dimension_name"] = self.dimension(by, row[by])
            yield row | extra


def title(fmt: Formatter, by: str, year: int, as_of: Any = None) -> str:
    text = fmt.word(f"Totals {{year}} by {by}", year=year)
    return text + (f" ({fmt.word('as of {date}', date=fmt.date(as_of))})" if as_of else "")


def compare_title(fmt: Formatter, by: str, year: int, other: int, as_of: Any = None) -> str:
    text = fmt.word("{year} compared with {other}", year=year, other=other)
    if by != "kind":
        text += f", {fmt.word(f'By {by}').lower()}"
    return text + (f" ({fmt.word('as of {date}', date=fmt.date(as_of))})" if as_of else "")


def columns(fmt: Formatter, by: str, compare_with: tuple[int, int] | None = None) -> list[Column]:
    """The columns of a view's table (or sheet): its dimension, the kind, then the figures."""
    word = fmt.word
    shown = [] if by == "kind" else [Column("dimension_name", word(DIMENSION_HEADINGS[by]))]
    shown += [Column("kind_name", word("Kind")), Column("unit_name", word("Unit"))]
    # Optional figures are the first left out on a narrow terminal, the rightmost first.
    if compare_with:
        year, other = compare_with
        return [
            *shown,
            Column("count", f"{word('Count')} {year}", "number"),
            Column("compare_count", f"{word('Count')} {other}", "number"),
            Column("count_change", word("Change"), "signed", optional=True),
            Column("change_pct", word("Change %"), "percent"),
            Column("value_vnd", f"{word('Value')} {year}", "money", optional=True),
            Column("compare_value_vnd", f"{word('Value')} {other}", "money", optional=True),
        ]
    return [
        *shown,
        Column("count", word("Count"), "number"),
        Column("handouts", word("Handouts"), "number", optional=True),
        Column("anonymous_handouts", word("Anonymous"), "number", optional=True),
        Column("beneficiaries", word("Named"), "number", optional=True),
        Column("value_vnd", word("Value"), "money"),
    ]


def month_chart(rows: list[dict], labels: Labels) -> Any:
    """Per kind, a bar per month, scaled to that kind's busiest month (kinds are counted in
    different units, so each has its own scale): a rich renderable."""
    from rich.columns import Columns
    from rich.table import Table
    from rich.text import Text

    per_kind: dict[str, dict[int, int]] = {}
    for row in rows:
        per_kind.setdefault(row["kind"], {})[row["month"]] = row["count"]
    charts = []
    order = list(labels.kinds)
    for kind, counts in sorted(per_kind.items(), key=lambda item: order.index(item[0])):
        peak = max(counts.values())
        chart = Table(
            title=f"{labels.kind(kind)} ({labels.unit(kind)})",
            title_justify="left",
            box=None,
            show_header=False,
            padding=(0, 1),
        )
        chart.add_column(no_wrap=True)
        chart.add_column(width=BAR_WIDTH, no_wrap=True)
        chart.add_column(justify="right", no_wrap=True)
        for month in range(1, 13):
            count = counts.get(month, 0)
            chart.add_row(
                labels.fmt.month(month),
                Text(bar(count, peak), style="cyan"),
                labels.fmt.number(count),
            )
        charts.append(chart)
    return Columns(charts, padding=(1, 4))


def bar(value: int, peak: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `value` out of `peak` in `width` cells, to an eighth of a cell."""
    eighths = round(value * width * 8 / peak) if peak else 0
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def totals_document(
    conn: sqlite3.Connection,
    year: int,
    as_of: dt.date | None,
    fmt: Formatter,
    only: Any = None,
) -> Document:
    """The report without --by or --compare: the object scripts have always had (JSON), its
    flat table (CSV), and for people the kinds, the programmes and a sentence of totals; with
    `only` (reports.Only), one station's."""
    from heartlink import reports

    if only is None:
        totals = reports.yearly(conn, year, as_of)
    else:
        totals = reports.yearly(conn, year, as_of, only)
    return Document(
        [reports.totals_table(totals, fmt.lang)],
        json=totals,
        people=lambda: _print_totals(conn, totals, fmt, as_of, only),
    )


def _print_totals(
    conn: sqlite3.Connection, totals: dict, fmt: Formatter, as_of: Any, only: Any = None
) -> None:
    from heartlink import reports
    from heartlink.cli import render
    from heartlink.cli.common import say

    year = totals["year"]
    if not totals["totals"]:
        say(fmt.word("No handouts recorded in {year}.", year=year))
        return
    labels = Labels(conn, fmt)
    # The kind table comes from the kind view, which counts anonymous handouts apart.
    kinds = reports.view(conn, year, "kind", as_of, only)
    programmes = [
        row | {"dimension_name": labels.dimension("programme", row["programme"])}
        for row in totals["programmes"]
    ]
    figures = [c for c in columns(fmt, "kind")[2:] if c.key not in ("count", "anonymous_handouts")]
    overall = totals["overall"]
    money = [
        row | {"programme_name": row["name_vi" if fmt.lang == "vi" else "name"]}
        for row in totals.get("received_and_spent", [])
    ]
    money_table = [
        render.make_table(
            [
                Column("programme_name", fmt.word("Fund")),
                Column("received_vnd", fmt.word("Received"), "money"),
                Column("spent_vnd", fmt.word("Spent"), "money"),
                Column("cash_out_vnd", fmt.word("Cash handed out"), "money"),
            ],
            money,
            fmt.word("Received and spent"),
            fmt,
        )
    ]
    render.print_tables(
        render.make_table(
            columns(fmt, "kind"), labels.named(kinds, "kind"), title(fmt, "kind", year, as_of), fmt
        ),
        render.make_table(
            [Column("dimension_name", fmt.word("Programme")), *figures],
            programmes,
            fmt.word("By programme"),
            fmt,
        ),
        fmt.word(
            # Counts come first as "Label: N", so that one handout reads as well as many.
            "Handouts: {handouts} ({anonymous} anonymous). Named beneficiaries (people and "
            "households): {people}. Value where known: {value}. Anonymous handouts count in "
            "Count and Handouts, not in Named.",
            handouts=fmt.number(overall["handouts"]),
            anonymous=fmt.number(sum(row["anonymous_handouts"] for row in kinds)),
            people=fmt.number(overall["beneficiaries"]),
            value=Column("", "", "money").show(overall["value_vnd"], fmt),
        ),
        *(money_table if money else []),
    )


def view_document(
    conn: sqlite3.Connection,
    by: str,
    year: int,
    compare: int | None,
    as_of: dt.date | None,
    fmt: Formatter,
    only: Any = None,
) -> Document:
    """One view of a year (or of a year beside another): a row per dimension and kind for
    scripts, a table (and for months a chart) for people; with `only`, of one station."""
    from heartlink import reports

    if compare is None:
        rows = reports.view(conn, year, by, as_of, only)
    else:
        rows = reports.compare(conn, year, compare, by, as_of, only)

    def people() -> None:
        from heartlink.cli import render
        from heartlink.cli.common import say

        if not rows:
            say(fmt.word("No handouts recorded in {year}.", year=year))
            return
        labels = Labels(conn, fmt)
        if compare is None:
            shown, heading = columns(fmt, by), title(fmt, by, year, as_of)
        else:
            shown = columns(fmt, by, (year, compare))
            heading = compare_title(fmt, by, year, compare, as_of)
        drawn = [render.make_table(shown, labels.named(rows, by), heading, fmt)]
        if by == "month" and compare is None:
            drawn += [fmt.word("Per month, in each kind's unit"), month_chart(rows, labels)]
        render.print_tables(*drawn)

    return Document([reports.view_table(rows, by, compare=compare is not None)], people=people)


def workbook_document(
    conn: sqlite3.Connection, year: int, as_of: dt.date | None, fmt: Formatter
) -> Document:
    """`export totals` as a workbook: a sheet per view, with the names people read."""
    from heartlink import reports

    labels = Labels(conn, fmt)
    sheets = [
        Table.of(
            columns(fmt, by),
            list(labels.named(reports.view(conn, year, by, as_of), by)),
            fmt.word(f"By {by}"),
            title(fmt, by, year, as_of),
        )
        for by in reports.VIEWS
    ]
    return Document(sheets)
