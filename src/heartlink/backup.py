"""Verified backups and their rotation (restore: heartlink.restore; the health check:
heartlink.health).

A backup is taken with SQLite's online backup API in one step (`pages=-1`) from a read
transaction on the live file, so it is the database exactly as it stood at one moment, even while
other processes record; the step-wise API would restart after every commit of another process.
The copy is written to a temporary file in the backup folder, switched to a self-contained
rollback journal, flushed to disk, and verified (integrity, foreign keys, and the totals
fingerprint equal to the source's in the same snapshot) before it gets its final name. Nothing
here ever writes to the live database or to an existing backup.
"""

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from heartlink import db, files, soundness
from heartlink.errors import DatabaseError, HeartlinkError
from heartlink.i18n import N_, _

BACKUP_FOLDER = "backups"
NAME = re.compile(r"^heartlink-(\d{8})-(\d{6})(?:-(\d+))?\.db$")
CHECKSUM_SUFFIX = ".sha256"


def default_folder(db_path: Path) -> Path:
    """Backups live beside the database unless told otherwise."""
    return db_path.parent / BACKUP_FOLDER


def _open_snapshot_source(path: Path) -> sqlite3.Connection:
    db.refuse_folder(path)
    if not path.exists():
        raise DatabaseError(
            _("there is no database at {path}; nothing to back up").format(path=path)
        )
    conn = db.connect_plain(
        path,
        mode="ro",
        isolation_level=None,
        timeout=db.BUSY_TIMEOUT_S,
    )
    try:
        version = _settled_version(conn, path)
    except BaseException:
        conn.close()
        raise
    if version < db.SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            _(
                "{path} has an older schema (version {version}); run any "
                "heartlink command that writes, such as `heartlink record`, to "
                "upgrade it, then back up"
            ).format(path=path, version=version)
        )
    return conn


def _settled_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version once no writer is creating or upgrading the schema: a first `record`
    creates the file empty, then migrates it in one write transaction, which a reader must wait
    for rather than see the blank file between the two."""
    version = db.schema_version(conn, path)
    if version < db.SCHEMA_VERSION and os.access(path, os.W_OK):
        # A read-only connection takes no write lock, so cannot wait for one: this one asks for
        # the lock (waiting up to the busy timeout for the writer) and lets go, writing nothing.
        waiter = db.connect_plain(path, isolation_level=None, timeout=db.BUSY_TIMEOUT_S)
        try:
            waiter.execute("BEGIN IMMEDIATE")
            waiter.execute("ROLLBACK")
        finally:
            waiter.close()
        version = db.schema_version(conn, path)
    if version == 0:
        raise DatabaseError(
            _(
                "{path} is being created (it holds no schema yet); nothing to "
                "back up, try again in a moment"
            ).format(path=path)
        )
    return version


def _ready_folder(folder: Path | None, db_path: Path) -> Path:
    if folder is None:
        folder = default_folder(db_path)
        if not folder.exists():
            folder.mkdir(mode=files.PRIVATE_FOLDER, parents=True, exist_ok=True)
    refuse_missing_folder(folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise HeartlinkError(
            _("backup folder {folder} is not writable for this user").format(folder=folder)
        )
    remove_abandoned(folder)
    return folder


def refuse_missing_folder(folder: Path) -> None:
    if folder.is_file():
        raise HeartlinkError(
            _("{folder} is a file, not a folder; name the folder for backups").format(folder=folder)
        )
    if not folder.is_dir():
        raise HeartlinkError(
            _("backup folder {folder} does not exist; create it or name another").format(
                folder=folder
            )
        )


ABANDONED_AFTER_S = 6 * 3600
PARTIAL_PATTERN = ".heartlink-*.partial"


def remove_abandoned(folder: Path) -> None:
    """Partial files left by a backup or restore that was killed (they hold personal data).
    Six hours is far longer than any backup takes, so none still being written is touched."""
    cutoff = dt.datetime.now().timestamp() - ABANDONED_AFTER_S
    for partial in folder.glob(PARTIAL_PATTERN):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                files.remove_database(partial)


def leftovers(db_path: Path) -> list[Path]:
    """Partial files of backups and restores that did not finish (killed, or still running),
    with their journals, in the default backup folder and beside the database: full-size copies
    of personal data until the next backup or restore removes them, six hours on."""
    found: list[Path] = []
    for folder in (default_folder(db_path), db_path.parent):
        if folder.is_dir():
            found += sorted(
                path
                for path in folder.iterdir()
                if path.name.startswith(".heartlink-") and ".partial" in path.name
            )
    return found


def _backup_name(folder: Path, now: dt.datetime, sequence: int) -> Path:
    suffix = f"-{sequence}" if sequence > 1 else ""
    return folder / f"heartlink-{now:%Y%m%d-%H%M%S}{suffix}.db"


@dataclass
class Backup:
    path: Path
    size: int
    sha256: str
    fingerprint: dict

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "totals": self.fingerprint["totals"],
            "rows": self.fingerprint["rows"],
        }


def create(db_path: Path, folder: Path | None = None, *, now: dt.datetime | None = None) -> Backup:
    """Write a verified backup of the database at `db_path` into `folder`.

    The default folder (beside the database) is created if missing; a folder that was named
    explicitly must exist, so that a script pointed at an unplugged drive fails loudly.
    """
    source = _open_snapshot_source(db_path)
    try:
        folder = _ready_folder(folder, db_path)
    except BaseException:
        source.close()
        raise
    now = now or dt.datetime.now()
    try:
        _refuse_too_little_space(source, folder)
    except BaseException:
        source.close()
        raise
    temporary = folder / f".heartlink-{now:%Y%m%d-%H%M%S}-{os.getpid()}.partial"
    try:
        files.create_private(temporary)
        source.execute("BEGIN")
        # The first read fixes the snapshot the backup copies.
        expected = soundness.fingerprint(source)
        _copy(source, temporary)
        source.execute("COMMIT")
        copied = _verify_copy(temporary)
        if copied != expected:
            raise DatabaseError(_("the backup copy's totals differ from the database's; not kept"))
        files.fsync_file(temporary)
        checksum = files.sha256(temporary)
        path = _place(temporary, folder, now, checksum)
    except sqlite3.DatabaseError as exc:
        files.remove_database(temporary)
        if "full" in str(exc) or _too_little_space(source, folder):
            raise HeartlinkError(
                _("not enough space in {folder}; no backup was written").format(folder=folder)
            ) from None
        raise DatabaseError(
            _(
                "the database could not be copied ({exc}); it may be damaged: run `heartlink check`"
            ).format(exc=exc)
        ) from None
    except OSError as exc:
        files.remove_database(temporary)
        if exc.errno == 28:  # ENOSPC
            raise HeartlinkError(
                _("not enough space in {folder}; no backup was written").format(folder=folder)
            ) from None
        raise HeartlinkError(
            _("cannot write the backup in {folder}: {problem}").format(
                folder=folder, problem=exc.strerror
            )
        ) from None
    except BaseException:
        files.remove_database(temporary)
        raise
    finally:
        source.close()
    return Backup(path, path.stat().st_size, checksum, expected)


def _needed_bytes(source: sqlite3.Connection) -> int:
    """About what the copy takes: the source's pages in use."""
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    free = source.execute("PRAGMA freelist_count").fetchone()[0]
    return (pages - free) * source.execute("PRAGMA page_size").fetchone()[0]


def _too_little_space(source: sqlite3.Connection, folder: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(folder).free < _needed_bytes(source)
    except (OSError, sqlite3.Error):
        return False


def _refuse_too_little_space(source: sqlite3.Connection, folder: Path) -> None:
    """Fail before writing when the folder cannot hold the copy: a full disk can surface as
    an I/O error that reads like damage."""
    if _too_little_space(source, folder):
        raise HeartlinkError(
            _(
                "not enough space in {folder} for a backup of about "
                "{megabytes:,.1f} MB; free some space or name another folder"
            ).format(folder=folder, megabytes=_needed_bytes(source) / 1e6)
        )


def _copy(source: sqlite3.Connection, temporary: Path) -> None:
    """The snapshot `source` reads, copied into `temporary` as one self-contained file (a
    rollback journal, not WAL)."""
    copy = db.connect_plain(temporary, isolation_level=None)
    try:
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()


# The copy is verified through ordinary reads, not a memory map: a map took 0.2-0.5 s off the
# integrity check at 1M handouts, but a read error in a mapped page (a backup drive pulled out
# during the check) kills the process with a signal instead of giving its one `Error:` line.


def _verify_copy(temporary: Path) -> dict:
    """The copy's integrity, fingerprint (returned) and foreign keys, in one read transaction
    of a read-only connection: verifying cannot change the file."""
    copy = db.connect_plain(temporary, mode="ro", isolation_level=None)
    try:
        copy.execute("BEGIN")
        soundness.check_integrity(copy, "the backup copy")
        copied, pairs = soundness.fingerprint_and_pairs(copy)
        soundness.check_foreign_keys(copy, "the backup copy", pairs)
        return copied
    finally:
        copy.close()


def _place(temporary: Path, folder: Path, now: dt.datetime, checksum: str) -> Path:
    """Give the verified copy its final name, next free sequence number for this second, with
    its checksum file beside it (written first, so a named backup always has one)."""
    sequence = 1
    while True:
        path = _backup_name(folder, now, sequence)
        sidecar = sidecar_of(path)
        try:
            files.create_private(sidecar)
        except FileExistsError:
            sequence += 1
            continue
        sidecar.write_text(f"{checksum}  {path.name}\n", encoding="ascii")
        files.fsync_file(sidecar)
        try:
            files.place_new(temporary, path)
        except FileExistsError:
            files.remove_quietly(sidecar)
            sequence += 1
            continue
        files.fsync_folder(folder)
        return path


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def _sort_key(path: Path) -> tuple[str, str, int]:
    day, clock, sequence = NAME.match(path.name).groups()  # type: ignore[union-attr]
    return day, clock, int(sequence or 1)


def backups_in(folder: Path) -> list[Path]:
    """heartlink backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if NAME.match(p.name) and p.is_file()]
    return sorted(found, key=_sort_key)


def checksum_status(path: Path) -> str:
    """'ok', 'mismatch', 'missing checksum file' or 'unreadable checksum file' (empty, or not
    a checksum) for one backup; reads, never writes."""
    sidecar = sidecar_of(path)
    if not sidecar.exists():
        return "missing checksum file"
    try:
        recorded = sidecar.read_text(encoding="ascii").split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return "unreadable checksum file"
    return "ok" if recorded == files.sha256(path) else "mismatch"


CHECKSUM_WORDS = {
    "ok": N_("checksum ok"),
    "mismatch": N_("checksum mismatch; the file changed after the backup"),
    "missing checksum file": N_("no checksum file beside it"),
    "unreadable checksum file": N_(
        "its {suffix} file is empty or unreadable, so the backup cannot be verified"
    ),
}


def describe_checksum(status: str) -> str:
    """A checksum status (of CHECKSUM_WORDS) as a person reads it, in this run's language."""
    return _(CHECKSUM_WORDS[status]).format(suffix=CHECKSUM_SUFFIX)


def listing(folder: Path) -> list[dict]:
    """The backups in `folder` (which must exist: a script listing an unplugged drive must not
    read "no backups"), oldest first."""
    refuse_missing_folder(folder)
    rows = []
    for path in backups_in(folder):
        day, clock, _rest = _sort_key(path)
        taken = dt.datetime.strptime(day + clock, "%Y%m%d%H%M%S")
        status = checksum_status(path)
        rows.append(
            {
                "name": path.name,
                "path": str(path),
                "taken": taken.isoformat(sep=" "),
                "size": path.stat().st_size,
                "checksum": status,
                "verifies": status == "ok",
            }
        )
    return rows


def rotate(folder: Path, keep: int, *, new: Path) -> list[Path]:
    """Delete the oldest backups beyond the newest `keep`, the `new` one always counted among
    those kept (a clock that once ran ahead must not get it deleted); returns what went."""
    others = [path for path in backups_in(folder) if path != new]
    doomed = others[: max(len(others) - (keep - 1), 0)]
    for path in doomed:
        path.unlink()
        files.remove_quietly(sidecar_of(path))
    return doomed


def leftovers_verdict(db_path: Path) -> tuple[bool, str]:
    """leftovers as (ok, detail), for `heartlink check`: by file name, with how to remove them."""
    found = leftovers(db_path)
    if not found:
        return True, _("no partial backup or restore files")
    names = ", ".join(sorted({path.name for path in found}))
    return False, (
        _(
            "{count} partial file(s) of a backup or restore that did not "
            "finish: {names} (in {default_folder} or {parent}); they hold "
            "personal data. Delete them once no backup or restore is "
            "running; the next backup deletes them after 6 hours"
        ).format(
            count=len(found),
            names=names,
            default_folder=default_folder(db_path),
            parent=db_path.parent,
        )
    )
