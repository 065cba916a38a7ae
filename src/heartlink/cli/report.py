"""`heartlink report`: the year's totals, their views, and one year beside another."""

from enum import StrEnum
from typing import Annotated

import typer

from heartlink.cli.common import AsOfOption, FormatOption, LangOption, open_ledger
from heartlink.cli.render import Column, Format
from heartlink.i18n import Lang


class View(StrEnum):
    kind = "kind"
    programme = "programme"
    month = "month"
    category = "category"
    group = "group"


def report(
    year: Annotated[
        int | None,
        typer.Argument(help="The year. Default: this year.", show_default=False),
    ] = None,
    by: Annotated[
        View | None,
        typer.Option(
            "--by",
            help="One view: kind, programme, month (with a chart), category (the beneficiary's) "
            "or group (residential group). Default: per kind and per programme.",
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        int | None,
        typer.Option(
            "--compare",
            metavar="YEAR",
            help="Show YEAR beside the report's year, with the change and the percentage.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = Lang.en,
    fmt: FormatOption = Format.table,
) -> None:
    """Totals for a year, per kind and per programme, or in one view; voided handouts left out.

    Examples:

      heartlink report 2023

      heartlink report 2023 --by month --lang vi

      heartlink report 2023 --compare 2022 --by programme

      heartlink report 2023 --as-of 31/01/2024 --format json

    "Named" counts distinct people and households; anonymous handouts (meals at a hospital)
    add to counts and handouts, and are counted apart in "Anonymous", never as people. With
    --by or --compare, --format json and csv give one row per dimension and kind, adding up to
    the year's totals.
    """
    import datetime as dt

    from heartlink import reports
    from heartlink.i18n import Formatter
    from heartlink.text import parse_date

    year = year if year is not None else dt.date.today().year
    on = parse_date(as_of, allow_future=True) if as_of else None
    formatter = Formatter(lang)
    # One read snapshot: the tables of a report agree even while someone records.
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        if by is None and compare is None:
            _show_totals(conn, reports.yearly(conn, year, on), fmt, formatter, on)
            return
        view = (by or View.kind).value
        if compare is None:
            rows = reports.view(conn, year, view, on)
        else:
            rows = reports.compare(conn, year, compare, view, on)
        _show_view(conn, rows, view, fmt, formatter, year, compare, on)


def _show_totals(conn, totals: dict, fmt: Format, formatter, as_of) -> None:
    """The report without --by: the object scripts have always had, or two tables."""
    from heartlink import reports
    from heartlink.cli import render, views
    from heartlink.cli.common import say

    if fmt is Format.json:
        render.write_json(totals)
        return
    if fmt is Format.csv:
        render.write_csv_rows(
            reports.totals_rows(totals, vi=formatter.lang == Lang.vi), reports.TOTALS_FIELDS
        )
        return
    year = totals["year"]
    if not totals["totals"]:
        say(formatter.word("No handouts recorded in {year}.", year=year))
        return
    labels = views.Labels(conn, formatter)
    # The kind table comes from the kind view, which counts anonymous handouts apart.
    kinds = reports.view(conn, year, "kind", as_of)
    programmes = [
        row | {"dimension_name": labels.dimension("programme", row["programme"])}
        for row in totals["programmes"]
    ]
    programme_figures = [c for c in views.columns(formatter, "kind")[2:] if c.key != "count"]
    overall = totals["overall"]
    render.print_tables(
        render.make_table(
            views.columns(formatter, "kind"),
            labels.named(kinds, "kind"),
            views.title(formatter, "kind", year, as_of),
            formatter,
        ),
        render.make_table(
            [Column("dimension_name", formatter.word("Programme"))]
            + [c for c in programme_figures if c.key != "anonymous_handouts"],
            programmes,
            formatter.word("By programme"),
            formatter,
        ),
        formatter.word(
            "{handouts} handouts ({anonymous} anonymous), {people} named beneficiaries (people "
            "and households), value {value} where known. Anonymous handouts count in Count and "
            "Handouts, not in Named.",
            handouts=formatter.number(overall["handouts"]),
            anonymous=formatter.number(sum(row["anonymous_handouts"] for row in kinds)),
            people=formatter.number(overall["beneficiaries"]),
            value=Column("", "", "money").show(overall["value_vnd"], formatter),
        ),
    )


def _show_view(conn, rows: list[dict], by: str, fmt: Format, formatter, year, compare, as_of):
    from heartlink import reports
    from heartlink.cli import render, views
    from heartlink.cli.common import say

    if fmt is Format.json:
        render.write_json_rows(rows)
        return
    if fmt is Format.csv:
        render.write_csv_rows(rows, reports.view_fields(by, compare=compare is not None))
        return
    if not rows:
        say(formatter.word("No handouts recorded in {year}.", year=year))
        return
    labels = views.Labels(conn, formatter)
    if compare is None:
        columns = views.columns(formatter, by)
        title = views.title(formatter, by, year, as_of)
    else:
        columns = views.columns(formatter, by, (year, compare))
        title = views.compare_title(formatter, by, year, compare, as_of)
    shown = [render.make_table(columns, labels.named(rows, by), title, formatter)]
    if by == "month" and compare is None:
        shown.append(formatter.word("Per month, in each kind's unit"))
        shown.append(views.month_chart(rows, labels))
    render.print_tables(*shown)
