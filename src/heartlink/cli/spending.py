"""`heartlink spend` and `heartlink spending …`: money paid out of the funds, not to a person."""

from typing import Annotated

import typer

from heartlink.cli.common import (
    DateOption,
    FormatOption,
    NoteOption,
    OfficerOption,
    officer,
    open_ledger,
)
from heartlink.cli.render import Format
from heartlink.i18n import _, day, figure
from heartlink.nouns import SPENDING

app = typer.Typer(
    help="List spending lines and void mistakes.\n\nExample: heartlink spending list --year 2023",
    no_args_is_help=True,
)

SPEND_HELP = """Record money paid out of a fund that is not a handout to a person: ingredients
for the meals, cakes bought from a bakery.

Examples:

  heartlink spend --amount 3.000.000 --programme meals --for "gạo, rau, thịt"

  heartlink spend --amount 35.000.000 --programme banh-tet --for "bánh tét, lò bánh Bà Tư"
  --buys cake --quantity 700 --reference HD-0412 --date 05/02/2023

The fund is a programme's (see `heartlink programme list`), or `general` for the general fund.
Spending more than a fund holds is allowed (the officers may advance the money); `heartlink
funds` shows the negative balance. With --buys, the goods bought go into stock. Spending is
never edited: void a mistake and record it again.
"""


def spend(
    amount: Annotated[
        str,
        typer.Option(
            "--amount", "-a", help="How much, in VND (3000000 or 3.000.000).", show_default=False
        ),
    ],
    programme: Annotated[
        str,
        typer.Option(
            "--programme",
            "-p",
            help="The fund it is paid from: a programme's slug, or general.",
            show_default=False,
        ),
    ],
    purpose: Annotated[
        str,
        typer.Option("--for", help='What it paid for: "gạo, rau, thịt".', show_default=False),
    ],
    date: DateOption = None,
    buys: Annotated[
        str | None,
        typer.Option(
            "--buys",
            metavar="KIND",
            help="The kind bought, which goes into stock (needs --quantity).",
            show_default=False,
        ),
    ] = None,
    quantity: Annotated[
        str | None,
        typer.Option(
            "--quantity", "-q", help="How many of --buys, in the kind's unit.", show_default=False
        ),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option(help="The bill's or transfer's number.", show_default=False),
    ] = None,
    note: NoteOption = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    from heartlink import spending, stock
    from heartlink.cli.common import names_for_people, output_saved, say

    with open_ledger(write=True) as ledger:
        row = spending.record(
            ledger,
            amount=amount,
            programme=programme,
            purpose=purpose,
            date=date,
            buys=buys,
            quantity=quantity,
            reference=reference,
            note=note,
            officer=officer(by),
        )
        untracked = row["buys_kind"] and not stock.is_tracked(ledger.conn, row["buys_kind"])
        bought_kind, _unit, fund = names_for_people(
            ledger.conn, row["buys_kind"], None, row["programme"]
        )
    bought = (
        _(", buys {quantity} {kind}").format(quantity=figure(row["quantity"]), kind=bought_kind)
        if row["buys_kind"]
        else ""
    )
    output_saved(
        row,
        fmt,
        _(
            "Recorded spending of {amount_vnd} ₫ from {programme} on {date}{bought}, code {code}."
        ).format(
            amount_vnd=figure(row["amount_vnd"]),
            programme=fund,
            date=day(row["date"]),
            bought=bought,
            code=row["code"],
        ),
    )
    if untracked:
        say(
            _(
                "Note: the stock of {kind} is not tracked, so `heartlink stock` "
                "does not show it; track it with `heartlink kind edit {kind} "
                "--track-stock`."
            ).format(kind=row["buys_kind"])
        )


SPENDING_FIELDS = list(SPENDING.csv_keys)


@app.command("list")
def list_spending(
    year: Annotated[int | None, typer.Option(help="Only this year.", show_default=False)] = None,
    programme: Annotated[
        str | None, typer.Option(help="Only from this fund (programme).", show_default=False)
    ] = None,
    with_voided: Annotated[bool, typer.Option(help="Include voided lines.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """List spending lines, oldest first.

    Example: heartlink spending list --year 2023 --programme meals --format csv
    """
    from heartlink import spending
    from heartlink.cli.render import output_rows

    columns = SPENDING.columns() + (SPENDING.columns(("voided",)) if with_voided else [])
    with open_ledger(write=False) as ledger:
        rows = spending.search(ledger.conn, year=year, programme=programme, with_voided=with_voided)
        output_rows(rows, fmt, columns, fields=SPENDING_FIELDS, empty=_("No spending matches."))


@app.command("void")
def void(
    spending_id: Annotated[str, typer.Argument(metavar="ID", help="Spending line id or code.")],
    reason: Annotated[
        str, typer.Option(help="Why it is void (kept with the line).", show_default=False)
    ],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Mark a spending line recorded by mistake. It stays in the ledger; totals leave it out.

    Example: heartlink spending void 7KQ2MX4B --reason "typed 30.000.000 instead of 3.000.000"
    """
    from heartlink import spending
    from heartlink.cli.common import output_saved

    with open_ledger(write=True) as ledger:
        row = spending.void(ledger, spending_id, reason=reason, officer=officer(by))
    output_saved(
        row,
        fmt,
        _("Voided spending {code} ({amount} ₫ from {programme}).").format(
            code=row["code"], amount=figure(row["amount_vnd"]), programme=row["programme"]
        ),
    )
