"""Verified backups, their rotation, restore, and the integrity check.

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

from heartlink import db, files, summaries
from heartlink.errors import DamagedDatabaseError, DatabaseError, HeartlinkError

BACKUP_FOLDER = "backups"
NAME = re.compile(r"^heartlink-(\d{8})-(\d{6})(?:-(\d+))?\.db$")
CHECKSUM_SUFFIX = ".sha256"


def default_folder(db_path: Path) -> Path:
    """Backups live beside the database unless told otherwise."""
    return db_path.parent / BACKUP_FOLDER


def fingerprint(conn: sqlite3.Connection) -> dict:
    """What a backup must reproduce: row counts, and per year and kind the count, number of
    handouts and value of the handouts not voided."""
    return _census(conn)[0]


def _census(conn: sqlite3.Connection) -> tuple[dict, set[tuple[str, str]]]:
    """The fingerprint, and the (kind, programme) pairs the handouts use, voided or not.

    The voided count, the totals and the pairs come from one pass over the covering index
    handout_year_totals, grouped in its own order (year, kind, programme), so without sorting;
    a year and kind whose handouts are all voided has no totals.
    """
    rows = {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("beneficiary", "handout", "kind", "programme")
    }
    rows["voided"] = 0
    pairs: set[tuple[str, str]] = set()
    years: dict[str, dict[str, list[int]]] = {}
    for year, kind, programme, handouts, voided, count, value in conn.execute(
        "SELECT year, kind, programme, COUNT(*), COUNT(voided_at),"
        " SUM(count) FILTER (WHERE voided_at IS NULL),"
        " SUM(value_vnd) FILTER (WHERE voided_at IS NULL)"
        " FROM handout INDEXED BY handout_year_totals GROUP BY year, kind, programme"
    ):
        rows["voided"] += voided
        pairs.add((kind, programme))
        if handouts > voided:
            totals = years.setdefault(str(year), {}).setdefault(kind, [0, 0, 0])
            totals[0] += count
            totals[1] += handouts - voided
            totals[2] += value or 0
    return {"rows": rows, "totals": years}, pairs


def _check_sound(conn: sqlite3.Connection, what: str) -> None:
    """integrity_check and foreign_key_check, or a DatabaseError naming `what`."""
    _check_integrity(conn, what)
    _check_foreign_keys(conn, what)


def _check_integrity(conn: sqlite3.Connection, what: str) -> None:
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if problems != ["ok"]:
        # SQLite's report can span lines; an error stays one line.
        first = " ".join(problems[0].replace("***", "").split())[:200]
        raise DatabaseError(
            f"{what} is damaged (integrity check: {first}"
            f"{f' and {len(problems) - 1} more' if len(problems) > 1 else ''})"
        )


def _check_foreign_keys(
    conn: sqlite3.Connection, what: str, pairs: set[tuple[str, str]] | None = None
) -> None:
    """foreign_key_check; `pairs`, from `_census` after `_check_integrity` passed on this
    snapshot, lets handout be checked by its distinct keys (see `_orphans`)."""
    try:
        orphans = _orphans(conn, pairs)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(what, exc) from None
    if orphans:
        raise DatabaseError(
            f"{what} has {len(orphans)} record(s) pointing at missing records (foreign key check)"
        )


def _unreadable(what: str, exc: sqlite3.DatabaseError) -> DatabaseError:
    return DatabaseError(f"{what} is damaged or not a SQLite database ({exc})")


# handout's foreign keys as heartlink's schema declares them: (column, parent table, parent key).
HANDOUT_KEYS = {
    ("kind", "kind", "slug"),
    ("programme", "programme", "slug"),
    ("beneficiary_id", "beneficiary", "id"),
}


def _orphans(conn: sqlite3.Connection, pairs: set[tuple[str, str]] | None = None) -> list:
    """The rows PRAGMA foreign_key_check reports.

    With `pairs`, handout is first checked by its distinct keys: each (kind, programme) pair and
    each beneficiary its handouts name is looked up once, instead of three look-ups for each of
    its rows (0.35 s of a backup at 1M handouts). The pairs come from the index
    handout_year_totals, the beneficiaries from handout_by_beneficiary; this is the same check
    only because integrity_check has passed on the same snapshot, which proves that every index
    holds exactly its table's rows (an entry for each, no other), so the keys read from an index
    are the table's. The PRAGMA then checks the other tables, one by one. When a key is missing
    (or handout's keys are not the ones above), the PRAGMA checks every table, handout included,
    and counts the rows pointing at missing records.
    """
    if pairs is None or not _handout_keys_found(conn, pairs):
        return conn.execute("PRAGMA foreign_key_check").fetchall()
    others = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'handout'"
    ).fetchall()
    found = []
    for (table,) in others:
        quoted = '"' + table.replace('"', '""') + '"'
        found += conn.execute(f"PRAGMA foreign_key_check({quoted})").fetchall()
    return found


def _handout_keys_found(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> bool:
    """True when handout's foreign keys are heartlink's and every distinct key it holds is
    found in its parent table (see `_orphans`)."""
    keys = [(row[3], row[2], row[4]) for row in conn.execute("PRAGMA foreign_key_list(handout)")]
    parents = conn.execute(
        "SELECT COUNT(*) FROM sqlite_master"
        " WHERE type = 'table' AND name IN ('kind', 'programme', 'beneficiary')"
    ).fetchone()[0]
    if len(keys) != len(HANDOUT_KEYS) or set(keys) != HANDOUT_KEYS or parents != 3:
        return False
    # Compiling the PRAGMA, without running it, checks that each parent key is a unique key
    # of its table ("foreign key mismatch" otherwise), as running it would.
    conn.execute("EXPLAIN PRAGMA foreign_key_check(handout)").close()
    for table, column, values in (
        ("kind", "slug", {kind for kind, _ in pairs}),
        ("programme", "slug", {programme for _, programme in pairs}),
    ):
        for value in values - {None}:
            if not conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (value,)).fetchone():
                return False
    missing = conn.execute(
        "SELECT 1 FROM (SELECT DISTINCT beneficiary_id AS id FROM handout"
        " WHERE beneficiary_id IS NOT NULL) AS named"
        " WHERE NOT EXISTS (SELECT 1 FROM beneficiary WHERE beneficiary.id = named.id) LIMIT 1"
    ).fetchone()
    return missing is None


def _open_snapshot_source(path: Path) -> sqlite3.Connection:
    db.refuse_folder(path)
    if not path.exists():
        raise DatabaseError(f"there is no database at {path}; nothing to back up")
    conn = sqlite3.connect(
        db.sqlite_uri(path, mode="ro"),
        uri=True,
        isolation_level=None,
        timeout=db.BUSY_TIMEOUT_S,
    )
    try:
        version = db.schema_version(conn, path)
    except BaseException:
        conn.close()
        raise
    if version < db.SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            f"{path} has an older schema (version {version}); run any heartlink command that "
            "writes, such as `heartlink record`, to upgrade it, then back up"
        )
    return conn


def _ready_folder(folder: Path | None, db_path: Path) -> Path:
    if folder is None:
        folder = default_folder(db_path)
        if not folder.exists():
            folder.mkdir(mode=files.PRIVATE_FOLDER, parents=True, exist_ok=True)
    if not folder.is_dir():
        raise HeartlinkError(f"backup folder {folder} does not exist; create it or name another")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise HeartlinkError(f"backup folder {folder} is not writable for this user")
    _remove_abandoned(folder)
    return folder


ABANDONED_AFTER_S = 6 * 3600


def _remove_abandoned(folder: Path) -> None:
    """Partial files left by a backup or restore that was killed (they hold personal data).
    Six hours is far longer than any backup takes, so none still being written is touched."""
    cutoff = dt.datetime.now().timestamp() - ABANDONED_AFTER_S
    for partial in folder.glob(".heartlink-*.partial"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                files.remove_database(partial)


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
    temporary = folder / f".heartlink-{now:%Y%m%d-%H%M%S}-{os.getpid()}.partial"
    try:
        files.create_private(temporary)
        source.execute("BEGIN")
        expected = fingerprint(source)  # the first read fixes the snapshot the backup copies
        _copy(source, temporary)
        source.execute("COMMIT")
        copied = _verify_copy(temporary)
        if copied != expected:
            raise DatabaseError("the backup copy's totals differ from the database's; not kept")
        files.fsync_file(temporary)
        checksum = files.sha256(temporary)
        path = _place(temporary, folder, now, checksum)
    except sqlite3.DatabaseError as exc:
        files.remove_database(temporary)
        if "full" in str(exc):
            raise HeartlinkError(f"not enough space in {folder}; no backup was written") from None
        raise DatabaseError(
            f"the database could not be copied ({exc}); it may be damaged: run `heartlink check`"
        ) from None
    except OSError as exc:
        files.remove_database(temporary)
        if exc.errno == 28:  # ENOSPC
            raise HeartlinkError(f"not enough space in {folder}; no backup was written") from None
        raise HeartlinkError(f"cannot write the backup in {folder}: {exc.strerror}") from None
    except BaseException:
        files.remove_database(temporary)
        raise
    finally:
        source.close()
    return Backup(path, path.stat().st_size, checksum, expected)


def _copy(source: sqlite3.Connection, temporary: Path) -> None:
    """The snapshot `source` reads, copied into `temporary` as one self-contained file (a
    rollback journal, not WAL)."""
    copy = sqlite3.connect(temporary, isolation_level=None)
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
    copy = sqlite3.connect(db.sqlite_uri(temporary, mode="ro"), uri=True, isolation_level=None)
    try:
        copy.execute("BEGIN")
        _check_integrity(copy, "the backup copy")
        copied, pairs = _census(copy)
        _check_foreign_keys(copy, "the backup copy", pairs)
        return copied
    finally:
        copy.close()


def _place(temporary: Path, folder: Path, now: dt.datetime, checksum: str) -> Path:
    """Give the verified copy its final name, next free sequence number for this second, with
    its checksum file beside it (written first, so a named backup always has one)."""
    sequence = 1
    while True:
        path = _backup_name(folder, now, sequence)
        sidecar = _sidecar(path)
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


def _sidecar(path: Path) -> Path:
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
    """'ok', 'mismatch' or 'missing checksum file' for one backup; reads, never writes."""
    sidecar = _sidecar(path)
    if not sidecar.exists():
        return "missing checksum file"
    try:
        recorded = sidecar.read_text(encoding="ascii").split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return "unreadable checksum file"
    return "ok" if recorded == files.sha256(path) else "mismatch"


def listing(folder: Path) -> list[dict]:
    rows = []
    for path in backups_in(folder):
        day, clock, _ = _sort_key(path)
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
        files.remove_quietly(_sidecar(path))
    return doomed


def open_backup(path: Path) -> sqlite3.Connection:
    """A backup opened so that reading cannot change it: read-only and immutable."""
    if not path.is_file():
        raise HeartlinkError(f"there is no backup file at {path}")
    return sqlite3.connect(db.sqlite_uri(path, mode="ro", immutable=1), uri=True)


def verify(path: Path) -> dict:
    """Everything restore needs to trust a file: its checksum (when its .sha256 is there), a
    heartlink database of a schema this version reads, integrity and foreign keys."""
    status = checksum_status(path)
    if status not in ("ok", "missing checksum file"):
        raise DatabaseError(f"{path.name}: checksum {status}; the file changed after the backup")
    conn = open_backup(path)
    try:
        version = db.schema_version(conn, path)
        _check_sound(conn, path.name)
        if version < db.SCHEMA_VERSION:
            conn = _upgraded_copy(conn)
        return {
            "path": str(path),
            "checksum": status,
            "schema": version,
            "fingerprint": fingerprint(conn),
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
    _remove_abandoned(folder)
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


def _check_totals(conn: sqlite3.Connection) -> tuple[bool, str]:
    """Whether the yearly totals kept for reports agree with the handouts."""
    wrong = summaries.differences(conn)
    if not wrong:
        return True, "yearly totals agree with the handouts"
    return False, (
        f"{wrong} row(s) of the yearly totals disagree with the handouts; reports may be wrong"
        " until `heartlink db rebuild-totals` recomputes them"
    )


def check(db_path: Path) -> list[dict]:
    """Integrity, foreign keys, schema and yearly totals of the database, and the checksum of
    every backup in its default backup folder. Each check: {"check", "ok", "detail"}. Reads
    only."""
    results: list[dict] = []

    def note(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": ok, "detail": detail})

    if not db_path.is_file():
        note("database", False, f"no database at {db_path}")
        return results
    conn = sqlite3.connect(db.sqlite_uri(db_path, mode="ro"), uri=True)
    try:
        try:
            version = db.schema_version(conn, db_path)
        except DatabaseError as exc:
            note("schema", False, str(exc))
            return results
        note(
            "schema",
            True,
            f"version {version}"
            + ("" if version == db.SCHEMA_VERSION else ", upgraded on the next write"),
        )
        try:
            _check_sound(conn, "the database")
            note("integrity", True, "integrity and foreign keys ok")
        except DatabaseError as exc:
            note("integrity", False, str(exc))
        else:
            if version == db.SCHEMA_VERSION:
                note("totals", *_check_totals(conn))
    finally:
        conn.close()
    folder = default_folder(db_path)
    found = backups_in(folder)
    if not found:
        note("backups", True, f"no backups in {folder}")
    for path in found:
        status = checksum_status(path)
        note(f"backup {path.name}", status == "ok", f"checksum {status}")
    return results
