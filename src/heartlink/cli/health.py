"""`heartlink check`: the database's health, its audit chain, and its backups' checksums."""

import typer

from heartlink.cli.backup import refuse_sample
from heartlink.cli.common import FormatOption, db_path
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_, _

# The checks of heartlink.health as a table names them (JSON and CSV keep the names).
CHECK_NAMES = {
    "database": N_("database"),
    "schema": N_("schema"),
    "integrity": N_("integrity"),
    "content": N_("content"),
    "schema objects": N_("schema objects"),
    "totals": N_("totals"),
    "stock": N_("stock"),
    "funds": N_("funds"),
    "sponsorships": N_("sponsorships"),
    "closed years": N_("closed years"),
    "audit chain": N_("audit chain"),
    "records": N_("records"),
    "backups": N_("backups"),
    "partial files": N_("partial files"),
    "export files": N_("export files"),
}
# Headings marked for the catalogue, shown in the run's language (render.in_language).
CHECK_COLUMNS = [
    Column("check", N_("Check"), words=CHECK_NAMES),
    Column("status", N_("Status"), words={"ok": N_("ok"), "FAILED": N_("FAILED")}),
    Column("detail", N_("Detail")),
]
FINDING_COLUMNS = [
    Column("kind", N_("Kind")),
    Column("target", N_("Record or object")),
    Column("detail", N_("Finding")),
]


def check(fmt: FormatOption = Format.table) -> None:
    """Check the database (integrity, foreign keys, schema and every table, index and trigger,
    the yearly totals kept for reports, the audit chain and every record against it) and every
    backup's checksum.

    Example: heartlink check --format json

    Prints the audit chain's head hash: quote it in a printed report, and a later check shows
    whether the file still holds that history. Exit 0 only if everything is sound.
    """
    from heartlink import health

    refuse_sample("check")
    output_findings(health.check(db_path()), fmt)


FINDING_FIELDS = ["kind", "target", "detail"]


def output_findings(result: dict, fmt: Format, sound: str | None = None) -> None:
    """A check's result: one JSON object, CSV of the findings, or tables for people (and
    `sound` on stderr when all is well); exit 1 on any finding."""
    from heartlink.cli.render import output_record

    def show() -> None:
        show_report(result)
        if sound and result["ok"]:
            from heartlink.cli.common import say

            say(sound)

    output_record(result, fmt, show=show, rows=result["findings"], fields=FINDING_FIELDS)
    if not result["ok"]:
        raise typer.Exit(1)


def show_report(result: dict) -> None:
    """The checks, the findings (if any) and the chain head, as tables for people."""
    from heartlink.cli.render import print_tables, table_for_people

    tables = []
    if "checks" in result:
        shown = [{**c, "status": "ok" if c["ok"] else "FAILED"} for c in result["checks"]]
        tables.append(table_for_people(CHECK_COLUMNS, shown))
    if result["findings"]:
        tables.append(table_for_people(FINDING_COLUMNS, result["findings"], _("Findings")))
    head = result["head"]
    if head is not None:
        tables.append(
            _("Audit chain head: {hash} (entry {entry}, {entries} entries)").format(
                hash=head["hash"], entry=head["entry"], entries=head["entries"]
            )
        )
    print_tables(*tables)
