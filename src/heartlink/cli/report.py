"""`heartlink report`: the year's totals, their views, and one year beside another."""

from enum import StrEnum
from typing import Annotated

import typer

from heartlink.cli.common import AsOfOption, FormatOption, LangOption, open_ledger
from heartlink.cli.render import Format
from heartlink.i18n import Lang


class View(StrEnum):
    kind = "kind"
    programme = "programme"
    month = "month"
    category = "category"
    group = "group"
    station = "station"


def report(
    year: Annotated[
        int | None,
        typer.Argument(help="The year. Default: this year.", show_default=False),
    ] = None,
    by: Annotated[
        View | None,
        typer.Option(
            "--by",
            help="One view: kind, programme, month (with a chart), category (the beneficiary's), "
            "group (residential group) or station (in a file of merged stations). Default: per "
            "kind and per programme.",
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
    station: Annotated[
        str | None,
        typer.Option(
            "--station",
            metavar="CODE",
            help="Only this station's handouts (its code or id), in a file of merged stations.",
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

      heartlink --db city.db report 2023 --by station

    "Named" counts distinct people and households; anonymous handouts (meals at a hospital)
    add to counts and handouts, and are counted apart in "Anonymous", never as people. With
    --by or --compare, --format json and csv give one row per dimension and kind, adding up to
    the year's totals.
    """
    import datetime as dt

    from heartlink.cli import views
    from heartlink.cli.render import Destination, render
    from heartlink.i18n import Formatter
    from heartlink.text import parse_date, parse_year

    year = parse_year(year if year is not None else dt.date.today().year)
    on = parse_date(as_of, allow_future=True) if as_of else None
    formatter = Formatter(lang)
    # One read snapshot: the tables of a report agree even while someone records.
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        only = None if station is None else _only_station(conn, station)
        if by is None and compare is None:
            document = views.totals_document(conn, year, on, formatter, only)
        else:
            document = views.view_document(
                conn, (by or View.kind).value, year, compare, on, formatter, only
            )
        render(fmt, document, Destination(formatter=formatter))


def _only_station(conn, text: str):
    from heartlink import reports
    from heartlink.cli.common import say
    from heartlink.i18n import _

    only = reports.only_station(conn, text)
    say(_("Station {code} only.").format(code=only.code))
    return only
