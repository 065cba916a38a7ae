"""`heartlink sponsorship …`: commitments to pay a beneficiary (the godmother programme), their
schedules, what is due, and what was received and paid out on each."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption, officer, open_ledger, say
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_
from heartlink.nouns import PAY_OUT_WORDS, PERIOD_WORDS, SPONSOR_WORDS, SPONSORSHIP, STATUS_WORDS

if TYPE_CHECKING:
    from heartlink.i18n import Formatter
    from heartlink.tables import Table

app = typer.Typer(
    help="Sponsorships: a commitment to pay a beneficiary an amount per month, quarter or year, "
    "from the station's funds or passed on from a donor.\n\n"
    "Example: heartlink sponsorship add --to 7KQ2MX4B --amount 6.000.000 --per year "
    "--pay-out monthly",
    no_args_is_help=True,
)


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class PayOut(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


CodeArgument = Annotated[str, typer.Argument(metavar="CODE", help="Sponsorship id or code.")]
LIST_FIELDS = list(SPONSORSHIP.csv_keys)
# Headings marked for the catalogue, shown in the run's language (render.in_language).
SCHEDULE_COLUMNS = [
    Column("due", N_("Due"), "date"),
    Column("amount_vnd", N_("Amount"), "money"),
    Column("received_vnd", N_("Received"), "money"),
    Column("received_on", N_("Received on"), "date"),
    Column("paid_out_vnd", N_("Paid out"), "money"),
    Column("paid_on", N_("Paid on"), "date"),
]
PAYMENT_COLUMNS = [
    Column("entry", N_("Entry"), words={"donation": N_("donation"), "handout": N_("handout")}),
    Column("code", N_("Code")),
    Column("date", N_("Date"), "date"),
    Column("amount_vnd", N_("Amount"), "money"),
    Column("advance_vnd", N_("Advanced"), "money"),
    Column("voided", N_("Voided"), "flag"),
]
# heartlink.sponsorships.due's sides: what the station pays out, what a sponsor owes it.
SIDE_WORDS = {"pay out": N_("pay out"), "sponsor owes": N_("sponsor owes")}
DUE_COLUMNS = [
    Column("due", N_("Due"), "date"),
    Column("overdue", N_("Overdue"), "flag"),
    Column("side", N_("What"), words=SIDE_WORDS),
    Column("sponsorship", N_("Sponsorship")),
    Column("beneficiary", N_("Beneficiary")),
    Column("sponsor", N_("Sponsor"), words=SPONSOR_WORDS),
    Column("amount_vnd", N_("Amount"), "money"),
]


def _summary(record: dict) -> str:
    from heartlink.i18n import _, figure

    def said(words: dict[str, str], value: str) -> str:
        return _(words[value]) if value in words else value

    return _(
        "Sponsorship {code}: {amount} VND per {per} to {beneficiary}, paid {pay_out}, from "
        "{sponsor}. Pledged {pledged}, received {received}, paid out {paid_out}, held {held}, "
        "overdue {overdue}; status {status}."
    ).format(
        code=record["code"],
        amount=figure(record["amount_vnd"]),
        per=said(PERIOD_WORDS, record["per"]),
        beneficiary=record["beneficiary"],
        pay_out=said(PAY_OUT_WORDS, record["pay_out"]),
        sponsor=said(SPONSOR_WORDS, record["sponsor"]),
        pledged=figure(record["pledged_vnd"]),
        received=figure(record["received_vnd"]),
        paid_out=figure(record["paid_out_vnd"]),
        held=figure(record["held_vnd"]),
        overdue=figure(record["overdue_vnd"]),
        status=said(STATUS_WORDS, record["status"]),
    )


def _saved(record: dict, fmt: Format, message: str) -> None:
    from heartlink.cli.common import output_saved

    output_saved(record, fmt, f"{message}\n{_summary(record)}")


@app.command("add")
def add(
    to: Annotated[
        str, typer.Option("--to", help="The beneficiary (id or code).", show_default=False)
    ],
    amount: Annotated[
        str,
        typer.Option("--amount", help="VND per period (6000000 or 6.000.000).", show_default=False),
    ],
    per: Annotated[Period, typer.Option("--per", help="The amount's period.")],
    donor: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="The donor who pledges the money (id or code). Default: the station itself, "
            "from its funds.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First month: 2023-01 or 01/2023. Default: this month.",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--end", help="Last month covered: 2025-12. Default: until ended.", show_default=False
        ),
    ] = None,
    pay_out: Annotated[
        PayOut | None,
        typer.Option(
            "--pay-out",
            help="How often it is paid out. Default: once per period.",
            show_default=False,
        ),
    ] = None,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme", "-p", help="Programme slug. Default: godmother.", show_default=False
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note.", show_default=False)] = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Commit to paying a beneficiary an amount per month, quarter or year; prints its code.

    Examples:

      heartlink sponsorship add --to 7KQ2MX4B --amount 6.000.000 --per year --pay-out monthly

      heartlink sponsorship add --to 2PL6VX9E --from 3HV9QW2C --amount 500.000 --per month
      --end 2025-12 --programme school-support
    """
    from heartlink import sponsorships
    from heartlink.i18n import _

    with open_ledger(write=True) as ledger:
        record = sponsorships.add(
            ledger,
            to=to,
            amount=amount,
            per=per.value,
            donor=donor,
            start=start,
            end=end,
            pay_out=pay_out.value if pay_out else None,
            programme=programme,
            note=note,
            officer=officer(by),
        )
    _saved(record, fmt, _("Added sponsorship {code}.").format(code=record["code"]))


@app.command("list")
def list_sponsorships(
    active: Annotated[bool, typer.Option("--active", help="Only those not ended.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Every sponsorship: beneficiary and sponsor by code, amount and period, pledged so far,
    received, paid out, held (received − paid out), next due, overdue, status.

    Example: heartlink sponsorship list --active --format json
    """
    from heartlink import sponsorships
    from heartlink.cli.render import output_rows
    from heartlink.i18n import _

    with open_ledger(write=False) as ledger:
        rows = sponsorships.listing(ledger.conn, active=active)
    empty = _("No sponsorships.")
    output_rows(rows, fmt, SPONSORSHIP.columns(), fields=LIST_FIELDS, empty=empty)


@app.command("show")
def show(code: CodeArgument, fmt: FormatOption = Format.table) -> None:
    """One sponsorship: its schedule instalment by instalment (due, amount, received, paid out,
    and when), its changes, and every linked receipt and handout.

    Example: heartlink sponsorship show 5TR8KD1N
    """
    from heartlink import sponsorships
    from heartlink.cli.render import Document, Table, print_tables, render, table_for_people
    from heartlink.i18n import _

    with open_ledger(write=False) as ledger:
        record = sponsorships.show(ledger.conn, code)
    station = record["sponsor"] == sponsorships.STATION
    schedule = [c for c in SCHEDULE_COLUMNS if not (station and c.key.startswith("received"))]

    def people() -> None:
        say(_summary(record))
        print_tables(
            table_for_people(schedule, record["schedule"], _("Schedule")),
            table_for_people(
                PAYMENT_COLUMNS, record["payments"], _("Linked receipts and handouts")
            ),
        )

    render(
        fmt,
        Document([Table.of(SCHEDULE_COLUMNS, record["schedule"])], json=record, people=people),
    )


@app.command("due")
def due(
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="Up to this day (2024-01-31). Default: today.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """What must be paid out, and what sponsors owe, up to a date: overdue first.

    Example: heartlink sponsorship due --until 31/01/2024
    """
    from heartlink import sponsorships
    from heartlink.cli.render import output_rows
    from heartlink.i18n import _
    from heartlink.text import parse_date

    on = parse_date(until, allow_future=True) if until else None
    with open_ledger(write=False) as ledger:
        rows = sponsorships.due(ledger.conn, on)
    fields = [column.key for column in DUE_COLUMNS] + ["programme"]
    output_rows(rows, fmt, DUE_COLUMNS, fields=fields, empty=_("Nothing due."))


@app.command("end")
def end(
    code: CodeArgument,
    date: Annotated[
        str,
        typer.Option("--date", "-d", help="The last day covered (2025-06-30).", show_default=False),
    ],
    reason: Annotated[str, typer.Option(help="Why it ends (kept with it).", show_default=False)],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """End a sponsorship: the instalments due after the date are cancelled; its history stays.

    Example: heartlink sponsorship end 5TR8KD1N --date 30/06/2025 --reason "moved to Huế"
    """
    from heartlink import sponsorships
    from heartlink.i18n import _

    with open_ledger(write=True) as ledger:
        record = sponsorships.end(ledger, code, date=date, reason=reason, officer=officer(by))
    _saved(record, fmt, _("Ended sponsorship {code}.").format(code=record["code"]))


@app.command("change")
def change(
    code: CodeArgument,
    amount: Annotated[
        str, typer.Option("--amount", help="The new VND per period.", show_default=False)
    ],
    from_date: Annotated[
        str,
        typer.Option("--from-date", help="From this day on (2024-07-01).", show_default=False),
    ],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """A new amount from a date on; what fell due before stays as it was.

    Example: heartlink sponsorship change 5TR8KD1N --amount 7.200.000 --from-date 2024-01-01
    """
    from heartlink import sponsorships
    from heartlink.i18n import _

    with open_ledger(write=True) as ledger:
        record = sponsorships.change(
            ledger, code, amount=amount, from_date=from_date, officer=officer(by)
        )
    _saved(record, fmt, _("Changed sponsorship {code}.").format(code=record["code"]))


def year_columns(fmt: "Formatter") -> list[Column]:
    """The columns of a report's or a statement's sponsorship section (per programme)."""
    word = fmt.word
    return [
        Column("programme_name", word("Programme")),
        Column("sponsorships", word("Sponsorships"), "number"),
        Column("committed_vnd", word("Committed"), "money"),
        Column("received_vnd", word("Received"), "money"),
        Column("paid_out_vnd", word("Paid out"), "money"),
        Column("held_vnd", word("Held"), "money"),
        Column("overdue_vnd", word("Overdue"), "money"),
    ]


def year_table(rows: list[dict], programmes: dict[str, str], fmt: "Formatter") -> "Table":
    """A report's or a statement's sponsorship section: a row per programme."""
    from heartlink.tables import Table

    word = fmt.word
    return Table.of(
        year_columns(fmt), year_rows(rows, programmes), word("Sponsorships"), word("Sponsorships")
    )


def year_rows(rows: list[dict], programmes: dict[str, str]) -> list[dict]:
    return [
        row | {"programme_name": programmes.get(row["programme"], row["programme"])} for row in rows
    ]
