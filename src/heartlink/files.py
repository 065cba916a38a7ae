"""Files heartlink writes for people (exports): whole or not at all, never over another file
unless asked, owner-only when they hold personal data."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from heartlink.errors import HeartlinkError


@contextmanager
def new_file(path: Path, *, force: bool = False, private: bool = False) -> Iterator[Path]:
    """A temporary file beside `path`, for the caller to write; renamed to `path` when the
    block ends without an error, deleted when it fails, so no half-written file is left.

    `path` is not replaced when it exists unless `force`. `private` files are created readable
    and writable by their owner only (mode 600) where the OS has such permissions; others get
    the usual permissions of new files (the umask).
    """
    if path.is_dir():
        raise HeartlinkError(f"{path} is a folder; give a file name for the export")
    if not force and path.exists():
        raise _exists(path)
    if not path.parent.is_dir():
        raise HeartlinkError(f"folder {path.parent} does not exist; create it first")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        # Created with its final permissions, so personal data is never readable by others,
        # not even for the moment before a chmod.
        os.close(
            os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        )
    except OSError as exc:
        raise HeartlinkError(f"cannot create a file in {path.parent}: {exc.strerror}") from None
    try:
        yield temporary
        _move_into_place(temporary, path, force=force)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise


def _move_into_place(temporary: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temporary, path)
        return
    # A hard link fails if `path` appeared meanwhile: no check-then-write race.
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError:
        # File systems without hard links (FAT, some network shares).
        if path.exists():
            raise _exists(path) from None
        os.replace(temporary, path)
        return
    temporary.unlink()


def _exists(path: Path) -> HeartlinkError:
    return HeartlinkError(f"{path} already exists; choose another name or add --force")
