"""Several stations' work in one file: `heartlink merge FILE…` and what a bundle carries.

A station's file (a backup, or a bundle made for sending, see heartlink.bundles) is checked as
restore checks a backup (a heartlink file of a schema this version reads, sound, readable, with
heartlink's tables), attached read-only, and merged in one write transaction per file:

- its stations, catalogue (a kind with the same slug and unit is the same kind; another unit
  under the same slug is a conflict), beneficiaries reduced to code, category and group, and
  its handouts, donations and spending, each keeping its id and its station (the file's own
  records are its station's; records it had merged keep theirs);
- what is already here is skipped, so merging the same file again adds nothing, and a newer
  file of the same station adds exactly what is new, voids of earlier records included;
- a record whose id is here with other content is a conflict: reported by code, and nothing
  of that file is merged;
- closed years travel too (closings and reopenings, ids kept): a new record or void dated in
  a year its station had closed when an earlier file was merged is a conflict, unless this
  file brings the reopening that lifts it.

The reduced form (`REDUCED`) is the same for a bundle and for a merge: names, phones,
addresses, schools, notes, places, donors, references of gifts, import keys, void reasons,
closings' notes and reopenings' reasons never leave the station, whichever file carries its
records.

A closing's hash covers the full records, which stay at the station: in a file that holds
them reduced, `check` verifies a merged closing by its figures instead (closing.verify).
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from heartlink import audit, closing, db, ids, seals, soundness, stations, summaries
from heartlink.db import Ledger
from heartlink.errors import DamagedDatabaseError, DatabaseError, HeartlinkError
from heartlink.i18n import _

SOURCE = "incoming"
MAX_NAMED = 5


class Reduced(NamedTuple):
    """How one table's rows travel: every column inserted (`columns`), what each is made of
    from the source row `i` (`values`, in the same order), and the columns whose difference
    between two rows of the same id is a conflict (`compared`)."""

    columns: tuple[str, ...]
    values: tuple[str, ...]
    compared: tuple[str, ...]


def _reduced(kept: str, dropped: str, compared: str) -> Reduced:
    """A table's columns kept as they are, then those that travel empty; station_id last."""
    keep, drop = kept.split(), dropped.split()
    return Reduced(
        (*keep, *drop, "station_id"),
        (*(f"i.{c}" for c in keep), *["NULL"] * len(drop), "coalesce(i.station_id, :station)"),
        tuple(compared.split()),
    )


_VOIDS = "voided_at voided_by"
REDUCED = {
    "handout": _reduced(
        f"id date year kind programme beneficiary_id count value_vnd officer created_at {_VOIDS}",
        "place note import_key void_reason",
        "date year kind programme beneficiary_id count value_vnd officer created_at",
    ),
    "donation": _reduced(
        f"id date year kind programme count value_vnd method officer created_at {_VOIDS}",
        "donor_id reference note import_key void_reason",
        "date year kind programme count value_vnd method officer created_at",
    ),
    "spending": _reduced(
        "id date year programme amount_vnd purpose buys_kind quantity reference officer"
        f" created_at {_VOIDS}",
        "note import_key void_reason",
        "date year programme amount_vnd purpose buys_kind quantity reference officer created_at",
    ),
}
ENTRY_TABLES = tuple(REDUCED)
# The noun a conflict names each table's records by (marked for the catalogue in ids.NOUNS).
RECORD_NOUNS = {
    "handout": "handout",
    "donation": "donation",
    "spending": "spending line",
    "beneficiary": "beneficiary",
}
# A beneficiary travels as its code (the name column must hold something), household or not,
# residential group, categories and dates; born, address, phone, school, note and consent stay.
BENEFICIARY = Reduced(
    (
        "id",
        "name",
        "is_household",
        "residential_group",
        "created_at",
        "created_by",
        "updated_at",
        "archived_at",
        "station_id",
    ),
    (
        "i.id",
        "substr(i.id, 19)",
        "i.is_household",
        "i.residential_group",
        "i.created_at",
        "i.created_by",
        "i.updated_at",
        "i.archived_at",
        "coalesce(i.station_id, :station)",
    ),
    ("is_household", "residential_group", "archived_at"),
)
# A closing travels but for its note; a reopening's reason, free text like a void's, stays at
# the station (the column must hold something).
CLOSING_COLUMNS = (
    "id, station_id, year, closed_at, officer, note, hash, records, totals, chain_entry, chain_hash"
)
CLOSING_VALUES = CLOSING_COLUMNS.replace("note", "NULL")
CLOSING_COMPARED = ("station_id", "year", "closed_at", "hash", "records", "totals", "chain_hash")
REASON_AT_STATION = closing.REASON_AT_STATION
CLOSING_TABLES = ("year_closing", "year_reopening")
CATALOGUE = {
    "programme": "slug, name_en, name_vi, created_at",
    "kind": "slug, name_en, name_vi, unit_en, unit_vi, unit_value_vnd, programme, created_at",
    "category": "slug, name_en, name_vi",
}


def _in_scope(up_to_year: int | None) -> str:
    return "1" if up_to_year is None else f"i.year <= {int(up_to_year)}"


def _named_beneficiaries(up_to_year: int | None) -> str:
    """The source's beneficiaries that its handouts in scope name: only they travel."""
    return (
        f"i.id IN (SELECT beneficiary_id FROM {SOURCE}.handout i"
        f" WHERE beneficiary_id IS NOT NULL AND {_in_scope(up_to_year)})"
    )


def copy_reduced(
    conn: sqlite3.Connection, station_id: str | None, up_to_year: int | None = None
) -> dict[str, int]:
    """Insert into `main` the reduced rows of the attached source that `main` lacks (by id or
    slug): catalogue, beneficiaries with their categories, entries dated up to `up_to_year`
    (all when None). Entries without a station become `station_id`'s (None keeps them the
    file's own, as a bundle does). Inside the caller's transaction; returns rows added per
    table."""
    added: dict[str, int] = {}
    params = {"station": station_id}
    for table, columns in CATALOGUE.items():
        key = columns.split(",")[0]
        added[table] = conn.execute(
            f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM {SOURCE}.{table} i"
            f" WHERE NOT EXISTS (SELECT 1 FROM main.{table} m WHERE m.{key} = i.{key})"
            " ORDER BY rowid"
        ).rowcount
    before = _top(conn, "beneficiary")
    added["beneficiary"] = conn.execute(
        f"INSERT INTO main.beneficiary ({', '.join(BENEFICIARY.columns)})"
        f" SELECT {', '.join(BENEFICIARY.values)} FROM {SOURCE}.beneficiary i"
        f" WHERE {_named_beneficiaries(up_to_year)}"
        " AND NOT EXISTS (SELECT 1 FROM main.beneficiary m WHERE m.id = i.id) ORDER BY i.rowid",
        params,
    ).rowcount
    conn.execute(
        "INSERT INTO main.beneficiary_category (beneficiary_id, category)"
        f" SELECT c.beneficiary_id, c.category FROM {SOURCE}.beneficiary_category c"
        " JOIN main.beneficiary b ON b.id = c.beneficiary_id WHERE b.rowid > ?",
        (before,),
    )
    # A reopening of a closing already here first: the entries of the year it lifts can go in.
    added["year_reopening"] = _copy_reopenings(conn)
    for table, reduced in REDUCED.items():
        new = (
            f" FROM {SOURCE}.{table} i WHERE {_in_scope(up_to_year)}"
            f" AND NOT EXISTS (SELECT 1 FROM main.{table} m WHERE m.id = i.id)"
        )
        # The yearly totals' triggers count each row as it goes in: an import's bulk mode
        # (summaries.DeferredTotals) would recompute whole years of every station merged so
        # far, file after file.
        added[table] = conn.execute(
            f"INSERT INTO main.{table} ({', '.join(reduced.columns)})"
            f" SELECT {', '.join(reduced.values)}{new} ORDER BY i.rowid",
            params,
        ).rowcount
    return added


def copy_closings(conn: sqlite3.Connection, up_to_year: int | None = None) -> None:
    """Insert into `main` the attached source's closings of years up to `up_to_year` (all when
    None) and their reopenings that `main` lacks: after the entries and their voids, which a
    closed year would refuse."""
    conn.execute(
        f"INSERT INTO main.year_closing ({CLOSING_COLUMNS}) SELECT {CLOSING_VALUES}"
        f" FROM {SOURCE}.year_closing i WHERE {_in_scope(up_to_year)}"
        " AND NOT EXISTS (SELECT 1 FROM main.year_closing m WHERE m.id = i.id) ORDER BY i.rowid"
    )
    _copy_reopenings(conn)


def _copy_reopenings(conn: sqlite3.Connection) -> int:
    """The source's reopenings, missing here, of closings here."""
    return conn.execute(
        "INSERT INTO main.year_reopening (id, closing_id, reopened_at, officer, reason)"
        f" SELECT i.id, i.closing_id, i.reopened_at, i.officer, ? FROM {SOURCE}.year_reopening i"
        " JOIN main.year_closing c ON c.id = i.closing_id"
        " WHERE NOT EXISTS (SELECT 1 FROM main.year_reopening m WHERE m.id = i.id)"
        " ORDER BY i.rowid",
        (REASON_AT_STATION,),
    ).rowcount


def _top(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{table}").fetchone()[0]


# Checking a file before it is merged ------------------------------------------------------


class Source(NamedTuple):
    name: str  # the file's name, as messages and the audit log give it
    path: Path  # the SQLite file to attach (a bundle's unpacked copy, or the file itself)
    station: stations.Station


def _refuse(name: str, reason: str) -> DatabaseError:
    return DatabaseError(_("{file}: {reason}; nothing was merged").format(file=name, reason=reason))


@contextlib.contextmanager
def opened_source(path: Path, ledger: Ledger) -> Iterator[Source]:
    """The file at `path`, checked as restore checks a backup, ready to attach: a bundle is
    unpacked (its checksum verified) and an older schema upgraded, each in a private
    temporary folder removed afterwards."""
    from heartlink import bundles

    name = path.name
    if not path.is_file():
        raise HeartlinkError(_("there is no file at {path}").format(path=path))
    if ledger.path is not None and ledger.path.exists() and path.samefile(ledger.path):
        raise _refuse(name, _("it is the database in use; a file cannot be merged into itself"))
    with tempfile.TemporaryDirectory(prefix="heartlink-merge-") as folder:
        sqlite_file = bundles.unpack(path, Path(folder)) if bundles.is_bundle(path) else path
        sqlite_file = _current_schema(sqlite_file, name, Path(folder))
        conn = db.connect_plain(sqlite_file, mode="ro", immutable=True)
        try:
            soundness.check_schema(conn, name)
            station = stations.own(conn)
            if station is None:
                raise _refuse(
                    name,
                    _(
                        "it has no station; set it where the file is kept with `heartlink station "
                        "set`, then send it again"
                    ),
                )
            _refuse_own_station(conn, ledger, name, station)
        finally:
            conn.close()
        yield Source(name, sqlite_file, station)


def _current_schema(path: Path, name: str, folder: Path) -> Path:
    """`path` when it holds this version's schema; else an upgraded copy in `folder`. Refuses
    what is not a sound heartlink file of a schema this version reads."""
    conn = db.connect_plain(path, mode="ro", immutable=True)
    try:
        try:
            version = db.schema_version(conn, path, hint=_("nothing was merged"))
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except DamagedDatabaseError:
            raise _refuse(
                name,
                _(
                    "it is damaged, or not a heartlink file at all: give a station's bundle "
                    "(.hlb) or backup (.db)"
                ),
            ) from None
        if app_id != db.APPLICATION_ID or version < 1:
            raise _refuse(name, _("it is not a heartlink database"))
        soundness.check_sound(conn, name)
        soundness.check_content(conn, name)
        if version == db.SCHEMA_VERSION:
            return path
        upgraded = folder / "upgraded.db"
        copy = db.connect_plain(upgraded, isolation_level=None)
        try:
            conn.backup(copy)
            db.migrate(copy, on_disk=False)
        finally:
            copy.close()
        return upgraded
    finally:
        conn.close()


def _refuse_own_station(
    conn: sqlite3.Connection, ledger: Ledger, name: str, station: stations.Station
) -> None:
    """A station's records are never merged into its own file: they are already there."""
    if ledger.path is None or not ledger.path.exists():
        return
    mine = stations.own(ledger.conn)
    if mine is None:
        return
    holds_mine = station.id == mine.id or any(
        conn.execute(f"SELECT 1 FROM {table} WHERE station_id = ? LIMIT 1", (mine.id,)).fetchone()
        for table in (*ENTRY_TABLES, "beneficiary")
    )
    if holds_mine:
        raise _refuse(
            name,
            _(
                "it holds records of station {code}, this file's own; a station's file is merged "
                "into another station's or a roll-up, never into its own"
            ).format(code=mine.code),
        )


# Merging ------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that everything it did is rolled back."""


def merge(
    ledger: Ledger,
    paths: list[Path],
    *,
    officer: str,
    dry_run: bool = False,
    merged: Callable[[dict], None] | None = None,
) -> dict:
    """Merge each file of `paths` into the ledger, one transaction each, audited each: the
    first file refused stops the merge (the files before it stay merged). Returns, per file,
    its station and what it added (with `dry_run`, what it would add; nothing is changed);
    `merged` is told of each file as soon as it is merged."""
    done = []
    for path in paths:
        with opened_source(Path(path), ledger) as source:
            done.append(_merge_file(ledger, source, officer=officer, dry_run=dry_run))
        if merged is not None:
            merged(done[-1])
    return {"dry_run": dry_run, "files": done}


def _merge_file(ledger: Ledger, source: Source, *, officer: str, dry_run: bool) -> dict:
    conn = ledger.conn
    conn.execute(f"ATTACH DATABASE ? AS {SOURCE}", (db.sqlite_uri(source.path, mode="ro"),))
    try:
        result: dict = {}
        try:
            with ledger.write() as conn:
                result = _merge_attached(conn, source, officer)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return result
    finally:
        conn.execute(f"DETACH DATABASE {SOURCE}")


def _merge_attached(conn: sqlite3.Connection, source: Source, officer: str) -> dict:
    station_id = source.station.id
    params = {"station": station_id}
    _refuse_conflicts(conn, source, params)
    mark = seals.mark(conn)
    changed: dict[str, list[str]] = {"station": _merge_stations(conn)}
    catalogue_before = {t: _keys(conn, t) for t in CATALOGUE}
    touched = _touched_years(conn, params)
    updated = _update_beneficiaries(conn, params)
    closings_before = {table: _top(conn, table) for table in CLOSING_TABLES}
    added = copy_reduced(conn, station_id)
    voided = _apply_voids(conn)
    copy_closings(conn)
    closings = {
        table: [
            row[0] for row in conn.execute(f"SELECT id FROM main.{table} WHERE rowid > ?", (top,))
        ]
        for table, top in closings_before.items()
    }
    added.update({table: len(new) for table, new in closings.items()})
    summaries.rebuild_stations(conn, touched)
    for table in CATALOGUE:
        changed[table] = sorted(_keys(conn, table) - catalogue_before[table])
    changed["beneficiary"] = updated
    changed.update(closings)
    for table, entry_ids in voided.items():
        changed[f"{table}_void"] = entry_ids
    summary = {
        "file": source.name,
        "station": source.station.code,
        "station_id": station_id,
        "added": added,
        "beneficiaries_updated": len(updated),
        "voided": {table: len(entry_ids) for table, entry_ids in voided.items()},
    }
    audit.append(
        conn,
        audit.MERGE,
        officer=officer,
        target=source.name,
        after=summary,
        added_since=mark,
        changed=changed,
    )
    return summary


def _keys(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[0] for row in conn.execute(f"SELECT slug FROM main.{table}")}


def _refuse_conflicts(conn: sqlite3.Connection, source: Source, params: dict) -> None:
    """Every record of the file whose id is here with other content, and every kind whose
    unit differs: named by code (or slug), and nothing merged."""
    found: list[str] = []
    for table, reduced in REDUCED.items():
        differs = " OR ".join(f"m.{c} IS NOT i.{c}" for c in reduced.compared)
        rows = conn.execute(
            f"SELECT i.id FROM {SOURCE}.{table} i JOIN main.{table} m ON m.id = i.id"
            f" WHERE {differs} OR m.station_id IS NOT coalesce(i.station_id, :station)"
            " OR (m.voided_at IS NOT NULL AND i.voided_at IS NOT NULL"
            "     AND (m.voided_at IS NOT i.voided_at OR m.voided_by IS NOT i.voided_by))",
            params,
        )
        found += [_named_record(table, row[0]) for row in rows]
    rows = conn.execute(
        f"SELECT i.id FROM {SOURCE}.beneficiary i JOIN main.beneficiary m ON m.id = i.id"
        " WHERE m.station_id IS NOT coalesce(i.station_id, :station)",
        params,
    )
    found += [_named_record("beneficiary", row[0]) for row in rows]
    rows = conn.execute(
        f"SELECT i.slug FROM {SOURCE}.kind i JOIN main.kind m ON m.slug = i.slug"
        " WHERE m.unit_en IS NOT i.unit_en"
    )
    found += [_("kind {slug} (another unit)").format(slug=row[0]) for row in rows]
    differs = " OR ".join(f"m.{c} IS NOT i.{c}" for c in CLOSING_COMPARED)
    rows = conn.execute(
        f"SELECT i.year FROM {SOURCE}.year_closing i JOIN main.year_closing m ON m.id = i.id"
        f" WHERE {differs} UNION ALL SELECT c.year FROM {SOURCE}.year_reopening i"
        " JOIN main.year_reopening m ON m.closing_id = i.closing_id"
        " JOIN main.year_closing c ON c.id = i.closing_id"
        " WHERE m.id IS NOT i.id OR m.reopened_at IS NOT i.reopened_at"
    )
    found += [_("closing of {year}").format(year=row[0]) for row in rows]
    _refuse_found(source, found)
    _refuse_closed_years(conn, source, params)


def _named_record(table: str, record_id: str) -> str:
    """A record as a message names it: its noun in the run's language and its code."""
    return f"{_(RECORD_NOUNS[table])} {ids.short_code(record_id)}"


def _refuse_found(source: Source, found: list[str]) -> None:
    if found:
        raise _refuse(
            source.name,
            _("{count} record(s) have the id of a record here with other content ({named})").format(
                count=len(found), named=_named(found)
            ),
        )


def _named(found: list[str]) -> str:
    more = len(found) - MAX_NAMED
    return ", ".join(found[:MAX_NAMED]) + (
        _(" and {count} more").format(count=more) if more > 0 else ""
    )


def _refuse_closed_years(conn: sqlite3.Connection, source: Source, params: dict) -> None:
    """Every new record or void of the file dated in a year its station had closed when an
    earlier file was merged, unless the file reopens that closing: named by code, nothing
    merged. Compared here, before anything is inserted, rather than left to the triggers."""
    still_closed = (
        "EXISTS (SELECT 1 FROM main.closed_year k WHERE k.year = i.year"
        " AND k.station_id = coalesce(i.station_id, :station) AND NOT EXISTS"
        f" (SELECT 1 FROM {SOURCE}.year_reopening r WHERE r.closing_id = k.closing_id))"
    )
    if not conn.execute("SELECT EXISTS (SELECT 1 FROM main.closed_year)").fetchone()[0]:
        return
    found: list[str] = []
    for table in ENTRY_TABLES:
        rows = conn.execute(
            f"SELECT i.id, i.year FROM {SOURCE}.{table} i LEFT JOIN main.{table} m ON m.id = i.id"
            " WHERE (m.id IS NULL OR (i.voided_at IS NOT NULL AND m.voided_at IS NULL))"
            f" AND {still_closed}",
            params,
        )
        found += [f"{_named_record(table, row[0])} ({row[1]})" for row in rows]
    if found:
        raise _refuse(
            source.name,
            _(
                "{count} record(s) or void(s) are dated in a year their station had closed when "
                "an earlier file was merged ({named}); the station reopens the year "
                "(`heartlink reopen YEAR`) and sends its file again"
            ).format(count=len(found), named=_named(found)),
        )


def _merge_stations(conn: sqlite3.Connection) -> list[str]:
    """The file's stations, as merged ones (is_own 0): new ones added, known ones updated when
    the file's row is the newer. Returns the ids added or updated."""
    newer = "coalesce(i.updated_at, i.created_at) > coalesce(m.updated_at, m.created_at)"
    changed = [
        row[0]
        for row in conn.execute(
            f"SELECT i.id FROM {SOURCE}.station i LEFT JOIN main.station m ON m.id = i.id"
            f" WHERE m.id IS NULL OR ({newer} AND m.is_own = 0)"
        )
    ]
    conn.execute(
        "INSERT INTO main.station (id, code, name, place, head, is_own, created_at, updated_at)"
        f" SELECT id, code, name, place, head, 0, created_at, updated_at FROM {SOURCE}.station i"
        " WHERE true ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,"
        " place = excluded.place, head = excluded.head, updated_at = excluded.updated_at"
        " WHERE station.is_own = 0 AND coalesce(excluded.updated_at, excluded.created_at)"
        " > coalesce(station.updated_at, station.created_at)"
    )
    return changed


def _update_beneficiaries(conn: sqlite3.Connection, params: dict) -> list[str]:
    """Beneficiaries already merged whose file row is newer and differs (another group,
    category, archived): brought up to date. An older file leaves them as they are."""
    differs = " OR ".join(f"m.{c} IS NOT i.{c}" for c in BENEFICIARY.compared)
    categories = (
        "(SELECT group_concat(category, ';') FROM (SELECT category FROM {schema}"
        ".beneficiary_category c WHERE c.beneficiary_id = {alias}.id ORDER BY category))"
    )
    rows = conn.execute(
        f"SELECT i.id FROM {SOURCE}.beneficiary i JOIN main.beneficiary m ON m.id = i.id"
        " WHERE coalesce(i.updated_at, i.created_at) > coalesce(m.updated_at, m.created_at)"
        f" AND ({differs} OR {categories.format(schema=SOURCE, alias='i')}"
        f" IS NOT {categories.format(schema='main', alias='m')})",
        params,
    ).fetchall()
    updated = [row[0] for row in rows]
    for beneficiary_id in updated:
        conn.execute(
            "UPDATE main.beneficiary SET is_household = i.is_household,"
            " residential_group = i.residential_group, updated_at = i.updated_at,"
            f" archived_at = i.archived_at FROM {SOURCE}.beneficiary i"
            " WHERE i.id = beneficiary.id AND beneficiary.id = ?",
            (beneficiary_id,),
        )
        conn.execute(
            "DELETE FROM main.beneficiary_category WHERE beneficiary_id = ?", (beneficiary_id,)
        )
        conn.execute(
            "INSERT INTO main.beneficiary_category (beneficiary_id, category)"
            f" SELECT beneficiary_id, category FROM {SOURCE}.beneficiary_category"
            " WHERE beneficiary_id = ?",
            (beneficiary_id,),
        )
    return updated


def _touched_years(conn: sqlite3.Connection, params: dict) -> list[tuple[str, int]]:
    """(station, year) of every handout the merge adds or voids: their totals are redone."""
    return [
        (station_id, year)
        for station_id, year in conn.execute(
            f"SELECT DISTINCT coalesce(i.station_id, :station), i.year FROM {SOURCE}.handout i"
            " LEFT JOIN main.handout m ON m.id = i.id"
            " WHERE m.id IS NULL OR (m.voided_at IS NULL AND i.voided_at IS NOT NULL)",
            params,
        )
    ]


def _apply_voids(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Voids the file holds of entries merged here before: the entry is voided here too (its
    reason stays at the station). Returns the entries voided per table."""
    voided = {}
    for table in ENTRY_TABLES:
        entry_ids = [
            row[0]
            for row in conn.execute(
                f"SELECT i.id FROM {SOURCE}.{table} i JOIN main.{table} m ON m.id = i.id"
                " WHERE i.voided_at IS NOT NULL AND m.voided_at IS NULL"
            )
        ]
        for entry_id in entry_ids:
            conn.execute(
                f"UPDATE main.{table} SET voided_at = i.voided_at, voided_by = i.voided_by"
                f" FROM {SOURCE}.{table} i WHERE i.id = {table}.id AND {table}.id = ?",
                (entry_id,),
            )
        voided[table] = entry_ids
    return voided
