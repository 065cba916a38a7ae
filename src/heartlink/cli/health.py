"""`heartlink check`: the database's health, its audit chain, and its backups' checksums."""

import typer

from heartlink.cli.backup import refuse_sample
from heartlink.cli.common import FormatOption, db_path
from heartlink.cli.render import Column, Format, in_language
from heartlink.i18n import N_, _

# Headings marked for the catalogue, shown in the run's language (in_language).
CHECK_COLUMNS = [
    Column("check", N_("Check")),
    Column("status", N_("Status")),
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
    from heartlink.cli.render import make_table, print_tables

    tables = []
    if "checks" in result:
        shown = [{**c, "status": "ok" if c["ok"] else "FAILED"} for c in result["checks"]]
        tables.append(make_table(in_language(CHECK_COLUMNS), shown))
    if result["findings"]:
        tables.append(
            make_table(in_language(FINDING_COLUMNS), result["findings"], title=_("Findings"))
        )
    head = result["head"]
    if head is not None:
        tables.append(
            _("Audit chain head: {hash} (entry {entry}, {entries} entries)").format(
                hash=head["hash"], entry=head["entry"], entries=head["entries"]
            )
        )
    print_tables(*tables)
