"""Files that must not be lost or half-written: owner-only creation, fsync, atomic placing
(backups, restores, exports)."""

import contextlib
import hashlib
import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from heartlink.errors import HeartlinkError
from heartlink.i18n import _

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def create_private(path: Path) -> None:
    """Create an empty file readable only by its owner; FileExistsError if it exists."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        if sys.platform == "darwin":
            import fcntl

            fcntl.fcntl(f.fileno(), fcntl.F_FULLFSYNC)  # macOS fsync stops at the drive's cache
        else:
            os.fsync(f.fileno())


def fsync_folder(path: Path) -> None:
    """Make a rename or a new file in `path` durable (POSIX; Windows has no such call)."""
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place_new(source: Path, target: Path) -> None:
    """Move `source` to `target` atomically, failing with FileExistsError if `target` exists:
    never overwrites, even when two processes race for the same name."""
    if sys.platform == "win32":
        os.rename(source, target)  # refuses an existing target on Windows
        return
    try:
        os.link(source, target)  # refuses an existing target, where rename would replace it
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (a FAT-formatted USB drive): reserve the name, then replace it.
        create_private(target)
        os.replace(source, target)
        return
    os.unlink(source)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def remove_database(path: Path) -> None:
    """A SQLite file that did not work out, with whatever journal SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        remove_quietly(path.with_name(path.name + suffix))


@contextmanager
def new_file(path: Path, *, force: bool = False, private: bool = False) -> Iterator[Path]:
    """A temporary file beside `path` for the caller to write (exports): placed at `path` when
    the block ends without an error, removed when it fails or is interrupted (Ctrl-C, SIGTERM,
    SIGHUP), so no half-written file is left.

    `path` is not replaced when it exists unless `force`. `private` files (personal data) are
    created readable and writable by their owner only; others get the usual permissions of new
    files (the umask).
    """
    if path.is_dir():
        raise HeartlinkError(
            _("{path} is a folder; give a file name for the export").format(path=path)
        )
    if not force and path.exists():
        raise _exists(path)
    if not path.parent.is_dir():
        raise HeartlinkError(
            _("folder {folder} does not exist; create it first").format(folder=path.parent)
        )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
    with _signals_interrupt():
        try:
            # Created with its final permissions, so personal data is never readable by
            # others, not even for the moment before a chmod.
            mode = PRIVATE_FILE if private else 0o666
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
        except OSError as exc:
            raise HeartlinkError(
                _("cannot create a file in {folder}: {problem}").format(
                    folder=path.parent, problem=exc.strerror
                )
            ) from None
        try:
            yield temporary
            fsync_file(temporary)
            if force:
                os.replace(temporary, path)
            else:
                try:
                    place_new(temporary, path)
                except FileExistsError:
                    raise _exists(path) from None
            fsync_folder(path.parent)
        except BaseException:
            remove_quietly(temporary)
            raise


# new_file's temporary files are named .NAME.XXXXXXXX.part, and a workbook's scratch folder
# beside one .NAME.XXXXXXXX.part.d (scratch_folder_beside).
TEMPORARY_SUFFIX = ".part"
SCRATCH_SUFFIX = ".d"
_TEMPORARY_NAME = re.compile(r"^\..+\.[0-9a-f]{8}\.part(\.d)?$")


def leftover_temporary_files(folder: Path) -> list[Path]:
    """The temporary files and folders of exports left in `folder` by a process that could not
    clean up (killed with SIGKILL, a power cut): they may hold personal data. Sorted by name."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / name for name in names if _TEMPORARY_NAME.match(name)]


@contextmanager
def scratch_folder_beside(path: Path | None) -> Iterator[Path]:
    """An owner-only folder beside `path` (new_file's temporary file) for the temporary files
    of whatever writes it, removed with them when the block ends, however it ends. Without a
    `path`, a folder in the system's temp folder."""
    import shutil
    import tempfile

    if path is None:
        with tempfile.TemporaryDirectory(prefix="heartlink-") as folder:
            yield Path(folder)
        return
    folder = path.with_name(path.name + SCRATCH_SUFFIX)
    try:
        folder.mkdir(mode=PRIVATE_FOLDER)
    except OSError as exc:
        raise HeartlinkError(
            _("cannot create a folder in {folder}: {problem}").format(
                folder=path.parent, problem=exc.strerror
            )
        ) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed terminal) raise KeyboardInterrupt inside the block, as
    Ctrl-C does, so that its clean-up runs: by default they end the process on the spot and
    leave its temporary files behind."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _exists(path: Path) -> HeartlinkError:
    return HeartlinkError(
        _("{path} already exists; choose another name or add --force").format(path=path)
    )
