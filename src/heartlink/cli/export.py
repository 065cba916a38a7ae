"""`heartlink export …`: totals, handouts, beneficiaries or donors to a CSV, JSON or Excel file."""

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from heartlink.cli.common import AsOfOption, LangOption, OverwriteOption
from heartlink.cli.render import ExportFormat
from heartlink.i18n import Lang, _
from heartlink.registers import Sort

app = typer.Typer(
    help="Write totals, handouts, beneficiaries, donors, donations or spending to a CSV, JSON or "
    "Excel (.xlsx) file.\n\n"
    "Example: heartlink export totals --year 2023 --output totals-2023.xlsx",
    no_args_is_help=True,
)

FormatOption = Annotated[
    ExportFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="csv (UTF-8, opens in Excel), json or xlsx. Default: from the --output name, "
        "else csv.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The file to write, or - for standard output. Default: standard output for csv "
        "and json; heartlink-WHAT-YEAR.xlsx in this folder for xlsx.",
        show_default=False,
    ),
]
PersonalOption = Annotated[
    bool,
    typer.Option(
        "--include-personal-data",
        help="Write names, phones, addresses, notes and officers instead of codes. The file "
        "is created readable only by you; needs --output.",
    ),
]

SortOption = Annotated[
    Sort | None,
    typer.Option(
        "--sort",
        help="name (given name first, in the Vietnamese alphabet; needs "
        "--include-personal-data), code, or added (when registered). Default: name with "
        "--include-personal-data, else code.",
        case_sensitive=False,
        show_default=False,
    ),
]

STANDARD_OUTPUT = Path("-")


@app.command("totals")
def totals(
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="The year. Default: this year.", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    force: OverwriteOption = False,
    lang: LangOption = Lang.en,
) -> None:
    """Write a year's totals: csv and json as `heartlink report` gives them; xlsx a workbook
    with a sheet per view (kind, programme, month, category, group). No personal data.

    Example: heartlink export totals --year 2023 --format xlsx --output totals-2023.xlsx
    """
    import datetime as dt

    from heartlink.text import parse_date

    year = _year(year if year is not None else dt.date.today().year)
    on = parse_date(as_of, allow_future=True) if as_of else None

    def build(conn: Any, formatter: Any, fmt: ExportFormat) -> Any:
        from heartlink.cli import views

        if fmt is ExportFormat.xlsx:
            return views.workbook_document(conn, year, on, formatter)
        # The report's own document: the same bytes as `heartlink report --format csv|json`.
        return views.totals_document(conn, year, on, formatter)

    _export(f"totals-{year}", build, fmt=fmt, output=output, force=force, lang=lang)


def _records_command(
    what: str, table: Callable[..., Any], year_help: str, doc: str, *, people: bool = False
):
    """`export handouts` and `export beneficiaries` are one command over different tables;
    the exports of `people` take --sort."""

    def command(
        year: Annotated[
            int | None, typer.Option("--year", "-y", help=year_help, show_default=False)
        ] = None,
        fmt: FormatOption = None,
        output: OutputOption = None,
        force: OverwriteOption = False,
        include_personal_data: PersonalOption = False,
        lang: LangOption = Lang.en,
        sort: SortOption = None,
    ) -> None:
        from heartlink.cli.render import Document

        year = _year(year)
        order = {}
        if people:
            from heartlink import exports

            order["sort"] = exports.people_order(sort, include_personal_data)

        def build(conn: Any, formatter: Any, fmt: ExportFormat) -> Document:
            options = dict(year=year, personal=include_personal_data, lang=formatter.lang, **order)
            return Document([table(conn, **options)])

        _export(
            _name(what, year),
            build,
            fmt=fmt,
            output=output,
            force=force,
            lang=lang,
            personal=include_personal_data,
        )

    command.__doc__ = doc
    if not people:  # no --sort: entries are listed oldest first
        signature = inspect.signature(command)
        parameters = [p for p in signature.parameters.values() if p.name != "sort"]
        command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return command


def _handouts_table(conn: Any, **options: Any) -> Any:
    from heartlink import exports

    return exports.handouts_table(conn, **options)


def _donations_table(conn: Any, **options: Any) -> Any:
    from heartlink import exports

    return exports.donations_table(conn, **options)


def _beneficiaries_table(conn: Any, **options: Any) -> Any:
    from heartlink import exports

    return exports.beneficiaries_table(conn, **options)


app.command("handouts")(
    _records_command(
        "handouts",
        _handouts_table,
        "Only this year.",
        """Write handouts (voided ones left out), oldest first, in the columns `heartlink
    import handouts` reads: date, kind, count, beneficiary, programme, place, value_vnd, note,
    then id, unit, created_at, import_key. The beneficiary is their id, never their name.

    Example: heartlink export handouts --year 2023 --output handouts-2023.csv
    """,
    )
)
app.command("donations")(
    _records_command(
        "donations",
        _donations_table,
        "Only this year.",
        """Write donations (voided ones left out), oldest first, in the columns `heartlink
    import donations` reads: date, kind, count, donor, programme, method, value_vnd, reference,
    note, then id, unit, created_at, import_key. The donor is their id; without
    --include-personal-data their name, the officer, reference and note are left out.

    Example: heartlink export donations --year 2023 --output donations-2023.csv
    """,
    )
)
app.command("beneficiaries")(
    _records_command(
        "beneficiaries",
        _beneficiaries_table,
        "Only those who received something that year.",
        """Write beneficiaries, archived ones too, in the columns `heartlink import
    beneficiaries` reads: name, categories, born, group, address, phone, school, note, consent,
    then id, code, household, archived, created_at. Without --include-personal-data the name is
    the code and address, phone and note are empty.

    Example: heartlink export beneficiaries --format xlsx --output beneficiaries.xlsx
    """,
        people=True,
    )
)


def _donors_table(conn: Any, **options: Any) -> Any:
    from heartlink import exports

    return exports.donors_table(conn, **options)


app.command("donors")(
    _records_command(
        "donors",
        _donors_table,
        "Only those who gave something that year.",
        """Write donors, archived ones too: name, type, public, phone, address, note, then id,
    code, archived, created_at. Without --include-personal-data the name of a donor who did
    not agree to be named in public (--private, the default) is their code, and phone,
    address and note are empty.

    Example: heartlink export donors --format xlsx --output donors.xlsx
    """,
        people=True,
    )
)


def _spending_table(conn: Any, **options: Any) -> Any:
    from heartlink import exports

    return exports.spending_table(conn, **options)


app.command("spending")(
    _records_command(
        "spending",
        _spending_table,
        "Only this year.",
        """Write spending lines (voided ones left out), oldest first, in the columns `heartlink
    import spending` reads: date, programme, amount_vnd, purpose, buys_kind, quantity,
    reference, note, then id, created_at, import_key. The officer who recorded each only with
    --include-personal-data.

    Example: heartlink export spending --year 2023 --output spending-2023.xlsx
    """,
    )
)


def _year(year: int | None) -> int | None:
    from heartlink.text import parse_year

    return None if year is None else parse_year(year)


def _name(what: str, year: int | None) -> str:
    return what if year is None else f"{what}-{year}"


def _export(
    what: str,
    build: Callable[[Any, Any, ExportFormat], Any],
    *,
    fmt: ExportFormat | None,
    output: Path | None,
    force: bool,
    lang: Lang,
    personal: bool = False,
) -> None:
    """Open the ledger for reading, build the document, and write it where asked: a new file
    (written whole, or not at all) or standard output (no --output, or `--output -`)."""
    from heartlink import files, stations
    from heartlink.cli.common import language_of, open_ledger, say
    from heartlink.cli.render import Destination, render
    from heartlink.errors import InputError
    from heartlink.i18n import Formatter

    to_stdout = output == STANDARD_OUTPUT
    fmt = fmt or _format_of(None if to_stdout else output)
    if output is None and fmt is not ExportFormat.xlsx:
        to_stdout = True
    if personal and to_stdout:
        raise InputError(
            _(
                "--include-personal-data needs --output FILE, so that the file "
                "can be created readable only by you"
            )
        )
    if to_stdout and fmt is ExportFormat.xlsx:
        raise InputError(
            _("a workbook is a file, not text for standard output; give --output FILE")
        )
    if output is None:
        output = Path(f"heartlink-{what}.xlsx")
    formatter = Formatter(language_of(lang, fmt))
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        document = build(conn, formatter, fmt)
        if to_stdout:
            notes = render(fmt, document, Destination(formatter=formatter))
        else:
            with (
                files.new_file(output, force=force, private=personal) as part,
                open(part, "wb") as stream,
            ):
                destination = Destination(
                    stream,
                    formatter,
                    for_spreadsheet=True,
                    heading=stations.heading(conn),
                    path=part,
                )
                notes = render(fmt, document, destination)
    for note in notes:
        say(note)
    if to_stdout:
        return
    privacy = (
        _("with personal data: keep it safe, readable only by you")
        if personal
        else _("no names, phones or addresses")
    )
    say(_("Exported to {output} ({privacy}).").format(output=output, privacy=privacy))


def _format_of(output: Path | None) -> ExportFormat:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return ExportFormat(suffix) if suffix in ExportFormat.__members__ else ExportFormat.csv
