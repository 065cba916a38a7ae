"""How heartlink's commands are built on Typer's public API, and the rules every one follows.

- A command's module is imported only when the command is named (`Lazy`, `build`).
- An option meant to be given once is refused when repeated, instead of the last one silently
  winning (`record meal --to A --to B` would record to B).
- A usage error names the option or argument and the form it expects, never the value typed:
  a value typed into the wrong option may be a person's name (`usage_message`).

Typer 0.28 vendors Click as a private module and offers no default command class for an app,
so each command is given these rules here, through the `cls` it is registered with, before
Typer's own public builder (`typer.main.get_command`) makes it. tests/test_command_line.py
checks every behaviour of Typer this module relies on, so an upgrade that breaks one fails there
first.
"""

import difflib
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

from heartlink.i18n import N_, Lang, _, help_text, language

# The options given to every Typer app of heartlink (the root and the holders in `build`), so
# that a lazily built command renders its help as the root does.
TYPER_SETTINGS: dict[str, Any] = {
    "rich_markup_mode": "markdown",
    "pretty_exceptions_enable": False,
    "add_completion": False,
}

# What a mistyped option may be echoed as: a plain option name, never free text.
OPTION_NAME = r"-{1,2}[A-Za-z0-9][A-Za-z0-9-]*"

# Click's parameter types by name (Typer's vendored Click and Click itself spell some apart).
FORMS = {
    "int": N_("a whole number"),
    "integer": N_("a whole number"),
    "int range": N_("a whole number"),
    "integer range": N_("a whole number"),
    "float": N_("a number"),
    "float range": N_("a number"),
    "boolean": N_("true or false"),
    "uuid": N_("a UUID"),
    "datetime": N_("a date and time"),
}

# The words of Typer's rich help (module constants of typer.rich_utils, made with gettext's
# global domain when it is imported), in the catalogue with heartlink's own and swapped in
# while a help text is formatted in another language.
RICH_HELP_WORDS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
}


class Lazy(NamedTuple):
    """A command or a noun whose module is imported only when it is named.

    `attribute` names a Typer app (a noun, with its own commands) or a command function;
    `help_attribute` a string in the same module that is the command's help."""

    module: str
    attribute: str
    help_attribute: str | None = None
    no_args_is_help: bool = False


def build(name: str, lazy: Lazy) -> Any:
    """The click command (or group) `name`, built as `add_typer` or `command` would have built
    it on the root app, with heartlink's parsing rules."""
    # An import statement's machinery rather than importlib's, so that -X importtime (and
    # tests/test_startup.py) sees the module.
    module = __import__(lazy.module, fromlist=[lazy.attribute])
    target = getattr(module, lazy.attribute)
    holder = typer.Typer(**TYPER_SETTINGS)
    if isinstance(target, typer.Typer):
        holder.add_typer(with_rules(target), name=name)
        return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]
    help_text = getattr(module, lazy.help_attribute) if lazy.help_attribute else None
    holder.command(
        name, cls=_with_rules(TyperCommand), help=help_text, no_args_is_help=lazy.no_args_is_help
    )(target)
    return typer.main.get_command(holder)


def with_rules(noun: typer.Typer) -> typer.Typer:
    """`noun`, its group and every command in it given heartlink's parsing rules, as if each
    had been registered with `cls=`: Typer has no default command class for an app."""
    noun.info.cls = _with_rules(_registered_class(noun.info.cls) or TyperGroup)
    for command in noun.registered_commands:
        command.cls = _with_rules(command.cls or TyperCommand)
    for group in noun.registered_groups:
        if group.typer_instance is not None:
            with_rules(group.typer_instance)
    return noun


def _registered_class(cls: Any) -> type | None:
    return cls.value if isinstance(cls, DefaultPlaceholder) else cls


@functools.cache
def _with_rules(cls: type) -> type:
    if issubclass(cls, StrictParsing):
        return cls
    rules = StrictGroup if issubclass(cls, TyperGroup) else StrictParsing
    return type(cls.__name__, (rules, cls), {"__doc__": cls.__doc__})


class StrictParsing:
    """Parsing rules for every command and group: help when given nothing, no repeated
    single-valued option, and extra arguments refused without echoing them. Help is shown in
    the language of the run."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        if language() == Lang.en:
            return super().format_help(ctx, formatter)  # type: ignore[misc]
        with _translated_help(self, ctx):
            return super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: typer.Context, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:  # type: ignore[attr-defined]
            # Asked for help by giving nothing: the help on stdout, and success.
            text = ctx.get_help()  # the rich renderer prints it itself and returns ""
            if text:
                print(text)
            raise typer.Exit(0)
        if ctx.resilient_parsing:  # shell completion: parse as Click would
            return super().parse_args(ctx, args)  # type: ignore[misc]
        _refuse_repeated_options(self, ctx, args)
        if isinstance(self, TyperGroup):
            return super().parse_args(ctx, args)  # type: ignore[misc]
        # Click's own message for extra arguments quotes them; they are often a name typed
        # without quotes, so take them back and say how many.
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            extra = super().parse_args(ctx, args)  # type: ignore[misc]
        finally:
            ctx.allow_extra_args = allowed
        if extra and not allowed:
            count = len(extra)
            more = (
                _("got 1 more argument than this command takes")
                if count == 1
                else _("got {count} more arguments than this command takes").format(count=count)
            )
            ctx.fail(more + _('; put quotes around a value with spaces ("Phạm Thanh Sơn")'))
        return extra


class StrictGroup(StrictParsing):
    """A group whose unknown-command error echoes what was typed only when it is a near miss
    of a real command (a typo), never otherwise (it may be a name typed in the wrong place)."""

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        typed = args[0]
        if (
            not typed.startswith("-")
            and not ctx.resilient_parsing
            and self.get_command(ctx, typed) is None  # type: ignore[attr-defined]
        ):
            near = difflib.get_close_matches(typed, self.list_commands(ctx))  # type: ignore[attr-defined]
            if near:
                suggestions = ", ".join(repr(name) for name in near)
                ctx.fail(
                    _("No such command {typed!r}. Did you mean {suggestions}?").format(
                        typed=typed, suggestions=suggestions
                    )
                )
            ctx.fail(_("No such command"))
        return super().resolve_command(ctx, args)  # type: ignore[misc]


@contextmanager
def _translated_help(command: Any, ctx: typer.Context) -> Iterator[None]:
    """While `command`'s help is formatted: its help, its parameters', its subcommands' short
    help and Typer's panel words in the language of the run, put back afterwards (the same
    objects may format help again in another language, as in tests)."""
    from typer import rich_utils

    saved: list[tuple[Any, str, Any]] = []

    def swap(owner: Any, attribute: str, translate: Any = help_text) -> None:
        original = getattr(owner, attribute, None)
        if isinstance(original, str) and original:
            saved.append((owner, attribute, original))
            setattr(owner, attribute, translate(original))

    shown = [command]
    if isinstance(command, TyperGroup):
        shown += [command.get_command(ctx, name) for name in command.list_commands(ctx)]
    for each in filter(None, shown):
        swap(each, "help")
        swap(each, "short_help")
        swap(each, "rich_help_panel", _)
    for param in command.get_params(ctx):
        swap(param, "help")
        swap(param, "rich_help_panel", _)
    for constant in RICH_HELP_WORDS:
        swap(rich_utils, constant, _)
    try:
        yield
    finally:
        for owner, attribute, original in reversed(saved):
            setattr(owner, attribute, original)


def _refuse_repeated_options(command: Any, ctx: typer.Context, args: list[str]) -> None:
    """Fail when an option that takes one value was given more than once. Options declared
    as lists (`multiple`) and counters stay repeatable; --help and --version act at once."""
    once = {param.name for param in command.get_params(ctx) if _given_once(param)}
    if not once:  # most groups: nothing to check, and their arguments are for a subcommand
        return
    # A dry run of Click's own parser: its `order` lists each option as often as it was typed.
    *_parsed, order = command.make_parser(ctx).parse_args(args=list(args))
    seen: set[str] = set()
    for param in order:
        if param.name in once and param.name in seen:
            ctx.fail(_("{option} was given twice; give it once").format(option=option_label(param)))
        seen.add(param.name)


def _given_once(param: Any) -> bool:
    return param.param_type_name == "option" and not (
        param.multiple or param.count or param.is_eager
    )


def option_label(param: Any) -> str:
    """`--count` for an option (its long name), `KIND` for an argument."""
    if param.param_type_name != "option":
        return (param.metavar or param.name or "").upper()
    names = [*param.opts, *param.secondary_opts]
    return next((name for name in names if name.startswith("--")), names[0])


def usage_message(error: typer.TyperException) -> str:
    """A usage error's message, naming the option and what it expects; never the value typed."""
    param = getattr(error, "param", None)
    if isinstance(error, typer.BadParameter) and param is not None:
        if hasattr(error, "param_type"):  # a missing parameter: the message has no value
            return _missing_message(error, param)
        return _("Invalid value for {option}: expected {form}").format(
            option=option_label(param), form=expected_form(param)
        )
    typed_option = getattr(error, "option_name", None)
    if typed_option is not None and not re.fullmatch(OPTION_NAME, typed_option):
        return _("No such option")
    if language() == Lang.en:
        return error.format_message()
    return _click_message(error, typed_option)


def _missing_message(error: Any, param: Any) -> str:
    """Click's "Missing option '--count'." (with the choices of a choice), translated."""
    if language() == Lang.en:
        return error.format_message()
    name = getattr(error, "param_hint", None) or param.get_error_hint(error.ctx)
    if param.param_type_name == "argument":
        message = _("Missing argument {name}.").format(name=name)
    else:
        message = _("Missing option {name}.").format(name=name)
    choices = getattr(param.type, "choices", None)
    if choices:
        message += " " + _("Choose from: {choices}.").format(
            choices=", ".join(str(getattr(choice, "value", choice)) for choice in choices)
        )
    return message


def _click_message(error: Any, option: str | None) -> str:
    """The few other messages of Click and Typer heartlink lets through, in the language of the
    run (an unknown one as Click wrote it)."""
    message = error.format_message()
    if message.startswith("No such option") and option is not None:
        text = _("No such option: {option}").format(option=option)
        near = getattr(error, "possibilities", None)
        if near:
            text += " " + _("Did you mean {options}?").format(options=", ".join(sorted(near)))
        return text
    if option is not None and message.endswith("requires an argument."):
        return _("Option {option!r} requires an argument.").format(option=option)
    if option is not None and message.endswith("does not take a value."):
        return _("Option {option!r} does not take a value.").format(option=option)
    return _(message)


# Messages of Typer (its own gettext) and Click that reach the Error line as they are.
CLICK_MESSAGES = (N_("Missing command."),)


def expected_form(param: Any) -> str:
    """What a parameter accepts, in words: `a whole number of at least 1`, `one of: a, b`."""
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices:
        return _("one of: {choices}").format(
            choices=", ".join(str(getattr(choice, "value", choice)) for choice in choices)
        )
    form = _(FORMS[kind.name]) if kind.name in FORMS else _("a valid {type}").format(type=kind.name)
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    if low is not None and high is not None:
        return _("{form} from {low} to {high}").format(form=form, low=low, high=high)
    if low is not None:
        return _("{form} of at least {low}").format(form=form, low=low)
    if high is not None:
        return _("{form} of at most {high}").format(form=form, high=high)
    return form
