"""`heartlink db …`: where the database lives, and the yearly totals it keeps."""

import typer

from heartlink.cli.common import OfficerOption
from heartlink.i18n import _

app = typer.Typer(help="The database file.\n\nExample: heartlink db path", no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the database file in use: --db, then $HEARTLINK_DB, then the user data folder.

    Example: heartlink --db station.db db path
    """
    from heartlink.cli.common import db_path, say, settings

    if settings.sample:
        say(_("--sample uses data in memory; this is the file used without it:"))
    print(db_path())


@app.command("rebuild-totals")
def rebuild_totals(by: OfficerOption = None) -> None:
    """Recompute the yearly totals that reports, funds and statements read, from the entries.

    Example: heartlink db rebuild-totals

    heartlink keeps them up to date on every record, void and import; run this only if
    `heartlink check` says they disagree with the entries (say, after the file was edited with
    another SQLite tool). Handouts, donations and spending are not changed; the rebuild is
    written to the audit log.
    """
    from heartlink import audit, summaries
    from heartlink.cli.common import db_path, officer, open_ledger, say, settings
    from heartlink.errors import HeartlinkError

    if not settings.sample and not db_path().exists():
        raise HeartlinkError(
            _("there is no database at {path}; nothing to recompute").format(path=db_path())
        )
    with open_ledger(write=True) as ledger, ledger.write() as conn:
        changed = summaries.differences(conn)
        summaries.rebuild(conn)
        audit.append(
            conn, audit.REBUILD_TOTALS, officer=officer(by), after={"rows_corrected": changed}
        )
    say(_("Yearly totals recomputed from the handouts."))
