"""The file: creation, permissions, migrations, refusing foreign and newer files, read-only use."""

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from heartlink import db, migrations

from conftest import SAMPLE_BENEFICIARIES, file_state

EXPECTED_TABLES = {
    "_sqlite_migrations",
    "programme",
    "kind",
    "category",
    "beneficiary",
    "beneficiary_category",
    "handout",
    "audit_log",
    "audit_head",
    "year_summary",
    "year_recipients",
    "beneficiary_alias",
    "station",
    "donor",
    "donation",
    "spending",
    "stock_kind",
    "donation_year",
    "spending_year",
    "sponsorship",
    "sponsorship_change",
    "sponsorship_payment",
    "year_closing",
    "year_reopening",
    "station_year",
}


def test_schema_version_counts_the_migrations():
    blank = Database(memory=True)
    assert len(migrations.migrations.pending(blank)) == db.SCHEMA_VERSION


def test_migrating_a_blank_database_gives_the_schema(db_path):
    with db.open_for_write(db_path) as ledger:
        conn = ledger.conn
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == EXPECTED_TABLES
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        applied = [r["name"] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert applied == [
            "0001_ledger",
            "0002_default_catalogue",
            "0003_audit",
            "0004_import_keys",
            "0005_beneficiary_codes",
            "0006_year_summaries",
            "0007_audit_chain",
            "0008_money_in",
            "0009_station",
            "0010_sponsorships",
            "0011_name_sort",
            "0012_closed_years",
            "0013_merged_stations",
        ]
        columns = {r["name"] for r in conn.execute("SELECT * FROM pragma_table_xinfo('handout')")}
        assert {
            "id",
            "date",
            "year",
            "kind",
            "programme",
            "beneficiary_id",
            "count",
            "value_vnd",
            "voided_at",
            "void_reason",
            "import_key",
        } <= columns
        indexes = {r["name"] for r in conn.execute("PRAGMA index_list('handout')")}
        assert "handout_year_totals" in indexes
        kinds = {r["slug"] for r in conn.execute("SELECT slug FROM kind")}
        assert {
            "meal",
            "cake",
            "lemonade",
            "bicycle",
            "uniform",
            "school-supplies",
            "voucher",
            "cash",
            "livelihood-kit",
            "exam-prep",
            "gift",
        } <= kinds


def test_opening_again_applies_nothing(db_path):
    db.open_for_write(db_path).conn.close()
    before = file_state(db_path)
    db.open_for_write(db_path).conn.close()
    assert file_state(db_path)[0] == before[0]


def test_yearly_totals_read_the_covering_index(db_path):
    with db.open_for_write(db_path) as ledger:
        plan = ledger.conn.execute(
            "EXPLAIN QUERY PLAN SELECT kind, SUM(count) FROM handout"
            " WHERE year = 2023 AND voided_at IS NULL GROUP BY kind"
        ).fetchall()
    assert "COVERING INDEX handout_year_totals" in " ".join(r["detail"] for r in plan)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_created_owner_only(db_path):
    db.open_for_write(db_path).conn.close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_handouts_cannot_be_deleted_or_edited_even_with_sql(db_path):
    with db.open_for_write(db_path) as ledger:
        ledger.conn.execute(
            "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
            " VALUES ('01GNNA1J00EMXDYMM08QW1VEYT', '2023-01-02', 2023, 'meal', 'meals', 5, 'x',"
            " 'now')"
        )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint"):
            ledger.conn.execute(
                "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
                " VALUES ('01GNNA1J00EMXDYMM08QW1VEYV', '2023-01-02', 2024, 'meal', 'meals', 5,"
                " 'x', 'now')"
            )
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            ledger.conn.execute("DELETE FROM handout")
        with pytest.raises(sqlite3.IntegrityError, match="never edited"):
            ledger.conn.execute("UPDATE handout SET count = 50")
        ledger.conn.execute("UPDATE handout SET voided_at = 'now', void_reason = 'typo'")
        with pytest.raises(sqlite3.IntegrityError, match="only be voided, once"):
            ledger.conn.execute("UPDATE handout SET voided_at = 'later'")


def test_newer_schema_is_refused_and_left_alone(db_path, run):
    db.open_for_write(db_path).conn.close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.close()
    before = file_state(db_path)
    for args in (["report"], ["record", "meal", "--count", "5"]):
        result = run(*args)
        assert result.exit_code == 1
        assert "newer heartlink" in result.stderr
        assert result.stderr.count("\n") == 1
    assert file_state(db_path) == before


def test_a_foreign_sqlite_file_is_refused_and_left_alone(db_path, run):
    db_path.parent.mkdir()
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE photos (name TEXT)")
    conn.commit()
    conn.close()
    before = file_state(db_path)
    for args in (["report"], ["record", "meal", "--count", "5"]):
        result = run(*args)
        assert result.exit_code == 1
        assert "not a heartlink one" in result.stderr
    assert file_state(db_path) == before


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(db_path, run):
    db_path.parent.mkdir()
    db_path.write_bytes(b"these are the minutes of the meeting\n" * 200)
    before = file_state(db_path)
    for args in (["report"], ["record", "meal", "--count", "5"], ["beneficiary", "list"]):
        result = run(*args)
        assert result.exit_code == 1, result
        assert result.stderr.startswith("Error: ") and "not a SQLite database" in result.stderr
    assert file_state(db_path) == before


def test_a_folder_as_database_is_refused(tmp_path, run):
    result = run("record", "meal", "--count", "1", db=tmp_path)
    assert result.exit_code == 1
    assert "is a folder" in result.stderr


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores modes")
def test_an_unwritable_database_is_refused(db_path, run):
    db.open_for_write(db_path).conn.close()
    db_path.chmod(0o400)
    result = run("record", "meal", "--count", "1")
    assert result.exit_code == 1
    assert "read-only" in result.stderr


def test_an_unwritable_folder_is_refused(tmp_path, run):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run("record", "meal", "--count", "1", db=blocker / "sub" / "heartlink.db")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot create the folder")


def _make_old_database(path):
    """A database as the first released heartlink left it: migration 0001 only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    migrations.migrations.apply(Database(conn), stop_before="0002_default_catalogue")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_reading_an_older_schema_upgrades_only_a_copy(db_path, ok):
    _make_old_database(db_path)
    before = file_state(db_path)
    kinds = ok("kind", "list", "--format", "json").json()
    assert "meal" in {k["slug"] for k in kinds}
    ok("report", "2023")
    assert file_state(db_path) == before


def test_writing_upgrades_an_older_schema(db_path, ok):
    _make_old_database(db_path)
    ok("record", "meal", "--count", "3", "--date", "2023-01-02")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("SELECT count FROM handout").fetchone()[0] == 3


def test_readers_on_a_missing_file_create_nothing(db_path, ok):
    for args in (["report"], ["kind", "list"], ["beneficiary", "list"], ["handout", "list"]):
        ok(*args)
    assert not db_path.exists()
    assert not db_path.parent.exists()


def test_readers_never_change_the_file(db_path, ok):
    ok("beneficiary", "add", "Lê Văn Tám", "--born", "1990")
    ok("record", "meal", "--count", "120", "--date", "2023-03-06")
    before = file_state(db_path)
    reads = [
        ["report", "2023"],
        ["report", "2023", "--format", "json"],
        ["kind", "list"],
        ["programme", "list"],
        ["category", "list"],
        ["beneficiary", "list"],
        ["beneficiary", "list", "--search", "tam"],
        ["handout", "list"],
        ["db", "path"],
        ["report", "2023", "--by", "month"],
        ["report", "2023", "--compare", "2022", "--as-of", "2024-01-31"],
        ["export", "handouts", "--format", "json"],
        ["export", "beneficiaries"],
        ["import", "beneficiaries", str(SAMPLE_BENEFICIARIES), "--dry-run"],
        ["check"],
        ["check", "--format", "json"],
        ["log", "--verify"],
    ]
    for args in reads:
        ok(*args)
    assert file_state(db_path) == before


def test_full_disk_while_recording_loses_nothing(ok, run, small_disk):
    path = small_disk.path / "heartlink.db"
    ok("record", "meal", "-n", "1", "--note", "first", db=path)
    failed, recorded = None, 1
    while failed is None and recorded < 2000:  # fill the 256 KiB disk
        result = run("record", "meal", "-n", "1", "--note", "x" * 500, db=path)
        if result.exit_code == 0:
            recorded += 1
        else:
            failed = result
    assert failed is not None, "the disk never filled"
    assert failed.exit_code == 1
    assert failed.stderr.startswith("Error: the disk is full; nothing was saved")
    rows = ok("handout", "list", "--format", "json", db=path).json()
    assert len(rows) == recorded and rows[0]["note"] == "first"
    assert ok("check", db=path).exit_code == 0


def test_read_only_file_system(ok, run, small_disk):
    path = small_disk.path / "heartlink.db"
    ok("record", "meal", "-n", "7", db=path)
    small_disk.remount(ro=True)
    try:
        before = file_state(path)
        result = run("record", "meal", "-n", "1", db=path)
        assert result.exit_code == 1, result
        assert result.stderr.startswith("Error: ") and "read-only" in result.stderr
        assert result.stderr.count("\n") == 1
        assert file_state(path) == before
        report = ok("report", "--format", "json", db=path).json()
        assert report["totals"][0]["count"] == 7
    finally:
        small_disk.remount(ro=False)


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("/srv/heartlink/h.db", "file:///srv/heartlink/h.db"),
        ("/tmp/a b#?%.db", "file:///tmp/a%20b%23%3F%25.db"),
        ("C:\\Users\\Lan\\heartlink.db", "file:///C:/Users/Lan/heartlink.db"),
        ("\\\\nas\\share\\heartlink.db", "file:////nas/share/heartlink.db"),
    ],
)
def test_sqlite_uris_for_posix_windows_and_network_paths(path, uri):
    assert db.file_uri(path) == uri
    assert db.file_uri(path, mode="ro").endswith("?mode=ro")


def test_a_file_name_with_uri_characters_opens(ok, tmp_path):
    odd = tmp_path / "trạm #1 ?100%.db"
    ok("record", "meal", "-n", "4", db=odd)
    assert ok("report", "--format", "json", db=odd).json()["totals"][0]["count"] == 4


def test_a_beneficiary_code_is_found_through_an_index(db_path):
    from heartlink import ids

    assert ids.ID_LENGTH - ids.CODE_LENGTH + 1 == 19
    with db.open_for_write(db_path) as ledger:
        plan = ledger.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM beneficiary WHERE substr(id, 19) = ?", ("X",)
        ).fetchall()
    assert "beneficiary_by_code" in " ".join(r["detail"] for r in plan)


def test_a_file_being_created_by_another_writer_is_read_in_one_snapshot(tmp_path):
    """The first `record` on a new file migrates it while another command opens it: the header
    (application id, version) and the tables must be read in one snapshot, or a reader that
    looks between two of them sees "tables but no heartlink id" and refuses the file."""
    path = tmp_path / "new.db"
    db._create_file(path)
    creator = db._connect(str(path))

    class MigratedBetweenReads(sqlite3.Connection):
        reads = 0

        def execute(self, sql, *args):
            rows = super().execute(sql, *args).fetchall()
            self.reads += 1
            if self.reads == 1:  # the other writer commits the whole migration right now
                db.migrate(creator, on_disk=True)
            return _Rows(rows)

    class _Rows:
        def __init__(self, rows):
            self.rows = rows

        def fetchone(self):
            return self.rows[0] if self.rows else None

    reader = sqlite3.connect(path, factory=MigratedBetweenReads, isolation_level=None)
    try:
        assert db.schema_version(reader, path) in (0, db.SCHEMA_VERSION)
    finally:
        reader.close()
        creator.close()


def test_every_connection_is_opened_through_db_py():
    """One place decides how a file is opened (URIs for read-only on Windows paths, timeouts):
    no module but db.py calls sqlite3.connect."""
    source = Path(db.__file__).parent
    callers = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if path.name != "db.py" and "sqlite3.connect(" in path.read_text(encoding="utf-8")
    )
    assert callers == []
