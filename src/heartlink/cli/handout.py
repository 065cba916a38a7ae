"""`heartlink record` and `heartlink handout …`: what was handed out."""

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
from heartlink.cli.formats import Format
from heartlink.i18n import _, day, figure
from heartlink.nouns import HANDOUT

app = typer.Typer(
    help="List handouts and void mistakes.\n\nExample: heartlink handout list --year 2023",
    no_args_is_help=True,
)

RECORD_HELP = """Record a handout: KIND (meal, cake, cash, … see `heartlink kind list`), how many.

Examples:

  heartlink record meal --count 120 --place "Bệnh viện Ung bướu"

  heartlink record cash --count 6.000.000 --to 7KQ2MX4B --date 05/09/2023

  heartlink record cash --count 500.000 --to 7KQ2MX4B --sponsorship 3HV9QW2C

The date defaults to today; the programme to the kind's own; the value to count × the kind's
unit value, when it has one. Handouts are never edited: void a mistake and record it again.
"""


def record(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help="What was handed out (a kind's slug or name).")
    ],
    count: Annotated[
        str,
        typer.Option(
            "--count",
            "-n",
            help="How many, in the kind's unit; for cash, the amount in VND "
            "(6000000 or 6.000.000).",
            show_default=False,
        ),
    ],
    date: DateOption = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Beneficiary id or code. Leave out for anonymous handouts.",
            show_default=False,
        ),
    ] = None,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme",
            "-p",
            help="Programme slug. Default: the kind's programme.",
            show_default=False,
        ),
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where.", show_default=False)] = None,
    value: Annotated[
        str | None,
        typer.Option(
            "--value",
            help="Value in VND. Default: count × the kind's unit value.",
            show_default=False,
        ),
    ] = None,
    note: NoteOption = None,
    sponsorship: Annotated[
        str | None,
        typer.Option(
            "--sponsorship",
            help="For cash: the sponsorship it pays (`heartlink sponsorship list`). Default: "
            "the beneficiary's one running sponsorship, when they have exactly one.",
            show_default=False,
        ),
    ] = None,
    advance: Annotated[
        bool,
        typer.Option(
            "--advance",
            help="Pay out more than a donor's sponsorship holds: the station advances the rest.",
        ),
    ] = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    from heartlink import handouts
    from heartlink.cli.common import names_for_people, output_saved

    with open_ledger(write=True) as ledger:
        row = handouts.record(
            ledger,
            kind,
            count=count,
            date=date,
            to=to,
            programme=programme,
            place=place,
            value=value,
            note=note,
            officer=officer(by),
            sponsorship=sponsorship,
            advance=advance,
        )
        from heartlink import stock

        left = stock.on_hand(ledger.conn, row["kind"])
        names = names_for_people(ledger.conn, row["kind"], row["unit"], row["programme"])
    if row["beneficiary_id"]:
        message = _(
            "Recorded {kind}: {count} × {unit} to {to} on {date} (programme {programme}), "
            "code {code}."
        )
    else:
        message = _(
            "Recorded {kind}: {count} × {unit} on {date} (programme {programme}), code {code}."
        )
    output_saved(
        row,
        fmt,
        message.format(
            kind=names[0],
            count=figure(row["count"]),
            unit=names[1],
            to=row["beneficiary_id"][-8:] if row["beneficiary_id"] else "",
            date=day(row["date"]),
            programme=names[2],
            code=row["code"],
        ),
    )
    if "sponsorship" in row:
        _say_sponsorship(row)
    if row.get("unlinked_sponsorships"):
        from heartlink.cli.common import say

        codes = row["unlinked_sponsorships"]
        say(
            _(
                "Not linked to a sponsorship: the beneficiary has {count} running ({codes}). To "
                "count it as a pay-out, void this handout and record it again with "
                "--sponsorship CODE."
            ).format(count=len(codes), codes=", ".join(codes))
        )
    if left is not None and left < 0:
        from heartlink.cli.common import say

        # Recorded all the same: the officer has already handed it out.
        say(
            _(
                "Warning: stock of {kind} is now {left:,}; record what came in "
                "(`heartlink receive {kind}` or `heartlink spend --buys "
                "{kind}`), or void a handout recorded by mistake."
            ).format(kind=row["kind"], left=left)
        )


def _say_sponsorship(row: dict) -> None:
    """Which sponsorship a cash handout paid, and any money the station advanced."""
    from heartlink.cli.common import say
    from heartlink.i18n import _

    if row["sponsorship_found"]:
        message = _("Linked to sponsorship {code}, the beneficiary's one running sponsorship.")
    else:
        message = _("Linked to sponsorship {code}.")
    say(message.format(code=row["sponsorship"]))
    if row["advance_vnd"]:
        say(
            _("The station advanced {amount} VND of it beyond what the donor paid.").format(
                amount=f"{row['advance_vnd']:,}"
            )
        )


HANDOUT_FIELDS = list(HANDOUT.csv_keys)


@app.command("list")
def list_handouts(
    year: Annotated[int | None, typer.Option(help="Only this year.", show_default=False)] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind.", show_default=False)] = None,
    to: Annotated[
        str | None, typer.Option(help="Only to this beneficiary (id or code).", show_default=False)
    ] = None,
    programme: Annotated[
        str | None, typer.Option(help="Only this programme.", show_default=False)
    ] = None,
    with_voided: Annotated[bool, typer.Option(help="Include voided handouts.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """List handouts, oldest first.

    Example: heartlink handout list --year 2023 --kind meal --format csv
    """
    from heartlink import handouts

    columns = HANDOUT.columns() + (HANDOUT.columns(("voided",)) if with_voided else [])
    with open_ledger(write=False) as ledger:
        rows = handouts.search(
            ledger.conn,
            year=year,
            kind=kind,
            to=to,
            programme=programme,
            with_voided=with_voided,
        )
        from heartlink.cli.render import output_rows

        output_rows(rows, fmt, columns, fields=HANDOUT_FIELDS, empty=_("No handouts match."))


@app.command("void")
def void(
    handout_id: Annotated[str, typer.Argument(metavar="ID", help="Handout id or code.")],
    reason: Annotated[
        str, typer.Option(help="Why it is void (kept with the record).", show_default=False)
    ],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Mark a handout recorded by mistake. It stays in the ledger; totals leave it out.

    Example: heartlink handout void 7KQ2MX4B --reason "typed 210 instead of 120"
    """
    from heartlink import handouts
    from heartlink.cli.common import output_saved

    with open_ledger(write=True) as ledger:
        row = handouts.void(ledger, handout_id, reason=reason, officer=officer(by))
    output_saved(
        row,
        fmt,
        _("Voided handout {code} ({count} {unit} of {kind}).").format(
            code=row["code"], count=figure(row["count"]), unit=row["unit"], kind=row["kind"]
        ),
    )
