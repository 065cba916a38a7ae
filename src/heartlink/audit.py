"""The audit trail: every change appended, in the same transaction as the change itself.

Entries hold the fields before and after, so they are as sensitive as the records; they live in
the database file and leave it only through `heartlink log`.
"""

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator

from heartlink.db import utc_now
from heartlink.text import parse_date

# Actions, as they appear in the log.
BENEFICIARY_ADD = "beneficiary.add"
BENEFICIARY_EDIT = "beneficiary.edit"
BENEFICIARY_ARCHIVE = "beneficiary.archive"
BENEFICIARY_UNARCHIVE = "beneficiary.unarchive"
HANDOUT_RECORD = "handout.record"
HANDOUT_VOID = "handout.void"
KIND_ADD = "kind.add"
KIND_EDIT = "kind.edit"
PROGRAMME_ADD = "programme.add"
IMPORT = "import"
RESTORE = "restore"


def _changed_only(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """For an edit, keep only the fields that changed (the rest is noise in a log)."""
    if before is None or after is None:
        return before, after
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def append(
    conn: sqlite3.Connection,
    action: str,
    *,
    officer: str,
    target: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Append one entry. Must run inside the transaction that makes the change."""
    before, after = _changed_only(before, after)
    conn.execute(
        "INSERT INTO audit_log (at, officer, action, target, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            utc_now(),
            officer,
            action,
            target,
            None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
            None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
        ),
    )


def entries(
    conn: sqlite3.Connection, *, since: str | None = None, officer: str | None = None
) -> Iterator[dict]:
    """Log entries, oldest first; `since` is a date (entries from that day on, UTC)."""
    where, params = [], []
    if since:
        day: dt.date = parse_date(since)
        where.append("at >= ?")
        params.append(day.isoformat())
    if officer:
        where.append("officer = ?")
        params.append(officer)
    sql = "SELECT id, at, officer, action, target, before, after FROM audit_log"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    for row in conn.execute(sql, params):
        entry = dict(row)
        for key in ("before", "after"):
            entry[key] = None if entry[key] is None else json.loads(entry[key])
        yield entry
