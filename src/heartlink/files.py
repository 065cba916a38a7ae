"""Files that must not be lost or half-written: owner-only creation, fsync, atomic placing."""

import contextlib
import hashlib
import os
import sys
from pathlib import Path

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
