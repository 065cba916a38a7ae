"""The audit trail: every change appended, in the same transaction as the change itself.

Entries hold the fields before and after, so they are as sensitive as the records; they live in
the database file and leave it only through `heartlink log`.

The log is a hash chain (migration 0007). Each entry stores `prev_hash`, the hash of the entry
before it (the first one: the hash of the baseline, see below), and `hash`, the SHA-256 in hex
of the UTF-8 JSON array

    [id, at, officer, action, target, before, after, seal, prev_hash]

written with `json.dumps(…, ensure_ascii=False, separators=(",", ":"))`, where before, after
and seal are the stored JSON text (or null). So an entry rewritten, removed or inserted breaks
the chain from there on. The one row of `audit_head` holds the last entry's id and hash and the
number of entries (a trigger keeps it, in the same transaction as each entry), so removing the
last entries is noticed too; it also holds the baseline, the seal of every record there was
when the chain began (heartlink.seals), whose SHA-256 is the first entry's prev_hash.
"""

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator

from heartlink import seals
from heartlink.db import utc_now
from heartlink.errors import DatabaseError
from heartlink.i18n import _
from heartlink.text import fold, parse_date

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
REBUILD_TOTALS = "db.rebuild-totals"
DONOR_ADD = "donor.add"
DONOR_EDIT = "donor.edit"
DONOR_ARCHIVE = "donor.archive"
DONOR_UNARCHIVE = "donor.unarchive"
DONATION_RECEIVE = "donation.receive"
DONATION_VOID = "donation.void"
SPENDING_RECORD = "spending.record"
SPENDING_VOID = "spending.void"
STOCK_TRACK = "kind.track-stock"
STOCK_UNTRACK = "kind.untrack-stock"
STATION_SET = "station.set"
YEAR_CLOSE = "year.close"
YEAR_REOPEN = "year.reopen"

SPONSORSHIP_ADD = "sponsorship.add"
SPONSORSHIP_CHANGE = "sponsorship.change"
SPONSORSHIP_END = "sponsorship.end"
SPONSORSHIP_LINK = "sponsorship.link"
MERGE = "merge"
BUNDLE = "bundle"

# A new entry of an append-only table, sealed by its rowid (seals.of_entry).
_ENTRIES = {HANDOUT_RECORD: "handout", DONATION_RECEIVE: "donation", SPENDING_RECORD: "spending"}

# The table of the record each action changes, sealed with its entry (a handout recorded is
# sealed by its rowid, see seals.of_entry).
_SEALS = {
    BENEFICIARY_ADD: "beneficiary",
    BENEFICIARY_EDIT: "beneficiary",
    BENEFICIARY_ARCHIVE: "beneficiary",
    BENEFICIARY_UNARCHIVE: "beneficiary",
    HANDOUT_VOID: "handout_void",
    KIND_ADD: "kind",
    KIND_EDIT: "kind",
    PROGRAMME_ADD: "programme",
    DONOR_ADD: "donor",
    DONOR_EDIT: "donor",
    DONOR_ARCHIVE: "donor",
    DONOR_UNARCHIVE: "donor",
    DONATION_VOID: "donation_void",
    SPENDING_VOID: "spending_void",
    STOCK_TRACK: "stock_kind",
    STOCK_UNTRACK: "stock_kind",
    STATION_SET: "station",
    SPONSORSHIP_ADD: "sponsorship",
    SPONSORSHIP_CHANGE: "sponsorship_change",
    SPONSORSHIP_END: "sponsorship_change",
    SPONSORSHIP_LINK: "sponsorship_payment",
    YEAR_CLOSE: "year_closing",
    YEAR_REOPEN: "year_reopening",
}


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
    added_since: seals.Mark | None = None,
    changed: dict | None = None,
) -> None:
    """Append one entry, sealing the record it changed (or, with `added_since`, every record
    added after that mark). Must run inside the transaction that makes the change."""
    before, after = _changed_only(before, after)
    if added_since is not None:
        seal = seals.added_since(conn, added_since, changed)
    elif action in _ENTRIES and target:
        seal = seals.of_entry(conn, _ENTRIES[action], target)
    elif action in _SEALS and target:
        seal = seals.of_record(conn, _SEALS[action], target)
    else:
        seal = None
    head = conn.execute("SELECT hash FROM audit_head").fetchone()
    if head is None:
        raise DatabaseError(
            _(
                "the audit log's head is missing (the file was edited outside "
                "heartlink); nothing was saved. Run `heartlink check`, and "
                "restore a backup"
            )
        )
    (entry_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()
    row = [
        entry_id,
        utc_now(),
        officer,
        action,
        target,
        _json(before),
        _json(after),
        None if seal is None else json.dumps(seal, separators=(",", ":"), sort_keys=True),
        head[0],
    ]
    conn.execute(
        "INSERT INTO audit_log (id, at, officer, action, target, before, after, seal,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, entry_hash(*row)),
    )


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def entry_hash(
    entry_id: int,
    at: str,
    officer: str,
    action: str,
    target: str | None,
    before: str | None,
    after: str | None,
    seal: str | None,
    prev_hash: str,
) -> str:
    """The hash of one entry, from its stored columns (see the module's docstring)."""
    content = [entry_id, at, officer, action, target, before, after, seal, prev_hash]
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def genesis(baseline: str) -> str:
    """The first entry's prev_hash: the hash of the baseline's stored text."""
    return hashlib.sha256(baseline.encode()).hexdigest()


def start_chain(conn: sqlite3.Connection) -> None:
    """Seal every record as it is, and hash the entries already there, in order, onto that
    baseline (migration 0007; inside its transaction, with audit_log's update trigger off)."""
    baseline = json.dumps(seals.baseline(conn), separators=(",", ":"), sort_keys=True)
    prev, last, count = genesis(baseline), None, 0
    columns = "id, at, officer, action, target, before, after, seal"
    for row in conn.execute(f"SELECT {columns} FROM audit_log ORDER BY id").fetchall():
        digest = entry_hash(*row, prev)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0])
        )
        prev, last, count = digest, row[0], count + 1
    conn.execute(
        "INSERT INTO audit_head (id, entry_id, hash, entries, baseline) VALUES (1, ?, ?, ?, ?)",
        (last, prev, count, baseline),
    )


def verify_chain(conn: sqlite3.Connection) -> tuple[list[dict], dict, list[seals.Sealed]]:
    """The chain's findings ({"kind": "chain", "target", "detail"}), its head ({"entry",
    "hash", "entries"}) and every seal in chain order, the baseline first. Reads only."""
    findings: list[dict] = []

    def found(target: str, detail: str) -> None:
        findings.append({"kind": "chain", "target": target, "detail": detail})

    heads = conn.execute("SELECT entry_id, hash, entries, baseline FROM audit_head").fetchall()
    sealed: list[seals.Sealed] = []
    if len(heads) != 1:
        found("audit_head", _("the chain's head row is missing; the log cannot be verified whole"))
        prev = None
    else:
        prev = genesis(heads[0][3])
        sealed.append(seals.Sealed("the baseline", None, _seal(heads[0][3], found, "baseline")))
    last, count = None, 0
    columns = "id, at, officer, action, target, before, after, seal, prev_hash, hash"
    for row in conn.execute(f"SELECT {columns} FROM audit_log ORDER BY id"):
        entry_id, action, target, seal = row[0], row[3], row[4], row[7]
        name = f"entry {entry_id}"
        if prev is not None and row[8] != prev:
            after = f"entry {last}" if last is not None else "the baseline"
            found(
                name,
                _("does not follow {after}: entries were removed, inserted or rewritten").format(
                    after=after
                ),
            )
        if entry_hash(*row[:9]) != row[9]:
            found(name, _("changed outside heartlink: its content no longer matches its hash"))
        if seal is not None:
            sealed.append(seals.Sealed(f"{name} ({action})", target, _seal(seal, found, name)))
        prev, last, count = row[9], entry_id, count + 1
    if heads and (heads[0][0], heads[0][1], heads[0][2]) != (last, prev, count):
        found(
            "audit_head",
            _(
                "the log ends at entry {last} ({count} entries) but its head "
                "names entry {heads} ({heads2} entries): entries were removed or "
                "added outside heartlink"
            ).format(last=last, count=count, heads=heads[0][0], heads2=heads[0][2]),
        )
    return findings, {"entry": last, "hash": prev, "entries": count}, sealed


def verify(conn: sqlite3.Connection) -> dict:
    """The chain, and every record against the seals in it: {"ok", "findings", "head"}."""
    findings, head, sealed = verify_chain(conn)
    try:
        findings += seals.verify(conn, sealed)
    except sqlite3.OperationalError as exc:
        if "BLOB" not in str(exc):
            raise
        # A seal is SQLite's JSON of the record, which cannot hold binary data: heartlink never
        # stores any, so the file was edited elsewhere. The content check names the record.
        findings.append(
            {
                "kind": "record",
                "target": "?",
                "detail": _(
                    "a record holds binary data (a BLOB) where heartlink keeps text or numbers, "
                    "so the seals cannot be checked; the content check names the record"
                ),
            }
        )
    return {"ok": not findings, "findings": findings, "head": head}


def _seal(text: str, found, name: str) -> dict:
    try:
        seal = json.loads(text)
        if isinstance(seal, dict):
            return seal
    except ValueError:
        pass
    found(name, _("its seal is not readable"))
    return {}


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
        where.append("heartlink_fold(officer) = ?")
        params.append(fold(officer))
    sql = "SELECT id, at, officer, action, target, before, after, hash FROM audit_log"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    for row in conn.execute(sql, params):
        entry = dict(row)
        for key in ("before", "after"):
            entry[key] = None if entry[key] is None else json.loads(entry[key])
        yield entry
