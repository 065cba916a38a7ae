"""`heartlink log`: the audit trail of every change."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, open_ledger
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_, _

# Headings marked for the catalogue, shown in the run's language (render.in_language).
COLUMNS = [
    Column("at", N_("When (UTC)")),
    Column("officer", N_("Officer")),
    Column("action", N_("Action")),
    Column("target_code", N_("Record")),
    Column("changed", N_("Changed"), "list"),
]
FIELDS = ["id", "at", "officer", "action", "target", "before", "after", "hash"]


def log(
    since: Annotated[
        str | None,
        typer.Option(help="From this date on (2023-03-06 or 06/03/2023).", show_default=False),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Only this officer.", show_default=False)] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Verify the hash chain and every record against it instead; print the head.",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Show the audit trail: who changed what, when, with the fields before and after.

    Example: heartlink log --since 01/03/2023 --by "Trung úy Lan"

    The table names the fields changed; `--format json` carries their values (personal data:
    keep such output to yourself); `--format csv` writes before and after as JSON. Each entry
    holds the hash of the one before it: `--verify` checks the chain and that every record is
    as the log says, prints the head hash, and exits 1 on any finding.
    """
    from heartlink import audit
    from heartlink.cli.render import output_rows

    with open_ledger(write=False) as ledger:
        if verify:
            _verify(ledger.conn, fmt)
            return
        entries = audit.entries(ledger.conn, since=since, officer=by)
        rows = (_for_csv(e) for e in entries) if fmt == Format.csv else map(_for_table, entries)
        output_rows(rows, fmt, COLUMNS, fields=FIELDS, empty=_("No changes logged."))


def _verify(conn, fmt: Format) -> None:
    from heartlink import audit
    from heartlink.cli.health import output_findings

    sound = _("The audit chain is whole and every record matches it.")
    output_findings(audit.verify(conn), fmt, sound)


def _for_csv(entry: dict) -> dict:
    import json

    def text(value: object) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    return {**entry, "before": text(entry["before"]), "after": text(entry["after"])}


def _for_table(entry: dict) -> dict:
    from heartlink.ids import looks_like_reference, short_code

    target = entry["target"] or ""
    # A new record is all new: naming its every field says nothing. An edit names its fields.
    changed = sorted(entry["after"] or {}) if entry["before"] else [_("(new)")]
    return {
        **entry,
        "target_code": short_code(target) if looks_like_reference(target) else target,
        "changed": changed,
    }
