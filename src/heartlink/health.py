"""`heartlink check`: is the database sound, and do its backups still match their checksums."""

import sqlite3
from pathlib import Path

from heartlink import backup, db, soundness, summaries
from heartlink.errors import DatabaseError


def _check_totals(conn: sqlite3.Connection) -> tuple[bool, str]:
    """Whether the yearly totals kept for reports agree with the handouts."""
    wrong = summaries.differences(conn)
    if not wrong:
        return True, "yearly totals agree with the handouts"
    return False, (
        f"{wrong} row(s) of the yearly totals disagree with the handouts; reports may be wrong"
        " until `heartlink db rebuild-totals` recomputes them"
    )


def check(db_path: Path) -> list[dict]:
    """Integrity, foreign keys, schema and yearly totals of the database, and the checksum of
    every backup in its default backup folder. Each check: {"check", "ok", "detail"}. Reads
    only."""
    results: list[dict] = []

    def note(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": ok, "detail": detail})

    if not db_path.is_file():
        note("database", False, f"no database at {db_path}")
        return results
    conn = sqlite3.connect(db.sqlite_uri(db_path, mode="ro"), uri=True)
    try:
        try:
            version = db.schema_version(conn, db_path)
        except DatabaseError as exc:
            note("schema", False, str(exc))
            return results
        note(
            "schema",
            True,
            f"version {version}"
            + ("" if version == db.SCHEMA_VERSION else ", upgraded on the next write"),
        )
        try:
            soundness.check_sound(conn, "the database")
            note("integrity", True, "integrity and foreign keys ok")
        except DatabaseError as exc:
            note("integrity", False, str(exc))
        else:
            note("content", *soundness.content_verdict(conn))
            if version == db.SCHEMA_VERSION:
                note("totals", *_check_totals(conn))
                note("tables", *soundness.schema_verdict(conn))
    finally:
        conn.close()
    folder = backup.default_folder(db_path)
    found = backup.backups_in(folder)
    if not found:
        note("backups", True, f"no backups in {folder}")
    for path in found:
        status = backup.checksum_status(path)
        note(f"backup {path.name}", status == "ok", backup.describe_checksum(status))
    note("partial files", *backup.leftovers_verdict(db_path))
    return results
