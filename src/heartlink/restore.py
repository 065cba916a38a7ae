"""Restoring a verified backup in place of the database, the current one kept as a safety copy."""

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from heartlink import backup, db, files, soundness
from heartlink.errors import DamagedDatabaseError, DatabaseError, HeartlinkError
from heartlink.i18n import _

T = TypeVar("T")


def open_backup(path: Path) -> sqlite3.Connection:
    """A backup opened so that reading cannot change it: read-only and immutable."""
    if not path.is_file():
        raise HeartlinkError(_("there is no backup file at {path}").format(path=path))
    return db.connect_plain(path, mode="ro", immutable=True)


def verify(path: Path, current: Path | None = None, *, other_station: bool = False) -> dict:
    """Everything restore needs to trust a file: its checksum (when its .sha256 is there), a
    heartlink database (its application id set) of a schema this version reads, integrity,
    foreign keys, readable content, and heartlink's tables, indexes and triggers exactly as this
    version makes them (an older backup is compared after being upgraded in memory).

    With `current`, the database it would replace, `warnings` says when the backup holds fewer
    records than it (an empty heartlink database, say): sound, but likely the wrong file; and a
    backup of another station (both files have a station, with different ids) is refused unless
    `other_station`. A backup or a database without a station is another station of none.
    """
    status = backup.checksum_status(path)
    if status not in ("ok", "missing checksum file"):
        raise DatabaseError(
            _("{name}: {problem}").format(name=path.name, problem=backup.describe_checksum(status))
        )
    conn = open_backup(path)
    try:
        version = _heartlink_version(conn, path)
        soundness.check_sound(conn, path.name)
        soundness.check_content(conn, path.name)
        if version < db.SCHEMA_VERSION:
            conn = _upgraded_copy(conn)
        soundness.check_schema(conn, path.name)
        found = soundness.fingerprint(conn)
        station = _own_station(conn)
    finally:
        conn.close()
    here = _live_station(current) if current else None
    other = station is not None and here is not None and station[0] != here[0]
    if other and not other_station:
        raise HeartlinkError(
            _(
                "{name} is a backup of another station: {theirs}, whose station id is not this "
                "file's (station {ours}); nothing was restored. Add --other-station to put it in "
                "place of this station's database anyway"
            ).format(name=path.name, theirs=station[1], ours=here[1])
        )
    return {
        "path": str(path),
        "checksum": status,
        "schema": version,
        "fingerprint": found,
        "station": None if station is None else station[1],
        "other_station": other,
        "warnings": _fewer_records(found, current) if current else [],
    }


def _own_station(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """The (id, code) of a file's own station; None before schema 9 or `station set`."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'station'"
    ).fetchone():
        return None
    row = conn.execute("SELECT id, code FROM station WHERE is_own = 1").fetchone()
    return None if row is None else (row[0], row[1])


def _live_station(current: Path) -> tuple[str, str] | None:
    """The station of the database a restore would replace (None when it has none)."""
    return _read_current(current, _own_station)


def _read_current(current: Path, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """`read` of the database a restore would replace; None when there is none, or it cannot
    be read (a damaged current database: the backup can only be better)."""
    if not current.is_file():
        return None
    try:
        conn = db.connect_plain(current, mode="ro")
        try:
            db.schema_version(conn, current)
            return read(conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, DatabaseError):
        return None


def _heartlink_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a file heartlink wrote; refuses a blank file (0 bytes, or SQLite
    with nothing in it), which db.schema_version accepts as a database yet to be created."""
    try:
        version = db.schema_version(conn, path, hint=_("nothing was restored"))
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except DamagedDatabaseError as exc:
        raise DatabaseError(_("{exc}; it cannot be restored").format(exc=exc)) from None
    if app_id != db.APPLICATION_ID or version < 1:
        raise DatabaseError(
            _(
                "{name} is not a heartlink database (it is empty, or SQLite "
                "without heartlink's tables); nothing was restored"
            ).format(name=path.name)
        )
    return version


def _fewer_records(found: dict, current: Path) -> list[str]:
    """Warnings when the backup holds fewer beneficiaries or handouts than the database."""
    now = _read_current(
        current,
        lambda conn: {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("beneficiary", "handout")
        },
    )
    if now is None:
        return []
    backup_rows = found["rows"]
    return [
        _(
            "the backup holds {backup_rows:,} {table}(s), the current "
            "database {now:,}: restoring removes {value:,} (they stay in the "
            "safety copy)"
        ).format(
            backup_rows=backup_rows[table],
            table=table,
            now=now[table],
            value=now[table] - backup_rows[table],
        )
        for table in ("beneficiary", "handout")
        if backup_rows[table] < now[table]
    ]


def _upgraded_copy(conn: sqlite3.Connection) -> sqlite3.Connection:
    """An older backup brought to this schema in memory, so its totals can be computed."""
    memory = db.connect_plain(":memory:", isolation_level=None)
    conn.backup(memory)
    conn.close()
    db.migrate(memory, on_disk=False)
    return memory


def restore(db_path: Path, backup_path: Path, *, officer: str, verified: dict) -> dict:
    """Put a verified backup in place of the database, keeping the current one as a safety copy.

    The backup is first prepared in a file of its own (copied, brought to this schema, the
    restore written to its audit log) and verified again there: what goes in is what was
    verified, whatever happened to the backup file since. Then, for a sound current database,
    one write transaction on it (`_swap_in`) takes the safety copy and replaces every table:
    other heartlink commands wait for it (up to the busy timeout), so nothing they save is lost
    between the two, and what they save after lands in the restored database. A current file
    SQLite cannot read is kept byte for byte as the safety copy and replaced whole. The safety
    copy goes beside the database, outside the backup folder, so rotation never deletes it.
    """
    folder = db_path.parent
    folder.mkdir(mode=files.PRIVATE_FOLDER, parents=True, exist_ok=True)
    backup.remove_abandoned(folder)
    stamp = dt.datetime.now()
    incoming = folder / f".heartlink-restore-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.partial"
    safety = None
    try:
        _prepare(incoming, backup_path, officer=officer, verified=verified)
        if not db_path.exists():
            _replace_file(incoming, db_path)
        elif _is_readable(db_path):
            safety = _reserve_safety_name(db_path, stamp)
            _swap_in(incoming, db_path, safety)
        else:
            safety = _reserve_safety_name(db_path, stamp)
            _keep_raw(db_path, safety)
            _replace_file(incoming, db_path)
    except BaseException:
        if safety is not None and safety.exists() and safety.stat().st_size == 0:
            files.remove_quietly(safety)  # reserved, never written: the swap did not start
        raise
    finally:
        files.remove_database(incoming)
    return {
        "restored_from": str(backup_path),
        "database": str(db_path),
        "safety_copy": str(safety) if safety else None,
        "totals": verified["fingerprint"]["totals"],
        "rows": verified["fingerprint"]["rows"],
        "warnings": verified.get("warnings", []),
    }


def _reserve_safety_name(db_path: Path, stamp: dt.datetime) -> Path:
    """A new, empty, owner-only file for the safety copy: -2, -3 … when restores share a
    second, as backups do."""
    sequence = 1
    while True:
        suffix = f"-{sequence}" if sequence > 1 else ""
        safety = db_path.with_name(
            f"{db_path.stem}-before-restore-{stamp:%Y%m%d-%H%M%S}{suffix}.db"
        )
        try:
            files.create_private(safety)
            return safety
        except FileExistsError:
            sequence += 1


def _prepare(incoming: Path, backup_path: Path, *, officer: str, verified: dict) -> None:
    """The database to restore, in its own file: the backup, upgraded, the restore logged."""
    from heartlink import audit

    files.create_private(incoming)
    target = db.connect_plain(incoming)
    try:
        with open_backup(backup_path) as source:
            source.backup(target)
    finally:
        target.close()
    _check_constraints(incoming, backup_path.name)
    with db.open_for_write(incoming) as ledger, ledger.write() as conn:
        audit.append(
            conn,
            audit.RESTORE,
            officer=officer,
            target=backup_path.name,
            after={
                "from": backup_path.name,
                "checksum": verified["checksum"],
                **({"other_station": verified["station"]} if verified.get("other_station") else {}),
            },
        )
        # What goes in must be what was verified, even if the backup changed since.
        if soundness.fingerprint(conn) != verified["fingerprint"] or (
            backup.checksum_status(backup_path) != verified["checksum"]
        ):
            raise DatabaseError(
                _("{name} changed after it was verified; nothing was restored, try again").format(
                    name=backup_path.name
                )
            )
    # Back to one self-contained file, so that it can also be moved into place whole.
    with db.connect_plain(incoming) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    files.fsync_file(incoming)


def _check_constraints(incoming: Path, what: str) -> None:
    """integrity_check on a writable connection: SQLite 3.40 checks CHECK constraints only
    there (a read-only one, as `verify` uses, checks NOT NULL but skips CHECK). query_only
    keeps it from writing."""
    conn = db.connect_plain(incoming, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = 1")
        soundness.check_integrity(conn, what)
    finally:
        conn.close()


def _is_readable(db_path: Path) -> bool:
    """True for a heartlink database SQLite can read; False for a damaged file. Refuses (raises)
    a database that is someone else's or newer: restore never replaces those."""
    conn = db.connect_plain(db_path, mode="ro")
    try:
        db.schema_version(conn, db_path)
        return True
    except DamagedDatabaseError:
        return False
    finally:
        conn.close()


def _swap_in(incoming: Path, db_path: Path, safety: Path) -> None:
    """In one BEGIN IMMEDIATE transaction on the database: copy it to `safety`, then replace its
    schema and every row with the prepared file's. SQLite's backup API cannot write into a
    database its connection holds a transaction on, hence the tables are copied by SQL: from
    the safety copy to the end of the overwrite, the write lock is never let go."""
    live = db.connect_plain(db_path, isolation_level=None, timeout=db.BUSY_TIMEOUT_S)
    try:
        live.execute("PRAGMA foreign_keys = OFF")  # tables are dropped and filled in any order
        live.execute("BEGIN IMMEDIATE")
        try:
            db.schema_version(live, db_path)  # still heartlink's, now that it is ours alone
            _snapshot_to(db_path, safety)
            live.execute("ATTACH DATABASE ? AS incoming", (db.sqlite_uri(incoming, mode="ro"),))
            _replace_everything(live)
            live.execute("COMMIT")
        except BaseException:
            if live.in_transaction:
                live.rollback()
                files.remove_quietly(safety)  # the database is as it was: nothing to keep
            raise
    finally:
        live.close()


def _snapshot_to(db_path: Path, safety: Path) -> None:
    """Copy the database to `safety` through a reader of its own: the caller holds the write
    lock, so the reader sees the last commit and nothing after it (the backup API cannot read
    through the connection holding the lock)."""
    reader = db.connect_plain(db_path, mode="ro")
    copy = db.connect_plain(safety)
    try:
        reader.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
        reader.close()
    files.fsync_file(safety)


def _replace_everything(live: sqlite3.Connection) -> None:
    """The prepared file's schema and rows in place of the database's, inside the caller's
    transaction. Indexes and triggers are made after the rows are in, so that no trigger (the
    yearly totals) counts a copied row again."""
    mine = "SELECT type, name, sql FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    for kind, name, _sql in live.execute(mine).fetchall():
        if kind in ("table", "view"):
            live.execute(f'DROP {kind.upper()} IF EXISTS main."{name.replace(chr(34), "")}"')
    objects = live.execute(
        "SELECT type, name, sql FROM incoming.sqlite_master"
        " WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for kind, name, sql in objects:
        if kind == "table":
            live.execute(sql)
            quoted = '"' + name.replace('"', '""') + '"'
            live.execute(f"INSERT INTO main.{quoted} SELECT * FROM incoming.{quoted}")
    for kind, _name, sql in objects:
        if kind != "table":
            live.execute(sql)
    for pragma in ("user_version", "application_id"):
        value = live.execute(f"PRAGMA incoming.{pragma}").fetchone()[0]
        live.execute(f"PRAGMA main.{pragma} = {int(value)}")


def _keep_raw(db_path: Path, safety: Path) -> None:
    """Keep a file SQLite cannot read exactly as it is, with its journal, for a specialist
    (`safety` is reserved already)."""
    for suffix in ("", "-wal", "-journal"):
        part = db_path.with_name(db_path.name + suffix)
        if part.exists():
            kept = safety.with_name(safety.name + suffix)
            if suffix:
                files.create_private(kept)
            kept.write_bytes(part.read_bytes())
            files.fsync_file(kept)


def _replace_file(incoming: Path, db_path: Path) -> None:
    """Move the prepared file into place, after removing journals that belong to no database
    (SQLite would replay a stale -wal onto the new file)."""
    for suffix in ("-wal", "-shm", "-journal"):
        files.remove_quietly(db_path.with_name(db_path.name + suffix))
    os.replace(incoming, db_path)
    files.fsync_folder(db_path.parent)
