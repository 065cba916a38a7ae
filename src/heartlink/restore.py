"""Restoring a verified backup in place of the database, the current one kept as a safety copy."""

import datetime as dt
import os
import sqlite3
from pathlib import Path

from heartlink import backup, db, files, soundness
from heartlink.errors import DamagedDatabaseError, DatabaseError, HeartlinkError


def open_backup(path: Path) -> sqlite3.Connection:
    """A backup opened so that reading cannot change it: read-only and immutable."""
    if not path.is_file():
        raise HeartlinkError(f"there is no backup file at {path}")
    return sqlite3.connect(db.sqlite_uri(path, mode="ro", immutable=1), uri=True)


def verify(path: Path) -> dict:
    """Everything restore needs to trust a file: its checksum (when its .sha256 is there), a
    heartlink database of a schema this version reads, integrity and foreign keys."""
    status = backup.checksum_status(path)
    if status not in ("ok", "missing checksum file"):
        raise DatabaseError(f"{path.name}: checksum {status}; the file changed after the backup")
    conn = open_backup(path)
    try:
        version = db.schema_version(conn, path)
        soundness.check_sound(conn, path.name)
        if version < db.SCHEMA_VERSION:
            conn = _upgraded_copy(conn)
        return {
            "path": str(path),
            "checksum": status,
            "schema": version,
            "fingerprint": soundness.fingerprint(conn),
        }
    finally:
        conn.close()


def _upgraded_copy(conn: sqlite3.Connection) -> sqlite3.Connection:
    """An older backup brought to this schema in memory, so its totals can be computed."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    conn.backup(memory)
    conn.close()
    db.migrate(memory, on_disk=False)
    return memory


def restore(db_path: Path, backup_path: Path, *, officer: str, verified: dict) -> dict:
    """Put a verified backup in place of the database, keeping the current one as a safety copy.

    The backup is first prepared in a file of its own (copied, brought to this schema, the
    restore written to its audit log). A sound current database is then copied to the safety
    file and overwritten page by page through SQLite's backup API, under SQLite's own locks, so
    other connections wait rather than write to a file that is being swapped away. A current
    file SQLite cannot read is kept byte for byte as the safety copy and replaced whole. The
    safety copy goes beside the database, outside the backup folder, so rotation never deletes
    it.
    """
    folder = db_path.parent
    folder.mkdir(mode=files.PRIVATE_FOLDER, parents=True, exist_ok=True)
    backup.remove_abandoned(folder)
    stamp = dt.datetime.now()
    incoming = folder / f".heartlink-restore-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.partial"
    safety = db_path.with_name(f"{db_path.stem}-before-restore-{stamp:%Y%m%d-%H%M%S}.db")
    try:
        _prepare(incoming, backup_path, officer=officer, verified=verified)
        if not db_path.exists():
            safety = None
            _replace_file(incoming, db_path)
        elif _is_readable(db_path):
            _copy_over(incoming, db_path, safety)
        else:
            _keep_raw(db_path, safety)
            _replace_file(incoming, db_path)
    finally:
        files.remove_database(incoming)
    return {
        "restored_from": str(backup_path),
        "database": str(db_path),
        "safety_copy": str(safety) if safety else None,
        "totals": verified["fingerprint"]["totals"],
        "rows": verified["fingerprint"]["rows"],
    }


def _prepare(incoming: Path, backup_path: Path, *, officer: str, verified: dict) -> None:
    """The database to restore, in its own file: the backup, upgraded, the restore logged."""
    from heartlink import audit

    files.create_private(incoming)
    target = sqlite3.connect(incoming)
    try:
        with open_backup(backup_path) as source:
            source.backup(target)
    finally:
        target.close()
    with db.open_for_write(incoming) as ledger, ledger.write() as conn:
        audit.append(
            conn,
            audit.RESTORE,
            officer=officer,
            target=backup_path.name,
            after={"from": backup_path.name, "checksum": verified["checksum"]},
        )
    # Back to one self-contained file, so that it can also be moved into place whole.
    with sqlite3.connect(incoming) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    files.fsync_file(incoming)


def _is_readable(db_path: Path) -> bool:
    """True for a heartlink database SQLite can read; False for a damaged file. Refuses (raises)
    a database that is someone else's or newer: restore never replaces those."""
    conn = sqlite3.connect(db.sqlite_uri(db_path, mode="ro"), uri=True)
    try:
        db.schema_version(conn, db_path)
        return True
    except DamagedDatabaseError:
        return False
    finally:
        conn.close()


def _copy_over(incoming: Path, db_path: Path, safety: Path) -> None:
    live = sqlite3.connect(db_path, isolation_level=None, timeout=db.BUSY_TIMEOUT_S)
    try:
        files.create_private(safety)
        copy = sqlite3.connect(safety)
        try:
            live.backup(copy)  # one consistent snapshot of the current database
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        files.fsync_file(safety)
        source = sqlite3.connect(db.sqlite_uri(incoming, mode="ro"), uri=True)
        try:
            source.backup(live)  # waits for other writers; they see the restored data after
        finally:
            source.close()
        live.execute("PRAGMA journal_mode = WAL")
    finally:
        live.close()


def _keep_raw(db_path: Path, safety: Path) -> None:
    """Keep a file SQLite cannot read exactly as it is, with its journal, for a specialist."""
    files.create_private(safety)
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
