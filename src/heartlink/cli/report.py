"""`heartlink report`: the year's totals, their views, and one year beside another."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from heartlink.cli.common import (
    AsOfOption,
    OverwriteOption,
    language_of,
    note_command_lang,
    open_ledger,
    settings,
)
from heartlink.i18n import LANG_ENV, Lang, _

if TYPE_CHECKING:
    import datetime as dt


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    pdf = "pdf"


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
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            envvar=LANG_ENV,
            help="Language of headings, names, numbers (1.234.567) and dates (06/03/2023): en "
            f"or vi. Default: ${LANG_ENV} or `heartlink --lang`; else vi for pdf (the report "
            "for the ward), the system's language otherwise. csv and json are in English "
            "unless --lang is given here.",
            case_sensitive=False,
            show_default=False,
            callback=note_command_lang,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json or csv for scripts (data on stdout); pdf, the A4 "
            "report to sign for the ward (a file: --output).",
        ),
    ] = ReportFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The PDF to write. Default: heartlink-report-YEAR.pdf in this folder.",
            show_default=False,
        ),
    ] = None,
    force: OverwriteOption = False,
) -> None:
    """Totals for a year, per kind and per programme, or in one view; voided handouts left out.

    Examples:

      heartlink report 2023

      heartlink report 2023 --by month --lang vi

      heartlink report 2023 --compare 2022 --by programme

      heartlink report 2023 --as-of 31/01/2024 --format json

      heartlink report 2023 --format pdf --output bao-cao-2023.pdf

      heartlink --db city.db report 2023 --by station

    "Named" counts distinct people and households; anonymous handouts (meals at a hospital)
    add to counts and handouts, and are counted apart in "Anonymous", never as people. With
    --by or --compare, --format json and csv give one row per dimension and kind, adding up to
    the year's totals. --format pdf is the year's report as the ward receives it (Decree
    30/2020: the station, the national heading, place and date, the totals, a month chart per
    programme, the head's signature), in Vietnamese unless --lang en; it needs the station set
    (`heartlink station set`). A closed year (`heartlink close`) says so, with its hash, and
    when it was reopened and why.
    """
    import datetime as dt

    from heartlink import closing
    from heartlink.cli import views
    from heartlink.cli.render import Destination, render
    from heartlink.i18n import Formatter
    from heartlink.text import parse_date, parse_year

    year = parse_year(year if year is not None else dt.date.today().year)
    on = parse_date(as_of, allow_future=True) if as_of else None
    if fmt is ReportFormat.pdf:
        if by is not None or compare is not None:
            from heartlink.errors import InputError

            raise InputError(
                _("--format pdf is the whole year's report; leave out --by and --compare")
            )
        chosen = settings.lang if settings.lang_chosen else Lang.vi
        _signed_report(year, on, lang or chosen, output, force)
        return
    if output is not None:
        from heartlink.errors import InputError

        raise InputError(_("--output is for --format pdf; the other formats go to stdout"))
    formatter = Formatter(language_of(lang or settings.lang, fmt.value))
    # One read snapshot: the tables of a report agree even while someone records.
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        only = None if station is None else _only_station(conn, station)
        closed = closing.stated(conn, year, None if only is None else only.station_id)
        lines = closing.state_lines(closed, formatter)
        if by is View.station:
            lines += [
                _("Station {code}: {line}").format(code=code, line=line)
                for code, state in closing.merged_states(conn, year)
                for line in closing.state_lines(state, formatter)
            ]
        if by is None and compare is None:
            document = views.totals_document(conn, year, on, formatter, only)
        else:
            document = views.view_document(
                conn, (by or View.kind).value, year, compare, on, formatter, only
            )
        render(fmt.value, document, Destination(formatter=formatter))
        if fmt is ReportFormat.table and document.json and document.json.get("sponsorships"):
            _print_sponsorships(conn, document.json["sponsorships"], formatter)
    if fmt is ReportFormat.table:
        for line in lines:
            print(line)


def _print_sponsorships(conn, rows: list[dict], formatter) -> None:
    """The report's sponsorship section for people, after its other tables."""
    from heartlink.cli import render, sponsorship
    from heartlink.cli.views import Labels

    table = sponsorship.year_table(rows, Labels(conn, formatter).programmes, formatter)
    render.print_tables(
        render.make_table(table.columns, list(table.rows()), table.title, formatter)
    )


def _signed_report(
    year: int, as_of: "dt.date | None", lang: Lang, output: Path | None, force: bool
) -> None:
    """The A4 report to sign, built whole (it needs the station) before its file is opened."""
    import datetime

    from heartlink import files, stations
    from heartlink.cli import views
    from heartlink.cli.common import say
    from heartlink.cli.render import Destination, render
    from heartlink.i18n import Formatter, _

    formatter = Formatter(lang)
    output = output or Path(f"heartlink-report-{year}.pdf")
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        station = stations.required(conn, _("The report's PDF"))
        dated = views.dated_line(station.place, as_of or datetime.date.today(), formatter)
        document = views.signed_document(
            conn, year, as_of, formatter, dated=dated, signer=station.head or ""
        )
    with files.new_file(output, force=force) as part, open(part, "wb") as stream:
        render("pdf", document, Destination(stream, formatter, heading=station.name, path=part))
    say(_("Report written to {path}.").format(path=output))


def _only_station(conn, text: str):
    from heartlink import reports
    from heartlink.cli.common import say

    only = reports.only_station(conn, text)
    say(_("Station {code} only.").format(code=only.code))
    return only
