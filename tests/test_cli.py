"""The command as a whole: help on every command, version, where the database lives, failures."""

import os
import sqlite3
import stat
import sys

import pytest

from heartlink import __version__
from heartlink.cli.app import app

from conftest import heartlink_process


def all_commands():
    """Every command path, walked from the real Typer app."""
    import typer
    import typer.main

    def walk(command, path):
        if hasattr(command, "list_commands"):  # a group (whose nouns load when asked for)
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), [*path, name])
        else:
            yield path

    return list(walk(typer.main.get_command(app), []))


COMMANDS = all_commands()


def test_the_command_tree_is_what_the_readme_documents():
    assert sorted(" ".join(c) for c in COMMANDS) == sorted(
        [
            "station set",
            "station show",
            "record",
            "report",
            "funds",
            "statement",
            "beneficiary add",
            "beneficiary list",
            "beneficiary show",
            "beneficiary edit",
            "beneficiary archive",
            "beneficiary unarchive",
            "donor add",
            "donor list",
            "donor show",
            "donor edit",
            "donor archive",
            "donor unarchive",
            "handout list",
            "handout void",
            "sponsorship add",
            "sponsorship list",
            "sponsorship show",
            "sponsorship due",
            "sponsorship end",
            "sponsorship change",
            "spend",
            "spending list",
            "spending void",
            "stock",
            "kind list",
            "kind add",
            "kind edit",
            "programme list",
            "programme add",
            "category list",
            "db path",
            "db rebuild-totals",
            "log",
            "close",
            "reopen",
            "backup create",
            "backup list",
            "restore",
            "merge",
            "bundle",
            "check",
            "export totals",
            "export handouts",
            "export beneficiaries",
            "export donors",
            "export spending",
            "import beneficiaries",
            "import handouts",
            "import spending",
            "receive",
            "receipt",
            "donation list",
            "donation void",
            "export donations",
            "import donations",
        ]
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(run, command):
    result = run(*command, "--help", db=None)
    assert result.exit_code == 0, result
    assert "Usage:" in result.stdout
    usage = " ".join(result.stdout.split())
    # [OPTIONS], or the options spelled out where people type them so (backup).
    assert f"Usage: heartlink {' '.join(command)} [" in usage, result.stdout
    assert "Example" in result.stdout, f"{' '.join(command)} --help shows no example"


@pytest.mark.parametrize(
    "group",
    [
        "beneficiary",
        "donor",
        "handout",
        "kind",
        "programme",
        "category",
        "db",
        "backup",
        "export",
        "import",
    ],
)
def test_groups_have_help_with_an_example(run, group):
    result = run(group, "--help", db=None)
    assert result.exit_code == 0 and "Example" in result.stdout


def test_readme_shows_every_command():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    for command in COMMANDS:
        # `backup create` is typed `heartlink backup`.
        shown = " ".join(command).replace("backup create", "backup")
        assert f"heartlink {shown}" in text or f"heartlink --sample {shown}" in text, (
            f"README shows no example of `heartlink {shown}`"
        )


def test_no_arguments_shows_help(run):
    result = run(db=None)
    assert result.exit_code == 0
    assert "record" in result.stdout and "report" in result.stdout


def test_version(run):
    result = run("--version", db=None)
    assert result.stdout.strip() == f"heartlink {__version__}"


def test_db_path_order_option_environment_default(run, tmp_path):
    from_option = run("--db", str(tmp_path / "a.db"), "db", "path", db=None)
    assert from_option.stdout.strip() == str(tmp_path / "a.db")
    from_env = run("db", "path", db=None, env={"HEARTLINK_DB": str(tmp_path / "b.db")})
    assert from_env.stdout.strip() == str(tmp_path / "b.db")
    both = run(
        "--db",
        str(tmp_path / "a.db"),
        "db",
        "path",
        db=None,
        env={"HEARTLINK_DB": str(tmp_path / "b.db")},
    )
    assert both.stdout.strip() == str(tmp_path / "a.db")
    default = run("db", "path", db=None).stdout.strip()
    assert default.endswith("heartlink.db") and "heartlink" in default
    assert not os.path.exists(default)


def test_first_write_creates_the_default_database(run, tmp_path):
    default = run("db", "path", db=None).stdout.strip()
    assert run("record", "meal", "-n", "3", db=None).exit_code == 0
    assert os.path.exists(default)
    assert default.startswith(str(tmp_path))  # the test's own data folder, never the user's
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(default).st_mode) == 0o600


def test_real_process_records_and_reports(tmp_path):
    db = tmp_path / "station.db"
    recorded = heartlink_process(
        "--db", str(db), "record", "meal", "--count", "120", "--date", "06/03/2023"
    )
    assert recorded.returncode == 0, recorded.stderr
    report = heartlink_process("--db", str(db), "report", "2023", "--format", "json")
    assert '"count": 120' in report.stdout


def test_real_process_bad_input_gives_one_line_and_exit_2(tmp_path):
    result = heartlink_process("--db", str(tmp_path / "x.db"), "record", "meal", "--count", "x")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: count must be a whole number")
    assert result.stderr.count("\n") == 1


def test_real_process_usage_error_is_one_line(tmp_path):
    result = heartlink_process("--db", str(tmp_path / "x.db"), "record")
    assert result.returncode == 0  # `record` alone shows its help
    assert "Usage" in result.stdout
    result = heartlink_process("--db", str(tmp_path / "x.db"), "repport")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: No such command 'repport'")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(("typed", "meant"), [("benefciary", "beneficiary"), ("repport", "report")])
def test_a_mistyped_command_gets_the_closest_one_suggested(run, typed, meant):
    """Nouns load only when named; a typo still gets every command as a suggestion."""
    result = run(typed, db=None)
    assert result.exit_code == 2
    assert f"Did you mean '{meant}'" in result.stderr


def test_unexpected_errors_hide_their_text_and_traceback(run, ok, db_path, monkeypatch):
    """An unforeseen failure must not print data (it could be personal) or a traceback."""
    ok("record", "meal", "-n", "1")
    from heartlink import reports

    def broken(*args):
        raise KeyError("Phạm Thanh Sơn")

    monkeypatch.setattr(reports, "yearly", broken)
    result = run("report", "2023")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unexpected KeyError")
    assert "Phạm" not in result.stderr and "Traceback" not in result.stderr
    assert "HEARTLINK_DEBUG=1" in result.stderr


def test_locked_database_gives_a_clear_error(ok, run, db_path, monkeypatch):
    ok("record", "meal", "-n", "1")
    monkeypatch.setattr("heartlink.db.BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("record", "meal", "-n", "2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database stayed busy")
    assert "nothing was saved" in result.stderr
    assert len(ok("handout", "list", "--format", "json").json()) == 1


def test_empty_db_option_is_refused(run, tmp_path):
    result = run("--db", "", "record", "meal", "-n", "1", db=None)
    assert result.exit_code == 2 and "--db is empty" in result.stderr
    assert not (tmp_path / "xdg-data").exists()


def test_reading_a_missing_database_says_so(run, tmp_path):
    result = run("--db", str(tmp_path / "typo.db"), "report", db=None)
    assert result.exit_code == 0
    assert f"no database at {tmp_path / 'typo.db'}" in result.stderr
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("group", ["export", "import"])
def test_export_and_import_help_names_every_noun_they_take(run, group):
    """A group's summary names each of its commands, so a new noun is not left out of it."""
    import typer.main
    from typer import Context

    from heartlink.cli.app import app

    root = typer.main.get_command(app)
    noun = root.get_command(Context(root), group)
    names = noun.list_commands(Context(noun))
    assert len(names) >= 4, names
    result = run(group, "--help", db=None)
    summary = " ".join(result.stdout.split("Example")[0].split())
    for name in names:
        assert name in summary, f"`heartlink {group} --help` does not name {name}"
