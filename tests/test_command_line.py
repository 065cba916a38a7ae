"""The command line's own rules, for every command: built on Typer's public API only, an option
meant once refused when repeated, and usage errors that never echo the value typed."""

import re
from pathlib import Path

import pytest
import typer
import typer.main

from heartlink.cli.app import COMMANDS, app
from heartlink.cli.commands import StrictParsing

from conftest import heartlink_process

SRC = Path(__file__).resolve().parents[1] / "src"
NAME = "Trần Thị Bí Mật"


def walk(command, path=()):
    """Every command and group below `command`, built as a run would build them."""
    yield path, command
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            yield from walk(command.get_command(ctx, name), (*path, name))


def test_no_private_typer_api_in_the_source():
    private = re.compile(r"typer\._click|_click\b|get_group_from_info")
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert not offenders, f"private Typer API used at {offenders}"


def test_every_command_follows_the_parsing_rules():
    """Typer has no default command class: a command that escaped `cls=` would escape them."""
    built = dict(walk(typer.main.get_command(app)))
    assert len(built) > len(COMMANDS), "the walk did not reach the nouns' commands"
    loose = [
        " ".join(path) for path, command in built.items() if not isinstance(command, StrictParsing)
    ]
    assert not loose, f"{loose} do not follow heartlink's parsing rules"


# --- Typer's behaviour that heartlink.cli.commands relies on -------------------------------


def test_typer_raises_its_click_errors_as_typer_exceptions(run):
    """HeartlinkGroup.main catches typer.TyperException: Click's errors must be ones."""
    from typer.testing import CliRunner

    probe = typer.Typer()

    @probe.command()
    def count(number: int) -> None:  # pragma: no cover - never runs: the value is refused
        pass

    result = CliRunner().invoke(probe, ["x"], standalone_mode=False)
    assert isinstance(result.exception, typer.BadParameter)
    assert isinstance(result.exception, typer.TyperException)
    assert result.exception.exit_code == 2
    assert result.exception.param.name == "number"


def test_a_missing_value_is_a_bad_parameter_with_a_param_type(run):
    """usage_message keeps a missing parameter's own message: it holds no value."""
    result = run("record", "meal")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Missing option '--count'")


# --- a repeated option -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "option", "command"),
    [
        (("record", "meal", "--count", "1", "--to", "A", "--to", "B"), "--to", "record"),
        (("record", "meal", "-n", "1", "--count", "2"), "--count", "record"),
        (("handout", "list", "--year", "2023", "--year", "2024"), "--year", "handout list"),
        (("report", "-f", "json", "--format=csv"), "--format", "report"),
        (("backup", "--keep", "1", "--keep", "2"), "--keep", "backup create"),
        (("--sample", "--db", "a.db", "--db", "b.db", "report"), "--db", ""),
    ],
)
def test_a_repeated_single_valued_option_is_refused(run, db_path, args, option, command):
    result = run(*args)
    assert result.exit_code == 2, result
    hint = f"(see `heartlink {command} --help`)".replace("heartlink  ", "heartlink ")
    assert result.stderr == f"Error: {option} was given twice; give it once {hint}\n"
    assert not db_path.exists()


def test_options_declared_as_lists_stay_repeatable(ok):
    ok(
        "beneficiary",
        "add",
        "Phạm Thanh Sơn",
        "--category",
        "orphan",
        "--category",
        "student",
    )
    shown = ok("beneficiary", "list", "--format", "json").json()
    assert sorted(shown[0]["categories"]) == ["orphan", "student"]


# --- usage errors never echo the value typed ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("report", NAME), "Invalid value for YEAR: expected a whole number"),
        (("handout", "list", "--year", NAME), "Invalid value for --year: expected a whole number"),
        (("report", "--format", NAME), "Invalid value for --format: expected one of: table,"),
        (("report", "2023", "--by", NAME), "Invalid value for --by: expected one of:"),
        (
            ("backup", "--keep", "0"),
            "Invalid value for --keep: expected a whole number of at least 1",
        ),
        (("record", "meal", "-n", "1", *NAME.split()), "got 4 more arguments than this command"),
        ((NAME,), "No such command (see `heartlink --help`)"),
        (("beneficiary", NAME), "No such command (see `heartlink beneficiary --help`)"),
        (("record", "meal", "-n", "1", f"--{NAME}"), "No such option"),
    ],
)
def test_a_usage_error_names_the_option_never_the_value(run, args, expected):
    result = run(*args)
    assert result.exit_code == 2, result
    assert result.stderr.startswith(f"Error: {expected}"), result.stderr
    assert result.stderr.count("\n") == 1
    for word in NAME.split():
        assert word not in result.stderr


def test_a_mistyped_option_is_still_named_with_its_near_misses(run):
    result = run("record", "meal", "-n", "1", "--nte", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: No such option: --nte (Possible options: ")
    assert "--note" in result.stderr


def test_real_process_repeated_option_is_one_line_and_records_nothing(tmp_path):
    db = tmp_path / "x.db"
    result = heartlink_process(
        "--db", str(db), "record", "meal", "-n", "1", "--to", "A", "--to", "B"
    )
    assert result.returncode == 2
    assert (
        result.stderr
        == "Error: --to was given twice; give it once (see `heartlink record --help`)\n"
    )
    assert not db.exists()
