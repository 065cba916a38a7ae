"""Append-only entries (handouts; donations and spending next): recorded once, with their
audit entry in the same transaction; never edited; voided once, with a reason, by whom and
when (`voided_at`, `voided_by`, `void_reason`), a void audited too; and left out of every
total once voided (`counts`).
"""

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from heartlink import audit, ids
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError
from heartlink.text import require_text

if TYPE_CHECKING:
    from heartlink.nouns import Noun

# The columns a void sets, and only a void: an entry is inserted without them.
VOID_COLUMNS = ("voided_at", "voided_by", "void_reason")


def inserter(noun: "Noun", table: str) -> Callable[[sqlite3.Connection, Iterable[dict]], None]:
    """The insert of checked entries of `noun` into `table`: every column of its record (the
    void's are set by a void only) and the columns stored with it, read from each row dict."""
    columns = (
        *(f.column for f in noun.fields if f.column and f.column not in VOID_COLUMNS),
        *noun.stored,
    )
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

    def insert(conn: sqlite3.Connection, rows: Iterable[dict]) -> None:
        conn.executemany(sql, (tuple(row.get(c) for c in columns) for row in rows))

    return insert


def where(conditions: list[str], alias: str, *, with_voided: bool) -> str:
    """The WHERE clause (or nothing) of a search of entries: `conditions`, and unless
    `with_voided`, only the entries that count."""
    conditions = conditions if with_voided else [*conditions, counts(alias)]
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def counts(alias: str | None = None) -> str:
    """The SQL condition of the entries that count in totals: those not voided (`alias` names
    the entries' table in the query)."""
    return f"{alias + '.' if alias else ''}voided_at IS NULL"


@dataclass(frozen=True)
class Entries:
    """One table of append-only entries, and the audit actions of its two changes.

    `insert` adds checked rows (each with its id); `get` reads one entry as a record, with
    `code` and `voided`.
    """

    noun: str
    table: str
    recorded: str  # the audit action of a new entry
    voided: str  # the audit action of a void
    find_hint: str
    insert: Callable[[sqlite3.Connection, Iterable[dict]], None]
    get: Callable[[sqlite3.Connection, str], dict]

    def record(self, conn: sqlite3.Connection, row: dict, *, officer: str) -> dict:
        """Insert one checked entry and its audit entry, inside the caller's write
        transaction; returns the entry as recorded."""
        self.insert(conn, [row])
        audit.append(conn, self.recorded, officer=officer, target=row["id"], after=row)
        return self.get(conn, row["id"])

    def void(self, ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
        """Mark an entry as a mistake, once: totals leave it out; it stays in the ledger."""
        reason = require_text(reason, "reason")
        with ledger.write() as conn:
            entry_id = ids.resolve(conn, self.table, ref, self.noun, self.find_hint)
            before = self.get(conn, entry_id)
            if before["voided"]:
                raise HeartlinkError(f"{self.noun} {ids.short_code(entry_id)} is already voided")
            assignments = ", ".join(f"{column} = ?" for column in VOID_COLUMNS)
            conn.execute(
                f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                (utc_now(), officer, reason, entry_id),
            )
            after = self.get(conn, entry_id)
            audit.append(
                conn, self.voided, officer=officer, target=entry_id, before=before, after=after
            )
            return after
