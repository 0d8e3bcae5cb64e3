"""One writer per output folder: a lock file beside it, created exclusively.

Two runs into one ``--out`` would replace each other's files (or, for a sweep,
mix two scenarios' points in one ``points/`` folder). The lock is
``.<name>.sim-lock`` in the folder's parent, created with ``O_CREAT | O_EXCL``
and holding the writer's process id. It is taken when the folder is checked,
before any computing, and released once the folder is written (or, failing
that, when the process exits); a second writer is refused (exit 2) while the
first lives. A lock whose process has gone (``kill -9``) is taken over, and the
process holding a lock may take it again.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import stat
import time
from pathlib import Path

from simcore.errors import InputError, Problem

STARTING = 5.0   # seconds: an empty lock this young is a writer still starting


def lock_path(folder: Path) -> Path:
    folder = Path(folder).absolute()
    return folder.parent / f".{folder.name}.sim-lock"


def acquire(folder: Path) -> None:
    """Take the lock of ``folder``; InputError when another living process holds it."""
    lock = lock_path(folder)
    if not lock.parent.is_dir():
        try:    # the folder's parents, made now so that the lock is taken before the run
            lock.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(Problem(f"cannot create the folder {lock.parent}: "
                                     f"{exc.strerror}", folder)) from None
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(3):
        try:
            fd = os.open(lock, flags, 0o644)
        except FileExistsError:
            _check_regular(lock, folder)
            owner = _owner(lock)
            if owner == os.getpid():
                return
            if owner is not None and _alive(owner) or owner is None and _young(lock):
                raise InputError(Problem(_held(owner, lock), folder)) from None
            with contextlib.suppress(OSError):   # its process is gone: a stale lock
                lock.unlink()
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{os.getpid()}\n")
        atexit.register(release, folder)   # also when the run fails or is interrupted
        return
    raise InputError(Problem(f"cannot take the lock {lock}; another sim is starting", folder))


def _held(owner: int | None, lock: Path) -> str:
    if owner is not None:
        return (f"another sim (process {owner}) is writing to this folder; wait for it to "
                f"end (its lock: {lock})")
    return (f"another sim is starting to write this folder: its lock {lock} does not name a "
            f"process yet; run again in {STARTING:g} s (a lock naming no process is taken "
            "over then)")


def release(folder: Path) -> None:
    """Remove the lock of ``folder`` if this process holds it."""
    lock = lock_path(folder)
    if _owner(lock) == os.getpid():
        with contextlib.suppress(OSError):
            lock.unlink()


def _check_regular(lock: Path, folder: Path) -> None:
    """A lock sim made is a regular file; anything else at its name (a link, a FIFO, a
    device) was planted: refused, not read (a FIFO would block, a device never end)."""
    try:
        mode = lock.lstat().st_mode
    except OSError:
        return      # gone meanwhile: the next attempt creates it
    if not stat.S_ISREG(mode):
        raise InputError(Problem(f"the lock {lock} is not a regular file (a link, FIFO or "
                                 "device sim did not make); remove it and run again", folder))


def _owner(lock: Path) -> int | None:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return int(os.read(fd, 64).decode("ascii", "replace").strip() or "0") or None
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def _young(lock: Path) -> bool:
    try:
        return time.time() - lock.lstat().st_mtime < STARTING
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
