"""The station whose file this is: its name, code, place and head, stored in the file.

Reports, statements, receipts and workbooks are headed with the station's name; the signed
report also needs its place ("Đà Nẵng, ngày 31 tháng 12 năm 2023") and its head. The code is
what a roll-up of several stations shows; the random id, made once with the station, keeps two
stations apart when they chose the same code.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from heartlink import audit, ids
from heartlink.db import utc_now
from heartlink.errors import HeartlinkError, InputError, NotFoundError
from heartlink.i18n import _
from heartlink.text import optional_text, require_text

# Letters and digits, as stations write their short names (TKD, CAP-TKD).
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,15}")
CODE_EXAMPLE = "TKD"


class Station(NamedTuple):
    id: str
    code: str
    name: str
    place: str | None
    head: str | None


_COLUMNS = "id, code, name, place, head"


def own(conn: sqlite3.Connection) -> Station | None:
    """This file's station, or None before `heartlink station set`."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM station WHERE is_own = 1").fetchone()
    return None if row is None else Station(*row)


def parse_code(text: str) -> str:
    """A station code: letters, digits and '-', at most 16, written in capitals."""
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise InputError(
            _("--code: a station code is 1 to 16 letters, digits or '-', like {example}").format(
                example=CODE_EXAMPLE
            )
        )
    return code


def set_own(
    conn: sqlite3.Connection,
    *,
    officer: str,
    name: str | None = None,
    code: str | None = None,
    place: str | None = None,
    head: str | None = None,
    station_id: str | None = None,
) -> tuple[Station, bool]:
    """Set this file's station, inside the caller's write transaction, audited (STATION_SET).

    The first time needs a name and a code; later, only what is given changes (an empty
    --place or --head clears it); `station_id` keeps an id made elsewhere (the sample's).
    Returns the station and whether anything changed."""
    current = own(conn)
    if current is None and (name is None or code is None):
        raise InputError(
            _(
                "this file has no station yet: give both --name and --code, like "
                '`heartlink station set --name "Công an phường Thanh Khê Đông" --code TKD`'
            )
        )
    changes: dict[str, str | None] = {}
    if name is not None:
        changes["name"] = require_text(name, "name")
    if code is not None:
        changes["code"] = parse_code(code)
    if place is not None:
        changes["place"] = optional_text(place, "place")
    if head is not None:
        changes["head"] = optional_text(head, "officer name")
    now = utc_now()
    if current is None:
        station = Station(
            station_id or ids.new_id(),
            changes["code"],
            changes["name"],
            changes.get("place"),
            changes.get("head"),
        )
        conn.execute(
            "INSERT INTO station (id, code, name, place, head, is_own, created_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?)",
            (*station, now),
        )
        before = None
    else:
        station = current._replace(**changes)
        if station == current:
            return current, False
        conn.execute(
            "UPDATE station SET code = ?, name = ?, place = ?, head = ?, updated_at = ?"
            " WHERE id = ?",
            (station.code, station.name, station.place, station.head, now, station.id),
        )
        before = current._asdict()
    audit.append(
        conn,
        audit.STATION_SET,
        officer=officer,
        target=station.id,
        before=before,
        after=station._asdict(),
    )
    return station, True


def describe(station: Station | None) -> dict:
    """The station as `station show --format json` gives it (nulls before it is set)."""
    if station is None:
        return {"id": None, "code": None, "name": None, "place": None, "head": None}
    return station._asdict()


def heading(conn: sqlite3.Connection) -> str:
    """The station's name for the top of a workbook or document, or "" before it is set."""
    station = own(conn)
    return "" if station is None else station.name


def required(conn: sqlite3.Connection, what: str) -> Station:
    """The station, for a document that must name it (a signed report): refused before
    `heartlink station set`."""
    station = own(conn)
    if station is None:
        raise HeartlinkError(
            _(
                "{what} is headed with the station's name, and this file has none yet; set it "
                'with `heartlink station set --name "…" --code … --place "…" --head "…"`'
            ).format(what=what)
        )
    return station


# Several stations in one file (heartlink.merging) -------------------------------------------


def merged(conn: sqlite3.Connection) -> list[Station]:
    """The other stations whose records were merged into this file, by code."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM station WHERE is_own = 0 ORDER BY code, id")
    return [Station(*row) for row in rows]


def find(conn: sqlite3.Connection, text: str) -> Station:
    """The station of this file (its own or a merged one) with the code or id `text`."""
    wanted = text.strip()
    is_id = len(wanted) == ids.ID_LENGTH and set(wanted.upper()) <= set(ids.ALPHABET)
    if not (_CODE.fullmatch(wanted.upper()) or is_id):
        raise InputError(
            _(
                "--station: give a station's code (1 to 16 letters, digits or '-', like "
                "{example}) or its id; see `heartlink report YEAR --by station`"
            ).format(example=CODE_EXAMPLE)
        )
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM station WHERE code = ? OR id = ? ORDER BY is_own DESC, id",
        (wanted.upper(), wanted),
    ).fetchall()
    if not rows:
        raise NotFoundError(
            _(
                "--station: this file holds no station {code}; see `heartlink station show` and "
                "`heartlink report YEAR --by station`"
            ).format(code=wanted.upper())
        )
    if len(rows) > 1:
        raise InputError(
            _(
                "--station: {count} stations here share the code {code}; give the station's id "
                "instead"
            ).format(count=len(rows), code=wanted.upper())
        )
    return Station(*rows[0])


def check_recording(conn: sqlite3.Connection) -> str | None:
    """A file that gathers other stations' records takes new records only for its own station
    (they carry no station, like every station's own): refused when it has none. Returns the
    own station's code in such a file, for the confirmation to name; None in a station's
    file of its own records."""
    has_merged, own_code = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM station WHERE is_own = 0),"
        " (SELECT code FROM station WHERE is_own = 1)"
    ).fetchone()
    if not has_merged:
        return None
    if own_code is None:
        raise HeartlinkError(
            _(
                "this file gathers other stations' records and has no station of its own, so "
                "nothing can be recorded in it; record at the station and merge its file, or "
                "set this file's own station with `heartlink station set`"
            )
        )
    return own_code


def check_own_entry(conn: sqlite3.Connection, table: str, entry_id: str, noun: str) -> None:
    """A merged station's entry is read-only here: it is voided at its station, and the void
    arrives with that station's next file."""
    row = conn.execute(
        f"SELECT s.code FROM {table} e JOIN station s ON s.id = e.station_id WHERE e.id = ?",
        (entry_id,),
    ).fetchone()
    if row is not None:
        raise HeartlinkError(
            _(
                "{noun} {code} was merged from station {station} and is read-only here; void "
                "it at that station and merge its next file"
            ).format(noun=noun, code=ids.short_code(entry_id), station=row[0])
        )
