"""`heartlink export …`: totals, handouts or beneficiaries to a CSV, JSON or Excel file."""

from pathlib import Path
from typing import Annotated, Any

import typer

from heartlink.cli.common import AsOfOption, LangOption, OverwriteOption
from heartlink.cli.render import ExportFormat
from heartlink.i18n import Lang

STATION_ENV = "HEARTLINK_STATION"
DEFAULT_STATION = "Công an phường Thanh Khê Đông"

app = typer.Typer(
    help="Write totals, handouts or beneficiaries to a CSV, JSON or Excel (.xlsx) file.\n\n"
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
        help="The file to write. Default: standard output for csv and json; "
        "heartlink-WHAT-YEAR.xlsx in this folder for xlsx.",
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
StationOption = Annotated[
    str,
    typer.Option("--station", envvar=STATION_ENV, help="The station's name, in workbook titles."),
]

# How each column of an export is shown (heartlink.cli.render.Column styles).
STYLES = {
    "date": "date",
    "count": "number",
    "value_vnd": "money",
    "categories": "list",
    "consent": "flag",
    "household": "flag",
    "archived": "flag",
}
TOTALS_CSV_HEADINGS = {
    "section": "Phần",
    "key": "Mã",
    "name": "Tên",
    "name_vi": "Tên tiếng Việt",
    "unit": "Đơn vị",
    "count": "Số lượng",
    "handouts": "Lượt trao",
    "beneficiaries": "Người nhận có tên",
    "value_vnd": "Giá trị (đồng)",
}


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
    station: StationOption = DEFAULT_STATION,
) -> None:
    """Write a year's totals: csv and json as `heartlink report` gives them; xlsx a workbook
    with a sheet per view (kind, programme, month, category, group). No personal data.

    Example: heartlink export totals --year 2023 --format xlsx --output totals-2023.xlsx
    """
    import datetime as dt

    from heartlink.text import parse_date

    year = _year(year if year is not None else dt.date.today().year)
    on = parse_date(as_of, allow_future=True) if as_of else None

    def build(conn: Any, formatter: Any, fmt: ExportFormat) -> tuple[list, Any]:
        from heartlink import reports
        from heartlink.cli import views
        from heartlink.cli.render import Column, Sheet

        if fmt is ExportFormat.json:
            return [], reports.yearly(conn, year, on)
        if fmt is ExportFormat.csv:
            totals = reports.yearly(conn, year, on)
            vi = formatter.lang == Lang.vi
            fields = reports.TOTALS_FIELDS
            columns = [Column(f, TOTALS_CSV_HEADINGS[f] if vi else f) for f in fields]
            rows = list(reports.totals_rows(totals, vi=vi))
            return [Sheet("totals", "", columns, lambda: rows)], None
        labels = views.Labels(conn, formatter)
        sheets = []
        for by in reports.VIEWS:
            rows = list(labels.named(reports.view(conn, year, by, on), by))
            sheets.append(
                Sheet(
                    formatter.word(f"By {by}"),
                    views.title(formatter, by, year, on),
                    views.columns(formatter, by),
                    lambda rows=rows: rows,
                )
            )
        return sheets, None

    _export(
        f"totals-{year}", build, fmt=fmt, output=output, force=force, lang=lang, station=station
    )


def _records_command(what: str, noun: str, year_help: str, doc: str):
    """`export handouts` and `export beneficiaries` are one command over different rows."""

    def command(
        year: Annotated[
            int | None, typer.Option("--year", "-y", help=year_help, show_default=False)
        ] = None,
        fmt: FormatOption = None,
        output: OutputOption = None,
        force: OverwriteOption = False,
        include_personal_data: PersonalOption = False,
        lang: LangOption = Lang.en,
        station: StationOption = DEFAULT_STATION,
    ) -> None:
        from functools import partial

        from heartlink import exports

        year = _year(year)
        # exports.handout_rows and handout_fields, or the beneficiary_ ones.
        row_source = getattr(exports, f"{noun}_rows")
        fields = getattr(exports, f"{noun}_fields")(include_personal_data)

        def build(conn: Any, formatter: Any, fmt: ExportFormat) -> tuple[list, Any]:
            rows = partial(row_source, conn, year=year, personal=include_personal_data)
            return [_sheet(what.capitalize(), year, fields, rows, formatter)], None

        _export(
            _name(what, year),
            build,
            fmt=fmt,
            output=output,
            force=force,
            lang=lang,
            station=station,
            personal=include_personal_data,
        )

    command.__doc__ = doc
    return command


app.command("handouts")(
    _records_command(
        "handouts",
        "handout",
        "Only this year.",
        """Write handouts (voided ones left out), oldest first, in the columns `heartlink
    import handouts` reads: date, kind, count, beneficiary, programme, place, value_vnd, note,
    then id, unit, created_at, import_key. The beneficiary is their id, never their name.

    Example: heartlink export handouts --year 2023 --output handouts-2023.csv
    """,
    )
)
app.command("beneficiaries")(
    _records_command(
        "beneficiaries",
        "beneficiary",
        "Only those who received something that year.",
        """Write beneficiaries, archived ones too, in the columns `heartlink import
    beneficiaries` reads: name, categories, born, group, address, phone, school, note, consent,
    then id, code, household, archived, created_at. Without --include-personal-data the name is
    the code and address, phone and note are empty.

    Example: heartlink export beneficiaries --format xlsx --output beneficiaries.xlsx
    """,
    )
)


def _year(year: int | None) -> int | None:
    from heartlink.text import parse_year

    return None if year is None else parse_year(year)


def _name(what: str, year: int | None) -> str:
    return what if year is None else f"{what}-{year}"


def _sheet(what: str, year: int | None, fields: tuple, rows: Any, formatter: Any) -> Any:
    from heartlink.cli.render import Column, Sheet

    name = {"Handouts": "Lượt trao", "Beneficiaries": "Người nhận"}[what]
    name = name if formatter.lang == Lang.vi else what
    columns = [
        Column(f.name, f.heading(formatter.lang), STYLES.get(f.name, "text")) for f in fields
    ]
    return Sheet(name, name if year is None else f"{name} {year}", columns, rows)


def _export(
    what: str,
    build: Any,
    *,
    fmt: ExportFormat | None,
    output: Path | None,
    force: bool,
    lang: Lang,
    station: str,
    personal: bool = False,
) -> None:
    """Open the ledger for reading, build the sheets, and write them where asked: a new file
    (written whole, or not at all) or standard output."""
    import sys

    from heartlink import files
    from heartlink.cli.common import open_ledger, say
    from heartlink.errors import InputError
    from heartlink.i18n import Formatter

    fmt = fmt or _format_of(output)
    if personal and output is None:
        raise InputError(
            "--include-personal-data needs --output FILE, so that the file can be created "
            "readable only by you"
        )
    if output is None and fmt is ExportFormat.xlsx:
        output = Path(f"heartlink-{what}.xlsx")
    formatter = Formatter(lang)
    with open_ledger(write=False) as ledger, ledger.snapshot() as conn:
        sheets, document = build(conn, formatter, fmt)
        if output is None:
            _write(sys.stdout, fmt, sheets, document, formatter)
            return
        with files.new_file(output, force=force, private=personal) as part:
            if fmt is ExportFormat.xlsx:
                from heartlink.cli.render import write_workbook

                write_workbook(part, title=station, sheets=sheets, formatter=formatter)
            else:
                encoding = "utf-8-sig" if fmt is ExportFormat.csv else "utf-8"
                with open(part, "w", encoding=encoding, newline="") as out:
                    _write(out, fmt, sheets, document, formatter)
    privacy = (
        "with personal data: keep it safe, readable only by you"
        if personal
        else "no names, phones or addresses"
    )
    say(f"Exported to {output} ({privacy}).")


def _format_of(output: Path | None) -> ExportFormat:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return ExportFormat(suffix) if suffix in ExportFormat.__members__ else ExportFormat.csv


def _write(out: Any, fmt: ExportFormat, sheets: list, document: Any, formatter: Any) -> None:
    from heartlink.cli import render

    if fmt is ExportFormat.json:
        if document is not None:
            render.write_json(document, out)
        else:
            sheet = sheets[0]
            keys = [column.key for column in sheet.columns]
            render.write_json_rows(({k: row.get(k) for k in keys} for row in sheet.rows()), out)
        return
    sheet = sheets[0]
    if (getattr(out, "encoding", None) or "").lower().replace("-", "") != "utf8sig":
        out.write("\ufeff")  # Excel on Windows reads UTF-8 only after a byte order mark
    # Dates are stored as 2023-03-06, the English form: only Vietnamese rewrites them.
    dates = [c.key for c in sheet.columns if c.style == "date" and formatter.lang == Lang.vi]

    from heartlink.sheets import FORMULA_STARTS

    def localized(rows: Any) -> Any:
        for row in rows:
            row = row | {key: formatter.date(row[key]) for key in dates if row.get(key)}
            # A spreadsheet runs a cell starting with = + - @ as a formula: an apostrophe in
            # front keeps it text (and `heartlink import` takes the apostrophe off again).
            yield {
                key: "'" + value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS)
                else value
                for key, value in row.items()
            }

    render.write_csv_rows(
        localized(sheet.rows()),
        [column.key for column in sheet.columns],
        out,
        headings=[column.heading for column in sheet.columns],
    )
