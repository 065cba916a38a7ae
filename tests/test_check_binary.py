"""A value SQLite stores as a BLOB, which heartlink never writes, put into a record by another
tool: `check` reports it among its findings instead of stopping on the seals' JSON."""

import sqlite3


def test_check_reports_a_blob_in_a_handout_instead_of_stopping(ok, run, db_path):
    ok("record", "meal", "-n", "3", "--note", "at the hospital")
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER handout_only_voided")
        conn.execute("UPDATE handout SET note = x'00ff'")
    result = run("check", "--format", "json")
    assert result.exit_code == 1, result
    assert "database error" not in result.stderr
    findings = result.json()["findings"]
    kinds = {finding["kind"] for finding in findings}
    assert {"content", "record"} <= kinds, findings
    assert any("BLOB" in finding["detail"] for finding in findings), findings
