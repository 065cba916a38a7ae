"""`heartlink restore`: put a verified backup in place of the database."""

from pathlib import Path
from typing import Annotated

import typer

from heartlink.cli.backup import refuse_sample
from heartlink.cli.common import FormatOption, OfficerOption, db_path, officer, say
from heartlink.cli.render import Format
from heartlink.i18n import _


def restore(
    backup_file: Annotated[Path, typer.Argument(metavar="BACKUP", help="The backup file.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    other_station: Annotated[
        bool,
        typer.Option(
            "--other-station",
            help="Restore a backup of another station (another station id) in place of this "
            "station's database.",
        ),
    ] = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Replace the database with a verified backup, keeping the current one as a safety copy.

    Example: heartlink restore backups/heartlink-20231231-230000.db --yes

    The backup is checked first (checksum, integrity, readable content, heartlink's tables, a
    schema this version reads); nothing changes if it fails. A backup of another station (both
    files have a station, with different ids) is refused unless --other-station is given. Other
    heartlink commands wait while the database is swapped (up to 30 s), then carry on with the
    restored one.
    """
    from heartlink import restore as restoring
    from heartlink.errors import InputError

    refuse_sample()
    target = db_path()
    verified = restoring.verify(backup_file, current=target, other_station=other_station)
    if not yes:
        if not _interactive():
            raise InputError(_("restore replaces the database; add --yes to confirm"))
        for warning in verified["warnings"]:
            say(_("Warning: {warning}.").format(warning=warning))
        rows = verified["fingerprint"]["rows"]
        question = _(
            "Replace {target} with {backup} ({handouts} handouts, {beneficiaries} beneficiaries)?"
        ).format(
            target=target,
            backup=backup_file.name,
            handouts=f"{rows['handout']:,}",
            beneficiaries=f"{rows['beneficiary']:,}",
        )
        if not typer.confirm(question, default=False, err=True):
            raise typer.Abort()
    result = restoring.restore(target, backup_file, officer=officer(by), verified=verified)
    from heartlink.cli.render import output_record

    def show() -> None:
        print(result["database"])
        kept = _("; the previous database is kept as {safety_copy}").format(
            safety_copy=result["safety_copy"]
        )
        say(
            _("Restored from {name}{value}.").format(
                name=backup_file.name, value=kept if result["safety_copy"] else ""
            )
        )
        if yes:  # not yet shown in a question
            for warning in result["warnings"]:
                say(_("Warning: {warning}.").format(warning=warning))

    output_record(result, fmt, show=show, fields=["database", "restored_from", "safety_copy"])


def _interactive() -> bool:
    """Whether someone is at a terminal to answer a question."""
    import sys

    return sys.stdin.isatty()
