"""The commands every register shares (heartlink.registers): `add` and `edit` take their
options from the noun's one description (heartlink.nouns), and `archive` and `unarchive` are
one command with one flag turned."""

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from heartlink.cli.common import FormatOption, OfficerOption, officer, open_ledger, output_saved
from heartlink.cli.render import Format
from heartlink.i18n import N_, _
from heartlink.nouns import Field, Noun
from heartlink.registers import Sort

SortOption = Annotated[
    Sort,
    typer.Option(
        "--sort",
        help="name (given name first, in the Vietnamese alphabet), code, or added (when "
        "registered). Default: name.",
        case_sensitive=False,
        show_default=False,
    ),
]


def _option(field: Field) -> inspect.Parameter:
    """The command's parameter that sets `field`, as its description says."""
    option = field.option
    assert option is not None, field.name
    if option.repeated:
        annotation: Any = list[str] | None
    elif option.switch:
        annotation = bool | None
    else:
        annotation = str | None
    return inspect.Parameter(
        option.parameter or field.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            annotation, typer.Option(*option.flags, help=option.help, show_default=False)
        ],
    )


def given_fields(noun: Noun, values: dict) -> dict:
    """The fields the command's options gave (None: not given), by field name."""
    return {
        field.name: values[field.option.parameter or field.name]
        for field in noun.of(noun.options)
        if field.option and (field.option.parameter or field.name) in values
    }


def with_field_options(
    noun: Noun, first: inspect.Parameter, *, argument: str | None, force_help: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A command whose parameters are `first`, an option per settable field of `noun` (but
    the field `argument`, which `first` takes: `add` takes the name as its argument),
    --force, --by and --format."""
    fields = [_option(field) for field in noun.of(noun.options) if field.name != argument]
    force_option = Annotated[bool, typer.Option("--force", help=force_help)]
    common = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in (
            ("force", force_option, False),
            ("by", OfficerOption, None),
            ("fmt", FormatOption, Format.table),
        )
    ]
    signature = inspect.Signature(
        [first.replace(kind=inspect.Parameter.KEYWORD_ONLY), *fields, *common]
    )

    def decorate(run: Callable[..., None]) -> Callable[..., None]:
        def command(**values: Any) -> None:
            run(**values)

        command.__signature__ = signature  # type: ignore[attr-defined]
        command.__doc__ = run.__doc__
        command.__name__ = run.__name__
        return command

    return decorate


def archive_command(
    set_archived: Callable[..., dict], noun: str, id_argument: Any, *, archive: bool, doc: str
) -> Callable[..., None]:
    """`NOUN archive` or `NOUN unarchive`: `set_archived(ledger, ref, archive, officer=…)`
    (a module's, imported when the command runs) and its message."""
    # Each message whole, so that a translator sees the sentence (nouns: beneficiary, donor).
    messages = {
        ("beneficiary", True): N_("Beneficiary {code} archived."),
        ("beneficiary", False): N_("Beneficiary {code} unarchived."),
        ("donor", True): N_("Donor {code} archived."),
        ("donor", False): N_("Donor {code} unarchived."),
    }

    def command(
        record_id: id_argument, by: OfficerOption = None, fmt: FormatOption = Format.table
    ) -> None:
        with open_ledger(write=True) as ledger:
            profile = set_archived(ledger, record_id, archive, officer=officer(by))
        message = messages[noun, archive]
        output_saved(profile, fmt, _(message).format(code=profile["code"]))

    command.__doc__ = doc
    return command


def print_profile(
    noun: Noun,
    profile: dict,
    *,
    by_year: tuple[list[dict], tuple[str, str], str],
    entries: tuple[list, list[dict], str],
) -> None:
    """A register's `show` for people: the card (the noun's `card` fields), a table of what
    was given or received each year, per kind (its rows, the key and heading of the number of
    entries, its title), and the entries (their columns, rows and title), all in this run's
    language. Headings and titles are marked with N_; the entries' title is filled with their
    `{count}`."""
    from rich.table import Table

    from heartlink.cli import render
    from heartlink.cli.render import Column

    formatter = render.run_formatter()
    card = Table.grid(padding=(0, 2))
    card.add_column(style="bold")
    card.add_column()
    card_columns = render.in_language(noun.columns(noun.card))
    names = render.catalogue_names(card_columns, formatter)
    for column in card_columns:
        card.add_row(column.heading, render.cell(column, profile, formatter, names))
    year_rows, (entries_key, entries_heading), year_title = by_year
    per_year = render.table_for_people(
        [
            Column("year", N_("Year")),
            Column("kind", N_("Kind"), catalogue="kind"),
            Column("count", N_("Count"), "number"),
            Column("unit", N_("Unit"), catalogue="unit"),
            Column(entries_key, entries_heading, "number"),
            Column("value_vnd", N_("Value"), "money"),
        ],
        year_rows,
        _(year_title),
    )
    columns, rows, title = entries
    title = _(title).format(count=formatter.number(len(rows)))
    render.print_tables(card, per_year, render.table_for_people(columns, rows, title))
