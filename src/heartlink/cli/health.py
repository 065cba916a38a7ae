"""`heartlink check`: the database's health and its backups' checksums."""

import typer

from heartlink.cli.backup import refuse_sample
from heartlink.cli.common import FormatOption, db_path
from heartlink.cli.render import Column, Format


def check(fmt: FormatOption = Format.table) -> None:
    """Check the database (integrity, foreign keys, schema, the yearly totals kept for reports)
    and every backup's checksum.

    Example: heartlink check

    Exit 0 only if everything is sound.
    """
    from heartlink import health
    from heartlink.cli.render import output_rows

    refuse_sample("check")
    results = health.check(db_path())
    shown = [{**r, "status": "ok" if r["ok"] else "FAILED"} for r in results]
    output_rows(
        shown,
        fmt,
        [Column("check", "Check"), Column("status", "Status"), Column("detail", "Detail")],
        fields=["check", "ok", "detail"],
    )
    if not all(r["ok"] for r in results):
        raise typer.Exit(1)
