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
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

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
    "int": "a whole number",
    "integer": "a whole number",
    "int range": "a whole number",
    "integer range": "a whole number",
    "float": "a number",
    "float range": "a number",
    "boolean": "true or false",
    "uuid": "a UUID",
    "datetime": "a date and time",
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
    single-valued option, and extra arguments refused without echoing them."""

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
            ctx.fail(
                f"got {count} more argument{'s' if count > 1 else ''} than this command takes; "
                'put quotes around a value with spaces ("Phạm Thanh Sơn")'
            )
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
                ctx.fail(f"No such command {typed!r}. Did you mean {suggestions}?")
            ctx.fail("No such command")
        return super().resolve_command(ctx, args)  # type: ignore[misc]


def _refuse_repeated_options(command: Any, ctx: typer.Context, args: list[str]) -> None:
    """Fail when an option that takes one value was given more than once. Options declared
    as lists (`multiple`) and counters stay repeatable; --help and --version act at once."""
    once = {param.name for param in command.get_params(ctx) if _given_once(param)}
    if not once:  # most groups: nothing to check, and their arguments are for a subcommand
        return
    # A dry run of Click's own parser: its `order` lists each option as often as it was typed.
    _, _, order = command.make_parser(ctx).parse_args(args=list(args))
    seen: set[str] = set()
    for param in order:
        if param.name in once and param.name in seen:
            ctx.fail(f"{option_label(param)} was given twice; give it once")
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
            return error.format_message()
        return f"Invalid value for {option_label(param)}: expected {expected_form(param)}"
    typed_option = getattr(error, "option_name", None)
    if typed_option is not None and not re.fullmatch(OPTION_NAME, typed_option):
        return "No such option"
    return error.format_message()


def expected_form(param: Any) -> str:
    """What a parameter accepts, in words: `a whole number of at least 1`, `one of: a, b`."""
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices:
        return "one of: " + ", ".join(str(getattr(choice, "value", choice)) for choice in choices)
    form = FORMS.get(kind.name, f"a valid {kind.name}")
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    if low is not None and high is not None:
        return f"{form} from {low} to {high}"
    if low is not None:
        return f"{form} of at least {low}"
    if high is not None:
        return f"{form} of at most {high}"
    return form
