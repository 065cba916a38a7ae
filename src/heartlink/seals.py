"""What each audit entry vouches for (its seal), and whether the records still match.

A seal is a JSON object, stored in the entry (and so covered by the entry's hash):

- `"handout"`, `"donation"`, `"spending"` (the append-only entries, see heartlink.entries):
  `[first, last, chunk, [digest, …]]`, the entries of rowids first…last, as they were added, in
  chunks of `chunk` rows: each digest covers the rows of its chunk, in rowid order. An entry
  recorded by hand is a range of one row; an import is one range (it holds the write lock, so
  its rows' rowids are contiguous).
- `"beneficiary"`, `"beneficiary_alias"`, `"kind"`, `"programme"`, `"category"`, `"donor"`,
  `"stock_kind"`, `"station"`, `"year_closing"`, `"year_reopening"`, `"handout_void"`,
  `"donation_void"`, `"spending_void"`, `"sponsorship"`, `"sponsorship_change"`,
  `"sponsorship_payment"`: `{key: digest}`, each
  record's whole state after the entry's change (a beneficiary with their categories; a voided
  entry's void columns).

A digest is the SHA-256, in hex, of SQLite's `json_array(…)` of the row's columns in the order
listed below (rows of a handout chunk joined by a line feed), cut to 32 characters for a
record, whole for a chunk. An entry's void columns are not in its chunk (a void is an audit
entry of its own); every other column is, with the rowid.

`verify` folds the seals in chain order (a later one replaces an earlier one's record) and
compares them with the records: each record that differs, has no seal, or is gone is a
finding. Reads only.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from heartlink import ids
from heartlink.i18n import _

# The seal format; a later format must keep reading this one. The columns below are part of
# it, so they are listed here rather than taken from the nouns' descriptions.
FORMAT = 1
CHUNK = 1000

HANDOUT_COLUMNS = (
    "rowid",
    "id",
    "date",
    "year",
    "kind",
    "programme",
    "beneficiary_id",
    "count",
    "value_vnd",
    "place",
    "note",
    "officer",
    "created_at",
    "import_key",
)
DONATION_COLUMNS = (
    "rowid",
    "id",
    "date",
    "year",
    "donor_id",
    "kind",
    "programme",
    "count",
    "value_vnd",
    "method",
    "reference",
    "note",
    "officer",
    "created_at",
    "import_key",
)
SPENDING_COLUMNS = (
    "rowid",
    "id",
    "date",
    "year",
    "programme",
    "amount_vnd",
    "purpose",
    "buys_kind",
    "quantity",
    "reference",
    "note",
    "officer",
    "created_at",
    "import_key",
)
# The append-only tables, sealed in chunks of rows, with the columns of their seal.
CHUNKED = {
    "handout": HANDOUT_COLUMNS,
    "donation": DONATION_COLUMNS,
    "spending": SPENDING_COLUMNS,
}
_VOIDED = "voided_at IS NOT NULL OR voided_by IS NOT NULL OR void_reason IS NOT NULL"


def _chunk_sql(table: str, with_station: bool = False) -> str:
    state = f"json_array({', '.join(CHUNKED[table])})"
    if with_station:
        # A merged station's entry is sealed with its station too; the file's own entries
        # (station_id NULL) keep the state they were sealed with before stations merged.
        state = (
            f"CASE WHEN station_id IS NULL THEN {state}"
            f" ELSE json_array({', '.join(CHUNKED[table])}, station_id) END"
        )
    return (
        f"SELECT count(*), group_concat({state}, char(10)) FROM {table} WHERE rowid BETWEEN ? AND ?"
    )


def _holds_stations(conn: sqlite3.Connection, table: str) -> bool:
    """Whether `table` has the station column of migration 0013 (a migration of an older file
    seals its entries before that column exists)."""
    found = conn.execute(
        "SELECT 1 FROM pragma_table_info(?) WHERE name = 'station_id'", (table,)
    ).fetchone()
    return found is not None


class Keyed(NamedTuple):
    """A table whose records are sealed one by one: `select` gives (key, state) for the rows
    matching `{where}`; `every` is the condition for all the rows the log must account for."""

    noun: str
    key: str
    select: str
    every: str = "1"


KEYED = {
    "beneficiary": Keyed(
        "beneficiary",
        "b.id",
        "SELECT b.id, json_array(b.id, b.name, b.is_household, b.born, b.residential_group,"
        " b.address, b.phone, b.school, b.note, b.consent, b.created_at, b.created_by,"
        " b.updated_at, b.archived_at, (SELECT group_concat(category, ';') FROM"
        " (SELECT category FROM beneficiary_category c WHERE c.beneficiary_id = b.id"
        " ORDER BY category))) FROM beneficiary b WHERE {where}",
    ),
    "beneficiary_alias": Keyed(
        "beneficiary alias",
        "alias_id",
        "SELECT alias_id, json_array(alias_id, beneficiary_id) FROM beneficiary_alias"
        " WHERE {where}",
    ),
    "kind": Keyed(
        "kind",
        "slug",
        "SELECT slug, json_array(slug, name_en, name_vi, unit_en, unit_vi, unit_value_vnd,"
        " programme, created_at) FROM kind WHERE {where}",
    ),
    "programme": Keyed(
        "programme",
        "slug",
        "SELECT slug, json_array(slug, name_en, name_vi, created_at) FROM programme WHERE {where}",
    ),
    "category": Keyed(
        "category",
        "slug",
        "SELECT slug, json_array(slug, name_en, name_vi) FROM category WHERE {where}",
    ),
    "donor": Keyed(
        "donor",
        "d.id",
        "SELECT d.id, json_array(d.id, d.name, d.type, d.phone, d.address, d.note, d.public,"
        " d.created_at, d.created_by, d.updated_at, d.archived_at) FROM donor d WHERE {where}",
    ),
    "stock_kind": Keyed(
        "tracked kind",
        "kind",
        "SELECT kind, json_array(kind, tracked, changed_at, changed_by) FROM stock_kind"
        " WHERE {where}",
    ),
    "station": Keyed(
        "station",
        "id",
        "SELECT id, json_array(id, code, name, place, head, is_own, created_at, updated_at)"
        " FROM station WHERE {where}",
    ),
    # Sponsorships (migration 0010): append-only rows, each sealed by the entry that added it.
    "sponsorship": Keyed(
        "sponsorship",
        "id",
        "SELECT id, json_array(id, beneficiary_id, donor_id, programme, amount_vnd, per, pay_out,"
        " start_month, end_month, note, officer, created_at) FROM sponsorship WHERE {where}",
    ),
    "sponsorship_change": Keyed(
        "sponsorship change",
        "id",
        "SELECT id, json_array(id, sponsorship_id, change, from_date, amount_vnd, end_date,"
        " reason, officer, created_at) FROM sponsorship_change WHERE {where}",
    ),
    "sponsorship_payment": Keyed(
        "sponsorship payment",
        "entry_id",
        "SELECT entry_id, json_array(entry_id, handout_id, donation_id, sponsorship_id,"
        " advance_vnd, officer, created_at) FROM sponsorship_payment WHERE {where}",
    ),
    "year_closing": Keyed(
        "closing",
        "id",
        "SELECT id, json_array(id, station_id, year, closed_at, officer, note, hash, records,"
        " totals, chain_entry, chain_hash) FROM year_closing WHERE {where}",
    ),
    "year_reopening": Keyed(
        "reopening",
        "id",
        "SELECT id, json_array(id, closing_id, reopened_at, officer, reason) FROM year_reopening"
        " WHERE {where}",
    ),
    **{
        f"{table}_void": Keyed(
            table,
            "id",
            f"SELECT id, json_array(id, voided_at, voided_by, void_reason) FROM {table}"
            " WHERE {where}",
            every=_VOIDED,
        )
        for table in CHUNKED
    },
}


def _digest(text: str | None, length: int = 64) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:length]


def _states(conn: sqlite3.Connection, table: str, keys: Iterable[str] | None) -> Iterator:
    spec = KEYED[table]
    if keys is None:
        yield from conn.execute(spec.select.format(where=spec.every))
        return
    query = spec.select.format(where=f"{spec.key} = ?")
    for key in keys:
        yield from conn.execute(query, (key,))


def records(conn: sqlite3.Connection, table: str, keys: Iterable[str] | None = None) -> dict:
    """{key: digest} of a keyed table's records (those of `keys`, or all it must account for)."""
    return {key: _digest(state, 32) for key, state in _states(conn, table, keys)}


def chunk_digest(
    conn: sqlite3.Connection, first: int, last: int, table: str = "handout"
) -> tuple[int, str]:
    """The rows of `table`'s rowids first…last there are, and their digest."""
    rows, text = conn.execute(
        _chunk_sql(table, _holds_stations(conn, table)), (first, last)
    ).fetchone()
    return rows, _digest(text)


def _chunks(first: int, last: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(first, last + 1, size):
        yield start, min(start + size - 1, last)


def entries(conn: sqlite3.Connection, table: str, first: int, last: int) -> list:
    """The seal of the entries of `table` (handout, donation, spending), rowids first…last."""
    digests = [chunk_digest(conn, a, b, table)[1] for a, b in _chunks(first, last, CHUNK)]
    return [first, last, CHUNK, digests]


def seal(**parts: object) -> dict:
    """A seal of the parts given (empty ones left out)."""
    return {"v": FORMAT, **{name: part for name, part in parts.items() if part}}


class Mark(NamedTuple):
    """Where the ledger stood before a bulk change: what came after it is what it added."""

    entries: dict[str, int]  # the highest rowid of each append-only table
    beneficiary: int
    donor: int
    aliases: frozenset[str]


def _top(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]


def mark(conn: sqlite3.Connection) -> Mark:
    aliases = frozenset(row[0] for row in conn.execute("SELECT alias_id FROM beneficiary_alias"))
    tops = {table: _top(conn, table) for table in CHUNKED}
    return Mark(tops, _top(conn, "beneficiary"), _top(conn, "donor"), aliases)


def added_since(
    conn: sqlite3.Connection, since: Mark, changed: dict[str, Iterable[str]] | None = None
) -> dict:
    """The seal of every record added after `since` (an import, or generated data), and of
    the keyed records `changed` names ({table: keys}: voids of earlier entries, catalogue and
    station rows a merge added or updated)."""
    parts: dict[str, object] = {}
    for table in CHUNKED:
        first, last = since.entries[table] + 1, _top(conn, table)
        if last >= first:
            parts[table] = entries(conn, table, first, last)
        voided = conn.execute(f"SELECT id FROM {table} WHERE rowid >= ? AND ({_VOIDED})", (first,))
        parts[f"{table}_void"] = records(conn, f"{table}_void", [row[0] for row in voided])
    for table, top in (("beneficiary", since.beneficiary), ("donor", since.donor)):
        added = conn.execute(f"SELECT id FROM {table} WHERE rowid > ?", (top,))
        parts[table] = records(conn, table, [row[0] for row in added])
    aliases = {row[0] for row in conn.execute("SELECT alias_id FROM beneficiary_alias")}
    parts["beneficiary_alias"] = records(conn, "beneficiary_alias", sorted(aliases - since.aliases))
    for table, keys in (changed or {}).items():
        parts[table] = {**(parts.get(table) or {}), **records(conn, table, keys)}
    return seal(**parts)


# The keyed tables a file of schema 7 holds: the baseline migration 0007 writes seals these,
# and only these, whatever tables later versions add (a migration never runs later code's
# idea of the schema on an older file).
SCHEMA_7_KEYED = (
    "beneficiary",
    "beneficiary_alias",
    "kind",
    "programme",
    "category",
    "handout_void",
)


def baseline(conn: sqlite3.Connection, keyed: Iterable[str] = SCHEMA_7_KEYED) -> dict:
    """The seal of every record of the handouts and the `keyed` tables: the state a chain
    starts from."""
    first, last = conn.execute("SELECT min(rowid), max(rowid) FROM handout").fetchone()
    return seal(
        handout=entries(conn, "handout", first, last) if first is not None else None,
        **{table: records(conn, table) for table in keyed},
    )


def of_entry(conn: sqlite3.Connection, table: str, entry_id: str) -> dict:
    """The seal of one entry just recorded in `table` (handout, donation, spending)."""
    (rowid,) = conn.execute(f"SELECT rowid FROM {table} WHERE id = ?", (entry_id,)).fetchone()
    return seal(**{table: entries(conn, table, rowid, rowid)})


def of_record(conn: sqlite3.Connection, table: str, key: str) -> dict:
    """The seal of one record's state after a change."""
    return seal(**{table: records(conn, table, [key])})


# Verification -----------------------------------------------------------------------------


class Sealed(NamedTuple):
    """One seal in chain order, with what names it in a finding."""

    label: str  # "entry 12 (import)", "the baseline"
    target: str | None
    seal: dict


def code(key: str) -> str:
    return ids.short_code(key) if ids.looks_like_reference(key) else key


def verify(conn: sqlite3.Connection, sealed: list[Sealed]) -> list[dict]:
    """Every record that differs from what the seals say: {"kind", "target", "detail"}."""
    findings: list[dict] = []

    def found(target: str, detail: str) -> None:
        findings.append({"kind": "record", "target": target, "detail": detail})

    expected: dict[str, dict[str, tuple[str, str]]] = {table: {} for table in KEYED}
    ranges: dict[str, list[tuple[int, int, int, list[str], Sealed]]] = {t: [] for t in CHUNKED}
    for item in sealed:
        for table, part in item.seal.items():
            if table in ranges:
                first, last, size, digests = part
                ranges[table].append((first, last, size, digests, item))
            elif table in expected:
                expected[table].update((key, (digest, item.label)) for key, digest in part.items())
    for table, wanted in expected.items():
        noun = KEYED[table].noun
        voids = table.endswith("_void")
        for key, digest in records(conn, table).items():
            if key not in wanted:
                what = "voided" if voids else "added"
                found(
                    code(key),
                    _("{noun} {what} outside heartlink: no audit entry has it").format(
                        noun=noun, what=what
                    ),
                )
                continue
            sealed_digest, label = wanted.pop(key)
            if sealed_digest != digest:
                found(
                    code(key),
                    _("{noun} changed outside heartlink since {label}").format(
                        noun=noun, label=label
                    ),
                )
        for key, (_digest, label) in wanted.items():  # sealed, and no longer there
            what = _("its void was undone") if voids else "deleted"
            found(
                code(key),
                _("{noun} {what} outside heartlink (sealed by {label})").format(
                    noun=noun, what=what, label=label
                ),
            )
    for table, sealed_ranges in ranges.items():
        _verify_entries(conn, table, sealed_ranges, found)
    return findings


def _verify_entries(conn: sqlite3.Connection, table: str, ranges: list, found) -> None:
    """Each sealed chunk of `table`'s entries against its rows now, and every entry outside
    them."""
    covered = 0  # every rowid up to here is in a range already checked
    for first, last, size, digests, item in sorted(ranges, key=lambda r: r[0]):
        if first <= covered:
            found(item.label, f"{table} rows {first}-{last} sealed twice")
        for (a, b), sealed_digest in zip(_chunks(first, last, size), digests, strict=False):
            rows, digest = chunk_digest(conn, a, b, table)
            if digest == sealed_digest:
                continue
            lost = f"; {b - a + 1 - rows} of its {b - a + 1} missing" if rows < b - a + 1 else ""
            target = item.target if first == last and item.target else _codes(conn, table, a, b)
            found(
                code(target),
                _("{table} changed outside heartlink since {label}{lost}").format(
                    table=table, label=item.label, lost=lost
                ),
            )
        for (entry_id,) in _outside(conn, table, covered + 1, first - 1):
            found(
                code(entry_id),
                _("{table} added outside heartlink: no audit entry has it").format(table=table),
            )
        covered = max(covered, last)
    for (entry_id,) in _outside(conn, table, covered + 1, None):
        found(
            code(entry_id),
            _("{table} added outside heartlink: no audit entry has it").format(table=table),
        )


def _outside(conn: sqlite3.Connection, table: str, first: int, last: int | None) -> Iterator:
    if last is None:
        return conn.execute(f"SELECT id FROM {table} WHERE rowid >= ?", (first,))
    return conn.execute(f"SELECT id FROM {table} WHERE rowid BETWEEN ? AND ?", (first, last))


def _codes(conn: sqlite3.Connection, table: str, first: int, last: int) -> str:
    """The entries of a chunk, by the codes of its first and last rows still there."""
    low, high = conn.execute(
        f"SELECT min(id), max(id) FROM {table} WHERE rowid BETWEEN ? AND ?", (first, last)
    ).fetchone()
    if low is None:
        return f"{table} rows {first}-{last}"
    return f"{ids.short_code(low)}…{ids.short_code(high)} (rows {first}-{last})"
