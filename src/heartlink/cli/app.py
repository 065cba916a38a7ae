"""The `heartlink` command: global options, the nouns, and turning every failure into one line."""

import contextlib
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from heartlink import __version__
from heartlink.cli.commands import TYPER_SETTINGS, Lazy, StrictGroup, build, usage_message
from heartlink.cli.common import settings
from heartlink.i18n import LANG_ENV, Lang, _, choose_language, set_language

DEBUG_ENV = "HEARTLINK_DEBUG"


def _fail(message: str, code: int) -> None:
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    sys.exit(code)


# Every command and noun, in the order `heartlink --help` lists them. Each module is imported
# only when its command is named: starting `heartlink record` loads none of the others.
COMMANDS = {
    "record": Lazy(
        "heartlink.cli.handout", "record", help_attribute="RECORD_HELP", no_args_is_help=True
    ),
    "spend": Lazy(
        "heartlink.cli.spending", "spend", help_attribute="SPEND_HELP", no_args_is_help=True
    ),
    "receive": Lazy(
        "heartlink.cli.donation", "receive", help_attribute="RECEIVE_HELP", no_args_is_help=True
    ),
    "receipt": Lazy("heartlink.cli.receipt", "receipt"),
    "report": Lazy("heartlink.cli.report", "report"),
    "funds": Lazy("heartlink.cli.funds", "funds"),
    "statement": Lazy("heartlink.cli.funds", "statement"),
    "log": Lazy("heartlink.cli.log", "log"),
    "close": Lazy("heartlink.cli.closing", "close", no_args_is_help=True),
    "reopen": Lazy("heartlink.cli.closing", "reopen", no_args_is_help=True),
    "restore": Lazy("heartlink.cli.restore", "restore"),
    "merge": Lazy("heartlink.cli.merge", "merge"),
    "bundle": Lazy("heartlink.cli.merge", "bundle"),
    "check": Lazy("heartlink.cli.health", "check"),
    "beneficiary": Lazy("heartlink.cli.beneficiary", "app"),
    "donor": Lazy("heartlink.cli.donor", "app"),
    "handout": Lazy("heartlink.cli.handout", "app"),
    "spending": Lazy("heartlink.cli.spending", "app"),
    "stock": Lazy("heartlink.cli.stock", "stock"),
    "donation": Lazy("heartlink.cli.donation", "app"),
    "sponsorship": Lazy("heartlink.cli.sponsorship", "app"),
    "kind": Lazy("heartlink.cli.catalogue", "kind_app"),
    "programme": Lazy("heartlink.cli.catalogue", "programme_app"),
    "category": Lazy("heartlink.cli.catalogue", "category_app"),
    "station": Lazy("heartlink.cli.station", "app"),
    "db": Lazy("heartlink.cli.database", "app"),
    "backup": Lazy("heartlink.cli.backup", "app"),
    "export": Lazy("heartlink.cli.export", "app"),
    "import": Lazy("heartlink.cli.imports", "app"),
}


class HeartlinkGroup(StrictGroup, TyperGroup):
    """Runs the command and turns any failure into one `Error: …` line and an exit code:
    2 for usage errors, 1 for everything else. No traceback reaches a user unless
    HEARTLINK_DEBUG=1 is set. Builds each command only when it is named (COMMANDS)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in COMMANDS and name not in self.commands:
            self.commands[name] = build(name, COMMANDS[name])
        return super().get_command(ctx, name)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        kwargs.setdefault("prog_name", "heartlink")
        # Help is formatted while the arguments are parsed, before the root callback runs: the
        # language must be known first.
        given = args[0] if args else kwargs.get("args")
        try:
            _use_language(_global_lang(sys.argv[1:] if given is None else list(given)))
            result = super().main(*args, standalone_mode=False, **kwargs)
        except typer.Abort:
            _fail(_("aborted; nothing was changed"), 1)
        except typer.TyperException as exc:  # Click's errors too: usage errors exit with 2
            where = getattr(exc, "ctx", None)
            hint = (
                _(" (see `{command} --help`)").format(command=where.command_path)
                if where is not None
                else ""
            )
            _fail(f"{usage_message(exc)}{hint}", exc.exit_code)
        except KeyboardInterrupt:
            _fail(_("interrupted"), 130)
        except BrokenPipeError:
            # The reader of stdout went away (`heartlink … | head`): not an error of ours.
            # Point stdout at nothing so that Python's final flush does not complain either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(_describe(exc), getattr(exc, "exit_code", 1))
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _global_lang(args: list[str]) -> str | None:
    """The value of --lang given before the command (`heartlink --lang vi record …`), if any."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--db":  # its value may look like anything
            continue
        if not arg.startswith("-") and (index == 0 or args[index - 1] != "--db"):
            return None  # the command: a --lang after it is the command's own
    return None


def _use_language(given: str | None) -> None:
    lang = choose_language(given, os.environ)
    settings.lang = lang
    settings.lang_chosen = given is not None or bool(os.environ.get(LANG_ENV, "").strip())
    settings.command_lang = None
    set_language(lang)


def _describe(exc: Exception) -> str:
    """One line for any exception. Unexpected ones name only their class: their text may hold
    personal data from the database."""
    import sqlite3

    from heartlink.errors import HeartlinkError

    if isinstance(exc, HeartlinkError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        from heartlink.db import describe_sqlite_error

        return describe_sqlite_error(exc)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc.__class__.__name__}{where}"
    return _(
        "unexpected {name}; nothing more is shown to keep personal data out of logs. Run again "
        "with {variable}=1 to see the details, and report it"
    ).format(name=exc.__class__.__name__, variable=DEBUG_ENV)


app = typer.Typer(
    **TYPER_SETTINGS,
    cls=HeartlinkGroup,
    name="heartlink",
    help="Keep the station's charity work in one SQLite file: who receives, what was handed "
    "out, and the year's totals.\n\nExample: heartlink record meal --count 120",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        print(f"heartlink {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file. Default: $HEARTLINK_DB, then the user data folder "
            "(see `heartlink db path`).",
            show_default=False,
        ),
    ] = None,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="Use the bundled 2023 sample data, in memory; your database is not touched.",
        ),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help=f"Language of help, messages and output: en or vi. Default: ${LANG_ENV}, then "
            "the system's language (vi when it is Vietnamese), then en.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Keep the station's charity work in one SQLite file."""
    settings.db = db
    settings.sample = sample
    settings.names = None
    _use_language(lang)


def main() -> None:
    """Console entry point."""
    for stream in (sys.stdout, sys.stderr):
        # Vietnamese must survive a Windows console or a redirect to a file.
        if (stream.encoding or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    app()
