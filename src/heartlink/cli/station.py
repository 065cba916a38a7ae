"""`heartlink station …`: the station whose file this is (its name heads every document)."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption
from heartlink.cli.render import Format
from heartlink.i18n import N_

app = typer.Typer(
    help="The station whose file this is: its name, code, place and head.\n\n"
    'Example: heartlink station set --name "Công an phường Thanh Khê Đông" --code TKD',
    no_args_is_help=True,
)

# The labels of `station show`, marked for the catalogue.
LABELS = {
    "code": N_("Code"),
    "name": N_("Name"),
    "place": N_("Place"),
    "head": N_("Head"),
    "id": N_("Id"),
}


@app.command("set")
def set_station(
    name: Annotated[
        str | None,
        typer.Option(help="The station's full name, as documents are headed.", show_default=False),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(
            help="A short code (letters, digits, '-'), shown in roll-ups of several stations.",
            show_default=False,
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            help="The place written before the date of a report (Đà Nẵng); empty to clear.",
            show_default=False,
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Option(
            help="The head of station, who signs reports; empty to clear.", show_default=False
        ),
    ] = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Set the station's name, code, place and head, stored in the file (the first time, both
    --name and --code; later, only what you give changes). The change is audited.

    Example: heartlink station set --name "Công an phường Thanh Khê Đông" --code TKD --place "Đà
    Nẵng" --head "Phạm Thanh Sơn"
    """
    from heartlink import stations
    from heartlink.cli.common import officer, open_ledger, output_saved
    from heartlink.errors import InputError
    from heartlink.i18n import _

    if name is code is place is head is None:
        raise InputError(_("give at least one of --name, --code, --place, --head"))
    who = officer(by)
    with open_ledger(write=True) as ledger, ledger.write() as conn:
        station, changed = stations.set_own(
            conn, officer=who, name=name, code=code, place=place, head=head
        )
    message = _("Station {code} saved.") if changed else _("Station {code} unchanged.")
    output_saved(stations.describe(station), fmt, message.format(code=station.code))


@app.command("show")
def show(fmt: FormatOption = Format.table) -> None:
    """Show the station whose file this is.

    Example: heartlink station show --format json
    """
    from heartlink import stations
    from heartlink.cli.common import open_ledger
    from heartlink.cli.render import output_record
    from heartlink.i18n import _

    with open_ledger(write=False) as ledger:
        station = stations.describe(stations.own(ledger.conn))

    def people() -> None:
        if station["id"] is None:
            print(_("No station set yet; set it with `heartlink station set --name … --code …`."))
            return
        for key, label in LABELS.items():
            print(_("{label}: {value}").format(label=_(label), value=station[key] or "—"))

    output_record(station, fmt, show=people)
