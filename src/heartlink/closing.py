"""Closing a year (khóa sổ): once the yearly report has gone to the ward, its figures must not
move, and a reader must be able to prove later that they are still the ledger's.

A closing (table `year_closing`, migration 0012) belongs to the file's own station and records
the year's totals (handouts as `report` has them, funds as `funds` has them, stock), how many
records it covers, the hash below and the audit chain's head at closing. While the year is
closed, SQLite triggers refuse every handout, donation or spending line dated in it, added or
voided, whatever the path (record, void, receive, spend, import). `reopen` appends a
reopening (table `year_reopening`) with its reason; closing the year again is a new closing,
with a new hash. Nothing of either table is ever changed or deleted.

Closings travel with a station's records to a roll-up (heartlink.merging), which holds those
records reduced (no places, notes, void reasons…): there the hash cannot be recomputed, so a
closing made elsewhere (one this file's audit log did not record) is verified by its figures
instead (`merged_year_changes`).

The hash, so that another implementation can recompute it: SHA-256, in lowercase hex, of the
UTF-8 bytes of one line per record, each line ended by a line feed ("\\n"). The records are the
year's (`year` column) handouts, then its donations, then its spending, voided ones included,
each table's rows in ascending order of `id` (byte order). A line is the JSON array of the
table's name and the record's columns, in the order of RECORD_COLUMNS below, written as
Python's `json.dumps(line, ensure_ascii=False, separators=(",", ":"))` writes it: no spaces,
integers in decimal, NULL as null, text as JSON strings with only `"`, `\\` and control
characters escaped (\\n, \\r, \\t, \\b, \\f, others as \\u00xx) and every other character as
itself. For example:

    ["handout","01HGW2N7EXAMPLE0000000000","2023-03-06",2023,"meal","meals",null,120,null,…]

A year with no records hashes the empty text (e3b0c442…). The columns, in order:

- handout: id, date, year, kind, programme, beneficiary_id, count, value_vnd, place, note,
  officer, created_at, import_key, voided_at, voided_by, void_reason;
- donation: id, date, year, donor_id, kind, programme, count, value_vnd, method, reference,
  note, officer, created_at, import_key, voided_at, voided_by, void_reason;
- spending: id, date, year, programme, amount_vnd, purpose, buys_kind, quantity, reference,
  note, officer, created_at, import_key, voided_at, voided_by, void_reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3

from heartlink import audit, ids, seals, stations
from heartlink.db import utc_now
from heartlink.entries import VOID_COLUMNS
from heartlink.errors import HeartlinkError, InputError
from heartlink.i18n import Formatter, _
from heartlink.text import parse_year

# The columns of each table a closing's hash covers, in its order: those of its seal
# (heartlink.seals, a fixed format) but the rowid, which differs between copies of the same
# records, then the void's.
RECORD_COLUMNS = {table: (*columns[1:], *VOID_COLUMNS) for table, columns in seals.CHUNKED.items()}


# What a merged reopening holds for its reason, which stays at the station (heartlink.merging).
REASON_AT_STATION = "(kept at the station)"


class YearClosed(HeartlinkError):
    """A record dated in a closed year was to be added or voided. Nothing was saved."""


def year_hash(
    conn: sqlite3.Connection, year: int, station_id: str | None = None
) -> tuple[str, dict[str, int]]:
    """The hash of the year's records (see the module's docstring) of the file's own station
    (its records have no station_id), or of the merged station `station_id`, and how many of
    each table it covers. Reads only; works on any connection (no row factory needed).

    SQLite's json_array writes each line: for the INTEGER and TEXT values heartlink stores it
    gives exactly the bytes of the json.dumps form the docstring defines (tests hold the two
    together), at a third of the cost of encoding each row in Python."""
    digest = hashlib.sha256()
    records = dict.fromkeys(RECORD_COLUMNS, 0)
    for table, columns in RECORD_COLUMNS.items():
        lines = conn.execute(
            f"SELECT json_array('{table}', {', '.join(columns)}) FROM {table}"
            " WHERE year = ? AND station_id IS ? ORDER BY id",
            (year, station_id),
        )
        for (line,) in lines:
            digest.update(line.encode() + b"\n")
            records[table] += 1
    return digest.hexdigest(), records


def year_totals(conn: sqlite3.Connection, year: int) -> dict:
    """The figures a closing keeps: {"handouts": the report's "totals", "programmes" and
    "overall"; "funds": each fund's balances and their "total"; "stock": each tracked kind}."""
    from heartlink import funds, reports

    report = reports.yearly(conn, year)
    balances = funds.balances(conn, year)
    return {
        "handouts": {key: report[key] for key in ("totals", "programmes", "overall")},
        "funds": {"programmes": balances["programmes"], "total": balances["total"]},
        "stock": funds.stock(conn, year),
    }


def _own_station(conn: sqlite3.Connection) -> stations.Station:
    station = stations.own(conn)
    if station is None:
        raise HeartlinkError(
            _(
                "a year is closed for the file's station, and this file has none yet; set it "
                "with `heartlink station set --name … --code …`, then close the year"
            )
        )
    return station


def _open_closing(conn: sqlite3.Connection, station_id: str, year: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT c.* FROM year_closing c JOIN closed_year k ON k.closing_id = c.id"
        " WHERE c.station_id = ? AND c.year = ?",
        (station_id, year),
    ).fetchone()


def close(
    conn: sqlite3.Connection, year: int | str, *, officer: str, note: str | None = None
) -> dict:
    """Close YEAR for the file's station, inside the caller's write transaction, audited
    (YEAR_CLOSE); returns the closing as `describe` gives it."""
    from heartlink.text import optional_text

    year = parse_year(year)
    if year > dt.date.today().year:
        raise InputError(
            _("YEAR: {year} has not begun; a year can be closed once it has").format(year=year)
        )
    note = optional_text(note, "note")
    station = _own_station(conn)
    if _open_closing(conn, station.id, year) is not None:
        raise HeartlinkError(
            _("{year} is already closed; see `heartlink report {year}`").format(year=year)
        )
    # The figures a closing vouches for must be the ones heartlink recorded.
    verified = audit.verify(conn)
    if not verified["ok"]:
        raise HeartlinkError(
            _(
                "the ledger does not match its audit log ({count} finding(s)); a year is not "
                "closed over records changed outside heartlink. Run `heartlink check`"
            ).format(count=len(verified["findings"]))
        )
    head = verified["head"]
    digest, records = year_hash(conn, year)
    closing = {
        "id": ids.new_id(),
        "station_id": station.id,
        "year": year,
        "closed_at": utc_now(),
        "officer": officer,
        "note": note,
        "hash": digest,
        "records": json.dumps(records, separators=(",", ":")),
        "totals": json.dumps(year_totals(conn, year), ensure_ascii=False, separators=(",", ":")),
        "chain_entry": head["entry"],
        "chain_hash": head["hash"],
    }
    conn.execute(
        f"INSERT INTO year_closing ({', '.join(closing)}) VALUES ({', '.join('?' * len(closing))})",
        tuple(closing.values()),
    )
    audit.append(
        conn,
        audit.YEAR_CLOSE,
        officer=officer,
        target=closing["id"],
        after={
            "year": year,
            "station": station.code,
            "hash": digest,
            "note": note,
            "chain_hash": head["hash"],
        },
    )
    return describe(_get(conn, closing["id"]), station.code)


def reopen(conn: sqlite3.Connection, year: int | str, *, reason: str, officer: str) -> dict:
    """Reopen YEAR of the file's station, inside the caller's write transaction, audited
    (YEAR_REOPEN): its records can be added and voided again; the closing stays, reopened."""
    from heartlink.text import require_text

    year = parse_year(year)
    reason = require_text(reason, "reason")
    station = _own_station(conn)
    closing = _open_closing(conn, station.id, year)
    if closing is None:
        raise HeartlinkError(
            _(
                "{year} is not closed; nothing to reopen (`heartlink close {year}` closes it)"
            ).format(year=year)
        )
    reopening = {
        "id": ids.new_id(),
        "closing_id": closing["id"],
        "reopened_at": utc_now(),
        "officer": officer,
        "reason": reason,
    }
    conn.execute(
        "INSERT INTO year_reopening (id, closing_id, reopened_at, officer, reason)"
        " VALUES (:id, :closing_id, :reopened_at, :officer, :reason)",
        reopening,
    )
    audit.append(
        conn,
        audit.YEAR_REOPEN,
        officer=officer,
        target=reopening["id"],
        after={"year": year, "station": station.code, "closing": closing["id"], "reason": reason},
    )
    return {
        "id": reopening["id"],
        "year": year,
        "station": station.code,
        "reopened_at": reopening["reopened_at"],
        "by": officer,
        "reason": reason,
        "closed_at": closing["closed_at"],
        "hash": closing["hash"],
    }


def _get(conn: sqlite3.Connection, closing_id: str) -> sqlite3.Row:
    return conn.execute("SELECT * FROM year_closing WHERE id = ?", (closing_id,)).fetchone()


def describe(row: sqlite3.Row, station_code: str) -> dict:
    """A closing as `close --format json` gives it."""
    return {
        "id": row["id"],
        "year": row["year"],
        "station": station_code,
        "closed_at": row["closed_at"],
        "by": row["officer"],
        "note": row["note"],
        "hash": row["hash"],
        "records": json.loads(row["records"]),
        "totals": json.loads(row["totals"]),
        "chain_head": {"entry": row["chain_entry"], "hash": row["chain_hash"]},
    }


def state(conn: sqlite3.Connection, year: int, station_id: str | None = None) -> dict:
    """Whether YEAR of the file's station (or of the merged station `station_id`) is closed,
    for a report or statement: {"closed": {"closed_at", "by", "hash", "note"} or None,
    "reopened": [{"closed_at", "hash", "reopened_at", "by", "reason"}, …] oldest first}."""
    station = "s.is_own = 1" if station_id is None else "s.id = :station"
    rows = conn.execute(
        "SELECT c.closed_at, c.officer, c.hash, c.note, r.reopened_at, r.officer, r.reason"
        f" FROM year_closing c JOIN station s ON s.id = c.station_id AND {station}"
        " LEFT JOIN year_reopening r ON r.closing_id = c.id"
        " WHERE c.year = :year ORDER BY c.closed_at, c.id",
        {"year": year, "station": station_id},
    ).fetchall()
    closed, reopened = None, []
    for closed_at, by, digest, note, reopened_at, reopened_by, reason in rows:
        if reopened_at is None:
            closed = {"closed_at": closed_at, "by": by, "hash": digest, "note": note}
        else:
            reopened.append(
                {
                    "closed_at": closed_at,
                    "hash": digest,
                    "reopened_at": reopened_at,
                    "by": reopened_by,
                    "reason": reason,
                }
            )
    return {"closed": closed, "reopened": reopened}


def stated(conn: sqlite3.Connection, year: int, station_id: str | None = None) -> dict:
    """`state` for a report's or statement's object, only for a year that was ever closed: a
    year never closed reports as it always has."""
    found = state(conn, year, station_id)
    return found if found["closed"] or found["reopened"] else {}


def merged_states(conn: sqlite3.Connection, year: int) -> list[tuple[str, dict]]:
    """(code, `stated`) of each merged station whose YEAR was ever closed, by code."""
    return [
        (station.code, found)
        for station in stations.merged(conn)
        if (found := stated(conn, year, station.id))
    ]


def state_lines(state: dict, fmt: Formatter, *, printed: bool = False) -> list[str]:
    """The lines for people a report or statement of a closed (or reopened) year ends with;
    `printed` (a PDF, a workbook) gives the closing's hash by its first 16 characters."""
    lines = [
        _("Closed on {closed} (hash {hash}…), reopened on {reopened} by {by}: {reason}").format(
            closed=fmt.date(reopened["closed_at"][:10]),
            hash=reopened["hash"][:16],
            reopened=fmt.date(reopened["reopened_at"][:10]),
            by=reopened["by"],
            reason=_("its reason is kept at the station")
            if reopened["reason"] == REASON_AT_STATION
            else reopened["reason"],
        )
        for reopened in state.get("reopened", [])
    ]
    closed = state.get("closed")
    if closed:
        lines.append(
            _("Closed on {closed} by {by}; hash {hash}").format(
                closed=fmt.date(closed["closed_at"][:10]),
                by=closed["by"],
                hash=closed["hash"][:16] + "…" if printed else closed["hash"],
            )
        )
    return lines


def closed_years(conn: sqlite3.Connection) -> set[int]:
    """The years of the file's station closed now."""
    rows = conn.execute(
        "SELECT c.year FROM closed_year c JOIN station s ON s.id = c.station_id AND s.is_own = 1"
    )
    return {row[0] for row in rows}


def refusal(year: int) -> str:
    """What a record dated in closed YEAR is refused with."""
    return _(
        "{year} is closed (its figures went to the ward); nothing was saved. Record the "
        "correction in an open year, or reopen it with `heartlink reopen {year} --reason …`"
    ).format(year=year)


def refused(conn: sqlite3.Connection) -> YearClosed:
    """The error for a write the closed-year triggers refused: which record's year is not
    known there, so it names the closed year when there is one, else every closed year."""
    years = sorted(closed_years(conn))
    if len(years) == 1:
        return YearClosed(refusal(years[0]))
    return YearClosed(
        _(
            "the record is dated in a closed year ({years}); nothing was saved. Record the "
            "correction in an open year, or reopen its year with "
            "`heartlink reopen YEAR --reason …`"
        ).format(years=", ".join(str(year) for year in years) or "?")
    )


def verify(conn: sqlite3.Connection) -> list[dict]:
    """Each closed year (of any station) whose records changed since it was closed:
    [{"kind": "closed year", "target": the year, "detail"}]. A closing made in this file is
    checked by its hash; one merged from elsewhere by its figures (`merged_year_changes`).
    Reads only; a plain connection will do."""
    findings = []
    closings = conn.execute(
        "SELECT c.id, c.year, c.closed_at, c.hash, c.records, c.totals, s.code, c.station_id,"
        " s.is_own FROM year_closing c JOIN closed_year k ON k.closing_id = c.id"
        " LEFT JOIN station s ON s.id = c.station_id ORDER BY c.year"
    ).fetchall()
    made_here = {
        row[0]
        for row in conn.execute(
            "SELECT target FROM audit_log WHERE action = ?", (audit.YEAR_CLOSE,)
        )
    }
    for closing_id, year, closed_at, sealed, records, totals, code, station_id, is_own in closings:
        records_of = None if is_own else station_id
        then = _json(records)
        names = {"year": year, "code": code or "?", "day": closed_at[:10], "hash": sealed[:16]}
        if closing_id in made_here:
            try:
                digest, now = year_hash(conn, year, records_of)
            except sqlite3.Error:  # a value JSON cannot hold (a BLOB): the content check names it
                digest, now = "", dict.fromkeys(RECORD_COLUMNS, "?")
            if digest == sealed:
                continue
            detail = _(
                "the records of {year} (station {code}) changed since it was closed on {day}: "
                "they no longer match its hash {hash}…"
            ).format(**names)
        else:
            now, differ = merged_year_changes(conn, year, records_of, then, _json(totals))
            if not differ:
                continue
            detail = _(
                "the records of {year} (station {code}) changed since its closing of {day} was "
                "merged: they no longer match its figures ({figures}); hash {hash}…"
            ).format(figures=", ".join(differ), **names)
        counts = ", ".join(
            _("{table}: {then} then, {now} now").format(
                table=table, then=then.get(table, "?"), now=now[table]
            )
            for table in RECORD_COLUMNS
            if then.get(table) != now[table]
        )
        findings.append(
            {
                "kind": "closed year",
                "target": str(year),
                "detail": detail + (f" ({counts})" if counts else ""),
            }
        )
    return findings


def _json(text: str) -> dict:
    try:
        found = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def merged_year_changes(
    conn: sqlite3.Connection, year: int, station_id: str | None, records: dict, totals: dict
) -> tuple[dict[str, int], list[str]]:
    """A closing merged from elsewhere against the records here of its station and year, as
    they arrived reduced: how many records of each table (voided ones included) the year holds
    now, and which of the closing's figures they no longer give: "records" (a record arrived
    since), "handouts of KIND" (count and handouts, voids left out), "money received" and
    "money spent" (the funds' totals)."""
    where = "year = ? AND station_id IS ?"
    now = {
        table: conn.execute(
            f"SELECT count(*) FROM {table} WHERE {where}", (year, station_id)
        ).fetchone()[0]
        for table in RECORD_COLUMNS
    }
    differ = ["records"] if any(records.get(table) != now[table] for table in now) else []
    handouts = totals.get("handouts", {}).get("totals", [])
    then_kinds = {row.get("kind"): [row.get("count"), row.get("handouts")] for row in handouts}
    now_kinds = {
        kind: [count, number]
        for kind, count, number in conn.execute(
            f"SELECT kind, sum(count), count(*) FROM handout WHERE {where} AND voided_at IS NULL"
            " GROUP BY kind",
            (year, station_id),
        )
    }
    differ += [
        _("handouts of {kind}").format(kind=kind)
        for kind in sorted({*then_kinds, *now_kinds}, key=str)
        if then_kinds.get(kind) != now_kinds.get(kind)
    ]
    money = totals.get("funds", {}).get("total", {})
    for figure, label, sql in (
        (
            "received_vnd",
            _("money received"),
            f"SELECT coalesce(sum(count), 0) FROM donation WHERE {where} AND kind = 'cash'",
        ),
        (
            "spent_vnd",
            _("money spent"),
            f"SELECT coalesce(sum(amount_vnd), 0) FROM spending WHERE {where}",
        ),
    ):
        found = conn.execute(f"{sql} AND voided_at IS NULL", (year, station_id)).fetchone()[0]
        if money.get(figure, 0) != found:
            differ.append(label)
    return now, differ
