"""Handouts: what was given, when, to whom. Recorded once, never edited; a mistake is voided."""

import datetime as dt
import getpass
import os
import sqlite3
from collections.abc import Iterator

from heartlink import audit, beneficiaries, ids
from heartlink.catalogue import get_kind, get_programme
from heartlink.db import Ledger, utc_now
from heartlink.errors import HeartlinkError, InputError
from heartlink.text import (
    check_money,
    clean,
    parse_count,
    parse_date,
    parse_money,
    parse_year,
    require_text,
)

OFFICER_ENV = "HEARTLINK_OFFICER"
FIND_HINT = "find it with `heartlink handout list`"


def officer_name(given: str | None = None) -> str:
    """Who is recording: --by, then HEARTLINK_OFFICER, then the login name."""
    name = given or os.environ.get(OFFICER_ENV)
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name on some service accounts and containers
            name = "unknown"
    return require_text(name, "officer name")


def record(
    ledger: Ledger,
    kind: str,
    *,
    count: str | int,
    officer: str,
    date: str | None = None,
    to: str | None = None,
    programme: str | None = None,
    place: str | None = None,
    value: str | int | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """Record one handout. The value defaults to count × the kind's unit value, when it has one."""
    if to is not None and not to.strip():
        raise InputError("the beneficiary (--to) is empty; give an id or code, or leave it out")
    on = parse_date(date, today) if date else (today or dt.date.today())
    row = {
        "date": on.isoformat(),
        "year": on.year,
        "count": parse_count(count),
        "value_vnd": None if value is None else parse_money(value),
        "place": clean(place or "") or None,
        "note": clean(note or "") or None,
        "officer": officer,
    }
    with ledger.write() as conn:
        found = get_kind(conn, kind)
        row["kind"] = found["slug"]
        row["programme"] = (
            get_programme(conn, programme)["slug"] if programme else found["programme"]
        )
        row["beneficiary_id"] = beneficiaries.resolve_active(conn, to) if to else None
        if row["value_vnd"] is None and found["unit_value_vnd"] is not None:
            row["value_vnd"] = row["count"] * found["unit_value_vnd"]
            check_money(row["value_vnd"], "value (count × the kind's unit value)")
        row["id"] = ids.new_id()
        row["created_at"] = utc_now()
        conn.execute(
            f"INSERT INTO handout ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
            tuple(row.values()),
        )
        audit.append(conn, audit.HANDOUT_RECORD, officer=officer, target=row["id"], after=row)
        return get(conn, row["id"])


def void(ledger: Ledger, ref: str, *, reason: str, officer: str) -> dict:
    """Mark a handout as a mistake. Totals leave it out; it stays in the ledger."""
    reason = require_text(reason, "reason")
    with ledger.write() as conn:
        handout_id = ids.resolve(conn, "handout", ref, "handout", FIND_HINT)
        before = get(conn, handout_id)
        if before["voided"]:
            raise HeartlinkError(f"handout {ids.short_code(handout_id)} is already voided")
        conn.execute(
            "UPDATE handout SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?",
            (utc_now(), officer, reason, handout_id),
        )
        after = get(conn, handout_id)
        audit.append(
            conn,
            audit.HANDOUT_VOID,
            officer=officer,
            target=handout_id,
            before=before,
            after=after,
        )
        return after


_SELECT = """
SELECT h.id, h.date, h.kind, h.count, k.unit_en AS unit, h.programme, h.beneficiary_id,
       h.value_vnd, h.place, h.note, h.officer, h.created_at, h.voided_at, h.voided_by,
       h.void_reason
FROM handout h JOIN kind k ON k.slug = h.kind
"""


def _handout(row: sqlite3.Row) -> dict:
    handout = dict(row)
    handout["code"] = ids.short_code(row["id"])
    handout["beneficiary"] = row["beneficiary_id"] and ids.short_code(row["beneficiary_id"])
    handout["voided"] = row["voided_at"] is not None
    return handout


def get(conn: sqlite3.Connection, handout_id: str) -> dict:
    return _handout(conn.execute(_SELECT + " WHERE h.id = ?", (handout_id,)).fetchone())


def search(
    conn: sqlite3.Connection,
    *,
    year: int | str | None = None,
    kind: str | None = None,
    to: str | None = None,
    programme: str | None = None,
    with_voided: bool = False,
) -> Iterator[dict]:
    """Handouts matching every filter given, oldest first, streamed."""
    where, params = [], []
    if year is not None:
        where.append("h.year = ?")
        params.append(parse_year(year))
    if kind:
        where.append("h.kind = ?")
        params.append(get_kind(conn, kind)["slug"])
    if to:
        where.append("h.beneficiary_id = ?")
        params.append(beneficiaries.resolve(conn, to))
    if programme:
        where.append("h.programme = ?")
        params.append(get_programme(conn, programme)["slug"])
    if not with_voided:
        where.append("h.voided_at IS NULL")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY h.date, h.id"
    for row in conn.execute(sql, params):
        yield _handout(row)
