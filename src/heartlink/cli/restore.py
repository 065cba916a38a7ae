"""`heartlink restore`: put a verified backup in place of the database."""

from pathlib import Path
from typing import Annotated

import typer

from heartlink.cli.backup import refuse_sample
from heartlink.cli.common import FormatOption, OfficerOption, db_path, officer, say
from heartlink.cli.render import Format


def restore(
    backup_file: Annotated[Path, typer.Argument(metavar="BACKUP", help="The backup file.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Replace the database with a verified backup, keeping the current one as a safety copy.

    Example: heartlink restore backups/heartlink-20231231-230000.db --yes

    The backup is checked first (checksum, integrity, a heartlink database this version can
    read); nothing changes if it fails. Close every other heartlink first.
    """
    from heartlink import restore as restoring
    from heartlink.errors import HeartlinkError

    refuse_sample()
    verified = restoring.verify(backup_file)
    target = db_path()
    if not yes:
        if not _interactive():
            raise HeartlinkError("restore replaces the database; add --yes to confirm")
        rows = verified["fingerprint"]["rows"]
        question = (
            f"Replace {target} with {backup_file.name} ({rows['handout']:,} handouts, "
            f"{rows['beneficiary']:,} beneficiaries)?"
        )
        if not typer.confirm(question, default=False, err=True):
            raise typer.Abort()
    result = restoring.restore(target, backup_file, officer=officer(by), verified=verified)
    from heartlink.cli.render import output_record

    def show() -> None:
        print(result["database"])
        kept = f"; the previous database is kept as {result['safety_copy']}"
        say(f"Restored from {backup_file.name}{kept if result['safety_copy'] else ''}.")

    output_record(result, fmt, show=show, fields=["database", "restored_from", "safety_copy"])


def _interactive() -> bool:
    """Whether someone is at a terminal to answer a question."""
    import sys

    return sys.stdin.isatty()
