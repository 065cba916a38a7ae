"""`heartlink report`: the year's totals."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, open_ledger
from heartlink.cli.render import Column, Format

FIGURES = [
    Column("count", "Count", "number"),
    Column("handouts", "Handouts", "number"),
    Column("beneficiaries", "Named", "number"),
    Column("value_vnd", "Value", "money"),
]
KIND_COLUMNS = [Column("name", "Kind"), Column("unit", "Unit"), *FIGURES]
PROGRAMME_COLUMNS = [Column("name", "Programme"), *FIGURES[1:]]
CSV_FIELDS = [
    "section",
    "key",
    "name",
    "name_vi",
    "unit",
    "count",
    "handouts",
    "beneficiaries",
    "value_vnd",
]


def report(
    year: Annotated[
        int | None,
        typer.Argument(help="The year. Default: this year.", show_default=False),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Totals for a year, per kind and per programme; voided handouts left out.

    Examples:

      heartlink report 2023

      heartlink report 2023 --format json

    "Named beneficiaries" counts distinct people and households; anonymous handouts (meals at a
    hospital) add to counts and handouts only.
    """
    import datetime as dt

    from heartlink import reports
    from heartlink.cli import render

    with open_ledger(write=False) as ledger:
        totals = reports.yearly(ledger.conn, year if year is not None else dt.date.today().year)
    if fmt is Format.json:
        render.write_json(totals)
    elif fmt is Format.csv:
        render.write_csv_rows(_csv_rows(totals), CSV_FIELDS)
    elif not totals["totals"]:
        from heartlink.cli.common import say

        say(f"No handouts recorded in {totals['year']}.")
    else:
        overall = totals["overall"]
        value = Column("", "", "money").show(overall["value_vnd"])
        render.print_tables(
            render.make_table(KIND_COLUMNS, totals["totals"], f"Totals {totals['year']} by kind"),
            render.make_table(PROGRAMME_COLUMNS, totals["programmes"], "By programme"),
            f"{overall['handouts']:,} handouts, {overall['beneficiaries']:,} named beneficiaries"
            f" (people and households), value {value} where known. Anonymous handouts count in"
            " Count and Handouts, not in Named.",
        )


def _csv_rows(totals: dict):
    for row in totals["totals"]:
        yield {"section": "kind", "key": row["kind"], **row}
    for row in totals["programmes"]:
        yield {"section": "programme", "key": row["programme"], **row}
