"""Output folders: refused, replaced or created so that nothing sim did not write is lost.

Every folder ``sim`` writes carries a marker, :data:`MARKER`, a small manifest
naming the command and version that wrote it. ``--force`` replaces only a folder
that holds one; any other existing, non-empty folder is refused (exit 2), so a
mistyped ``--out`` can never delete a repository or a home folder. Run and
compare folders are written into a temporary folder beside the target and
renamed into place at the end, so an interrupted run leaves nothing
half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from simcore import __version__
from simcore.errors import InputError, Problem, RunError
from simcore.outputs.lock import acquire, release

MARKER = "sim-manifest.json"


def is_sim_folder(folder: Path) -> bool:
    """Does ``folder`` hold the marker of a folder sim wrote?"""
    marker = Path(folder) / MARKER
    if not marker.is_file() or marker.is_symlink():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("written_by") == "sim"
    except (OSError, ValueError, AttributeError):
        return False


def write_marker(folder: Path, command: str) -> None:
    data = {"written_by": "sim", "command": command, "version": __version__}
    write_atomic(Path(folder) / MARKER, json.dumps(data, indent=2) + "\n")


def as_created(path: Path) -> None:
    """Give a file or folder made by ``mkstemp``/``mkdtemp`` (owner-only) the mode a plain
    ``open``/``mkdir`` gives under the user's umask."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~mask)


@contextlib.contextmanager
def writing(what: Path | str, whole: bool = False) -> Iterator[None]:
    """An OSError (a full disk, a quota, a folder gone) while writing ``what`` as one
    line naming it: ``[Errno 28] No space left on device while writing out/draws.npz``;
    ``whole``: in a folder written whole or not at all, so nothing of it was kept."""
    try:
        yield
    except OSError as exc:
        why = f"[Errno {exc.errno}] {exc.strerror}" if exc.errno and exc.strerror else \
            str(exc) or type(exc).__name__
        kept = " (nothing was written: the folder is written whole or not at all)" \
            if whole else ""
        raise RunError(f"{why} while writing {what}{kept}") from exc


def write_each(tmp: Path, folder: Path, steps: dict[str, Callable[[Path], None]]) -> None:
    """Each step writes its file (by name) into ``tmp``, the temporary folder of
    :func:`atomic_folder` for ``folder``; a failure names the file it was writing."""
    for name, write in steps.items():
        with writing(Path(folder) / name, whole=True):
            write(tmp / name)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, created exclusively
    (``mkstemp``: O_EXCL, a random name, so a link planted in advance is never followed),
    then renamed over ``path`` (the rename replaces a link at ``path``, never its target)."""
    path = Path(path)
    with _replacing(path, f".{path.name}.", ".tmp") as (fd, _):
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)


def write_atomic_with(path: Path, writer: Callable[[Path], None]) -> None:
    """As :func:`write_atomic`, for a ``writer`` that writes a file at the path it is
    given (a chart's ``savefig``): it writes the exclusive temporary file, which is then
    renamed over ``path``."""
    path = Path(path)
    with _replacing(path, f".{path.stem}.tmp-", path.suffix) as (fd, tmp):
        os.close(fd)
        writer(tmp)


@contextlib.contextmanager
def _replacing(path: Path, prefix: str, suffix: str) -> Iterator[tuple[int, Path]]:
    """An exclusive temporary file beside ``path`` (its descriptor and name), renamed over
    ``path`` with the umask's mode when the block ends, removed if it fails."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        yield fd, Path(tmp)
        as_created(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _replaceable(folder: Path) -> None:
    """sim replaces an output folder whole (a rename): not the current folder or one
    holding it, and not a symbolic link (the link itself would be replaced)."""
    if folder.is_symlink():
        raise InputError(Problem("--out is a symbolic link; give the folder it points to "
                                 "(sim replaces --out whole, the link with it)", folder))
    if folder.exists():
        here, target = Path.cwd().resolve(), folder.resolve()
        if target == here or target in here.parents:
            raise InputError(Problem("--out is the current folder or holds it; sim replaces "
                                     "--out whole, so give another folder", folder))


def check_target(folder: Path, force: bool) -> None:
    """Refuse, before any computing, an output folder that cannot or must not be written:
    a file in its place or on its path, or an existing non-empty folder, unless ``force``
    and sim wrote it."""
    folder = Path(folder)
    check_path(folder)
    _replaceable(folder)
    acquire(folder)   # one writer per folder, from now until it is written
    if not folder.exists() or not any(folder.iterdir()):
        return
    if not force:
        raise InputError(Problem("output folder exists and is not empty; pass --force to "
                                 "replace it (only a folder sim wrote can be replaced)",
                                 folder))
    if not is_sim_folder(folder):
        raise InputError(Problem(f"--force refused: this folder was not written by sim (no "
                                 f"{MARKER}); nothing was changed. Choose a new folder, or "
                                 "empty this one yourself", folder))


def check_path(folder: Path) -> None:
    """Refuse an output folder with a file in its place or on its path, or that sim could
    not write (:func:`check_writable`)."""
    for part in (folder, *folder.parents):
        if part.exists() and not part.is_dir():
            raise InputError(Problem(f"'{part}' is a file; --out must be a folder path",
                                     folder))
    check_writable(folder)


def check_writable(folder: Path) -> None:
    """Refuse, before any computing, an output folder sim could not write: a file is
    created and removed where the output will go (its nearest existing folder, and the
    folder itself if it exists), so a read-only or foreign file system is found now,
    whoever runs sim (``os.access`` says yes to root on a read-only mount's files)."""
    folder = Path(folder)
    places = [next(p for p in folder.parents if p.exists())] if not folder.exists() else \
        [folder, folder.parent]
    for place in places:
        try:
            fd, probe = tempfile.mkstemp(prefix=".sim-probe-", dir=place)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise InputError(Problem(f"cannot write to '{place}': {exc.strerror}; choose "
                                     "another --out", folder)) from None


def _into_place(tmp: Path, folder: Path, force: bool) -> None:
    as_created(tmp)      # mkdtemp makes it private; a plain mkdir would not
    if folder.exists():
        check_target(folder, force)   # again: it may have changed during the run
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        old.rmdir()
        folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(folder)


def remove_sim_folder(folder: Path) -> None:
    """Delete a folder sim wrote (checked again here, whatever the caller checked)."""
    if not is_sim_folder(folder):
        raise InputError(Problem(f"refusing to delete a folder without {MARKER}", folder))
    shutil.rmtree(folder)


@contextlib.contextmanager
def atomic_folder(folder: Path, force: bool, command: str = "sim") -> Iterator[Path]:
    """A temporary folder that replaces ``folder`` when the block ends without error."""
    folder = Path(folder)
    check_target(folder, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    acquire(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield tmp
        with writing(folder / MARKER, whole=True):
            write_marker(tmp, command)
        with writing(f"{folder} (moving the finished files into place)", whole=True):
            _into_place(tmp, folder, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        release(folder)
