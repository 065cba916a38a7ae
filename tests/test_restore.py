"""Restore refuses every file that is not a sound heartlink backup, loses nothing recorded
during it, and check, backup and their messages say what is wrong."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from heartlink import backup, db, soundness

from conftest import file_state, heartlink_process


@pytest.fixture
def station(ok, db_path):
    b = ok("beneficiary", "add", "Trương Thị Bích Ngọc", "-c", "orphan", "--format", "json")
    ok("record", "cash", "-n", "6.000.000", "--to", b.json()["code"], "-d", "2023-09-05")
    for day in range(1, 6):
        ok("record", "meal", "-n", str(50 + day), "-d", f"2023-02-{day:02d}", "--note", "Cơm")
    return db_path


def backup_of(ok) -> Path:
    return Path(ok("backup").stdout.strip())


def edit(path: Path, *statements: str) -> None:
    """Change a backup as another program could, then drop its (now wrong) checksum file."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    for statement in statements:
        conn.execute(statement)
    conn.close()
    backup.sidecar_of(path).unlink(missing_ok=True)


def blank_sqlite(path: Path) -> None:
    sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()


def refused(run, station, candidate: Path, says: str) -> None:
    before = file_state(station)
    result = run("restore", str(candidate), "--yes")
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result
    assert says in result.stderr, result.stderr
    assert "--db" not in result.stderr  # the backup is not the database in use: no such advice
    assert file_state(station) == before
    assert not list(station.parent.glob("*before-restore*"))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_bytes(b""), "not a heartlink database"),
        (blank_sqlite, "not a heartlink database"),
    ],
    ids=["zero-bytes", "blank-sqlite"],
)
def test_restore_refuses_an_empty_file(run, station, tmp_path, make, says):
    candidate = tmp_path / "empty.db"
    make(candidate)
    refused(run, station, candidate, says)


@pytest.mark.parametrize(
    ("statements", "says"),
    [
        (["PRAGMA application_id = 0"], "not a heartlink"),
        (["DROP TABLE audit_log"], "missing table audit_log"),
        (["DROP TRIGGER handout_never_deleted"], "missing trigger handout_never_deleted"),
        (["DROP INDEX handout_year_totals"], "missing index handout_year_totals"),
        (
            [
                "DROP TRIGGER audit_log_never_deleted",
                "CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log BEGIN"
                " SELECT 1; END",
            ],
            "changed trigger audit_log_never_deleted",
        ),
        (["CREATE TABLE photos (name TEXT)"], "extra table photos"),
        ([f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}"], "newer heartlink"),
        (["UPDATE beneficiary SET is_household = 7"], "CHECK constraint failed"),
    ],
    ids=[
        "no-app-id",
        "table-dropped",
        "trigger-dropped",
        "index-dropped",
        "trigger-changed",
        "extra-table",
        "newer-schema",
        "check-broken",
    ],
)
def test_restore_refuses_a_heartlink_file_that_is_not_heartlinks_schema(
    ok, run, station, statements, says
):
    path = backup_of(ok)
    edit(path, *statements)
    refused(run, station, path, says)


def test_an_older_heartlink_backup_is_upgraded_and_restored(ok, run, station, tmp_path):
    """A backup of schema 5 (before the yearly totals tables) comes back on schema 6."""
    path = backup_of(ok)
    edit(
        path,
        "DROP TRIGGER handout_summary_added",
        "DROP TRIGGER handout_summary_voided",
        "DROP TABLE year_summary",
        "DROP TABLE year_recipients",
        "DELETE FROM _sqlite_migrations WHERE name = '0006_year_summaries'",
        "PRAGMA user_version = 5",
    )
    result = ok("restore", str(path), "--yes", "--format", "json").json()
    assert result["rows"]["handout"] == 6
    failed = [c["check"] for c in run("check", "--format", "json").json()["checks"] if not c["ok"]]
    assert failed == [f"backup {path.name}"]  # only its checksum file, removed by `edit`


def test_restoring_an_empty_heartlink_database_over_records_says_so(ok, run, station, tmp_path):
    empty = tmp_path / "empty" / "heartlink.db"
    ok("--db", str(empty), "kind", "list", db=None)  # nothing recorded yet: no file
    ok("--db", str(empty), "programme", "add", "x", "--name-en", "X", "--name-vi", "X", db=None)
    result = ok("restore", str(empty), "--yes", "--format", "json").json()
    assert any("1 beneficiary(s), the current database" not in w for w in result["warnings"])
    assert [w.split(",")[0] for w in result["warnings"]] == [
        "the backup holds 0 beneficiary(s)",
        "the backup holds 0 handout(s)",
    ]
    shown = run("restore", str(Path(result["safety_copy"])), "--yes")
    assert shown.exit_code == 0 and "Warning" not in shown.stderr  # more records: no warning


def test_the_confirmation_warns_of_an_empty_backup(ok, station, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from heartlink.cli.app import app

    empty = tmp_path / "empty.db"
    ok("--db", str(empty), "programme", "add", "x", "--name-en", "X", "--name-vi", "X", db=None)
    monkeypatch.setattr("heartlink.cli.restore._interactive", lambda: True)
    asked = CliRunner().invoke(app, ["--db", str(station), "restore", str(empty)], input="n\n")
    assert asked.exit_code == 1
    assert "Warning: the backup holds 0 handout(s), the current database 6" in asked.stderr


def flip_a_text_byte(path: Path) -> None:
    """Turn one byte of a note into one that is not UTF-8, and give the file a matching
    checksum, as a faulty disk and a helpful script would."""
    data = bytearray(path.read_bytes())
    at = data.index("Cơm".encode())
    data[at + 1] = 0xFF
    path.write_bytes(bytes(data))
    sidecar = backup.sidecar_of(path)
    from heartlink import files

    sidecar.write_text(f"{files.sha256(path)}  {path.name}\n")


def test_restore_and_check_find_text_that_is_not_utf8(ok, run, station):
    path = backup_of(ok)
    flip_a_text_byte(path)
    refused(run, station, path, "handout id ")
    result = run("restore", str(path), "--yes")
    assert "column note" in result.stderr and "Cơm" not in result.stderr
    # The same file as the database: check finds it, naming the record, not the text.
    os.replace(path, station)
    for suffix in ("-wal", "-shm"):
        Path(str(station) + suffix).unlink(missing_ok=True)
    checked = run("check", "--format", "json")
    assert checked.exit_code == 1
    [content] = [c for c in checked.json()["checks"] if c["check"] == "content"]
    assert not content["ok"] and "column note" in content["detail"]
    # The seals are checked all the same: the damaged handout no longer matches its entry.
    assert any(f["kind"] == "record" for f in checked.json()["findings"])
    # A command that reads the damaged text fails with one line that does not quote it
    # (Python's own message goes on with the text it could read).
    listed = run("handout", "list")
    assert listed.exit_code == 1 and listed.stderr.count("\n") == 1
    assert "not valid UTF-8" in listed.stderr and "Cơ" not in listed.stderr


def test_content_problems_name_table_column_and_key_never_the_value(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE person (id TEXT PRIMARY KEY, name TEXT, born INTEGER)")
    conn.execute("CREATE TABLE pair (a TEXT, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID")
    conn.execute("INSERT INTO person VALUES ('A1', 'Sơn', 1990), ('A2', 'Lan', 1991)")
    conn.execute("INSERT INTO person VALUES ('A3', CAST(x'53c3' AS TEXT), 1992)")  # cut short
    conn.execute("INSERT INTO person VALUES ('A4', x'4c616e', 1993)")  # bytes, not text
    conn.execute("INSERT INTO person VALUES ('A5', 'Mai', 'nineteen')")
    conn.execute("INSERT INTO pair VALUES (CAST(x'ff' AS TEXT), 1), ('ok', 2)")
    conn.commit()
    wrong, found = soundness.content_problems(conn)
    assert wrong == 4
    assert found == [
        "pair (a, b) = (?, 1), column a",
        "person id A3, column name",
        "person id A4, column name",
        "person id A5, column born",
    ]


def test_content_is_checked_chunk_by_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(soundness, "CHUNK_ROWS", 3)
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE pair (a TEXT, b INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID")
    conn.executemany("INSERT INTO pair VALUES (?, ?)", [(f"k{i:02d}", i) for i in range(20)])
    conn.execute("INSERT INTO pair VALUES ('k07', CAST(x'ff' AS TEXT))")
    conn.execute("INSERT INTO pair VALUES (CAST(x'6b3135ff' AS TEXT), 1)")
    conn.commit()
    assert soundness.content_problems(conn) == (
        2,
        ["pair (a, b) = (k07, ?), column b", "pair (a, b) = (?, 1), column a"],
    )


def test_two_restores_in_the_same_second_keep_two_safety_copies(ok, station, monkeypatch):
    path = backup_of(ok)

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2023, 12, 31, 23, 0, 0)

    monkeypatch.setattr("heartlink.restore.dt.datetime", Frozen)
    first = ok("restore", str(path), "--yes", "--format", "json").json()["safety_copy"]
    second = ok("restore", str(path), "--yes", "--format", "json").json()["safety_copy"]
    assert Path(first).name == "heartlink-before-restore-20231231-230000.db"
    assert Path(second).name == "heartlink-before-restore-20231231-230000-2.db"


RECORDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from heartlink.cli.app import app

    db, worker, records, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    while not go.exists():
        pass
    for i in range(records):
        code = app(["--db", db, "record", "gift", "--count", "1", "--note", f"{worker}-{i}"],
                   standalone_mode=False)
        assert code in (None, 0), code
        print(f"{worker}-{i}", flush=True)  # reported saved
    """
)


def notes_in(path: Path) -> set[str]:
    conn = sqlite3.connect(db.sqlite_uri(path, mode="ro"), uri=True)
    try:
        return {note for (note,) in conn.execute("SELECT note FROM handout WHERE note LIKE 'w%'")}
    finally:
        conn.close()


def test_nothing_recorded_during_a_restore_is_lost(ok, station, tmp_path):
    """Officers recording while a restore runs: every record reported saved is in the restored
    database (saved after the swap) or in the safety copy (saved before it)."""
    path = backup_of(ok)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(station), f"w{w}", "40", str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    go.touch()
    time.sleep(0.3)
    restored = heartlink_process(
        "--db", str(station), "restore", str(path), "--yes", "--format", "json"
    )
    outputs = [w.communicate(timeout=120) for w in workers]
    assert restored.returncode == 0, restored.stderr
    assert [w.returncode for w in workers] == [0] * 4, outputs
    saved = {line for out, _ in outputs for line in out.split() if line.startswith("w")}
    assert len(saved) == 160
    safety = Path(json.loads(restored.stdout)["safety_copy"])
    assert saved <= notes_in(station) | notes_in(safety)
    assert notes_in(station).isdisjoint(notes_in(safety))


def test_restore_waits_for_another_process_holding_the_database(ok, station):
    path = backup_of(ok)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(1.5)\n"
            "c.execute('INSERT INTO programme VALUES (\\'late\\', \\'x\\', \\'x\\', \\'now\\')')\n"
            "c.execute('COMMIT')",
            str(station),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    restored = heartlink_process("--db", str(station), "restore", str(path), "--yes")
    holder.wait(timeout=30)
    assert restored.returncode == 0, restored.stderr
    # It waited: the holder's commit came first and is in the safety copy, not lost.
    safety = next(station.parent.glob("heartlink-before-restore-*.db"))
    kept = sqlite3.connect(safety)
    assert kept.execute("SELECT COUNT(*) FROM programme WHERE slug = 'late'").fetchone() == (1,)
    kept.close()


def test_a_backup_waits_for_the_first_record_creating_the_file(tmp_path):
    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(fresh, isolation_level=None)  # as db.migrate: created, then locked
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    backer = subprocess.Popen(
        [sys.executable, "-m", "heartlink", "--db", str(fresh), "backup", str(tmp_path)],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    from heartlink import migrations

    migrations.apply(conn)
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION}")
    conn.execute("COMMIT")
    conn.close()
    _, err = backer.communicate(timeout=60)
    assert backer.returncode == 0, err


def test_a_blank_database_is_not_backed_up(run, tmp_path):
    blank = tmp_path / "blank.db"
    blank.write_bytes(b"")
    result = run("--db", str(blank), "backup", str(tmp_path), db=None)
    assert result.exit_code == 1 and "being created" in result.stderr


def test_check_lists_partial_files_left_by_killed_backups(ok, run, station):
    ok("backup", "--quiet")
    assert ok("check").exit_code == 0
    left = station.parent / "backups" / ".heartlink-20230101-000000-4242.partial"
    left.write_bytes(b"half a backup")
    restore_left = station.parent / ".heartlink-restore-20230101-000000-7.partial"
    restore_left.write_bytes(b"half a restore")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    [partial] = [c for c in result.json()["checks"] if c["check"] == "partial files"]
    assert not partial["ok"]
    assert left.name in partial["detail"] and restore_left.name in partial["detail"]
    assert "Delete them" in partial["detail"]


@pytest.mark.parametrize("handouts", [1500, 4000])
def test_too_little_space_says_so(run, station, small_disk, handouts):
    from test_backup import fill

    fill(station, handouts)
    result = run("backup", str(small_disk.path))
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: not enough space in "), result.stderr
    assert list(small_disk.path.iterdir()) == []


def test_backup_list_of_a_missing_folder_fails(run, ok, station, tmp_path):
    result = run("backup", "list", str(tmp_path / "unplugged"))
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (
        "No backups yet."
        in ok("backup", "list", str(tmp_path)).stdout + ok("backup", "list", str(tmp_path)).stderr
    )


def test_an_empty_checksum_file_is_named_plainly(ok, run, station):
    path = backup_of(ok)
    backup.sidecar_of(path).write_text("")
    result = run("restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "checksum unreadable" not in result.stderr
    assert ".sha256 file is empty or unreadable" in result.stderr
    checked = run("check", "--format", "json").json()
    assert any(".sha256 file is empty" in c["detail"] for c in checked["checks"])


def test_sample_check_is_one_clear_line(run):
    result = run("--sample", "check", db=None)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --sample data lives in memory, so there is no database file to check; "
        "leave out --sample\n"
    )


def test_backup_help_shows_what_people_type(run):
    shown = run("backup", "--help", db=None)
    assert shown.exit_code == 0
    text = " ".join(shown.stdout.split())
    assert "Usage: heartlink backup [--keep N] [--quiet] [--format F] [DIR]" in text
    for option in ("--keep", "--quiet", "--format"):
        assert option in text
    assert "heartlink backup list" in text
    assert "COMMAND" not in text


def test_check_lists_temporary_files_of_a_killed_export(ok, run, station):
    """A killed export leaves its temporary file (and openpyxl's folder) beside its output;
    check names them, beside the database and in the current folder."""
    left = station.parent / ".totals.xlsx.0123abcd.part"
    left.write_bytes(b"PK")
    (station.parent / ".totals.xlsx.0123abcd.part.d").mkdir()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    [exports] = [c for c in result.json()["checks"] if c["check"] == "export files"]
    assert not exports["ok"] and ".totals.xlsx.0123abcd.part" in exports["detail"]
    left.unlink()
    (station.parent / ".totals.xlsx.0123abcd.part.d").rmdir()
    assert ok("check").exit_code == 0


def test_check_finds_a_value_that_breaks_a_check_constraint(run, station):
    """integrity_check skips CHECK constraints on a read-only connection: check must not."""
    conn = sqlite3.connect(station)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("DROP TRIGGER handout_only_voided")
    conn.execute("UPDATE handout SET count = -5 WHERE rowid = 2")
    conn.commit()
    conn.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    [integrity] = [c for c in result.json()["checks"] if c["check"] == "integrity"]
    assert not integrity["ok"] and "CHECK constraint" in integrity["detail"]
