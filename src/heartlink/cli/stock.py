"""`heartlink stock`: what is on hand of the kinds whose stock is tracked."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_, _

STOCK_COLUMNS = [
    Column("kind", N_("Kind"), catalogue="kind"),
    Column("unit", N_("Unit"), catalogue="unit"),
    Column("opening", N_("Opening"), "number"),
    Column("in", N_("In"), "number"),
    Column("out", N_("Out"), "number"),
    Column("on_hand", N_("On hand"), "number"),
    Column("value_vnd", N_("Value"), "money"),
    Column(
        "valued_at",
        N_("Valued at"),
        words={
            "unit value": N_("unit value"),
            "average of what came in": N_("average of what came in"),
        },
    ),
]
STOCK_FIELDS = [column.key for column in STOCK_COLUMNS]


def stock(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Stock at the end of DATE (2023-06-30 or 30/06/2023); opening is at the start "
            "of its year. Default: now, opening at the start of this year.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show the stock of every tracked kind: opening, in (received in kind and bought), out
    (handed out), on hand, and its value (at the kind's unit value, else at the average value
    of what came in).

    Track a kind with `heartlink kind edit cake --track-stock`.

    Example: heartlink stock --as-of 31/12/2023
    """
    from heartlink import stock as stocks
    from heartlink.cli.common import open_ledger, say
    from heartlink.cli.render import in_language, output_rows
    from heartlink.text import parse_date

    on = parse_date(as_of, allow_future=True) if as_of else None
    with open_ledger(write=False) as ledger:
        levels = stocks.levels(ledger.conn, as_of=on)
        when = _("at the end of {as_of}").format(as_of=levels["as_of"]) if on else _("now")
        if fmt is Format.json:
            from heartlink.cli.render import output_record

            output_record(levels, fmt, show=lambda: None)
            return
        # Drawn with the ledger open: a table in Vietnamese reads the catalogue's names from it.
        output_rows(
            levels["kinds"],
            fmt,
            in_language(STOCK_COLUMNS),
            fields=STOCK_FIELDS,
            title=_("Stock {when} (opening: 1 January {year})").format(
                when=when, year=levels["year"]
            ),
            empty=_(
                "No kind's stock is tracked; track one with "
                "`heartlink kind edit KIND --track-stock`."
            ),
        )
    if fmt is Format.table:
        for line in levels["kinds"]:
            if line["on_hand"] < 0:
                say(
                    _(
                        "Warning: the stock of {kind} is below zero; record what came "
                        "in, or void the handout recorded by mistake (`heartlink check` "
                        "says since when)."
                    ).format(kind=line["kind"])
                )
