"""The one SQLite file: where it lives, opening it, and the write transaction.

Writers open the file itself: WAL journal, foreign keys on, synchronous=FULL (a committed record
survives an OS crash or power cut, at the cost of one more fsync per commit), a busy timeout,
and every write inside one `BEGIN IMMEDIATE` transaction so that concurrent writers queue
instead of failing with "database is locked".

Readers never change the file: it is opened read-only, and a file whose schema is older than this
heartlink is upgraded in a private in-memory copy. sqlite-utils (for migrations) is imported only
when a schema must be created or upgraded, so the `record` fast path never loads it.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from heartlink.errors import DamagedDatabaseError, DatabaseError, InputError
from heartlink.i18n import _
from heartlink.text import fold

# The number of migrations in heartlink.migrations; a test holds the two together. Kept here so
# that checking a current file needs no import of the migrations (and of sqlite-utils).
SCHEMA_VERSION = 13
# PRAGMA application_id marks a file as heartlink's ("HLNK"), readable from the header alone.
APPLICATION_ID = 0x484C4E4B
BUSY_TIMEOUT_S = 30.0
# What the closed-year triggers of migration 0012 say (see heartlink.closing).
CLOSED_YEAR_REFUSAL = "dated in a closed year cannot be added or voided"
DB_ENV = "HEARTLINK_DB"
FILE_NAME = "heartlink.db"


def default_path() -> Path:
    """The platform's user data folder: ~/.local/share/heartlink on Linux, and so on."""
    import platformdirs

    return platformdirs.user_data_path("heartlink", appauthor=False) / FILE_NAME


def resolve_path(option: str | os.PathLike[str] | None) -> Path:
    """--db, then HEARTLINK_DB, then the user data folder (an empty HEARTLINK_DB is unset)."""
    if option is not None and not str(option).strip():
        raise InputError(_("--db is empty; give the path of a database file, or leave --db out"))
    chosen = option or os.environ.get(DB_ENV, "").strip() or default_path()
    return Path(chosen).expanduser()


def sqlite_uri(path: Path, **parameters: object) -> str:
    """A file: URI SQLite accepts for `path`, on POSIX and on Windows (drive letters and UNC
    shares, which `Path.as_uri()` turns into a host name SQLite refuses)."""
    return file_uri(str(path.absolute()), **parameters)


def file_uri(absolute: str, **parameters: object) -> str:
    """sqlite_uri for an absolute path given as text (POSIX or Windows)."""
    from urllib.parse import quote, urlencode

    text = absolute.replace("\\", "/")
    if not text.startswith("/"):
        text = "/" + text  # C:/… becomes /C:/…; //server/share/… stays as it is
    query = f"?{urlencode(parameters)}" if parameters else ""
    return "file://" + quote(text, safe="/:") + query


def utc_now() -> str:
    """A timestamp for created_at and friends: ISO 8601, UTC, milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Ledger:
    """An open heartlink database. `conn` is for reads; `write()` for every change.

    A ledger opened for writing connects on first use, so that a command whose input is
    refused before it reads or writes anything leaves no trace, not even a new file.
    """

    def __init__(
        self,
        conn: sqlite3.Connection | None,
        path: Path | None,
        *,
        exists: bool = True,
        connect: Callable[[], sqlite3.Connection] | None = None,
    ):
        self._conn = conn
        self._connect = connect
        self.path = path
        # False when a reader found no file and is showing an empty, in-memory ledger.
        self.exists = exists

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            assert self._connect is not None
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, opened with BEGIN IMMEDIATE; committed whole or rolled back whole."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.rollback()
            if isinstance(exc, sqlite3.IntegrityError) and CLOSED_YEAR_REFUSAL in str(exc):
                from heartlink import closing

                raise closing.refused(self.conn) from None
            raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every read inside sees the ledger as it was at the first one,
        whatever other processes write meanwhile (an export reads its rows more than once)."""
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self.conn
        finally:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect_plain(
    path: Path | str,
    *,
    mode: str | None = None,
    immutable: bool = False,
    timeout: float = 5.0,
    isolation_level: str | None = "",
) -> sqlite3.Connection:
    """A plain SQLite connection to a file that is not (or not yet) the ledger in use: a
    backup, its copy, a file being prepared for restore. `mode` "ro" (or `immutable`) opens it
    read-only through a URI, on POSIX and Windows alike; ":memory:" is a private database.
    Unlike the ledger's own connections it has no row factory, no heartlink functions and
    foreign keys as SQLite's default (off); the defaults are sqlite3.connect's."""
    if str(path) == ":memory:" or (mode is None and not immutable):
        return sqlite3.connect(path, timeout=timeout, isolation_level=isolation_level)
    parameters: dict[str, object] = {"mode": mode or "ro"}
    if immutable:
        parameters["immutable"] = 1
    return sqlite3.connect(
        sqlite_uri(Path(path), **parameters),
        uri=True,
        timeout=timeout,
        isolation_level=isolation_level,
    )


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, uri=uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.create_function("heartlink_fold", 1, fold, deterministic=True)
    return conn


def schema_version(conn: sqlite3.Connection, path: Path | None, hint: str | None = None) -> int:
    """The file's schema version; refuses files that are not heartlink's or are too new.
    `hint` ends the refusal of a file that is not heartlink's (what to do about it; by default,
    to check --db)."""
    where = str(path) if path else _("the database")
    if hint is None:
        hint = _("check --db or {variable}").format(variable=DB_ENV)
    try:
        # One statement, so one snapshot: read apart, a file that another writer is creating
        # can show its tables without yet showing heartlink's id.
        app_id, version, has_tables = conn.execute(
            "SELECT (SELECT application_id FROM pragma_application_id),"
            " (SELECT user_version FROM pragma_user_version),"
            " EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table')"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DamagedDatabaseError(
                _("{where} is not a SQLite database; {hint}").format(where=where, hint=hint)
            ) from None
        if "malformed" in str(exc):
            raise DamagedDatabaseError(
                _("{where} is damaged (its disk image is malformed)").format(where=where)
            ) from None
        raise
    if app_id != APPLICATION_ID and (app_id != 0 or version != 0 or has_tables):
        raise DatabaseError(
            _("{where} is a SQLite database but not a heartlink one; {hint}").format(
                where=where, hint=hint
            )
        )
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            _(
                "{where} was written by a newer heartlink (schema {version}, "
                "this one reads up to {supported}); upgrade heartlink to use it. "
                "The file was not changed."
            ).format(where=where, version=version, supported=SCHEMA_VERSION)
        )
    return version


def _set_wal(conn: sqlite3.Connection) -> None:
    # Switching the journal mode needs a moment of exclusive access and is not covered by the
    # busy handler in every SQLite version, so retry for as long as the busy timeout.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def migrate(conn: sqlite3.Connection, *, on_disk: bool) -> None:
    from heartlink import migrations

    if on_disk:
        _set_wal(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            migrations.apply(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _create_file(path: Path) -> None:
    """Create the folder and an empty file, owner-only where the OS has such permissions."""
    if not path.parent.exists():
        try:
            path.parent.mkdir(mode=0o700, parents=True)
        except FileExistsError:
            pass
        except OSError as exc:
            raise DatabaseError(
                _(
                    "cannot create the folder {folder}: {problem}; choose another place with --db"
                ).format(folder=path.parent, problem=exc.strerror)
            ) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first
    except OSError as exc:
        raise DatabaseError(
            _("cannot create {path}: {problem}; choose another place with --db").format(
                path=path, problem=exc.strerror
            )
        ) from None
    os.close(fd)


def refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(
            _("{path} is a folder; give the path of a database file, such as {file}").format(
                path=path, file=path / FILE_NAME
            )
        )


def open_for_write(path: Path) -> Ledger:
    """A ledger that, on first use, opens the file (creating it if needed) and brings the schema
    up to date."""
    return Ledger(None, path, connect=lambda: _open_file_for_write(path))


def _open_file_for_write(path: Path) -> sqlite3.Connection:
    refuse_folder(path)
    if not path.exists():
        _create_file(path)
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(
            _(
                "{path} is read-only for this user; nothing was saved. Fix its "
                "permissions or choose another file with --db"
            ).format(path=path)
        )
    conn = _connect(str(path))
    try:
        if schema_version(conn, path) < SCHEMA_VERSION:
            migrate(conn, on_disk=True)
        elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            _set_wal(conn)  # a restored or hand-copied file comes back to WAL
        conn.execute("PRAGMA synchronous = FULL")
        if sys.platform == "darwin":
            conn.execute("PRAGMA fullfsync = ON")  # macOS fsync alone leaves the drive's cache
    except BaseException:
        conn.close()
        raise
    return conn


def open_memory() -> Ledger:
    """A fresh, empty ledger in memory (for the sample data and for reading a missing file)."""
    conn = _connect(":memory:")
    migrate(conn, on_disk=False)
    return Ledger(conn, None)


def open_for_read(path: Path) -> Ledger:
    """Open without changing the file in any way; a missing file reads as an empty ledger."""
    refuse_folder(path)
    if not path.exists():
        ledger = open_memory()
        ledger.path, ledger.exists = path, False
        return ledger
    conn = _connect(sqlite_uri(path, mode="ro"), uri=True)
    try:
        version = schema_version(conn, path)
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path.parent, os.W_OK):
            raise
        # On read-only media SQLite cannot create the WAL's shared-memory file; nobody can
        # write there either, so reading the file as immutable is safe.
        conn = _connect(sqlite_uri(path, mode="ro", immutable=1), uri=True)
        version = schema_version(conn, path)
    except BaseException:
        conn.close()
        raise
    if version == SCHEMA_VERSION:
        return Ledger(conn, path)
    # Older (or blank): upgrade a private copy so that reading never writes to the file.
    memory = _connect(":memory:")
    conn.backup(memory)
    conn.close()
    migrate(memory, on_disk=False)
    return Ledger(memory, path)


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None]]:
    """The tables, indexes and triggers heartlink made: (type, name, table, SQL), in a stable
    order. SQLite's own objects and sqlite-utils' record of the migrations are left out."""
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE substr(name, 1, 7) != 'sqlite_' AND name != '_sqlite_migrations'"
        " ORDER BY type = 'trigger', type = 'index', tbl_name, type, name"
    )
    return [tuple(row) for row in rows]


def expected_schema() -> list[tuple[str, str, str, str | None]]:
    """schema_of a blank database brought to this version: what every current file must hold
    (tests/golden_schema.sql holds it too)."""
    with open_memory() as ledger:
        return schema_of(ledger.conn)


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    """One line for a user, for SQLite failures that are not heartlink's own checks."""
    text = str(exc)
    if CLOSED_YEAR_REFUSAL in text:
        return _(
            "the record is dated in a closed year; nothing was saved. Record the correction in "
            "an open year, or reopen its year with `heartlink reopen YEAR --reason …`"
        )
    if "decode" in text.lower() and "utf-8" in text.lower():
        # Python's message goes on with the text it could not read: personal data.
        return _(
            "the database holds text that is not valid UTF-8 (the file is "
            "damaged); nothing was saved. Run `heartlink check` to find the "
            "record"
        )
    if "locked" in text or "busy" in text:
        return _(
            "the database stayed busy for over {BUSY_TIMEOUT_S:.0f} s "
            "(another program holds it); nothing was saved, try again"
        ).format(BUSY_TIMEOUT_S=BUSY_TIMEOUT_S)
    if "readonly" in text or "read-only" in text:
        return _("the database is read-only; nothing was saved. Check the file's permissions")
    if "full" in text:
        return _("the disk is full; nothing was saved. Free some space and try again")
    if "not a database" in text or "malformed" in text:
        return _("the database file is damaged or not a SQLite file; run `heartlink db path`")
    if "unable to open" in text:
        return _("cannot open the database file; check the path and its folder's permissions")
    return _("database error ({__name__}: {text}); nothing was saved").format(
        __name__=exc.__class__.__name__, text=text
    )
