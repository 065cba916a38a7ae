"""The yearly totals kept by triggers (heartlink.summaries) always equal the handouts' own."""

import datetime as dt
import random
import sqlite3

import pytest
from sqlite_utils import Database

from heartlink import db, migrations, reports, summaries

from conftest import SAMPLE_BENEFICIARIES, SAMPLE_HANDOUTS

FAR_FUTURE = dt.date(2999, 12, 31)  # --as-of this day reads the handouts themselves
YEARS = (2022, 2023)


def scanned_and_kept(path, year):
    """The report and its two summary views, from year_summary and from the handouts."""
    with db.open_for_read(path) as ledger:
        conn = ledger.conn
        kept = [reports.yearly(conn, year)] + [reports.view(conn, year, by) for by in VIEWS]
        scanned = [reports.yearly(conn, year, FAR_FUTURE)] + [
            reports.view(conn, year, by, FAR_FUTURE) for by in VIEWS
        ]
    return kept, scanned


VIEWS = ("kind", "programme")


TRIGGER_SQL = {
    "handout_summary_added": summaries.ADDED_TRIGGER.strip(),
    "handout_summary_voided": summaries.VOIDED_TRIGGER.strip(),
}


def triggers(where) -> dict[str, str]:
    """The summary triggers of a database file or connection, with their SQL."""
    conn = where if isinstance(where, sqlite3.Connection) else sqlite3.connect(where)
    marks = ", ".join("?" for _ in summaries.TRIGGERS)
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
        summaries.TRIGGERS,
    ).fetchall()
    return dict(rows)


def differences(path) -> int:
    with db.open_for_read(path) as ledger:
        return summaries.differences(ledger.conn)


def assert_agree(path):
    assert differences(path) == 0
    for year in YEARS:
        kept, scanned = scanned_and_kept(path, year)
        assert kept == scanned


def test_totals_follow_every_record_and_void(ok, db_path):
    rng = random.Random(7)
    people = [
        ok("beneficiary", "add", f"Nguyễn Văn {name}", "--format", "json").json()["code"]
        for name in ("An", "Bình", "Chi", "Dũng", "Em")
    ]
    kinds = ["meal", "cash", "bicycle", "gift", "school-supplies"]
    recorded = []
    for _ in range(60):
        args = ["record", rng.choice(kinds), "-n", str(rng.randint(1, 500))]
        args += ["--date", f"{rng.choice(YEARS)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        if rng.random() < 0.6:
            args += ["--to", rng.choice(people)]
        if rng.random() < 0.3:
            args += ["--value", str(rng.randint(0, 90_000))]
        if rng.random() < 0.2:
            args += ["--programme", rng.choice(["general", "meals", "school-support"])]
        recorded.append(ok(*args).stdout.strip())
    assert_agree(db_path)
    for code in rng.sample(recorded, 25):
        ok("handout", "void", code, "--reason", "test")
    assert_agree(db_path)


def test_voiding_the_last_handout_of_a_year_leaves_no_totals(ok, db_path):
    person = ok("beneficiary", "add", "Lê Thị Hoa", "--format", "json").json()["code"]
    handout = ok("record", "bicycle", "-n", "1", "--to", person, "--date", "2023-05-01")
    assert ok("report", "2023", "--format", "json").json()["overall"]["beneficiaries"] == 1
    ok("handout", "void", handout.stdout.strip(), "--reason", "wrong child")
    assert ok("report", "2023", "--format", "json").json()["overall"] == {
        "handouts": 0,
        "beneficiaries": 0,
        "value_vnd": None,
    }
    assert "No handouts recorded in 2023" in ok("report", "2023").stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM year_summary").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM year_recipients").fetchone()[0] == 0


def test_a_person_counts_once_per_level_and_leaves_when_their_last_handout_is_voided(ok):
    person = ok("beneficiary", "add", "Trần Văn Nam", "--format", "json").json()["code"]
    first = ok("record", "gift", "-n", "1", "--to", person, "--date", "2023-01-05").stdout
    ok("record", "gift", "-n", "2", "--to", person, "--date", "2023-02-05")
    ok("record", "cash", "-n", "500000", "--to", person, "--date", "2023-02-05")
    report = ok("report", "2023", "--format", "json").json()
    assert {t["kind"]: t["beneficiaries"] for t in report["totals"]} == {"cash": 1, "gift": 1}
    assert report["overall"]["beneficiaries"] == 1
    ok("handout", "void", first.strip(), "--reason", "typo")
    report = ok("report", "2023", "--format", "json").json()
    assert {t["kind"]: (t["count"], t["beneficiaries"]) for t in report["totals"]} == {
        "cash": (500000, 1),
        "gift": (2, 1),
    }


def test_a_large_import_recomputes_its_years_once(ok, db_path, tmp_path, monkeypatch):
    ok("record", "meal", "-n", "10", "--date", "2023-01-02")  # there before the import
    ok("record", "meal", "-n", "5", "--date", "2022-12-31")
    rebuilt = []
    real_rebuild = summaries.rebuild
    monkeypatch.setattr(summaries, "BULK_AFTER", 20)
    monkeypatch.setattr(
        summaries,
        "rebuild",
        lambda conn, years=None: (rebuilt.append(years), real_rebuild(conn, years)),
    )
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES))
    ok("import", "handouts", str(SAMPLE_BENEFICIARIES.with_name("sample-2023-handouts.csv")))
    assert rebuilt == [[2023]]
    assert triggers(db_path) == TRIGGER_SQL  # dropped for the import, made again after it
    assert_agree(db_path)
    meals = ok("report", "2023", "--format", "json").json()["totals"][0]
    assert (meals["kind"], meals["count"]) == ("meal", 2960)


def test_a_small_import_keeps_totals_through_the_triggers(ok, db_path, monkeypatch):
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES))
    monkeypatch.setattr(summaries, "rebuild", None)  # must not be needed
    ok("import", "handouts", str(SAMPLE_HANDOUTS))
    assert_agree(db_path)


def test_a_failed_bulk_import_changes_nothing(ok, run, db_path, monkeypatch):
    ok("record", "meal", "-n", "10", "--date", "2023-01-02")
    ok("import", "beneficiaries", str(SAMPLE_BENEFICIARIES))
    monkeypatch.setattr(summaries, "BULK_AFTER", 20)

    def fail(conn, years=None):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(summaries, "rebuild", fail)
    before = sqlite3.connect(db_path).execute("SELECT * FROM year_summary").fetchall()
    result = run(
        "import", "handouts", str(SAMPLE_BENEFICIARIES.with_name("sample-2023-handouts.csv"))
    )
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT * FROM year_summary").fetchall() == before
    assert conn.execute("SELECT COUNT(*) FROM handout").fetchone()[0] == 1
    conn.close()
    assert triggers(db_path) == TRIGGER_SQL  # the rollback brought them back


def _make_version_5_database(path):
    """A ledger as heartlink left it before migration 0006, holding handouts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    migrations.migrations.apply(Database(conn), stop_before="0006_year_summaries")
    conn.execute("PRAGMA user_version = 5")
    rows = [
        ("01H00000000000000000000001", "2023-03-06", 2023, "meal", "meals", None, 120, None),
        ("01H00000000000000000000002", "2023-03-13", 2023, "meal", "meals", None, 80, None),
        ("01H00000000000000000000003", "2022-09-05", 2022, "cash", "godmother", None, 9, 9),
    ]
    conn.executemany(
        "INSERT INTO handout (id, date, year, kind, programme, beneficiary_id, count, value_vnd,"
        " officer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Lan', '2023-03-06T00:00:00Z')",
        rows,
    )
    conn.close()


def test_the_migration_fills_the_totals_from_the_handouts_already_there(ok, db_path):
    _make_version_5_database(db_path)
    # A reader upgrades only a copy in memory, and reports from it.
    meals = ok("report", "2023", "--format", "json").json()["totals"]
    assert [(t["kind"], t["count"], t["handouts"]) for t in meals] == [("meal", 200, 2)]
    ok("record", "meal", "-n", "1", "--date", "2023-04-03")  # a writer upgrades the file
    assert differences(db_path) == 0
    assert ok("report", "2023", "--format", "json").json()["totals"][0]["count"] == 201
    assert ok("report", "2022", "--format", "json").json()["overall"]["value_vnd"] == 9


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE year_summary SET count = count + 1",
        "DELETE FROM year_recipients",
        "UPDATE year_recipients SET handouts = 2",
        "INSERT INTO year_recipients VALUES (2023, 'X', 'meal', 'meals', 1)",
    ],
)
def test_check_finds_totals_that_disagree_and_rebuild_mends_them(ok, run, db_path, tampering):
    person = ok("beneficiary", "add", "Võ Thị Sáu", "--format", "json").json()["code"]
    ok("record", "meal", "-n", "120", "--date", "2023-03-06", "--to", person)
    assert "yearly totals agree" in ok("check").stdout
    conn = sqlite3.connect(db_path)
    conn.execute(tampering)  # edited by another tool
    conn.commit()
    conn.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    totals = [c for c in result.json()["checks"] if c["check"] == "totals"]
    assert totals[0]["ok"] is False
    assert "heartlink db rebuild-totals" in totals[0]["detail"]
    ok("db", "rebuild-totals")
    assert ok("report", "2023", "--format", "json").json()["totals"][0]["count"] == 120
    ok("check")


def test_rebuild_totals_needs_a_database(run, db_path):
    result = run("db", "rebuild-totals")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: there is no database")
    assert not db_path.exists()


def test_bulk_mode_begins_only_past_the_threshold(monkeypatch):
    monkeypatch.setattr(summaries, "BULK_AFTER", 3)
    with db.open_memory() as ledger, ledger.write() as conn:
        bulk = summaries.DeferredTotals(conn)
        bulk.adding(3)
        assert len(triggers(conn)) == 2
        bulk.adding(1)
        assert triggers(conn) == {}
        bulk.finish()
        assert triggers(conn) == TRIGGER_SQL
