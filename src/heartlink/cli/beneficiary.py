"""`heartlink beneficiary …`: the people and households the station helps."""

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
from heartlink.nouns import BENEFICIARY, HANDOUT
from heartlink.registers import Sort

app = typer.Typer(
    help="Register, find, change and archive beneficiaries (people and households).\n\n"
    'Example: heartlink beneficiary list --search "pham thanh son"',
    no_args_is_help=True,
)

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Beneficiary id or code.")]
# The handout fields of `beneficiary show --format csv`.
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
LIST_COLUMNS = BENEFICIARY.columns()
# The handouts of `beneficiary show`, as people read them.
SHOW_HANDOUT_COLUMNS = HANDOUT.columns(
    ("date", "kind", "count", "unit", "programme", "value_vnd", "place")
)


def _with_field_options(first: inspect.Parameter, *, with_required: bool):
    """add and edit take their options from the one description (heartlink.nouns)."""
    return with_field_options(
        BENEFICIARY,
        first,
        argument=None if with_required else "name",
        force_help="Save even if someone with the same name, birth year and group exists.",
    )


def _given_fields(values: dict) -> dict:
    return given_fields(BENEFICIARY, values)


def _set_archived(*args: Any, **kwargs: Any) -> dict:
    from heartlink import beneficiaries

    return beneficiaries.set_archived(*args, **kwargs)


@app.command("add")
@_with_field_options(
    inspect.Parameter(
        "name",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[str, typer.Argument(help="Full name, or the household's name.")],
    ),
    with_required=False,
)
def add(*, force: bool, by: str | None, fmt: Format, **values: Any) -> None:
    """Register a beneficiary and print their id.

    Example: heartlink beneficiary add "Phạm Thị Hoa" --category orphan --born 2012 --group 39

    Someone with the same name (ignoring accents), birth year and group is refused as a likely
    duplicate unless --force is given.
    """
    from heartlink import beneficiaries

    with open_ledger(write=True) as ledger:
        profile = beneficiaries.add(
            ledger, officer=officer(by), force=force, **_given_fields(values)
        )
    output_saved(
        profile, fmt, _("Registered beneficiary, code {code}.").format(code=profile["code"])
    )


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
    sort: SortOption = Sort.name,
    fmt: FormatOption = Format.table,
) -> None:
    """List beneficiaries, by name (given name first, in the Vietnamese alphabet) unless
    --sort says otherwise.

    Example: heartlink beneficiary list --search "pham thanh son" --category orphan
    """
    from heartlink import beneficiaries
    from heartlink.cli.render import output_rows

    columns = LIST_COLUMNS + (BENEFICIARY.columns(("archived",)) if with_archived else [])
    with open_ledger(write=False) as ledger:
        rows = beneficiaries.search(
            ledger.conn,
            text=search,
            category=category,
            with_archived=with_archived,
            sort=sort,
        )
        output_rows(
            rows,
            fmt,
            columns,
            fields=beneficiaries.PROFILE_FIELDS,
            empty=_("No beneficiaries match."),
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
        # Drawn with the ledger open: a table in Vietnamese reads the catalogue's names from it.
        render.output_record(
            profile,
            fmt,
            show=lambda: _print_profile(profile),
            rows=profile["handouts"],
            fields=SHOW_HANDOUT_FIELDS,
        )


def _print_profile(profile: dict) -> None:
    print_profile(
        BENEFICIARY,
        profile,
        by_year=(profile["received_by_year"], ("handouts", N_("Handouts")), N_("Received by year")),
        entries=(SHOW_HANDOUT_COLUMNS, profile["handouts"], N_("Handouts received: {count}")),
    )


def _archive_command(archive: bool):
    """archive and unarchive are the same command with one flag turned."""
    return archive_command(
        _set_archived,
        "beneficiary",
        IdArgument,
        archive=archive,
        doc="Archive a beneficiary: hidden from lists, no new handouts; history kept.\n\n"
        "Example: heartlink beneficiary archive 7KQ2MX4B"
        if archive
        else "Bring back an archived beneficiary.\n\n"
        "Example: heartlink beneficiary unarchive 7KQ2MX4B",
    )


app.command("archive")(_archive_command(archive=True))
app.command("unarchive")(_archive_command(archive=False))


@app.command("edit")
@_with_field_options(
    inspect.Parameter("beneficiary_id", inspect.Parameter.KEYWORD_ONLY, annotation=IdArgument),
    with_required=True,
)
def edit(*, beneficiary_id: str, force: bool, by: str | None, fmt: Format, **values: Any) -> None:
    """Change a beneficiary's details. Only the options given change; --category replaces the
    categories; an empty value ("") clears an optional field.

    Example: heartlink beneficiary edit 7KQ2MX4B --phone "0905 123 456" --category student
    """
    from heartlink import beneficiaries

    with open_ledger(write=True) as ledger:
        profile = beneficiaries.edit(
            ledger, beneficiary_id, officer=officer(by), force=force, **_given_fields(values)
        )
    output_saved(profile, fmt, _("Updated beneficiary {code}.").format(code=profile["code"]))
