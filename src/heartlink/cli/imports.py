"""`heartlink import …`: beneficiaries and handouts from CSV or Excel sheets, all or nothing.

(The module is not called `import`: that is a Python keyword.)
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from heartlink.cli.common import FormatOption, OfficerOption, open_ledger
from heartlink.cli.render import Format
from heartlink.i18n import N_, _, figure

app = typer.Typer(
    help="Read beneficiaries, handouts, donations or spending from a CSV sheet or a workbook "
    "(.xlsx, .xls, .ods): every row is checked, and with any problem nothing is imported. "
    "Title rows, an STT column, two-row headers, dates merged down several rows, and the "
    "total row and signature block at the end are recognised.\n\n"
    "Example: heartlink import handouts old-2022.xlsx --dry-run",
    no_args_is_help=True,
)

FileArgument = Annotated[
    Path,
    typer.Argument(
        metavar="FILE", help="A .csv (UTF-8, comma or semicolon), .xlsx, .xls or .ods file."
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run", help="Check the file and say what would be imported; change nothing."
    ),
]
# A bar is drawn on a terminal for files longer than this.
PROGRESS_ROWS = 2000


def _import_command(what: str, doc: str):
    """`import handouts` and `import beneficiaries` are one command over different sheets."""

    def command(
        file: FileArgument,
        dry_run: DryRunOption = False,
        by: OfficerOption = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        _import(what, file, dry_run=dry_run, by=by, fmt=fmt)

    command.__doc__ = doc
    return command


app.command("handouts")(
    _import_command(
        "handouts",
        """Import handouts. Headings (English or Vietnamese): date, kind, count, then optional
    beneficiary (id or code), programme, place, value_vnd, note, id, officer.

    Example: heartlink import handouts handouts-2022.csv --dry-run

    A row whose id, or whose content (with its occurrence number in the file), was imported
    before is skipped, so importing a file twice doubles nothing.
    """,
    )
)
app.command("spending")(
    _import_command(
        "spending",
        """Import spending lines. Headings (English or Vietnamese): date, programme (the fund),
    amount_vnd, purpose, then optional buys_kind and quantity (together), reference, note, id,
    officer.

    Example: heartlink import spending chi-2022.xlsx --dry-run

    A row whose id, or whose content (with its occurrence number in the file), was imported
    before is skipped, so importing a file twice doubles nothing.
    """,
    )
)


app.command("donations")(
    _import_command(
        "donations",
        """Import donations (money and goods received). Headings (English or Vietnamese):
    date, kind (cash for money), count (for cash the amount in VND), then optional donor (id or
    code), programme (default: general), method (cash, bank or in-kind), value_vnd, reference,
    note, id, officer.

    Example: heartlink import donations ung-ho-2022.xlsx --dry-run

    Every row is checked as `heartlink receive` checks it. A row whose id, or whose content
    (with its occurrence number in the file), was imported before is skipped.
    """,
    )
)
app.command("beneficiaries")(
    _import_command(
        "beneficiaries",
        """Import beneficiaries. Headings (English or Vietnamese): name, then optional
    categories (separated by ;), born, group, address, phone, school, note, consent, id,
    household.

    Example: heartlink import beneficiaries ho-ngheo.xlsx

    Someone already here (same name ignoring accents, birth year and group) is linked, not
    added twice; someone matching several records is reported.
    """,
    )
)


def _import(what: str, file: Path, *, dry_run: bool, by: str | None, fmt: Format) -> None:
    from heartlink import importer
    from heartlink.cli import render
    from heartlink.cli.common import officer, say

    run = {
        "handouts": importer.import_handouts,
        "spending": importer.import_spending,
        "donations": importer.import_donations,
        "beneficiaries": importer.import_beneficiaries,
    }[what]
    with open_ledger(write=not dry_run) as ledger, _ProgressBar() as progress:
        try:
            summary = run(ledger, file, officer=officer(by), dry_run=dry_run, progress=progress)
        except importer.ImportProblems as exc:
            for problem in exc.problems:
                say(_("  {problem}").format(problem=problem))
            if exc.total > len(exc.problems):
                say(_("  … and {more} more").format(more=exc.total - len(exc.problems)))
            for line in _what_was_read(exc.summary):
                say(_("  {line}").format(line=line))
            raise
    render.output_record(summary, fmt, show=lambda: None)
    say(_sentence(what, summary))
    for line in _what_was_read(summary):
        say(_("  {line}").format(line=line))


def _what_was_read(summary: dict) -> list[str]:
    """The rows an import left out and why, a total that disagrees with the rows above it,
    and the phone numbers given back their leading zero: lines for the person importing."""
    from heartlink.i18n import _

    lines = []
    for rows in summary.get("left_out", []):
        first, last = rows["first_row"], rows["last_row"]
        where = (
            _("row {row}").format(row=first)
            if first == last
            else _("rows {first}–{last}").format(first=first, last=last)
        )
        reason = {
            "subtotal": _("a subtotal row, left out"),
            "total": _("a total row, left out"),
            "signature": _("a signature block or the place and date above one, left out"),
            "words": _("the amount in words, left out"),
            "below": _("below the end of the data, left out"),
        }[rows["reason"]]
        lines.append(f"{where}: {reason}")
    for found in summary.get("total_mismatches", []):
        if found.get("reason") == "subtotal":
            mismatch = _(
                "row {row}: the subtotal of {column} is {total}, but the rows since the "
                "previous subtotal add up to {sum}; check the sheet"
            )
        else:
            mismatch = _(
                "row {row}: the total of {column} is {total}, but the rows above it add up "
                "to {sum}; check the sheet"
            )
        lines.append(
            mismatch.format(
                row=found["row"],
                column=found["column"],
                total=figure(found["total"]),
                sum=figure(found["sum"]),
            )
        )
    if summary.get("phones_restored"):
        lines.append(
            _(
                "phone numbers given back the leading 0 a spreadsheet had taken off (it read "
                "them as numbers): {count}"
            ).format(count=figure(summary["phones_restored"]))
        )
    return lines


# What an import did, or would do, per kind of record: whole sentences, for the translator.
_SENTENCES = {
    "handouts": (
        N_("Would import {imported} handouts of {rows} rows from {file}"),
        N_("Imported {imported} handouts of {rows} rows from {file}"),
    ),
    "spending": (
        N_("Would import {imported} spending lines of {rows} rows from {file}"),
        N_("Imported {imported} spending lines of {rows} rows from {file}"),
    ),
    "donations": (
        N_("Would import {imported} donations of {rows} rows from {file}"),
        N_("Imported {imported} donations of {rows} rows from {file}"),
    ),
    "beneficiaries": (
        N_("Would import {imported} beneficiaries of {rows} rows from {file}"),
        N_("Imported {imported} beneficiaries of {rows} rows from {file}"),
    ),
}


def _sentence(what: str, summary: dict) -> str:
    would, did = _SENTENCES[what]
    text = _(would if summary["dry_run"] else did).format(
        imported=figure(summary["imported"]), rows=figure(summary["rows"]), file=summary["file"]
    )
    if summary.get("matched"):
        text += _("; {matched} already here by name, birth year and group, linked").format(
            matched=figure(summary["matched"])
        )
    if summary["already_present"]:
        text += _("; {already_present} already imported, skipped").format(
            already_present=figure(summary["already_present"])
        )
    if summary["ignored_columns"]:
        text += _(". Columns not read: {join}").format(join=", ".join(summary["ignored_columns"]))
    return text + (_(". Nothing was changed (dry run).") if summary["dry_run"] else ".")


class _ProgressBar:
    """A progress bar on standard error, drawn only on a terminal and only for long files;
    used as `with _ProgressBar() as progress:`, where progress(done, total) moves it."""

    def __enter__(self) -> Any:
        import sys

        if not sys.stderr.isatty():
            return None
        self.bar: Any = None
        return self.update

    def update(self, done: int, total: int | None) -> None:
        if self.bar is None:
            if (total or done) < PROGRESS_ROWS:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(_("Reading rows"), total=total)
        # An unknown total (a workbook's rows are counted only by reading them) keeps the bar
        # without an end until the last call gives it.
        self.bar.update(
            self.task, completed=done, total=None if total is None else max(total, done)
        )

    def __exit__(self, *exc: object) -> None:
        if getattr(self, "bar", None) is not None:
            self.bar.stop()
