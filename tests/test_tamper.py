"""Tamper evidence: a file edited behind heartlink's back (here with Python's sqlite3, as the
`sqlite3` tool would) fails `heartlink check`, which names what changed; heartlink's own
changes always check clean."""

import csv
import io
import json
import sqlite3

import pytest

from heartlink import db

from conftest import heartlink_process


def sql(path, *statements: str) -> None:
    """Edit the file as another SQLite tool would, in one transaction."""
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def findings(run) -> list[dict]:
    result = run("check", "--format", "json")
    assert result.exit_code == 1, result
    report = result.json()
    assert report["ok"] is False
    assert all(set(f) == {"kind", "target", "detail"} for f in report["findings"])
    return report["findings"]


def about(found: list[dict], target: str) -> list[str]:
    return [f["detail"] for f in found if target in (f["target"] or "")]


@pytest.fixture
def ledger(ok):
    """A small ledger: one person, two handouts recorded by hand, an import of two."""
    person = ok("beneficiary", "add", "Võ Thị Sáu", "--born", "2010", "--format", "json").json()
    first = ok("record", "meal", "-n", "120", "--date", "2023-03-06").stdout.strip()
    second = ok("record", "bicycle", "-n", "1", "--to", person["code"]).stdout.strip()
    return {"person": person["code"], "first": first[-8:], "second": second[-8:]}


def imported(ok, tmp_path) -> list[str]:
    sheet = tmp_path / "h.csv"
    sheet.write_text("date,kind,count\n2023-01-02,meal,56\n2023-01-09,meal,60\n", "utf-8")
    ok("import", "handouts", str(sheet))
    rows = ok("handout", "list", "--year", "2023", "--format", "json").json()
    return [row["code"] for row in rows if row["count"] in (56, 60)]


def test_heartlink_s_own_changes_check_clean(ok, tmp_path, ledger):
    ok("beneficiary", "edit", ledger["person"], "--school", "THCS Nguyễn Văn Linh")
    ok("beneficiary", "archive", ledger["person"])
    ok("beneficiary", "unarchive", ledger["person"])
    ok("handout", "void", ledger["first"], "--reason", "typed twice")
    ok("kind", "add", "rice", "--unit", "kg", "--name-vi", "Gạo")
    ok("kind", "edit", "rice", "--unit-value", "20000")
    ok("programme", "add", "flood-relief", "--name-vi", "Cứu trợ lũ lụt")
    imported(ok, tmp_path)
    people = tmp_path / "b.csv"
    people.write_text("name,born\nNguyễn Văn An,2012\n", "utf-8")
    ok("import", "beneficiaries", str(people))
    ok("db", "rebuild-totals")
    report = ok("check", "--format", "json").json()
    assert report["ok"] is True and report["findings"] == []
    verified = ok("log", "--verify", "--format", "json").json()
    assert verified["ok"] is True and verified["head"] == report["head"]
    assert verified["head"]["entries"] == len(ok("log", "--format", "json").json())
    (tmp_path / "backups").mkdir()
    backup = ok("backup", str(tmp_path / "backups")).stdout.strip()
    ok("restore", backup, "--yes")
    assert ok("check", "--format", "json").json()["ok"] is True


def test_the_sample_still_reports(ok):
    assert "meal" in ok("--sample", "report", "2023").stdout


def test_the_head_hash_is_printed_and_follows_every_entry(ok, ledger):
    head = ok("check", "--format", "json").json()["head"]
    assert len(head["hash"]) == 64
    assert head["hash"] in ok("check").stdout
    assert head["hash"] in ok("log", "--verify").stdout
    ok("record", "meal", "-n", "1")
    assert ok("check", "--format", "json").json()["head"]["hash"] != head["hash"]


def test_a_void_by_hand_is_found(run, db_path, ledger):
    sql(
        db_path,
        "UPDATE handout SET voided_at = '2023-03-07T00:00:00.000Z', voided_by = 'x',"
        f" void_reason = 'x' WHERE id LIKE '%{ledger['first']}'",
    )
    assert about(findings(run), ledger["first"]) == [
        "handout voided outside heartlink: no audit entry has it"
    ]


def test_a_handout_inserted_by_hand_is_found(run, db_path, ledger):
    sql(
        db_path,
        "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
        " VALUES ('01H00000000000000000ZZZZZZ', '2023-05-01', 2023, 'meal', 'meals', 900,"
        " 'x', '2023-05-01T00:00:00.000Z')",
    )
    assert about(findings(run), "0ZZZZZZ") == [
        "handout added outside heartlink: no audit entry has it"
    ]


def test_a_handout_deleted_by_hand_is_found(run, db_path, ledger):
    sql(
        db_path,
        "DROP TRIGGER handout_never_deleted",
        f"DELETE FROM handout WHERE id LIKE '%{ledger['second']}'",
    )
    found = findings(run)
    assert any("missing" in detail for detail in about(found, ledger["second"]))
    assert about(found, "handout_never_deleted") == [
        "the trigger on handout is missing (dropped outside heartlink)"
    ]


def test_a_count_edited_with_the_totals_rebuilt_is_found(ok, run, db_path, ledger):
    sql(
        db_path,
        "DROP TRIGGER handout_only_voided",
        f"UPDATE handout SET count = 12 WHERE id LIKE '%{ledger['first']}'",
    )
    ok("db", "rebuild-totals", "--by", "Someone")
    found = findings(run)
    assert any("changed outside heartlink" in d for d in about(found, ledger["first"]))
    assert about(found, "handout_only_voided")
    assert [f["kind"] for f in found] == ["schema", "record"], "the totals agree again"
    last = ok("log", "--format", "json").json()[-1]
    assert (last["action"], last["officer"]) == ("db.rebuild-totals", "Someone")


def test_an_imported_handout_edited_or_voided_by_hand_is_found(run, ok, db_path, tmp_path):
    codes = imported(ok, tmp_path)
    sql(
        db_path,
        f"UPDATE handout SET voided_at = 'x', voided_by = 'x' WHERE id LIKE '%{codes[0]}'",
    )
    assert about(findings(run), codes[0]) == [
        "handout voided outside heartlink: no audit entry has it"
    ]
    sql(db_path, "DROP TRIGGER handout_only_voided", "UPDATE handout SET place = 'x'")
    details = [f["detail"] for f in findings(run) if f["kind"] == "record"]
    assert any("since entry 1 (import)" in detail for detail in details)


def test_a_rewritten_audit_entry_is_found(run, db_path, ledger):
    sql(
        db_path,
        "DROP TRIGGER audit_log_never_updated",
        "UPDATE audit_log SET officer = 'someone else' WHERE id = 2",
    )
    found = findings(run)
    assert about(found, "entry 2") == [
        "changed outside heartlink: its content no longer matches its hash"
    ]
    assert about(found, "audit_log_never_updated")


def test_an_audit_entry_rewritten_with_its_hash_breaks_the_next_one(run, db_path, ledger):
    from heartlink import audit

    conn = sqlite3.connect(db_path)
    row = list(
        conn.execute(
            "SELECT id, at, officer, action, target, before, after, seal, prev_hash"
            " FROM audit_log WHERE id = 2"
        ).fetchone()
    )
    row[2] = "someone else"
    conn.execute("DROP TRIGGER audit_log_never_updated")
    conn.execute(
        "UPDATE audit_log SET officer = ?, hash = ? WHERE id = 2", (row[2], audit.entry_hash(*row))
    )
    conn.commit()
    conn.close()
    assert any("does not follow entry 2" in d for d in about(findings(run), "entry 3"))


def test_deleting_the_last_audit_entry_is_found(run, db_path, ledger):
    sql(
        db_path,
        "DROP TRIGGER audit_log_never_deleted",
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
    )
    found = findings(run)
    assert any("entries were removed" in d for d in about(found, "audit_head"))
    # … and the handout that entry sealed is now in no entry.
    assert about(found, ledger["second"]) == [
        "handout added outside heartlink: no audit entry has it"
    ]


def test_a_beneficiary_renamed_by_hand_is_found_without_naming_them(run, db_path, ledger):
    sql(db_path, "UPDATE beneficiary SET name = 'Trần Văn Giả'")
    result = run("check")
    assert result.exit_code == 1
    assert ledger["person"] in result.stdout and "Giả" not in result.stdout
    assert about(findings(run), ledger["person"]) == [
        "beneficiary changed outside heartlink since entry 1 (beneficiary.add)"
    ]


def test_a_kind_edited_by_hand_is_found(run, db_path, ledger):
    sql(db_path, "UPDATE kind SET unit_value_vnd = 1 WHERE slug = 'meal'")
    assert about(findings(run), "meal") == ["kind changed outside heartlink since the baseline"]


def test_check_names_an_index_whose_sql_was_changed(run, db_path, ledger):
    sql(
        db_path,
        "DROP INDEX handout_by_beneficiary",
        "CREATE INDEX handout_by_beneficiary ON handout(beneficiary_id)",
    )
    assert about(findings(run), "handout_by_beneficiary") == [
        "the index on handout is not as heartlink made it (changed outside heartlink)"
    ]


def test_log_verify_fails_on_a_broken_chain(run, db_path, ledger):
    sql(db_path, "DROP TRIGGER audit_log_never_deleted", "DELETE FROM audit_log WHERE id = 1")
    result = run("log", "--verify")
    assert result.exit_code == 1 and "entry 2" in result.stdout


def test_a_version_6_file_is_sealed_by_the_migration(ok, run, db_path):
    # A ledger from before the chain, with a handout and an entry, upgraded by a write.
    from sqlite_utils import Database

    from heartlink import migrations

    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    migrations.migrations.apply(Database(conn), stop_before="0007_audit_chain")
    conn.execute("PRAGMA user_version = 6")
    conn.execute(
        "INSERT INTO handout (id, date, year, kind, programme, count, officer, created_at)"
        " VALUES ('01H00000000000000000000001', '2023-03-06', 2023, 'meal', 'meals', 120,"
        " 'Lan', '2023-03-06T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO audit_log (at, officer, action, target) VALUES ('2023-03-06T00:00:00Z',"
        " 'Lan', 'handout.record', '01H00000000000000000000001')"
    )
    conn.close()
    ok("record", "meal", "-n", "1")
    assert ok("check", "--format", "json").json()["ok"] is True
    entries = ok("log", "--format", "json").json()
    assert [e["action"] for e in entries] == ["handout.record", "handout.record"]
    sql(db_path, "DROP TRIGGER handout_only_voided", "UPDATE handout SET count = 1 WHERE rowid = 1")
    assert about(findings(run), "handout rows 1-1") or about(findings(run), "00000001")


def test_log_csv_writes_before_and_after_as_json(ok, ledger):
    ok("beneficiary", "edit", ledger["person"], "--school", "THCS Lê Độ")
    rows = list(csv.DictReader(io.StringIO(ok("log", "--format", "csv").stdout)))
    assert json.loads(rows[-1]["before"])["school"] is None
    assert json.loads(rows[-1]["after"])["school"] == "THCS Lê Độ"
    recorded = json.loads(rows[1]["after"])
    assert recorded["beneficiary_id"] is None and recorded["count"] == 120
    assert "None" not in rows[1]["after"] and "'" not in rows[1]["after"]


def test_check_in_a_real_process_reports_tampering_on_stdout(tmp_path, ok, db_path, ledger):
    sql(db_path, "UPDATE beneficiary SET phone = '0900000000'")
    done = heartlink_process("--db", str(db_path), "check", "--format", "json")
    assert done.returncode == 1 and done.stderr == ""
    assert about(json.loads(done.stdout)["findings"], ledger["person"])
