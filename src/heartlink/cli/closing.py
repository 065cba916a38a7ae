"""`heartlink close` and `heartlink reopen`: closing a year once its report has gone to the ward,
and reopening it (with a reason) to correct it; and the line a report of a closed year shows."""

from typing import Annotated

import typer

from heartlink.cli.common import FormatOption, OfficerOption
from heartlink.cli.render import Format

YearArgument = Annotated[int, typer.Argument(metavar="YEAR", help="The year, like 2023.")]


def close(
    year: YearArgument,
    note: Annotated[
        str | None,
        typer.Option(
            help="A note kept with the closing (the report's number, say).", show_default=False
        ),
    ] = None,
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Close a year: keep its totals (handouts, funds, stock), a SHA-256 hash of its records and
    the audit chain's head, and refuse from now on every handout, donation or spending line
    dated in it (added, voided or imported). The closing is audited and never changed.

    Example: heartlink close 2023 --note "Report 12/BC-CAP sent to the ward"

    Quote the hash printed in the report you send: `heartlink check` recomputes it and names a
    closed year whose records changed. To correct a closed year, record the correction in an
    open year, or `heartlink reopen 2023 --reason "…"`. The file's station must be set first
    (`heartlink station set`).
    """
    from heartlink import closing
    from heartlink.cli.common import officer, open_ledger, say
    from heartlink.cli.render import output_record
    from heartlink.i18n import _

    who = officer(by)
    with open_ledger(write=True) as ledger, ledger.write() as conn:
        closed = closing.close(conn, year, officer=who, note=note)

    def show() -> None:
        print(closed["hash"])
        records = closed["records"]
        say(
            _(
                "{year} closed for station {station}: {handouts} handout(s), {donations} "
                "donation(s), {spending} spending line(s). Quote its hash in the report."
            ).format(
                year=closed["year"],
                station=closed["station"],
                handouts=records["handout"],
                donations=records["donation"],
                spending=records["spending"],
            )
        )

    output_record(closed, fmt, show=show, fields=["year", "closed_at", "hash", "station", "by"])


def reopen(
    year: YearArgument,
    reason: Annotated[
        str,
        typer.Option(help="Why the year is reopened (kept in the report and the audit log)."),
    ],
    by: OfficerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Reopen a closed year, so that its records can be added and voided again; its report
    then says when it was reopened and why. Audited; the closing itself is kept.

    Example: heartlink reopen 2023 --reason "Two December meals were recorded twice"

    Close it again afterwards (`heartlink close 2023`): a new closing, with a new hash.
    """
    from heartlink import closing
    from heartlink.cli.common import officer, open_ledger, say
    from heartlink.cli.render import output_record
    from heartlink.i18n import _

    who = officer(by)
    with open_ledger(write=True) as ledger, ledger.write() as conn:
        reopened = closing.reopen(conn, year, reason=reason, officer=who)

    def show() -> None:
        print(reopened["id"])
        say(
            _("{year} reopened; close it again with `heartlink close {year}`.").format(
                year=reopened["year"]
            )
        )

    output_record(reopened, fmt, show=show, fields=["year", "reopened_at", "by", "closed_at"])
