"""The golden schema: a blank database, and a file of every earlier version, migrated to the
latest give exactly tests/golden_schema.sql; migration 0006 gives what summaries.py gave."""

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from heartlink import db, migrations

GOLDEN = Path(__file__).with_name("golden_schema.sql")
NAMES = [m.name for m in migrations.migrations._migrations]


def as_sql(schema: list[tuple]) -> str:
    """The schema as the golden file holds it: one statement per object, in schema_of's order."""
    return "".join(f"-- {kind} {name} on {table}\n{sql};\n\n" for kind, name, table, sql in schema)


def test_schema_version_is_the_number_of_migrations():
    assert len(NAMES) == db.SCHEMA_VERSION
    assert NAMES[-1] == "0013_merged_stations"


def test_a_blank_database_gets_the_golden_schema(db_path):
    with db.open_for_write(db_path) as ledger:
        assert as_sql(db.schema_of(ledger.conn)) == GOLDEN.read_text(encoding="utf-8")


def file_of_version(path: Path, version: int) -> None:
    """A file as heartlink left it at `version`: the first `version` migrations, and a
    handout recorded before the chain."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    stop = {"stop_before": NAMES[version]} if version < len(NAMES) else {}
    migrations.migrations.apply(Database(conn), **stop)
    conn.execute(f"PRAGMA user_version = {version}")
    # From version 2 on (the default catalogue) a handout, written here by hand: before the
    # chain (version 7) that is how older heartlinks left records no entry seals; from 7 on
    # the chain would rightly call it added outside heartlink.
    if 2 <= version < 7:
        conn.execute(
            "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
            " VALUES ('01H00000000000000000000001', '2023-03-06', 2023, 'meal', 'meals', 120,"
            " 'Lan', '2023-03-06T00:00:00Z')"
        )
    conn.close()


@pytest.mark.parametrize("version", range(db.SCHEMA_VERSION))
def test_a_file_of_each_earlier_version_upgrades_to_the_golden_schema(tmp_path, ok, version):
    path = tmp_path / f"v{version}.db"
    file_of_version(path, version)
    ok("record", "meal", "-n", "1", "--date", "2023-04-03", db=path)  # a writer upgrades it
    conn = sqlite3.connect(path)
    assert as_sql(db.schema_of(conn)) == GOLDEN.read_text(encoding="utf-8")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    conn.close()
    # The records that predate the chain are sealed by its baseline; the new one by its entry.
    assert ok("check", db=path).exit_code == 0


def test_migration_0006_holds_the_summary_sql_summaries_has_today():
    # Frozen copies: equal today; once summaries.py changes, a new migration carries it.
    from heartlink import summaries

    assert migrations._0006_TABLES == summaries.TABLES
    assert migrations._0006_ADDED_TRIGGER == summaries.ADDED_TRIGGER
    assert migrations._0006_VOIDED_TRIGGER == summaries.VOIDED_TRIGGER


def test_the_chains_baseline_seals_the_tables_of_schema_7_only():
    """Migration 0007 seals what a file of schema 7 holds; a table a later version seals must
    not be read when 0007 runs on an older file (it does not exist yet there)."""
    from heartlink import seals

    assert set(seals.SCHEMA_7_KEYED) <= set(seals.KEYED)
    assert seals.baseline.__defaults__ == (seals.SCHEMA_7_KEYED,)
