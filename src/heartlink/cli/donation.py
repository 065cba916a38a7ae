"""`heartlink receive` and `heartlink donation …`: money and goods received."""

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
from heartlink.nouns import DONATION, METHOD_NAMES

app = typer.Typer(
    help="List donations and void mistakes.\n\nExample: heartlink donation list --year 2023",
    no_args_is_help=True,
)

RECEIVE_HELP = """Record money or goods received: KIND is cash for money, else what was given
(cake, book, … see `heartlink kind list`), and how many.

Examples:

  heartlink receive cash --count 2.000.000 --from 7KQ2MX4B --method bank --reference FT2309

  heartlink receive cash --count 6.000.000 --programme godmother --date 05/09/2023

  heartlink receive cake --count 700 --from 3HV9QW2C --value 35.000.000

  heartlink receive cash --count 1.500.000 --from 3HV9QW2C --sponsorship 5TR8KD1N

Money goes to the general fund unless --programme earmarks it. Goods are valued by --value,
else count × the kind's unit value. Without --from the donor is a well-wisher (Nhà hảo tâm).
Each donation gets a verification code for the receipt (`heartlink receipt CODE`) and the
statement. Donations are never edited: void a mistake and record it again.
"""


def receive(
    kind: Annotated[
        str,
        typer.Argument(metavar="KIND", help="cash for money, else the kind of goods received."),
    ],
    count: Annotated[
        str,
        typer.Option(
            "--count",
            "-n",
            help="For cash the amount in VND (2000000 or 2.000.000); for goods how many, in "
            "the kind's unit.",
            show_default=False,
        ),
    ],
    donor: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Donor id or code (`heartlink donor list`). Leave out for a well-wisher who "
            "gives no name.",
            show_default=False,
        ),
    ] = None,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme",
            "-p",
            help="The programme it is earmarked for. Default: the general fund (general).",
            show_default=False,
        ),
    ] = None,
    date: DateOption = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="For money: cash or bank (a transfer). Default: cash. Goods are in kind.",
            show_default=False,
        ),
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(
            "--value",
            help="For goods: their value in VND. Default: count × the kind's unit value.",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference", help="A bank transfer's or voucher's reference.", show_default=False
        ),
    ] = None,
    note: NoteOption = None,
    sponsorship: Annotated[
        str | None,
        typer.Option(
            "--sponsorship",
            help="For cash from a sponsor: the sponsorship it pays into "
            "(`heartlink sponsorship list`).",
            show_default=False,
        ),
    ] = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    from heartlink import donations
    from heartlink.cli.common import names_for_people, output_saved

    with open_ledger(write=True) as ledger:
        row = donations.receive(
            ledger,
            kind,
            count=count,
            donor=donor,
            programme=programme,
            date=date,
            method=method,
            value=value,
            reference=reference,
            note=note,
            officer=officer(by),
            sponsorship=sponsorship,
        )
        kind_name, unit, fund = names_for_people(
            ledger.conn, row["kind"], row["unit"], row["programme"]
        )
    from_whom = (
        _(" from donor {donor}").format(donor=row["donor"])
        if row["donor"]
        else _(" from a well-wisher")
    )
    method = METHOD_NAMES.get(row["method"])
    what = (
        _("{amount} VND ({method})").format(
            amount=figure(row["count"]), method=_(method) if method else row["method"]
        )
        if row["kind"] == donations.MONEY
        else _("{kind}: {count} × {unit}").format(
            kind=kind_name, count=figure(row["count"]), unit=unit
        )
    )
    output_saved(
        row,
        fmt,
        _(
            "Received {what}{from_whom} on {date} (fund {programme}).\n"
            "Verification code: {code} (receipt: heartlink receipt {code})"
        ).format(
            what=what,
            from_whom=from_whom,
            date=day(row["date"]),
            programme=fund,
            code=row["code"],
        ),
    )
    if "sponsorship" in row:
        from heartlink.cli.common import say

        say(_("Paid into sponsorship {code}.").format(code=row["sponsorship"]))


DONATION_COLUMNS = DONATION.columns()
DONATION_FIELDS = list(DONATION.csv_keys)


@app.command("list")
def list_donations(
    year: Annotated[int | None, typer.Option(help="Only this year.", show_default=False)] = None,
    donor: Annotated[
        str | None,
        typer.Option("--from", help="Only from this donor (id or code).", show_default=False),
    ] = None,
    programme: Annotated[
        str | None, typer.Option(help="Only for this fund (programme).", show_default=False)
    ] = None,
    with_voided: Annotated[bool, typer.Option(help="Include voided donations.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """List donations, oldest first: donors by their code, never their name.

    Example: heartlink donation list --year 2023 --programme godmother --format csv
    """
    from heartlink import donations
    from heartlink.cli.render import output_rows

    columns = DONATION_COLUMNS + (DONATION.columns(("voided",)) if with_voided else [])
    with open_ledger(write=False) as ledger:
        rows = donations.search(
            ledger.conn, year=year, donor=donor, programme=programme, with_voided=with_voided
        )
        output_rows(rows, fmt, columns, fields=DONATION_FIELDS, empty=_("No donations match."))


@app.command("void")
def void(
    donation_id: Annotated[
        str, typer.Argument(metavar="ID", help="Donation id or verification code.")
    ],
    reason: Annotated[
        str, typer.Option(help="Why it is void (kept with the record).", show_default=False)
    ],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Mark a donation recorded by mistake. It stays in the ledger (its receipt says VOID);
    totals leave it out.

    Example: heartlink donation void 7KQ2MX4B --reason "typed 20.000.000 instead of 2.000.000"
    """
    from heartlink import donations
    from heartlink.cli.common import output_saved

    with open_ledger(write=True) as ledger:
        row = donations.void(ledger, donation_id, reason=reason, officer=officer(by))
    output_saved(
        row,
        fmt,
        _("Voided donation {code} ({count} {unit} of {kind}).").format(
            code=row["code"], count=figure(row["count"]), unit=row["unit"], kind=row["kind"]
        ),
    )
