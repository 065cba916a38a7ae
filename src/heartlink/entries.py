"""Append-only entries (handouts; donations and spending next): recorded once, with their
audit entry in the same transaction; never edited; voided once, with a reason, by whom and
when (`voided_at`, `voided_by`, `void_reason`), a void audited too; and left out of every
total once voided (`counts`).
"""

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from typing import NamedTuple

from heartlink import audit, ids, stations
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError
from heartlink.i18n import _
from heartlink.nouns import Noun
from heartlink.text import require_text

# The columns a void sets, and only a void: an entry is inserted without them.
VOID_COLUMNS = ("voided_at", "voided_by", "void_reason")


def search(
    conn: sqlite3.Connection, select: str, alias: str, equal: dict, *, with_voided: bool
) -> Iterable[sqlite3.Row]:
    """The rows of `select` (a noun's entries as `alias`) whose columns equal each value of
    `equal` that is given (None: any), only those that count unless `with_voided`, oldest
    first, streamed."""
    given = {column: value for column, value in equal.items() if value is not None}
    conditions = [f"{alias}.{column} = ?" for column in given]
    if not with_voided:
        conditions.append(counts(alias))
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return conn.execute(f"{select}{where} ORDER BY {alias}.date, {alias}.id", list(given.values()))


def counts(alias: str | None = None) -> str:
    """The SQL condition of the entries that count in totals: those not voided (`alias` names
    the entries' table in the query)."""
    return f"{alias + '.' if alias else ''}voided_at IS NULL"


def insert_columns(noun: Noun) -> tuple[str, ...]:
    """Every column a new entry is inserted with, by hand or by import: its record's columns
    (the void's are set by a void only) and the columns stored with it."""
    return (
        *(f.column for f in noun.fields if f.column and f.column not in VOID_COLUMNS),
        *noun.stored,
    )


def inserter(noun: Noun, table: str) -> Callable[[sqlite3.Connection, Iterable[dict]], None]:
    """The insert of checked entries of `noun` into `table`: dicts with every one of its
    insert_columns."""
    columns = insert_columns(noun)
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _c in columns)})"
    )

    def insert(conn: sqlite3.Connection, rows: Iterable[dict]) -> None:
        conn.executemany(statement, (tuple(row.get(c) for c in columns) for row in rows))

    return insert


def select(noun: Noun, source: str, alias: str) -> str:
    """The SELECT of a noun's record from `source` (its table as `alias`, with joins)."""
    fields = ", ".join(
        f"{f.sql} AS {f.name}" if f.sql else f"{alias}.{f.column}"
        for f in noun.fields
        if f.column or f.sql
    )
    return f"SELECT {fields} FROM {source}"


def entry_record(row: sqlite3.Row, **codes: str) -> dict:
    """An entry's row as its record: with its `code`, `voided`, and for each key of `codes`
    the short code of the id in that column (None when empty): `beneficiary="beneficiary_id"`."""
    record = dict(row)
    record["code"] = ids.short_code(row["id"])
    for key, column in codes.items():
        record[key] = row[column] and ids.short_code(row[column])
    record["voided"] = row["voided_at"] is not None
    return record


class Entries(NamedTuple):
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

    def add(
        self,
        ledger: Ledger,
        rules: type,
        given: dict,
        *,
        officer: str,
        today: dt.date | None = None,
        link: Callable[[sqlite3.Connection, dict], Callable | None] | None = None,
    ) -> dict:
        """Check `given` with `rules` (a class like handouts.HandoutRules) and record it in
        one write transaction. What needs no database is checked first, so that bad input
        neither opens nor creates one; the first problem found is raised.

        `link`, given the checked row in the same transaction, may refuse or adjust it and
        returns what to do once the entry is recorded (a sponsorship's link row), or None."""
        _values, problems = rules.check_values(given, today or dt.date.today())
        if problems:
            raise problems[0][1]
        with ledger.write() as conn:
            for_station = stations.check_recording(conn)
            row, problems = rules(conn, today).check(given)
            if problems:
                raise problems[0][1]
            finish = link(conn, row) if link is not None else None
            row.update(id=ids.new_id(), officer=officer, created_at=utc_now())
            entry = self.record(conn, row, officer=officer)
            if for_station is not None:
                entry["station"] = for_station
            return finish(conn, entry) if finish is not None else entry

    def void(self, ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
        """Mark an entry as a mistake, once: totals leave it out; it stays in the ledger."""
        reason = require_text(reason, "reason")
        with ledger.write() as conn:
            entry_id = ids.resolve(conn, self.table, ref, self.noun, self.find_hint)
            stations.check_own_entry(conn, self.table, entry_id, self.noun)
            before = self.get(conn, entry_id)
            if before["voided"]:
                raise HeartlinkError(
                    _("{noun} {code} is already voided").format(
                        noun=self.noun, code=ids.short_code(entry_id)
                    )
                )
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
