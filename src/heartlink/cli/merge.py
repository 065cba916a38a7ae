"""`heartlink merge FILE…` and `heartlink bundle YEAR`: several stations' work in one file."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption, OverwriteOption
from heartlink.cli.render import Format
from heartlink.i18n import N_

if TYPE_CHECKING:
    from heartlink.db import Ledger

TABLES = (
    "handout",
    "donation",
    "spending",
    "beneficiary",
    "kind",
    "programme",
    "category",
    "year_closing",
    "year_reopening",
)


# How the line for people counts what a file added, per table (JSON and CSV keep the tables).
ADDED = {
    "handout": N_("{count} handout(s)"),
    "donation": N_("{count} donation(s)"),
    "spending": N_("{count} spending line(s)"),
    "beneficiary": N_("{count} beneficiary(ies)"),
    "kind": N_("{count} kind(s)"),
    "programme": N_("{count} programme(s)"),
    "category": N_("{count} category(ies)"),
    "year_closing": N_("{count} closed year(s)"),
    "year_reopening": N_("{count} reopening(s)"),
}


def merge(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE…", help="Stations' bundles (.hlb) or backups (.db)."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be added; change nothing.")
    ] = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Merge other stations' files into this one (a roll-up: the ward's or the city's file).

    Example: heartlink --db city.db merge tkd-2023.hlb tkt-2023.hlb

    Records keep their ids and their station; beneficiaries arrive as code, category and
    group only. Merging the same file again adds nothing; a newer file of a station adds what
    is new, voids included. A record whose id is here with other content is a conflict: that
    file is not merged at all. Each file is one transaction and one audit entry.
    """
    from heartlink import merging
    from heartlink.cli.common import officer, say
    from heartlink.cli.render import output_record
    from heartlink.i18n import _, figure

    def row_of(done: dict) -> dict:
        return (
            {"file": done["file"], "station": done["station"]}
            | {table: done["added"].get(table, 0) for table in TABLES}
            | {"voided": sum(done["voided"].values())}
        )

    def said(done: dict) -> None:
        """The line for people of a file as soon as it is merged: a later file refused does
        not hide what the ones before it added (they stay merged)."""
        row = row_of(done)
        added = ", ".join(
            _(ADDED[table]).format(count=figure(row[table])) for table in TABLES if row[table]
        )
        if not added:
            message = _("{file} (station {station}): nothing new; {voided} void(s)")
        elif dry_run:
            message = _("{file} (station {station}): would add {added}; {voided} void(s)")
        else:
            message = _("{file} (station {station}): added {added}; {voided} void(s)")
        say(
            message.format(
                file=row["file"], station=row["station"], added=added, voided=row["voided"]
            )
        )

    who = officer(by)
    with _ledger(dry_run) as ledger:
        result = merging.merge(
            ledger,
            files,
            officer=who,
            dry_run=dry_run,
            merged=said if fmt is Format.table else None,
        )
    rows = [row_of(done) for done in result["files"]]

    def show() -> None:
        if dry_run:
            say(_("Dry run: nothing was changed."))

    output_record(result, fmt, show=show, rows=rows, fields=["file", "station", *TABLES, "voided"])


@contextmanager
def _ledger(dry_run: bool) -> "Iterator[Ledger]":
    """The ledger merged into; for a dry run into a file not there yet, an empty one in
    memory, so that the preview creates nothing."""
    from heartlink import db
    from heartlink.cli.common import db_path, open_ledger, say, settings
    from heartlink.i18n import _

    path = db_path()
    if not dry_run or settings.sample or path.exists():
        with open_ledger(write=True) as ledger:
            yield ledger
        return
    say(
        _(
            "Note: no database at {path} yet; the dry run shows what would go into a new, empty "
            "file, and nothing is created."
        ).format(path=path)
    )
    ledger = db.open_memory()
    try:
        yield ledger
    finally:
        ledger.close()


def bundle(
    year: Annotated[
        int, typer.Argument(help="Records dated up to this year (voids as they stand now).")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The bundle file, such as tkd-2023.hlb."),
    ],
    force: OverwriteOption = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Make a file for sending this station's records to a roll-up (`heartlink merge`).

    Example: heartlink bundle 2023 --output tkd-2023.hlb

    It holds every handout, donation and spending line dated up to YEAR, the catalogue, and
    beneficiaries reduced to code, category and group: no names, phones, addresses, schools,
    notes, places or donors leave the station. A checksum inside lets the receiver refuse a
    damaged copy.
    """
    from heartlink import bundles
    from heartlink.cli.common import officer, open_ledger, say
    from heartlink.cli.render import output_record
    from heartlink.errors import InputError
    from heartlink.i18n import _

    if output.exists() and not force:
        raise InputError(_("--output {path} exists; add --force to replace it").format(path=output))
    who = officer(by)
    with open_ledger(write=True) as ledger:
        result = bundles.make(ledger, year, output, officer=who)

    def show() -> None:
        print(result["output"])
        rows = result["rows"]
        say(
            _(
                "Bundle of station {station} up to {year}: {handouts:,} handouts, {donations:,} "
                "donations, {spending:,} spending lines, {people:,} beneficiaries (codes only)."
            ).format(
                station=result["station"],
                year=result["up_to_year"],
                handouts=rows["handout"],
                donations=rows["donation"],
                spending=rows["spending"],
                people=rows["beneficiary"],
            )
        )

    output_record(result, fmt, show=show, fields=["output", "station", "up_to_year", "sha256"])
