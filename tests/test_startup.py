"""Start-up stays light: `heartlink record` on a current database loads only what it uses.

Not a timing (timings live in benchmarks/): a list of the modules Python actually imported.
"""

import sys

import pytest

from conftest import heartlink_process

# Tables, migrations, spreadsheets, locales and pydantic are for other commands.
FORBIDDEN = (
    "rich",
    "sqlite_utils",
    "pydantic",
    "openpyxl",
    "python_calamine",
    "xlsxwriter",
    "babel",
    "platformdirs",
)


def imported_modules(*args: str) -> set[str]:
    result = heartlink_process(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.fixture(scope="module")
def current_db(tmp_path_factory):
    """One up-to-date database for the module: each test only needs its schema current."""
    db = tmp_path_factory.mktemp("startup") / "current.db"
    assert heartlink_process("--db", str(db), "record", "meal", "-n", "1").returncode == 0
    return db


@pytest.fixture(scope="module")
def record_modules(current_db):
    """What `heartlink record` imports on an up-to-date database (one run for the module)."""
    return imported_modules("--db", str(current_db), "record", "meal", "--count", "120")


def test_record_on_a_current_database_imports_nothing_it_does_not_use(record_modules):
    modules = record_modules
    assert "heartlink.handouts" in modules, "the import list was not read"
    loaded = top_level(modules) & set(FORBIDDEN)
    assert not loaded, f"`heartlink record` imported {sorted(loaded)}"


def test_record_prints_its_id_without_the_renderers(record_modules):
    """A table or list is drawn by the renderers (json, csv, rich, workbooks); `record` prints
    one id and one line, so it loads none of them."""
    loaded = record_modules & {"heartlink.cli.render", "heartlink.tables", "csv"}
    assert not loaded, f"`heartlink record` imported {sorted(loaded)}"
    # A handout to nobody in particular (meals at the hospital) needs no register.
    loaded = record_modules & {"heartlink.beneficiaries", "heartlink.registers", "dataclasses"}
    assert not loaded, f"`heartlink record` imported {sorted(loaded)}"


def command_modules_besides(own: str) -> set[str]:
    """The modules of every other top-level command and noun (each is imported when named)."""
    from heartlink.cli.app import COMMANDS

    return {lazy.module for lazy in COMMANDS.values()} - {own}


def test_record_loads_no_other_command(record_modules):
    """`report`, `backup`, `beneficiary`, … are imported only when their command runs."""
    modules = record_modules
    assert "heartlink.cli.handout" in modules, "a command's own module was not seen"
    others = command_modules_besides("heartlink.cli.handout")
    assert "heartlink.cli.report" in others and "heartlink.cli.backup" in others
    assert not modules & others, f"`heartlink record` imported {sorted(modules & others)}"


def test_creating_a_database_does_load_migrations(tmp_path):
    """The same measurement sees sqlite-utils when it is needed, so the test above can fail."""
    modules = imported_modules("--db", str(tmp_path / "new.db"), "record", "meal", "-n", "1")
    assert "sqlite_utils" in top_level(modules)


def test_nightly_backup_imports_nothing_it_does_not_use(current_db, tmp_path):
    """`heartlink backup --quiet`, as a scheduled task runs it, draws no table."""
    modules = imported_modules("--db", str(current_db), "backup", str(tmp_path), "--quiet")
    assert "heartlink.backup" in modules, "the import list was not read"
    loaded = top_level(modules) & set(FORBIDDEN)
    assert not loaded, f"`heartlink backup --quiet` imported {sorted(loaded)}"


@pytest.mark.skipif(sys.platform == "win32", reason="same on every platform; one is enough")
def test_report_loads_rich_but_not_migrations(current_db):
    modules = imported_modules("--db", str(current_db), "report")
    assert "rich" in top_level(modules)
    assert "sqlite_utils" not in top_level(modules)
    others = command_modules_besides("heartlink.cli.report")
    assert not modules & others, f"`heartlink report` imported {sorted(modules & others)}"


def test_record_on_the_default_database_stays_light(tmp_path):
    """The duty officer's usual case: no --db, the user data folder (platformdirs allowed)."""
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    first = heartlink_process("record", "meal", "-n", "1", env=env)
    assert first.returncode == 0, first.stderr
    result = heartlink_process(
        "record", "meal", "-n", "1", env={**env, "PYTHONPROFILEIMPORTTIME": "1"}
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "heartlink.handouts" in modules
    loaded = top_level(modules) & (set(FORBIDDEN) - {"platformdirs"})
    assert not loaded, f"`heartlink record` imported {sorted(loaded)}"
