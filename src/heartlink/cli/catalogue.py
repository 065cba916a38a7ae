"""`heartlink kind …`, `heartlink programme …`, `heartlink category …`: the catalogue."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption, officer, open_ledger, output_saved
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_, _

kind_app = typer.Typer(
    help="Kinds of item handed out (meal, cake, cash, …), with units and unit values.\n\n"
    "Example: heartlink kind list",
    no_args_is_help=True,
)
programme_app = typer.Typer(
    help="Programmes (Bữa cơm nhân ái, Bánh tét xanh, …).\n\nExample: heartlink programme list",
    no_args_is_help=True,
)
category_app = typer.Typer(
    help="Beneficiary categories (poor household, orphan, …).\n\nExample: heartlink category list",
    no_args_is_help=True,
)

NameViOption = Annotated[
    str, typer.Option("--name-vi", help="Vietnamese name.", show_default=False)
]
NameEnOption = Annotated[
    str | None,
    typer.Option("--name-en", help="English name. Default: from the slug.", show_default=False),
]
UnitValueOption = Annotated[
    str | None,
    typer.Option(
        "--unit-value",
        help="Value of one unit in VND, e.g. 30.000 for a meal; used "
        "when a handout is recorded without --value.",
        show_default=False,
    ),
]

KIND_COLUMNS = [
    Column("slug", N_("Kind")),
    Column("name_en", "Name"),
    Column("name_vi", "Tên"),
    Column("unit_en", "Unit"),
    Column("unit_vi", "Đơn vị"),
    Column("unit_value_vnd", N_("Unit value"), "money"),
    Column("programme", N_("Programme")),
    Column("track_stock", N_("Stock tracked"), "flag"),
]
KIND_FIELDS = [
    "slug",
    "name_en",
    "name_vi",
    "unit_en",
    "unit_vi",
    "unit_value_vnd",
    "programme",
    "track_stock",
]


# A catalogue's two names and two units are headed each in its own language, whatever the run's.
BILINGUAL = frozenset({"name_en", "name_vi", "unit_en", "unit_vi"})


def _list(fetch: str, columns: list[Column], fields: list[str], title: str):
    """kind, programme and category list share one shape: a catalogue table."""

    def command(fmt: FormatOption = Format.table) -> None:
        from heartlink import catalogue
        from heartlink.cli.render import output_rows

        with open_ledger(write=False) as ledger:
            rows = getattr(catalogue, fetch)(ledger.conn)
        output_rows(rows, fmt, columns, fields=fields, title=_(title), keep=BILINGUAL)

    return command


kind_app.command(
    "list", help="List the kinds of item.\n\nExample: heartlink kind list --format json"
)(_list("list_kinds", KIND_COLUMNS, KIND_FIELDS, N_("Kinds")))

programme_app.command("list", help="List the programmes.\n\nExample: heartlink programme list")(
    _list(
        "list_programmes",
        [
            Column("slug", N_("Programme")),
            Column("name_en", "Name"),
            Column("name_vi", "Tên"),
            Column("kinds", N_("Default for kinds")),
        ],
        ["slug", "name_en", "name_vi", "kinds"],
        N_("Programmes"),
    )
)

category_app.command(
    "list", help="List the beneficiary categories.\n\nExample: heartlink category list"
)(
    _list(
        "list_categories",
        [Column("slug", N_("Category")), Column("name_en", "Name"), Column("name_vi", "Tên")],
        ["slug", "name_en", "name_vi"],
        N_("Categories"),
    )
)


@kind_app.command("add")
def add_kind(
    slug: Annotated[str, typer.Argument(help="Short name: lower-case words joined by '-'.")],
    unit: Annotated[
        str, typer.Option(help="Unit in English (portion, set, …).", show_default=False)
    ],
    name_vi: NameViOption,
    name_en: NameEnOption = None,
    unit_vi: Annotated[
        str | None,
        typer.Option(
            "--unit-vi",
            help="Unit in Vietnamese (suất, bộ, …). Default: the English unit.",
            show_default=False,
        ),
    ] = None,
    unit_value: UnitValueOption = None,
    programme: Annotated[
        str, typer.Option("--programme", "-p", help="Default programme for this kind.")
    ] = "general",
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a kind of item.

    Example: heartlink kind add rice --unit kg --unit-vi kg --name-vi Gạo --unit-value 20.000
    """
    from heartlink import catalogue

    with open_ledger(write=True) as ledger:
        kind = catalogue.add_kind(
            ledger,
            slug,
            unit=unit,
            unit_vi=unit_vi,
            name_vi=name_vi,
            name_en=name_en,
            unit_value=unit_value,
            programme=programme,
            officer=officer(by),
        )
    output_saved(
        {"id": kind["slug"], **kind}, fmt, _("Added kind {slug}.").format(slug=kind["slug"])
    )


@kind_app.command("edit")
def edit_kind(
    kind: Annotated[str, typer.Argument(help="The kind's slug.")],
    name_en: NameEnOption = None,
    name_vi: Annotated[
        str | None, typer.Option("--name-vi", help="Vietnamese name.", show_default=False)
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit in English.", show_default=False)] = None,
    unit_vi: Annotated[
        str | None, typer.Option("--unit-vi", help="Unit in Vietnamese.", show_default=False)
    ] = None,
    unit_value: UnitValueOption = None,
    programme: Annotated[
        str | None, typer.Option("--programme", "-p", help="Default programme.", show_default=False)
    ] = None,
    track_stock: Annotated[
        bool | None,
        typer.Option(
            "--track-stock/--no-track-stock",
            help="Count its stock (received in kind + bought - handed out): `heartlink stock`.",
            show_default=False,
        ),
    ] = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change a kind's names, units, unit value or default programme, or track its stock.
    Handouts already recorded keep their value and programme.

    Examples: heartlink kind edit meal --unit-value 30.000

    heartlink kind edit cake --track-stock
    """
    from heartlink import catalogue

    with open_ledger(write=True) as ledger:
        changed = catalogue.edit_kind(
            ledger,
            kind,
            name_en=name_en,
            name_vi=name_vi,
            unit_en=unit,
            unit_vi=unit_vi,
            unit_value=unit_value,
            programme=programme,
            track_stock=track_stock,
            officer=officer(by),
        )
    message = (
        _("Updated kind {slug} (stock tracked).")
        if changed["track_stock"]
        else _("Updated kind {slug}.")
    )
    output_saved({"id": changed["slug"], **changed}, fmt, message.format(slug=changed["slug"]))


@programme_app.command("add")
def add_programme(
    slug: Annotated[str, typer.Argument(help="Short name: lower-case words joined by '-'.")],
    name_vi: NameViOption,
    name_en: NameEnOption = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a programme.

    Example: heartlink programme add flood-relief --name-vi "Cứu trợ lũ lụt"
    """
    from heartlink import catalogue

    with open_ledger(write=True) as ledger:
        programme = catalogue.add_programme(
            ledger, slug, name_vi=name_vi, name_en=name_en, officer=officer(by)
        )
    output_saved(
        {"id": programme["slug"], **programme},
        fmt,
        _("Added programme {slug}.").format(slug=programme["slug"]),
    )
