"""`heartlink beneficiary …`: the people and households the station helps."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption, officer, open_ledger, output_saved
from heartlink.cli.render import Column, Format

app = typer.Typer(
    help="Register, find, change and archive beneficiaries (people and households).\n\n"
    'Example: heartlink beneficiary list --search "pham thanh son"',
    no_args_is_help=True,
)

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Beneficiary id or code.")]
CategoryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        "-c",
        help="poor-household, near-poor-household, orphan, student, patient, after-rehab, "
        "elderly, disabled or other (see `heartlink category list`); repeat for several.",
        show_default=False,
    ),
]
BornOption = Annotated[str | None, typer.Option(help="Year of birth.", show_default=False)]
GroupOption = Annotated[
    str | None,
    typer.Option(
        "--group", "-g", help='Residential group (tổ dân phố): "tổ 39" or 39.', show_default=False
    ),
]
AddressOption = Annotated[str | None, typer.Option(help="Address.", show_default=False)]
PhoneOption = Annotated[str | None, typer.Option(help="Phone number.", show_default=False)]
SchoolOption = Annotated[str | None, typer.Option(help="School, for students.", show_default=False)]
NoteOption = Annotated[str | None, typer.Option(help="A note.", show_default=False)]
ConsentOption = Annotated[
    bool | None,
    typer.Option(
        "--consent/--no-consent",
        help="Whether they agreed to having their data kept.",
        show_default=False,
    ),
]
HouseholdOption = Annotated[
    bool | None,
    typer.Option(
        "--household/--person", help="A household rather than one person.", show_default=False
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="Save even if someone with the same name, birth year and group exists."
    ),
]

SHOW_HANDOUT_FIELDS = [
    "id",
    "date",
    "kind",
    "count",
    "unit",
    "programme",
    "value_vnd",
    "place",
    "note",
]
LIST_COLUMNS = [
    Column("code", "Code"),
    Column("name", "Name"),
    Column("categories", "Categories", "list"),
    Column("born", "Born"),
    Column("group", "Group"),
    Column("school", "School"),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Full name, or the household's name.")],
    category: CategoryOption = None,
    born: BornOption = None,
    group: GroupOption = None,
    address: AddressOption = None,
    phone: PhoneOption = None,
    school: SchoolOption = None,
    note: NoteOption = None,
    consent: ConsentOption = None,
    household: HouseholdOption = None,
    force: ForceOption = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Register a beneficiary and print their id.

    Example: heartlink beneficiary add "Phạm Thị Hoa" --category orphan --born 2012 --group 39

    Someone with the same name (ignoring accents), birth year and group is refused as a likely
    duplicate unless --force is given.
    """
    from heartlink import beneficiaries

    with open_ledger(write=True) as ledger:
        profile = beneficiaries.add(
            ledger,
            officer=officer(by),
            force=force,
            name=name,
            categories=category,
            born=born,
            group=group,
            address=address,
            phone=phone,
            school=school,
            note=note,
            consent=consent,
            household=household,
        )
    output_saved(profile, fmt, f"Registered beneficiary, code {profile['code']}.")


@app.command("list")
def list_beneficiaries(
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Words of the name, group, address or school; accents and case are ignored.",
            show_default=False,
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only this category.", show_default=False)
    ] = None,
    with_archived: Annotated[bool, typer.Option(help="Include archived beneficiaries.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """List beneficiaries, by name.

    Example: heartlink beneficiary list --search "pham thanh son" --category orphan
    """
    from heartlink import beneficiaries
    from heartlink.cli.render import output_rows

    columns = LIST_COLUMNS + ([Column("archived", "Archived", "flag")] if with_archived else [])
    with open_ledger(write=False) as ledger:
        rows = beneficiaries.search(
            ledger.conn, text=search, category=category, with_archived=with_archived
        )
        output_rows(
            rows, fmt, columns, fields=beneficiaries.PROFILE_FIELDS, empty="No beneficiaries match."
        )


@app.command("show")
def show(beneficiary_id: IdArgument, fmt: FormatOption = Format.table) -> None:
    """Show a beneficiary's profile, what they received each year, and every handout.

    Example: heartlink beneficiary show 7KQ2MX4B --format json
    """
    from heartlink import beneficiaries
    from heartlink.cli import render

    with open_ledger(write=False) as ledger:
        profile = beneficiaries.show(ledger.conn, beneficiary_id)
    render.output_record(
        profile,
        fmt,
        show=lambda: _print_profile(profile),
        rows=profile["handouts"],
        fields=SHOW_HANDOUT_FIELDS,
    )


def _print_profile(profile: dict) -> None:
    from rich.table import Table

    from heartlink.cli import render

    card = Table.grid(padding=(0, 2))
    card.add_column(style="bold")
    card.add_column()
    labels = {
        "code": "Code",
        "name": "Name",
        "household": "Household",
        "categories": "Categories",
        "born": "Born",
        "group": "Group",
        "address": "Address",
        "phone": "Phone",
        "school": "School",
        "note": "Note",
        "consent": "Consent",
        "archived_at": "Archived",
        "created_at": "Registered",
    }
    for key, label in labels.items():
        style = {"household": "flag", "consent": "flag", "categories": "list"}.get(key, "text")
        card.add_row(label, Column(key, label, style).show(profile[key]))
    by_year = render.make_table(
        [
            Column("year", "Year"),
            Column("kind", "Kind"),
            Column("count", "Count", "number"),
            Column("unit", "Unit"),
            Column("handouts", "Handouts", "number"),
            Column("value_vnd", "Value", "money"),
        ],
        profile["received_by_year"],
        title="Received by year",
    )
    handouts = render.make_table(
        [
            Column("date", "Date"),
            Column("kind", "Kind"),
            Column("count", "Count", "number"),
            Column("unit", "Unit"),
            Column("programme", "Programme"),
            Column("value_vnd", "Value", "money"),
            Column("place", "Place"),
        ],
        profile["handouts"],
        title=f"Handouts received: {len(profile['handouts'])}",
    )
    render.print_tables(card, by_year, handouts)


def _edit_command(archive: bool):
    """archive and unarchive are the same command with one flag turned."""
    verb = "archive" if archive else "unarchive"

    def command(
        beneficiary_id: IdArgument, by: OfficerOption = None, fmt: FormatOption = Format.table
    ) -> None:
        from heartlink import beneficiaries

        with open_ledger(write=True) as ledger:
            profile = beneficiaries.set_archived(
                ledger, beneficiary_id, archive, officer=officer(by)
            )
        output_saved(profile, fmt, f"Beneficiary {profile['code']} {verb}d.")

    command.__doc__ = (
        "Archive a beneficiary: hidden from lists, no new handouts; history kept.\n\n"
        "Example: heartlink beneficiary archive 7KQ2MX4B"
        if archive
        else "Bring back an archived beneficiary.\n\n"
        "Example: heartlink beneficiary unarchive 7KQ2MX4B"
    )
    return command


app.command("archive")(_edit_command(archive=True))
app.command("unarchive")(_edit_command(archive=False))


@app.command("edit")
def edit(
    beneficiary_id: IdArgument,
    name: Annotated[str | None, typer.Option(help="New name.", show_default=False)] = None,
    category: CategoryOption = None,
    born: BornOption = None,
    group: GroupOption = None,
    address: AddressOption = None,
    phone: PhoneOption = None,
    school: SchoolOption = None,
    note: NoteOption = None,
    consent: ConsentOption = None,
    household: HouseholdOption = None,
    force: ForceOption = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change a beneficiary's details. Only the options given change; --category replaces the
    categories; an empty value ("") clears an optional field.

    Example: heartlink beneficiary edit 7KQ2MX4B --phone "0905 123 456" --category student
    """
    from heartlink import beneficiaries

    with open_ledger(write=True) as ledger:
        profile = beneficiaries.edit(
            ledger,
            beneficiary_id,
            officer=officer(by),
            force=force,
            name=name,
            categories=category,
            born=born,
            group=group,
            address=address,
            phone=phone,
            school=school,
            note=note,
            consent=consent,
            household=household,
        )
    output_saved(profile, fmt, f"Updated beneficiary {profile['code']}.")
