"""What every command shares: the global options, opening the ledger, messages on stderr."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from heartlink.cli.formats import Format
from heartlink.i18n import LANG_ENV, Lang, _, language

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from heartlink.cli.views import Labels
    from heartlink.db import Ledger

FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help="table for people; json or csv for scripts (data on stdout)."
    ),
]
OfficerOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Officer recording this. Default: $HEARTLINK_OFFICER, then your login name.",
        show_default=False,
    ),
]
# The day of a new entry (a handout, a donation, a spending line).
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        "-d",
        help="When: 2023-03-06, 06/03/2023 (day first), today or yesterday. Default: today.",
        show_default=False,
    ),
]
NoteOption = Annotated[str | None, typer.Option(help="A note.", show_default=False)]


def _global_language_by_default(
    ctx: typer.Context, param: typer.CallbackParam, value: Lang
) -> Lang:
    """A command's --lang, or, when it is not given, the language of the run (heartlink's
    global --lang, then $HEARTLINK_LANG, then the system's)."""
    source = ctx.get_parameter_source(param.name or "")
    note_command_lang(ctx, param, value)
    return settings.lang if source is None or source.name == "DEFAULT" else value


def note_command_lang(ctx: typer.Context, param: typer.CallbackParam, value: Lang | None) -> Any:
    """Remember a --lang typed after the command (`report 2023 --lang vi --format csv`): the
    one choice that makes output for programs (CSV, JSON) Vietnamese. See language_of."""
    source = ctx.get_parameter_source(param.name or "")
    if source is not None and source.name == "COMMANDLINE" and value is not None:
        settings.command_lang = Lang(value)
    return value


def language_of(lang: Lang, fmt: object) -> Lang:
    """The language of a command's output in format `fmt`: for people (a table, a workbook, a
    PDF) `lang`, the command's --lang or else the run's; for programs (csv, json) English unless
    the command's own --lang was typed: the headings and words scripts read do not change with
    the language of the person running them."""
    if str(fmt) in ("csv", "json") and settings.command_lang is None:
        return Lang.en
    return lang


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help="Language of headings, names, numbers (1.234.567) and dates (06/03/2023): en or vi. "
        f"Default: the language of heartlink (`heartlink --lang`, ${LANG_ENV}, the system's).",
        case_sensitive=False,
        callback=_global_language_by_default,
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Totals as they stood at the end of DATE (2024-01-31 or 31/01/2024): handouts "
        "recorded later are left out, handouts voided later still count.",
        show_default=False,
    ),
]
OverwriteOption = Annotated[
    bool, typer.Option("--force", help="Replace the output file if it exists.")
]


class Settings:
    """The global options, set by the root callback before any command runs. (A plain class:
    a dataclass costs every command half a millisecond of start-up to define.)"""

    db: str | None = None
    sample: bool = False
    lang: Lang = Lang.en
    # Whether the language was chosen for this run (`heartlink --lang`, $HEARTLINK_LANG) rather
    # than taken from the system: a document with a language of its own (the report to sign is
    # Vietnamese) follows only a choice.
    lang_chosen: bool = False
    # The --lang typed after the command, if any (note_command_lang).
    command_lang: Lang | None = None
    # The catalogue's names in this run's language, read once per command (catalogue_names).
    names: "Labels | None" = None


settings = Settings()


def say(message: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays data)."""
    print(message, file=sys.stderr)


def db_path() -> "Path":
    from heartlink.db import resolve_path

    return resolve_path(settings.db)


@contextmanager
def open_ledger(*, write: bool) -> Iterator["Ledger"]:
    """The ledger for this command: the sample in memory with --sample, else the file; readers
    open it read-only and never change it."""
    from heartlink import db

    if settings.sample:
        from heartlink import sample

        ledger = sample.load(db.open_memory())
        if write:
            say(_("Note: --sample works on a copy in memory; nothing is saved."))
    else:
        path = db_path()
        ledger = db.open_for_write(path) if write else db.open_for_read(path)
        if not ledger.exists:
            say(
                _("Note: no database at {path} yet; nothing has been recorded there.").format(
                    path=path
                )
            )
    _open_ledgers.append(ledger)
    try:
        yield ledger
    finally:
        _open_ledgers.remove(ledger)
        ledger.close()


_open_ledgers: list["Ledger"] = []


def catalogue_names() -> "Labels":
    """The names of the catalogue's kinds, units, programmes and categories in this run's
    language, for tables for people: read once per command, from the ledger the command has
    open (else from the ledger opened again to read them)."""
    if settings.names is None:
        from heartlink.cli.render import run_formatter
        from heartlink.cli.views import Labels

        if _open_ledgers:
            settings.names = Labels(_open_ledgers[-1].conn, run_formatter())
        else:
            with open_ledger(write=False) as ledger:
                settings.names = Labels(ledger.conn, run_formatter())
    return settings.names


def names_for_people(
    conn: "sqlite3.Connection", kind: str | None, unit: str | None, programme: str | None
) -> tuple[str | None, str | None, str | None]:
    """The kind, unit and programme a confirmation names: in Vietnamese, as the catalogue names
    them ("Suất cơm", "suất", "Bữa cơm nhân ái"); in English, the slugs and unit as stored."""
    if language() != Lang.vi:
        return kind, unit, programme
    from heartlink.catalogue import vietnamese_names

    return vietnamese_names(conn, kind, programme)


def officer(given: str | None) -> str:
    from heartlink.handouts import officer_name

    return officer_name(given)


def output_saved(record: dict, fmt: Format, message: str) -> None:
    """A created or changed record: its id on stdout (the whole record as a JSON object with
    --format json), a line for people on stderr. In a file that also holds merged stations'
    records, the line names the station a new record is for (`"station"`, the file's own)."""
    if record.get("station"):
        message = _("Station {code} (this file's own): ").format(code=record["station"]) + message

    def show() -> None:
        print(record["id"])
        say(message)

    if fmt == Format.table:  # the renderers are not loaded for this, the everyday case
        show()
        return
    from heartlink.cli.render import output_record

    # Scripts asking for CSV get the id alone, as for a table.
    output_record(record, fmt, show=show, rows=[record], fields=["id"])
