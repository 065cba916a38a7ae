"""`heartlink backup`, `heartlink restore`, `heartlink check`: keeping the data safe."""

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from heartlink.cli.common import FormatOption, db_path, say
from heartlink.cli.render import Column, Format
from heartlink.i18n import N_, _


class DefaultToCreate(TyperGroup):
    """`heartlink backup [DIR]` is `heartlink backup create [DIR]`; `backup list` lists. Its
    help is the help of what people type, `heartlink backup [DIR]` with its options (the
    create command's, shown as `heartlink backup`), which names `backup list` too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["create", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        create = self.get_command(ctx, "create")
        shown_as = create.make_context(ctx.info_name, [], parent=ctx.parent, resilient_parsing=True)
        create.format_help(shown_as, formatter)


app = typer.Typer(
    cls=DefaultToCreate,
    help="Write a verified backup (`heartlink backup [DIR]`) or list backups "
    "(`heartlink backup list`).\n\nExample: heartlink backup --keep 30 --quiet",
)


def refuse_sample(doing: str = "back up or restore") -> None:
    """--sample works on data in memory: no file to back up, restore or check."""
    from heartlink.cli.common import settings
    from heartlink.errors import InputError

    if settings.sample:
        raise InputError(
            _(
                "--sample data lives in memory, so there is no database file to "
                "{doing}; leave out --sample"
            ).format(doing=doing)
        )


@app.command("create", options_metavar="[--keep N] [--quiet] [--format F]")
def create(
    folder: Annotated[
        str | None,
        typer.Argument(
            metavar="[DIR]",
            help="Folder for the backup. Default: `backups` beside the database (created if "
            "missing). A folder named here must exist.",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            help="Then delete the oldest backups beyond the newest N.", min=1, show_default=False
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Write a consistent, verified copy of the database, even while others are recording.

    Example: heartlink backup D:\\Backups --keep 30 --quiet

    The copy is checked (integrity, foreign keys, totals equal to the database's) before it
    gets its name, heartlink-YYYYmmdd-HHMMSS.db, with a .sha256 file beside it. Exit 0 only
    when the verified backup exists.

    To see the backups and whether each still matches its checksum: `heartlink backup list
    [DIR]`.
    """
    from heartlink import backup

    refuse_sample()
    if folder is not None and not folder.strip():
        from heartlink.errors import InputError

        raise InputError(_("the backup folder is empty; name a folder, or leave it out"))
    made = backup.create(db_path(), Path(folder) if folder else None)
    removed = backup.rotate(made.path.parent, keep, new=made.path) if keep else []
    from heartlink.cli.render import output_record

    def show() -> None:
        if quiet:
            return
        print(made.path)
        handouts = made.fingerprint["rows"]["handout"]
        say(
            _("Backup verified: {size:,} bytes, {handouts:,} handouts, sha256 {sha256}.").format(
                size=made.size, handouts=handouts, sha256=made.sha256
            )
        )
        for path in removed:
            say(_("Deleted old backup {name}.").format(name=path.name))

    record = {**made.as_dict(), "deleted": [str(p) for p in removed]}
    output_record(record, fmt, show=show, fields=["path", "size", "sha256", "deleted"])


# heartlink.backup.checksum_status, as a cell of the list says it.
CHECKSUM_SHORT = {
    "ok": N_("matches"),
    "mismatch": N_("does not match"),
    "missing checksum file": N_("missing checksum file"),
    "unreadable checksum file": N_("unreadable checksum file"),
}
# Headings marked for the catalogue, shown in the run's language (render.in_language).
LIST_COLUMNS = [
    Column("name", N_("Backup")),
    Column("taken", N_("Taken")),
    Column("size", N_("Bytes"), "number"),
    Column("checksum", N_("Checksum"), words=CHECKSUM_SHORT),
]


@app.command("list")
def list_backups(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]", help="Default: `backups` beside the database.", show_default=False
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List backups, oldest first, with whether each still matches its checksum.

    Example: heartlink backup list --format json
    """
    from heartlink import backup
    from heartlink.cli.render import output_rows

    rows = backup.listing(folder or backup.default_folder(db_path()))
    output_rows(
        rows,
        fmt,
        LIST_COLUMNS,
        fields=["name", "taken", "size", "checksum", "path"],
        empty=_("No backups yet."),
    )
