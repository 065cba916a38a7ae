"""The audit trail: every change logged with who, what, before and after; history unchangeable."""

import sqlite3

import pytest

from heartlink import db


def log(ok, *args):
    return ok("log", *args, "--format", "json").json()


def test_every_kind_of_change_is_logged(ok):
    b = ok("beneficiary", "add", "Phạm Thị Hoa", "--born", "2010", "--format", "json").json()
    ok("beneficiary", "edit", b["code"], "--school", "THCS Nguyễn Văn Linh", "--by", "Lan")
    ok("beneficiary", "archive", b["code"])
    ok("beneficiary", "unarchive", b["code"])
    handout = ok("record", "bicycle", "-n", "1", "--to", b["code"]).stdout.strip()
    ok("handout", "void", handout, "--reason", "wrong child")
    ok("kind", "add", "rice", "--unit", "kg", "--name-vi", "Gạo")
    ok("kind", "edit", "rice", "--unit-value", "20000")
    ok("programme", "add", "flood-relief", "--name-vi", "Cứu trợ lũ lụt")
    entries = log(ok)
    assert [e["action"] for e in entries] == [
        "beneficiary.add",
        "beneficiary.edit",
        "beneficiary.archive",
        "beneficiary.unarchive",
        "handout.record",
        "handout.void",
        "kind.add",
        "kind.edit",
        "programme.add",
    ]
    for entry in entries:
        assert set(entry) >= {"at", "officer", "action", "target", "before", "after"}
        assert entry["at"].endswith("Z")
    added, edited = entries[0], entries[1]
    assert added["target"] == b["id"] and added["before"] is None
    assert added["after"]["name"] == "Phạm Thị Hoa"
    assert edited["officer"] == "Lan" and entries[2]["officer"] == "Officer Test"
    assert edited["before"]["school"] is None
    assert edited["after"]["school"] == "THCS Nguyễn Văn Linh"
    assert "name" not in edited["after"], "an edit logs only the fields that changed"
    recorded, voided = entries[4], entries[5]
    assert recorded["target"] == handout and recorded["after"]["count"] == 1
    assert voided["before"]["voided_at"] is None
    assert voided["after"]["void_reason"] == "wrong child"
    assert entries[7]["after"] == {"unit_value_vnd": 20000}


def test_log_filters_by_officer_and_date(ok):
    ok("record", "meal", "-n", "1", "--by", "Lan")
    ok("record", "meal", "-n", "2", "--by", "Minh")
    assert [e["officer"] for e in log(ok, "--by", "Minh")] == ["Minh"]
    assert len(log(ok, "--since", "today")) == 2
    assert log(ok, "--since", "2000-01-01") == log(ok)
    table = ok("log").stdout
    assert "handout.record" in table and "Minh" in table


def test_log_refuses_a_bad_date(run):
    result = run("log", "--since", "30/02/2023")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_failed_changes_leave_no_log_entry(ok, run):
    ok("record", "meal", "-n", "1")
    assert run("record", "meal", "-n", "0").exit_code == 2
    assert run("handout", "void", "ZZZZZZZZ", "--reason", "x").exit_code == 1
    assert len(log(ok)) == 1


def test_triggers_refuse_update_and_delete_of_the_audit_log(ok, db_path):
    ok("record", "meal", "-n", "1")
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute("UPDATE audit_log SET officer = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        conn.execute("DELETE FROM audit_log")
    conn.close()
    assert log(ok)[0]["officer"] == "Officer Test"


def test_restore_is_logged(ok, tmp_path, db_path):
    ok("record", "meal", "-n", "1")
    backup = ok("backup", str(tmp_path)).stdout.strip()
    ok("restore", backup, "--yes", "--by", "Head of station")
    entries = log(ok)
    assert entries[-1]["action"] == "restore"
    assert entries[-1]["officer"] == "Head of station"
    assert entries[-1]["target"] == backup.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]


def test_schema_holds_an_audit_table(db_path, ok):
    ok("record", "meal", "-n", "1")
    with db.open_for_read(db_path) as ledger:
        names = {r[0] for r in ledger.conn.execute("SELECT name FROM sqlite_master")}
    assert {"audit_log", "audit_log_never_updated", "audit_log_never_deleted"} <= names
