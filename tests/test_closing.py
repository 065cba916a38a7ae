"""Closing a year: close, the refusal of anything dated in a closed year, reopen, what report,
statement and check say of it, and restore of another station's backup."""

import datetime as dt
import hashlib
import json
import sqlite3

import pytest

from conftest import file_state, printed_text

STATION = ("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "TKD")
REOPEN_HINT = "heartlink reopen 2023 --reason"


@pytest.fixture
def year_2023(ok, db_path):
    """A station's file with a 2023 of handouts, money and stock, and one handout in 2024."""
    ok(*STATION)
    person = ok("beneficiary", "add", "Trương Thị Bích Ngọc", "-c", "orphan", "--format", "json")
    ok("record", "cash", "-n", "6.000.000", "--to", person.json()["code"], "-d", "2023-09-05")
    ok("record", "meal", "-n", "120", "-d", "2023-03-06", "--note", "Cơm")
    ok("record", "meal", "-n", "7", "-d", "2023-03-13")
    ok("kind", "edit", "cake", "--track-stock")
    ok("receive", "cash", "--count", "40.000.000", "--date", "2023-01-02")
    ok("receive", "cake", "--count", "100", "--date", "2023-01-03")
    ok("spend", "--amount", "3.000.000", "--programme", "meals", "--for", "gạo", "-d", "2023-03-05")
    ok("record", "cake", "-n", "60", "-d", "2023-01-20")
    ok("record", "meal", "-n", "50", "-d", "2024-01-08")
    return db_path


def codes(ok, noun: str, year: int) -> list[str]:
    return [row["code"] for row in ok(noun, "list", "--year", str(year), "--format", "json").json()]


def one_error(result, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result
    for word in words:
        assert word in lines[0], result
    return lines[0]


def documented_hash(db_path, year: int) -> str:
    """The hash as closing.py's docstring defines it, written again from that text alone."""
    from heartlink.closing import RECORD_COLUMNS

    digest = hashlib.sha256()
    conn = sqlite3.connect(db_path)
    for table in ("handout", "donation", "spending"):
        columns = ", ".join(RECORD_COLUMNS[table])
        for row in conn.execute(
            f"SELECT {columns} FROM {table} WHERE year = ? ORDER BY id", (year,)
        ):
            line = json.dumps([table, *row], ensure_ascii=False, separators=(",", ":"))
            digest.update(line.encode() + b"\n")
    conn.close()
    return digest.hexdigest()


def test_close_keeps_the_totals_the_hash_and_the_chain_head(ok, year_2023):
    head = ok("log", "--verify", "--format", "json").json()["head"]
    closed = ok("close", "2023", "--note", "Report 12/BC", "--format", "json").json()
    assert {"year", "closed_at", "hash", "totals"} <= set(closed)
    assert (
        closed["year"] == 2023 and closed["station"] == "TKD" and closed["note"] == "Report 12/BC"
    )
    assert closed["hash"] == documented_hash(year_2023, 2023)
    assert closed["records"] == {"handout": 4, "donation": 2, "spending": 1}
    assert closed["chain_head"] == {"entry": head["entry"], "hash": head["hash"]}
    report = ok("report", "2023", "--format", "json").json()
    assert closed["totals"]["handouts"]["totals"] == report["totals"]
    funds = ok("funds", "2023", "--format", "json").json()
    assert closed["totals"]["funds"]["total"] == funds["total"]
    stock = ok("stock", "--format", "json").json()
    assert [k["kind"] for k in closed["totals"]["stock"]] == [k["kind"] for k in stock["kinds"]]
    actions = [entry["action"] for entry in ok("log", "--format", "json").json()]
    assert actions[-1] == "year.close"
    assert ok("check").exit_code == 0


def test_a_file_without_a_station_cannot_be_closed(run, ok, db_path):
    ok("record", "meal", "-n", "5", "-d", "2023-03-06")
    before = file_state(db_path)
    result = run("close", "2023")
    assert result.exit_code == 1
    one_error(result, "heartlink station set")
    assert file_state(db_path) == before


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["close", "2023"], 1, "already closed"),
        (["close", str(dt.date.today().year + 1)], 2, "has not begun"),
        (["close", "twenty"], 2, "YEAR"),
        (["reopen", "2022", "--reason", "x"], 1, "2022 is not closed"),
        (["reopen", "2023", "--reason", " "], 2, "reason"),
    ],
)
def test_bad_closes_and_reopens_change_nothing(run, ok, year_2023, args, code, words):
    ok("close", "2023")
    before = file_state(year_2023)
    result = run(*args)
    assert result.exit_code == code, result
    one_error(result, words)
    assert file_state(year_2023) == before


def test_anything_dated_in_a_closed_year_is_refused(run, ok, year_2023):
    handouts, donations = codes(ok, "handout", 2023), codes(ok, "donation", 2023)
    spending = codes(ok, "spending", 2023)
    ok("close", "2023")
    before = file_state(year_2023)
    attempts = [
        ["record", "meal", "-n", "5", "-d", "2023-12-31"],
        ["handout", "void", handouts[0], "--reason", "typed twice"],
        ["receive", "cash", "--count", "1.000.000", "--date", "2023-06-01"],
        ["donation", "void", donations[0], "--reason", "typed twice"],
        ["spend", "--amount", "1.000", "--programme", "meals", "--for", "rau", "-d", "2023-06-01"],
        ["spending", "void", spending[0], "--reason", "typed twice"],
    ]
    for attempt in attempts:
        result = run(*attempt)
        assert result.exit_code == 1, (attempt, result)
        one_error(result, "2023 is closed", REOPEN_HINT)
        assert "typed twice" not in result.stderr
    assert file_state(year_2023) == before
    # an open year is not touched by it
    ok("record", "meal", "-n", "5", "-d", "2024-01-15")
    ok("handout", "void", codes(ok, "handout", 2024)[0], "--reason", "typed twice")


def test_the_database_itself_refuses_a_closed_year(ok, year_2023):
    ok("close", "2023")
    conn = sqlite3.connect(year_2023)
    with pytest.raises(sqlite3.IntegrityError, match="closed year"):
        conn.execute(
            "INSERT INTO spending (id, date, year, programme, amount_vnd, purpose, officer,"
            " created_at) VALUES ('01HZZZZZZZZZZZZZZZZZZZZZZZ', '2023-05-05', 2023, 'meals', 5,"
            " 'x', 'Lan', '2023-05-05T00:00:00Z')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="closed year"):
        conn.execute("UPDATE donation SET voided_at = 'now', voided_by = 'x', void_reason = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute("UPDATE year_closing SET hash = lower(hash)")
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute("DELETE FROM year_closing")
    conn.close()


HEADER = "date,kind,count,beneficiary,programme,place,value_vnd,note\n"


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_with_a_row_in_a_closed_year_imports_nothing(
    run, ok, year_2023, tmp_path, dry_run
):
    ok("close", "2023")
    sheet = tmp_path / "late.csv"
    sheet.write_text(
        HEADER
        + "2024-02-05,meal,60,,,,,\n"
        + "2023-12-25,meal,70,,,,,\n"
        + "2024-02-12,meal,61,,,,,\n"
        + "25/12/2023,meal,71,,,,,\n",
        encoding="utf-8",
    )
    before = file_state(year_2023)
    result = run("import", "handouts", str(sheet), *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1, result
    problems = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert [p.split(":")[0] for p in problems] == ["row 3, column date", "row 5, column date"]
    assert "2023 is closed" in problems[0] and REOPEN_HINT in problems[0]
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 2 problems")
    assert file_state(year_2023) == before


def test_reopen_then_close_again_is_a_new_closing(run, ok, year_2023):
    first = ok("close", "2023", "--format", "json").json()
    result = run("reopen", "2023")
    assert result.exit_code == 2 and "--reason" in result.stderr
    ok("reopen", "2023", "--reason", "Two meals were recorded twice")
    ok("handout", "void", codes(ok, "handout", 2023)[0], "--reason", "recorded twice")
    report = ok("report", "2023", "--format", "json").json()
    assert report["closed"] is None
    [reopened] = report["reopened"]
    assert reopened["reason"] == "Two meals were recorded twice"
    assert reopened["hash"] == first["hash"] and reopened["by"] == "Officer Test"
    second = ok("close", "2023", "--format", "json").json()
    assert second["hash"] != first["hash"] and second["id"] != first["id"]
    assert second["hash"] == documented_hash(year_2023, 2023)
    assert ok("report", "2023", "--format", "json").json()["closed"]["hash"] == second["hash"]
    actions = [entry["action"] for entry in ok("log", "--format", "json").json()]
    assert actions[-4:] == ["year.close", "year.reopen", "handout.void", "year.close"]
    assert ok("check").exit_code == 0


def test_report_and_statement_of_a_closed_year_say_so(ok, year_2023):
    assert "closed" not in ok("report", "2023", "--format", "json").json()
    assert "closed" not in ok("statement", "2023", "--format", "json").json()
    closed = ok("close", "2023", "--format", "json").json()
    for command in ("report", "statement"):
        table = ok(command, "2023").stdout
        assert f"Closed on {closed['closed_at'][:10]} by Officer Test; hash {closed['hash']}" in (
            table
        )
        shown = ok(command, "2023", "--format", "json").json()
        assert shown["closed"] == {
            "closed_at": closed["closed_at"],
            "by": "Officer Test",
            "hash": closed["hash"],
            "note": None,
        }
        assert shown["reopened"] == []
    # the export of the totals is the report, closing included
    assert (
        ok("export", "totals", "--year", "2023", "--format", "json").json()["closed"]
        == shown["closed"]
    )
    assert "closed" not in ok("report", "2024", "--format", "json").json()
    ok("reopen", "2023", "--reason", "Bánh tét counted twice")
    table = ok("report", "2023").stdout
    assert "reopened on" in table and "Bánh tét counted twice" in table


def test_check_names_a_closed_year_whose_records_changed(run, ok, year_2023):
    ok("close", "2023")
    ok("close", "2024", "--note", "not over yet, but the ward asked")
    conn = sqlite3.connect(year_2023, isolation_level=None)
    for trigger in ("handout_only_voided", "handout_closed_year_changed"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("UPDATE handout SET count = 1200 WHERE count = 120")
    conn.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    findings = result.json()["findings"]
    closed = [f for f in findings if f["kind"] == "closed year"]
    assert [f["target"] for f in closed] == ["2023"], findings
    assert "changed since it was closed" in closed[0]["detail"]
    checks = {c["check"]: c for c in result.json()["checks"]}
    assert not checks["closed years"]["ok"] and "2023" in checks["closed years"]["detail"]


def test_a_closed_year_holding_text_that_is_not_utf8_is_found(run, ok, year_2023):
    ok("close", "2023")
    conn = sqlite3.connect(year_2023, isolation_level=None)
    conn.execute("DROP TRIGGER handout_only_voided")
    conn.execute("DROP TRIGGER handout_closed_year_changed")
    conn.execute("UPDATE handout SET note = CAST(x'43c6ff' AS TEXT) WHERE count = 120")
    conn.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1, result
    assert "2023" in [f["target"] for f in result.json()["findings"] if f["kind"] == "closed year"]


def test_the_hash_lines_are_the_documented_json(tmp_path):
    """SQLite's json_array writes what json.dumps(…, ensure_ascii=False, separators=(",", ":"))
    writes, for every value heartlink stores (closing.year_hash relies on it)."""
    values = [
        "".join(chr(code) for code in range(128)),
        'Nguyễn "Lan" \\ / \u2028 \u00a0 Đà Nẵng',
        None,
        0,
        -5,
        10**12,
    ]
    conn = sqlite3.connect(":memory:")
    for value in values:
        written = conn.execute("SELECT json_array('handout', ?)", (value,)).fetchone()[0]
        assert written == json.dumps(["handout", value], ensure_ascii=False, separators=(",", ":"))


def test_a_closing_changed_outside_heartlink_is_found(run, ok, year_2023):
    ok("close", "2023")
    conn = sqlite3.connect(year_2023, isolation_level=None)
    conn.execute("DROP TRIGGER year_closing_never_updated")
    conn.execute("UPDATE year_closing SET hash = '" + "0" * 64 + "'")
    conn.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    details = " ".join(f"{f['kind']} {f['detail']}" for f in result.json()["findings"])
    assert "closing changed outside heartlink" in details
    assert "closed year" in details  # and its records no longer hash as it says


def test_a_restored_backup_keeps_its_closed_years(ok, run, year_2023):
    ok("close", "2023")
    ok("restore", ok("backup").stdout.strip(), "--yes")
    result = run("record", "meal", "-n", "5", "-d", "2023-12-31")
    assert result.exit_code == 1
    one_error(result, "2023 is closed")
    assert ok("report", "2023", "--format", "json").json()["closed"] is not None
    assert ok("check").exit_code == 0


# restore of another station's backup ------------------------------------------------------


@pytest.fixture
def other_station_backup(ok, tmp_path):
    """A backup of another station (another file, another station id, the same code)."""
    other = tmp_path / "other" / "heartlink.db"
    ok(*STATION, db=other)
    ok("record", "meal", "-n", "9", "-d", "2023-03-06", db=other)
    (tmp_path / "other-backups").mkdir()
    return ok("backup", str(tmp_path / "other-backups"), db=other).stdout.strip()


def test_restore_refuses_another_station_s_backup(ok, run, db_path, other_station_backup):
    ok(*STATION)
    ok("record", "meal", "-n", "5", "-d", "2023-03-06")
    before = file_state(db_path)
    result = run("restore", other_station_backup, "--yes")
    assert result.exit_code == 1
    one_error(result, "another station", "--other-station", "TKD")
    assert file_state(db_path) == before
    ok("restore", other_station_backup, "--yes", "--other-station")
    assert ok("report", "2023", "--format", "json").json()["totals"][0]["count"] == 9
    [entry] = [e for e in ok("log", "--format", "json").json() if e["action"] == "restore"]
    assert entry["after"]["other_station"] == "TKD"


def test_restore_without_a_station_on_one_side_is_allowed(ok, db_path, tmp_path):
    ok("record", "meal", "-n", "5", "-d", "2023-03-06")
    stationless = ok("backup").stdout.strip()
    ok(*STATION)
    ok("restore", stationless, "--yes")  # the backup has no station
    assert ok("station", "show", "--format", "json").json()["id"] is None
    other = tmp_path / "other" / "heartlink.db"
    ok(*STATION, db=other)
    (tmp_path / "b2").mkdir()
    ok("restore", ok("backup", str(tmp_path / "b2"), db=other).stdout.strip(), "--yes")
    assert ok("station", "show", "--format", "json").json()["code"] == "TKD"  # live had none


def test_close_for_people_prints_the_hash_and_what_it_covers(ok, year_2023):
    result = ok("close", "2023")
    closed = ok("report", "2023", "--format", "json").json()["closed"]
    assert result.stdout.strip() == closed["hash"]
    assert "2023 closed for station TKD: 4 handout(s), 2 donation(s), 1 spending line(s)" in (
        result.stderr
    )
    reopened = ok("reopen", "2023", "--reason", "typed twice")
    assert "close it again with `heartlink close 2023`" in reopened.stderr


def test_a_year_is_not_closed_over_records_changed_outside_heartlink(run, ok, year_2023):
    conn = sqlite3.connect(year_2023, isolation_level=None)
    conn.execute("DROP TRIGGER handout_only_voided")
    conn.execute("UPDATE handout SET count = 1200 WHERE count = 120")
    conn.close()
    result = run("close", "2023")
    assert result.exit_code == 1
    one_error(result, "heartlink check")
    assert "closed" not in ok("report", "2023", "--format", "json").json()


def test_the_printed_report_and_statement_of_a_closed_year_say_so(ok, year_2023, tmp_path):
    first = ok("close", "2023", "--format", "json").json()
    ok("reopen", "2023", "--reason", "Bánh tét counted twice")
    again = ok("close", "2023", "--format", "json").json()
    from heartlink.i18n import Formatter, Lang

    day = Formatter(Lang.en).date(again["closed_at"][:10])
    for command, fmt in (("report", "pdf"), ("statement", "pdf"), ("statement", "xlsx")):
        path = tmp_path / f"{command}.{fmt}"
        ok(command, "2023", "--format", fmt, "--lang", "en", "--output", str(path))
        text = " ".join(printed_text(path).split())
        assert f"hash {again['hash'][:16]}" in text, (command, fmt, text[:2000])
        assert again["hash"][16:] not in text, "the whole hash where its start will do"
        assert day in text and first["hash"][:16] in text and "Bánh tét counted twice" in text
    path = tmp_path / "open.pdf"
    ok("report", "2024", "--format", "pdf", "--lang", "en", "--output", str(path))
    assert "Closed on" not in printed_text(path)
