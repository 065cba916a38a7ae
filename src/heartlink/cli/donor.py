"""`heartlink donor …`: the officers, individuals, organisations and businesses who give."""

import inspect
from typing import Annotated, Any

import typer

from heartlink.cli.common import FormatOption, officer, open_ledger, output_saved
from heartlink.cli.register import (
    SortOption,
    archive_command,
    given_fields,
    print_profile,
    with_field_options,
)
from heartlink.cli.render import Format
from heartlink.i18n import N_, _
from heartlink.nouns import DONATION, DONOR
from heartlink.registers import Sort

app = typer.Typer(
    help="Register, find, change and archive donors (officers, individuals, organisations, "
    "businesses).\n\n"
    'Example: heartlink donor add "Công ty Bánh Ngọt Hòa Bình" --type business --public',
    no_args_is_help=True,
)

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Donor id or code.")]
FORCE_HELP = "Save even if a donor with the same name and type exists."

LIST_COLUMNS = DONOR.columns()
# The donation fields of `donor show --format csv`, and its table's columns.
SHOW_DONATION_FIELDS = [
    "id",
    "code",
    "date",
    "kind",
    "count",
    "unit",
    "programme",
    "method",
    "value_vnd",
    "reference",
    "note",
]
SHOW_DONATION_COLUMNS = DONATION.columns(
    ("code", "date", "kind", "count", "unit", "programme", "method", "value_vnd")
)


def _set_archived(*args: Any, **kwargs: Any) -> dict:
    from heartlink import donors

    return donors.set_archived(*args, **kwargs)


@app.command("add")
@with_field_options(
    DONOR,
    inspect.Parameter(
        "name",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[
            str, typer.Argument(help="Full name, or the organisation's or business's name.")
        ],
    ),
    argument="name",
    force_help=FORCE_HELP,
)
def add(*, force: bool, by: str | None, fmt: Format, **values: Any) -> None:
    """Register a donor and print their id. --type is required; a donor is private (never
    named in public statements) unless --public says they agreed to be named.

    Example: heartlink donor add "Công ty Bánh Ngọt Hòa Bình" --type business --public

    A donor with the same name (ignoring accents) and type is refused as a likely duplicate
    unless --force is given.
    """
    from heartlink import donors

    with open_ledger(write=True) as ledger:
        profile = donors.add(
            ledger, officer=officer(by), force=force, **given_fields(DONOR, values)
        )
    output_saved(profile, fmt, _("Registered donor, code {code}.").format(code=profile["code"]))


@app.command("list")
def list_donors(
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Words of the name, phone or address; accents and case are ignored.",
            show_default=False,
        ),
    ] = None,
    with_archived: Annotated[bool, typer.Option(help="Include archived donors.")] = False,
    sort: SortOption = Sort.name,
    fmt: FormatOption = Format.table,
) -> None:
    """List donors, by name (given name first, in the Vietnamese alphabet) unless --sort says
    otherwise.

    Example: heartlink donor list --search "hoa binh"
    """
    from heartlink import donors
    from heartlink.cli.render import output_rows

    columns = LIST_COLUMNS + (DONOR.columns(("archived",)) if with_archived else [])
    with open_ledger(write=False) as ledger:
        rows = donors.search(ledger.conn, text=search, with_archived=with_archived, sort=sort)
        output_rows(rows, fmt, columns, fields=DONOR.keys, empty=_("No donors match."))


@app.command("show")
def show(donor_id: IdArgument, fmt: FormatOption = Format.table) -> None:
    """Show a donor's profile, what they gave each year, and every donation.

    Example: heartlink donor show 7KQ2MX4B --format json
    """
    from heartlink import donors
    from heartlink.cli import render

    with open_ledger(write=False) as ledger:
        profile = donors.show(ledger.conn, donor_id)
        # Drawn with the ledger open: a table in Vietnamese reads the catalogue's names from it.
        render.output_record(
            profile,
            fmt,
            show=lambda: _print_profile(profile),
            rows=profile["donations"],
            fields=SHOW_DONATION_FIELDS,
        )


def _print_profile(profile: dict) -> None:
    print_profile(
        DONOR,
        profile,
        by_year=(profile["given_by_year"], ("donations", N_("Donations")), N_("Given by year")),
        entries=(SHOW_DONATION_COLUMNS, profile["donations"], N_("Donations: {count}")),
    )


app.command("archive")(
    archive_command(
        _set_archived,
        "donor",
        IdArgument,
        archive=True,
        doc="Archive a donor: hidden from lists, no new donations; history kept.\n\n"
        "Example: heartlink donor archive 7KQ2MX4B",
    )
)
app.command("unarchive")(
    archive_command(
        _set_archived,
        "donor",
        IdArgument,
        archive=False,
        doc="Bring back an archived donor.\n\nExample: heartlink donor unarchive 7KQ2MX4B",
    )
)


@app.command("edit")
@with_field_options(
    DONOR,
    inspect.Parameter("donor_id", inspect.Parameter.KEYWORD_ONLY, annotation=IdArgument),
    argument=None,
    force_help=FORCE_HELP,
)
def edit(*, donor_id: str, force: bool, by: str | None, fmt: Format, **values: Any) -> None:
    """Change a donor's details. Only the options given change; an empty value ("") clears an
    optional field.

    Example: heartlink donor edit 7KQ2MX4B --phone "0905 123 456" --public
    """
    from heartlink import donors

    with open_ledger(write=True) as ledger:
        profile = donors.edit(
            ledger, donor_id, officer=officer(by), force=force, **given_fields(DONOR, values)
        )
    output_saved(profile, fmt, _("Updated donor {code}.").format(code=profile["code"]))
