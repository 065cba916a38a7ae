"""`heartlink backup`, `backup list`, `restore`, `check`: backups a script can trust."""

import datetime as dt
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from heartlink import backup, db, soundness
from heartlink import restore as restoring

from conftest import file_state, heartlink_process

NAME = re.compile(r"^heartlink-\d{8}-\d{6}(-\d+)?\.db$")


@pytest.fixture
def station(ok, db_path):
    """A database with a little of everything."""
    b = ok("beneficiary", "add", "Trương Thị Bích Ngọc", "-c", "orphan", "--format", "json")
    ok("record", "cash", "-n", "6.000.000", "--to", b.json()["code"], "-d", "2023-09-05")
    for day in range(1, 29):
        ok("record", "meal", "-n", str(50 + day), "-d", f"2023-02-{day:02d}")
    return db_path


def fill(path: Path, handouts: int) -> None:
    """Many handouts straight through the core, quickly."""
    from heartlink import handouts as core

    with db.open_for_write(path) as ledger:
        for i in range(handouts):
            core.record(ledger, "meal", count=i + 1, date="2023-03-06", officer="t", note="x" * 200)


def test_backup_writes_a_verified_owner_only_copy(ok, station, tmp_path):
    result = ok("backup", "--format", "json")
    made = result.json()
    path = Path(made["path"])
    assert path.parent == station.parent / "backups"
    assert NAME.match(path.name)
    assert made["size"] == path.stat().st_size and made["totals"]["2023"]["meal"][1] == 28
    sidecar = Path(str(path) + ".sha256")
    assert sidecar.read_text() == f"{made['sha256']}  {path.name}\n"  # `sha256sum -c` reads it
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
        assert (
            subprocess.run(
                ["sha256sum", "-c", sidecar.name], cwd=path.parent, capture_output=True
            ).returncode
            == 0
        )
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT COUNT(*) FROM handout").fetchone()[0] == 29
    copy.close()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_table_output_prints_the_path_and_quiet_prints_nothing(ok, station):
    shown = ok("backup")
    assert Path(shown.stdout.strip()).is_file()
    assert "Backup verified" in shown.stderr
    quiet = ok("backup", "--quiet")
    assert quiet.stdout == "" and quiet.stderr == ""
    assert len(backup.backups_in(station.parent / "backups")) == 2


def test_backups_in_the_same_second_get_distinct_names(station, tmp_path):
    moment = dt.datetime(2023, 12, 31, 23, 0, 0)
    first = backup.create(station, tmp_path, now=moment)
    second = backup.create(station, tmp_path, now=moment)
    assert first.path != second.path
    assert [p.name for p in backup.backups_in(tmp_path)] == [
        "heartlink-20231231-230000.db",
        "heartlink-20231231-230000-2.db",
    ]


def test_two_backup_processes_at_once_both_succeed(station, tmp_path):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "heartlink",
                "--db",
                str(station),
                "backup",
                str(tmp_path),
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    paths = {json.loads(out)["path"] for out, _ in outputs}
    assert len(paths) == 3
    assert all(backup.checksum_status(Path(p)) == "ok" for p in paths)


def test_keep_deletes_the_oldest_only_after_a_verified_backup(ok, station, tmp_path):
    folder = tmp_path / "kept"
    folder.mkdir()
    for hour in range(4):
        backup.create(station, folder, now=dt.datetime(2023, 1, 1, hour))
    (folder / "notes.txt").write_text("not a backup")
    result = ok("backup", str(folder), "--keep", "2", "--format", "json").json()
    assert len(result["deleted"]) == 3
    remaining = sorted(p.name for p in folder.iterdir())
    assert remaining == sorted(
        [
            "heartlink-20230101-030000.db",
            "heartlink-20230101-030000.db.sha256",
            Path(result["path"]).name,
            Path(result["path"]).name + ".sha256",
            "notes.txt",
        ]
    )


def test_keep_never_deletes_the_backup_it_just_made(ok, station, tmp_path):
    """A clock that once ran ahead leaves a backup dated in the future; it must not push the
    new backup out."""
    folder = tmp_path / "kept"
    folder.mkdir()
    backup.create(station, folder, now=dt.datetime(2099, 12, 31, 12))
    made = ok("backup", str(folder), "--keep", "1", "--format", "json").json()
    assert Path(made["path"]).is_file()
    assert backup.checksum_status(Path(made["path"])) == "ok"


def test_keep_deletes_nothing_when_the_backup_fails(run, station, tmp_path):
    folder = tmp_path / "kept"
    folder.mkdir()
    for hour in range(3):
        backup.create(station, folder, now=dt.datetime(2023, 1, 1, hour))
    corrupt(station)
    result = run("backup", str(folder), "--keep", "1")
    assert result.exit_code == 1
    assert len(backup.backups_in(folder)) == 3


def test_backup_while_another_process_records(station, tmp_path):
    """The copy is consistent and complete up to its moment, with a writer committing
    continuously; restoring it gives back every row committed before the backup began."""
    fill(station, 300)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
            import sys, time
            from pathlib import Path
            from heartlink import db, handouts
            path, stop = Path(sys.argv[1]), Path(sys.argv[2])
            while not stop.exists():
                with db.open_for_write(path) as ledger:
                    handouts.record(ledger, "gift", count=1, officer="writer")
                time.sleep(0.005)
            """
            ),
            str(station),
            str(tmp_path / "stop"),
        ],
    )
    folder = tmp_path / "b"
    folder.mkdir()
    made = []
    try:
        time.sleep(0.5)
        for _ in range(3):
            with db.open_for_read(station) as ledger:
                before = ledger.conn.execute("SELECT COUNT(*) FROM handout").fetchone()[0]
            made.append((before, backup.create(station, folder)))
    finally:
        (tmp_path / "stop").touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0
    for before, copy in made:
        assert copy.fingerprint["rows"]["handout"] >= before
        assert backup.checksum_status(copy.path) == "ok"
    # Restore the last one: the database holds exactly the backup's rows.
    _, last = made[-1]
    info = restoring.verify(last.path)
    restoring.restore(station, last.path, officer="t", verified=info)
    with db.open_for_read(station) as ledger:
        assert soundness.fingerprint(ledger.conn) == last.fingerprint


def corrupt(path: Path) -> None:
    """Damage table pages in the middle of the file, leaving the header intact."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as f:
        size = f.seek(0, 2)
        f.seek(size // 2)
        f.write(os.urandom(8192))


def test_a_damaged_database_is_not_backed_up(run, station, tmp_path):
    fill(station, 300)
    corrupt(station)
    result = run("backup", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "damaged" in result.stderr
    assert list(tmp_path.glob("heartlink-*")) == [] and list(tmp_path.glob(".heartlink*")) == []


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        (lambda tmp: tmp / "missing", "does not exist"),
        (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "is a file, not a folder"),
    ],
)
def test_backup_folder_problems(run, station, tmp_path, setup, says):
    result = run("backup", str(setup(tmp_path)), "--quiet")
    assert result.exit_code == 1 and says in result.stderr
    assert result.stderr.count("\n") == 1


def test_backup_of_no_database_fails(run, tmp_path):
    result = run("backup", str(tmp_path))
    assert result.exit_code == 1 and "no database" in result.stderr


def test_backup_refuses_the_sample(run):
    assert run("--sample", "backup", db=None).exit_code == 2


def test_full_disk_gives_a_clear_error_and_leaves_nothing(run, station, small_disk):
    fill(station, 2000)  # about 1 MB: more than the disk holds
    result = run("backup", str(small_disk.path))
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: not enough space")
    assert list(small_disk.path.iterdir()) == []


def test_backup_list_and_check_verify_without_changing_anything(ok, run, station):
    ok("backup", "--quiet")
    ok("backup", "--quiet")
    folder = station.parent / "backups"
    states = {p: file_state(p) for p in folder.iterdir()}
    listed = ok("backup", "list", "--format", "json").json()
    assert [row["verifies"] for row in listed] == [True, True]
    assert ok("check").exit_code == 0
    assert {p: file_state(p) for p in folder.iterdir()} == states
    # Tamper with one backup: list shows it, check fails.
    victim = Path(listed[0]["path"])
    data = bytearray(victim.read_bytes())
    data[-10] ^= 0xFF
    victim.write_bytes(bytes(data))
    listed = ok("backup", "list", "--format", "json").json()
    assert [row["checksum"] for row in listed] == ["mismatch", "ok"]
    result = run("check")
    assert result.exit_code == 1 and "FAILED" in result.stdout


def test_check_finds_a_damaged_database(run, station):
    fill(station, 300)
    assert run("check").exit_code == 0
    corrupt(station)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    assert any(not c["ok"] and c["check"] == "integrity" for c in result.json()["checks"])


def test_check_without_a_database_fails(run):
    assert run("check").exit_code == 1


def test_restore_swaps_in_the_backup_and_keeps_a_safety_copy(ok, station):
    path = ok("backup").stdout.strip()
    ok("record", "meal", "-n", "999", "-d", "2023-02-28")  # after the backup
    state_of_backup = file_state(Path(path))
    result = ok("restore", path, "--yes", "--format", "json").json()
    safety = Path(result["safety_copy"])
    assert safety.parent == station.parent and safety.is_file()
    assert "backups" not in safety.parts
    assert file_state(Path(path)) == state_of_backup, "restore read the backup only"
    report = ok("report", "2023", "--format", "json").json()
    meal = next(t for t in report["totals"] if t["kind"] == "meal")
    assert meal["handouts"] == 28  # the 999 recorded after the backup is gone …
    kept = sqlite3.connect(safety)
    assert kept.execute("SELECT COUNT(*) FROM handout WHERE count = 999").fetchone()[0] == 1
    kept.close()  # … but kept in the safety copy
    ok("record", "meal", "-n", "1")  # the restored database works as before
    with db.open_for_write(station) as ledger:
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    ok("backup", "--keep", "1", "--quiet")
    assert safety.is_file(), "rotation never deletes the safety copy"


def make_newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def make_foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (name TEXT)")
    conn.commit()
    conn.close()


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (corrupt, "damaged"),
        (truncate, "damaged"),
        (make_newer, "newer heartlink"),
        (tamper, "checksum mismatch"),
    ],
    ids=["corrupt", "truncated", "newer-schema", "tampered"],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(ok, run, station, spoil, says):
    fill(station, 300)
    path = Path(ok("backup").stdout.strip())
    if spoil is not tamper:
        Path(str(path) + ".sha256").unlink()  # or the checksum would catch it first
    spoil(path)
    before = file_state(station)
    result = run("restore", str(path), "--yes")
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and says in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert file_state(station) == before
    left = {p.name for p in station.parent.iterdir()} - {
        f"{station.name}-wal",
        f"{station.name}-shm",
    }
    assert left == {"backups", station.name}, "no safety copy, no partial file"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (make_foreign, "not a heartlink one"),
        (lambda p: p.write_bytes(b"minutes of the meeting\n" * 500), "not a SQLite database"),
    ],
    ids=["foreign-sqlite", "not-sqlite"],
)
def test_restore_refuses_files_that_are_not_heartlink_backups(run, station, tmp_path, make, says):
    candidate = tmp_path / "candidate.db"
    make(candidate)
    before = file_state(station)
    result = run("restore", str(candidate), "--yes")
    assert result.exit_code == 1 and says in result.stderr, result
    assert file_state(station) == before


def test_restore_asks_first(ok, run, station, monkeypatch):
    path = ok("backup").stdout.strip()
    before = file_state(station)
    refused = run("restore", path)  # no terminal to ask on
    assert refused.exit_code == 2 and "--yes" in refused.stderr  # a usage error
    monkeypatch.setattr("heartlink.cli.restore._interactive", lambda: True)
    from typer.testing import CliRunner

    from heartlink.cli.app import app

    answered_no = CliRunner().invoke(app, ["--db", str(station), "restore", path], input="n\n")
    assert answered_no.exit_code == 1 and "aborted" in answered_no.stderr
    assert file_state(station) == before
    answered_yes = CliRunner().invoke(app, ["--db", str(station), "restore", path], input="y\n")
    assert answered_yes.exit_code == 0, answered_yes.stderr


def test_restore_while_another_program_reads(ok, station):
    """SQLite's own locks coordinate the restore with other connections."""
    path = ok("backup").stdout.strip()
    ok("record", "meal", "-n", "999", "-d", "2023-02-28")
    other = sqlite3.connect(station)
    assert other.execute("SELECT COUNT(*) FROM handout").fetchone()[0] == 30
    try:
        ok("restore", path, "--yes")
        assert other.execute("SELECT COUNT(*) FROM handout").fetchone()[0] == 29
    finally:
        other.close()


def test_restore_over_a_damaged_database_keeps_its_bytes(ok, run, station):
    path = ok("backup").stdout.strip()
    with open(station, "r+b") as f:
        f.write(b"\0" * 16)  # the header is gone: SQLite cannot open it at all
    damaged = station.read_bytes()
    assert run("report").exit_code == 1
    result = ok("restore", path, "--yes", "--format", "json").json()
    assert Path(result["safety_copy"]).read_bytes() == damaged
    report = ok("report", "2023", "--format", "json").json()
    assert {t["kind"] for t in report["totals"]} == {"meal", "cash"}
    assert ok("check").exit_code == 0


def test_restore_where_the_database_was_deleted_ignores_its_stale_wal(ok, station):
    path = ok("backup").stdout.strip()
    writer = sqlite3.connect(station, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    for _ in range(50):
        writer.execute("INSERT INTO programme VALUES (hex(randomblob(8)), 'x', 'x', 'now')")
    stale = Path(str(station) + "-wal").read_bytes()
    writer.close()
    station.unlink()  # someone "cleaned up" the database but not its journal
    Path(str(station) + "-wal").write_bytes(stale)
    ok("restore", path, "--yes")
    assert len(ok("programme", "list", "--format", "json").json()) == 8
    assert ok("check").exit_code == 0


def test_restore_refuses_to_replace_a_database_that_is_not_heartlinks(ok, run, station, tmp_path):
    path = ok("backup").stdout.strip()
    other = tmp_path / "photos.db"
    make_foreign(other)
    before = file_state(other)
    result = run("--db", str(other), "restore", path, "--yes", db=None)
    assert result.exit_code == 1 and "not a heartlink one" in result.stderr
    assert file_state(other) == before


def test_restore_into_an_empty_place(ok, station, tmp_path):
    path = ok("backup").stdout.strip()
    fresh = tmp_path / "new-pc" / "heartlink.db"
    result = ok("--db", str(fresh), "restore", path, "--yes", "--format", "json", db=None)
    assert result.json()["safety_copy"] is None
    report = ok("--db", str(fresh), "report", "2023", "--format", "json", db=None).json()
    assert {t["kind"] for t in report["totals"]} == {"meal", "cash"}


def test_nightly_backup_as_a_real_process(station, tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    done = heartlink_process("--db", str(station), "backup", str(folder), "--quiet", "--keep", "7")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    failed = heartlink_process(
        "--db", str(station), "backup", str(tmp_path / "unplugged"), "--quiet"
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error: backup folder") and failed.stderr.count("\n") == 1


def test_backup_of_a_folder_or_into_an_empty_name(run, tmp_path, station):
    result = run("--db", str(tmp_path), "backup", db=None)
    assert result.exit_code == 1 and "is a folder" in result.stderr
    assert not (tmp_path / "backups").exists()
    result = run("backup", "")
    assert result.exit_code == 2 and "empty" in result.stderr


def test_partial_files_of_a_killed_backup_are_cleaned_up_later(ok, station, tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    old = folder / ".heartlink-20230101-000000-4242.partial"
    fresh = folder / ".heartlink-20230101-000000-4243.partial"
    for partial in (old, fresh):
        partial.write_bytes(b"half a backup")
    long_ago = time.time() - backup.ABANDONED_AFTER_S - 60
    os.utime(old, (long_ago, long_ago))
    ok("backup", str(folder), "--quiet")
    assert not old.exists()
    assert fresh.exists(), "one that may still be in progress is left alone"


def test_a_many_line_integrity_report_becomes_one_line():
    class Reporting:
        def execute(self, sql):
            return iter(
                [
                    ("*** in database main ***\nOn tree page 52 cell 5: out of order",),
                    ("Page 53: btreeInitPage() returns error code 11",),
                ]
            )

    with pytest.raises(soundness.DatabaseError) as caught:
        soundness.check_sound(Reporting(), "the copy")
    assert "\n" not in str(caught.value)
    assert "in database main On tree page 52" in str(caught.value)


def plain_fingerprint(conn: sqlite3.Connection) -> dict:
    """The fingerprint as separate, obvious queries, to hold the one-pass version to."""
    rows = {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in [
            "beneficiary",
            "handout",
            "kind",
            "programme",
            "donor",
            "donation",
            "spending",
            "sponsorship",
            "sponsorship_change",
            "sponsorship_payment",
            "year_closing",
            "year_reopening",
        ]
    }
    rows["voided"] = conn.execute(
        "SELECT COUNT(*) FROM handout WHERE voided_at IS NOT NULL"
    ).fetchone()[0]
    totals: dict = {}
    for year, kind, count, handouts, value in conn.execute(
        "SELECT year, kind, SUM(count), COUNT(*), COALESCE(SUM(value_vnd), 0) FROM handout"
        " WHERE voided_at IS NULL GROUP BY year, kind ORDER BY year, kind"
    ):
        totals.setdefault(str(year), {})[kind] = [count, handouts, value]
    return {"rows": rows, "totals": totals}


@pytest.fixture
def varied(station):
    """The station with several years and programmes, values and none, and voided handouts:
    one among others, and the only cash of 2021 (a year and kind left with no totals)."""
    from heartlink import handouts as core

    with db.open_for_write(station) as ledger:
        core.record(ledger, "cash", count=500_000, date="2021-05-01", officer="t")
        for i, year in enumerate((2021, 2022, 2022, 2023)):
            core.record(ledger, "meal", count=10 + i, date=f"{year}-06-0{i + 1}", officer="t")
            core.record(ledger, "cash", count=1000 * i + 1, date=f"{year}-07-01", officer="t")
        core.record(ledger, "meal", count=7, date="2022-01-01", programme="general", officer="t")
        core.record(ledger, "gift", count=2, date="2022-01-02", value=0, officer="t")
        code = core.record(ledger, "gift", count=3, date="2022-01-03", officer="t")["code"]
        core.void(ledger, code, reason="typed twice", officer="t")
        cash_2021 = ledger.conn.execute(
            "SELECT id FROM handout WHERE year = 2021 AND kind = 'cash'"
        ).fetchall()
        for (handout_id,) in cash_2021:
            core.void(ledger, handout_id, reason="wrong year", officer="t")
    return station


def test_the_fingerprint_gives_what_plain_queries_give(varied):
    with db.open_for_read(varied) as ledger:
        found = soundness.fingerprint(ledger.conn)
        assert found == plain_fingerprint(ledger.conn)
    assert found["rows"]["voided"] == 3
    assert "cash" not in found["totals"]["2021"] and "meal" in found["totals"]["2021"]
    assert json.dumps(found)  # as the JSON output gives it


def _void_one(conn):
    conn.execute(
        "UPDATE handout SET voided_at = 'now', voided_by = 't', void_reason = 'x'"
        " WHERE id = (SELECT MIN(id) FROM handout WHERE voided_at IS NULL)"
    )


def _edit_one(column: str, change: str):
    """Change one handout behind the triggers' back, as a faulty copy could."""

    def edit(conn):
        conn.execute("DROP TRIGGER handout_only_voided")
        conn.execute(
            f"UPDATE handout SET {column} = {change}"
            " WHERE id = (SELECT MIN(id) FROM handout WHERE voided_at IS NULL"
            " AND value_vnd > 0)"
        )

    return edit


def _add_a_beneficiary(conn):
    conn.execute(
        "INSERT INTO beneficiary (id, name, created_at, created_by)"
        " VALUES ('01HZZZZZZZZZZZZZZZZZZZZZZZ', 'extra', 'now', 't')"
    )


@pytest.mark.parametrize(
    "spoil",
    [
        _void_one,
        _edit_one("count", "count + 1"),
        _edit_one("value_vnd", "value_vnd + 1"),
        _edit_one("kind", "'gift'"),
        _edit_one("date", "'2019-01-01', year = 2019"),
        _add_a_beneficiary,
    ],
    ids=["voided", "count", "value", "kind", "year", "beneficiaries"],
)
def test_a_copy_that_differs_from_the_database_is_not_kept(varied, tmp_path, monkeypatch, spoil):
    """The copy passes its integrity and foreign key checks, but its fingerprint is not the
    database's: nothing is kept."""
    copy_snapshot = backup._copy

    def faulty(source, temporary):
        copy_snapshot(source, temporary)
        conn = sqlite3.connect(temporary)
        spoil(conn)
        conn.commit()
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()

    monkeypatch.setattr(backup, "_copy", faulty)
    folder = tmp_path / "b"
    folder.mkdir()
    with pytest.raises(soundness.DatabaseError, match="totals differ"):
        backup.create(varied, folder)
    assert list(folder.iterdir()) == []


def _record_and_void_a_cake(path: Path) -> None:
    from heartlink import handouts as core

    with db.open_for_write(path) as ledger:
        code = core.record(ledger, "cake", count=1, date="2022-01-04", officer="t")["code"]
        core.void(ledger, code, reason="no cake after all", officer="t")


def _record_in_a_new_programme(path: Path) -> None:
    from heartlink import handouts as core

    with db.open_for_write(path) as ledger:
        with ledger.write() as conn:
            conn.execute("INSERT INTO programme VALUES ('extra', 'Extra', 'Thêm', 'now')")
        core.record(ledger, "meal", count=5, programme="extra", officer="t")


@pytest.mark.parametrize(
    ("before", "missing"),
    [
        (None, "DELETE FROM kind WHERE slug = 'gift'"),
        (_record_and_void_a_cake, "DELETE FROM kind WHERE slug = 'cake'"),
        (_record_in_a_new_programme, "DELETE FROM programme WHERE slug = 'extra'"),
        (None, "DELETE FROM programme WHERE slug = 'godmother'"),
        (None, "DELETE FROM beneficiary"),
        (None, "DELETE FROM category WHERE slug = 'orphan'"),
    ],
    ids=[
        "kind",
        "kind-of-a-voided-handout",
        "programme",
        "programme-of-a-kind",
        "beneficiary",
        "category",
    ],
)
def test_a_copy_pointing_at_missing_records_is_not_kept(varied, tmp_path, before, missing):
    """Every foreign key is checked on the copy, handout's from its distinct keys, and the
    records pointing at missing ones are counted as PRAGMA foreign_key_check counts them."""
    if before:
        before(varied)
    conn = sqlite3.connect(varied)  # foreign keys off, as in any program but heartlink
    conn.execute(missing)
    conn.commit()
    expected = conn.execute("PRAGMA foreign_key_check").fetchall()
    _, pairs = soundness.fingerprint_and_pairs(conn)
    assert sorted(soundness.orphans(conn, pairs)) == sorted(expected)
    conn.close()
    assert expected
    folder = tmp_path / "b"
    folder.mkdir()
    with pytest.raises(soundness.DatabaseError, match=f" {len(expected)} record\\(s\\) pointing"):
        backup.create(varied, folder)
    assert list(folder.iterdir()) == []


def test_handout_is_checked_by_its_distinct_keys_only_when_its_keys_are_heartlinks(
    varied, monkeypatch
):
    with db.open_for_read(varied) as ledger:
        _, pairs = soundness.fingerprint_and_pairs(ledger.conn)
        assert soundness.handout_keys_found(ledger.conn, pairs) is True
        assert soundness.orphans(ledger.conn, pairs) == []
        monkeypatch.setattr(soundness, "HANDOUT_KEYS", {("kind", "kind", "slug")})
        assert soundness.handout_keys_found(ledger.conn, pairs) is False
    # Then the PRAGMA goes through handout, and finds what is missing.
    conn = sqlite3.connect(varied)
    conn.execute("DELETE FROM kind WHERE slug = 'gift'")
    assert len(soundness.orphans(conn, pairs)) == 2  # a gift, and a voided one
    conn.close()


def test_verifying_the_copy_only_reads_it(varied, tmp_path):
    """The checksum is taken after the verification: the verification must not change a byte."""
    copy = tmp_path / "copy.db"
    source = sqlite3.connect(db.sqlite_uri(varied, mode="ro"), uri=True, isolation_level=None)
    source.execute("BEGIN")
    expected = soundness.fingerprint(source)
    backup._copy(source, copy)
    source.close()
    before = file_state(copy)
    assert backup._verify_copy(copy) == expected
    assert file_state(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]
