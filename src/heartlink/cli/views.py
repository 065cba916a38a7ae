"""The report's documents, in English or Vietnamese: names for the rows of heartlink.reports,
their columns, the month chart, and the Documents that `report` renders and `export totals`
writes (one document, so that both give the same bytes)."""

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
        self._slugs = {
            "kind": {slug: names[0] for slug, names in self.kinds.items()},
            "programme": self.programmes,
            "category": self.categories,
        }

    def of_catalogue(self, catalogue: str, value: Any, row: Mapping[str, Any]) -> Any:
        """A stored value of `catalogue` (heartlink.tables.CATALOGUES: a slug or a list of
        them, or the unit of the `row`'s kind) as named in this language; a value the
        catalogue does not know (or does not name) is kept as stored."""
        if catalogue == "unit":
            return self.kinds.get(row.get("kind"), ("", ""))[1] or value
        names = self._slugs[catalogue]
        if isinstance(value, list):
            return [names.get(slug) or slug for slug in value]
        return names.get(value) or value

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
            money_columns(fmt),
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
        _totals_sentence(kinds, overall, fmt),
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
    overall = reports.overall(conn, year, as_of)
    sheets = []
    for by in reports.VIEWS:
        rows = list(labels.named(reports.view(conn, year, by, as_of), by))
        shown = columns(fmt, by)
        sheets.append(
            Table.of(
                shown,
                rows,
                fmt.word(f"By {by}"),
                title(fmt, by, year, as_of),
                **year_total(shown, rows, overall, fmt),
            )
        )
    return Document(sheets)


def year_total(shown: list[Column], rows: list[dict], overall: dict, fmt: Formatter) -> dict:
    """A view's total row (the year's figures, from the core) and the note that says its Named
    is not the sum of the rows above: each person or household counts once in the year."""
    if not rows:
        return {}
    total = {shown[0].key: fmt.word("Total")} | {
        column.key: overall[column.key] for column in shown if column.key in overall
    }
    summed = sum(row["beneficiaries"] for row in rows)
    note = fmt.word(
        "Total Named: each person or household once ({people}), not the rows' sum ({summed}).",
        people=fmt.number(overall["beneficiaries"]),
        summed=fmt.number(summed),
    )
    return {"total": total, "note": note}


def with_closing_note(tables: Sequence[Table], state: dict, fmt: Formatter) -> list[Table]:
    """`tables`, the first one's note saying whether the year was closed and reopened
    (heartlink.closing), for a printed form (a PDF, a workbook), which has no lines after
    its tables as a report for people on screen does."""
    from heartlink import closing

    lines = closing.state_lines(state, fmt, printed=True)
    if not tables or not lines:
        return list(tables)
    first = tables[0]
    note = " ".join(filter(None, (first.note, *lines)))
    return [dataclasses.replace(first, note=note), *tables[1:]]


def signed_document(
    conn: sqlite3.Connection,
    year: int,
    as_of: dt.date | None,
    fmt: Formatter,
    *,
    dated: str,
    signer: str,
) -> Document:
    """The report the head of station signs for the ward (`report --format pdf`): the totals
    per kind (anonymous and named handouts apart) and per programme and kind, each closed by
    the year's total, the money received and spent, a month chart per programme and kind, and
    the signature block. Its figures are those of `report --format json`."""
    from heartlink import reports
    from heartlink.cli.render import BarChart

    labels, word = Labels(conn, fmt), fmt.word
    totals = reports.yearly(conn, year, as_of)
    overall = reports.overall(conn, year, as_of)
    by_kind = columns(fmt, "kind")
    kinds = list(labels.named(reports.view(conn, year, "kind", as_of), "kind"))
    kind_total = year_total(by_kind, kinds, overall, fmt)
    if kind_total:
        kind_total["note"] += " " + _totals_sentence(kinds, overall, fmt)
    by_programme = columns(fmt, "programme")
    programmes = list(labels.named(reports.view(conn, year, "programme", as_of), "programme"))
    tables = [
        Table.of(by_kind, kinds, word("By kind"), title(fmt, "kind", year, as_of), **kind_total),
        Table.of(
            by_programme,
            _with_programme_totals(programmes, totals["programmes"], fmt),
            word("By programme"),
            title(fmt, "programme", year, as_of),
            total=year_total(by_programme, programmes, overall, fmt).get("total"),
        ),
    ]
    money = totals.get("received_and_spent", [])
    if money:
        funds = money_columns(fmt)
        money_total = {"programme_name": word("Total")} | {
            column.key: sum(row[column.key] for row in money) for column in funds[1:]
        }
        tables.append(
            Table.of(
                funds,
                [
                    row | {"programme_name": row["name_vi" if fmt.lang == Lang.vi else "name"]}
                    for row in money
                ],
                word("Received and spent"),
                word("Received and spent"),
                total=money_total,
            )
        )
    if totals.get("sponsorships"):
        from heartlink.cli import sponsorship

        tables.append(sponsorship.year_table(totals["sponsorships"], labels.programmes, fmt))
    months = [fmt.month(month) for month in range(1, 13)]
    charts = [
        BarChart(
            f"{labels.dimension('programme', row['programme'])}\n{labels.kind(row['kind'])}"
            f" ({labels.unit(row['kind'])})",
            months,
            row["counts"],
        )
        for row in reports.months_by_programme(conn, year, as_of)
    ]
    return Document(
        with_closing_note(tables, totals, fmt),
        json=totals,
        title=word("Report on the charity work of {year}", year=year),
        dated=dated,
        signature=word("HEAD OF THE WARD POLICE"),
        signer=signer,
        charts=charts,
        charts_title=word("Per month, in each kind's unit"),
        empty=word("No handouts recorded in {year}.", year=year),
    )


def money_columns(fmt: Formatter) -> list[Column]:
    """The columns of the year's money per fund: received, spent, and cash handed out."""
    return [
        Column("programme_name", fmt.word("Fund")),
        Column("received_vnd", fmt.word("Received"), "money"),
        Column("spent_vnd", fmt.word("Spent"), "money"),
        Column("cash_out_vnd", fmt.word("Cash handed out"), "money"),
    ]


def _totals_sentence(kinds: list[dict], overall: dict, fmt: Formatter) -> str:
    """The sentence under the report's totals: handouts, the anonymous ones, the people."""
    return fmt.word(
        # Counts come first as "Label: N", so that one handout reads as well as many.
        "Handouts: {handouts} ({anonymous} anonymous). Named beneficiaries (people and "
        "households): {people}. Value where known: {value}. Anonymous handouts count in "
        "Count and Handouts, not in Named.",
        handouts=fmt.number(overall["handouts"]),
        anonymous=fmt.number(sum(row["anonymous_handouts"] for row in kinds)),
        people=fmt.number(overall["beneficiaries"]),
        value=Column("", "", "money").show(overall["value_vnd"], fmt),
    )


def _with_programme_totals(rows: list[dict], programmes: list[dict], fmt: Formatter) -> list:
    """The rows per programme and kind, a programme of several kinds followed by its own
    total (its Named each person once in the programme; no count: its kinds' units differ)."""
    of_programme = {row["programme"]: row for row in programmes}
    shown: list[dict] = []
    for index, row in enumerate(rows):
        shown.append(row)
        programme = row["programme"]
        last = index + 1 == len(rows) or rows[index + 1]["programme"] != programme
        kinds = sum(1 for other in rows if other["programme"] == programme)
        if last and kinds > 1:
            total = of_programme[programme]
            shown.append(
                {
                    "dimension_name": "",
                    "kind_name": fmt.word("Programme total"),
                    "unit_name": "",
                    "handouts": total["handouts"],
                    "anonymous_handouts": sum(
                        other["anonymous_handouts"]
                        for other in rows
                        if other["programme"] == programme
                    ),
                    "beneficiaries": total["beneficiaries"],
                    "value_vnd": total["value_vnd"],
                }
            )
    return shown


def dated_line(place: str | None, day: dt.date, fmt: Formatter) -> str:
    """The place and date line of a printed document: "Đà Nẵng, ngày 31 tháng 12 năm 2023"
    (the date alone when the station has no place)."""
    if fmt.lang == Lang.vi:
        date = f"ngày {day.day} tháng {day.month} năm {day.year}"
        return f"{place}, {date}" if place else date[0].upper() + date[1:]
    from babel.dates import format_date

    date = format_date(day, "d MMMM y", locale="en")
    return f"{place}, {date}" if place else date
