"""Output folders: refused, replaced or created so that nothing sim did not write is lost.

Every folder ``sim`` writes carries a marker, :data:`MARKER`, a small manifest
naming the command and version that wrote it and the files it wrote. ``--force``
replaces only a folder that holds one and nothing else: any other existing,
non-empty folder, or a sim folder where something was added since (a note, a
subfolder), is refused (exit 2), so a mistyped ``--out`` can never delete a
repository, a home folder or a file put beside the results. Run and compare folders
are written into a temporary folder beside the target, marked as sim's and
unfinished from the start, and renamed into place at the end, so an interrupted run
leaves nothing half-written in place; what a killed run (``kill -9``) leaves beside
it is removed by the next sim writing that folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from simcore import __version__
from simcore.errors import InputError, Problem, RunError
from simcore.outputs.lock import acquire, release

MARKER = "sim-manifest.json"
NAME_EXTRA = 14   # the most sim adds to --out's name beside it: '.<name>.old.' + 8 random
# the temporary files sim makes (mkstemp: 8 random characters), left by a kill -9
_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp|\..+\.tmp-[A-Za-z0-9_]{8}\.[A-Za-z0-9]+")


def _manifest(folder: Path) -> dict | None:
    marker = Path(folder) / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("written_by") == "sim" else None


def is_sim_folder(folder: Path) -> bool:
    """Does ``folder`` hold the marker of a folder sim wrote?"""
    return _manifest(folder) is not None


def not_sim(folder: Path) -> str:
    """Why ``folder`` is not a sim folder, in a few words."""
    marker = Path(folder) / MARKER
    if marker.is_symlink():
        return f"its {MARKER} is a link, not sim's file"
    if marker.is_dir():
        return f"its {MARKER} is a folder, not sim's file"
    if not marker.exists():
        return f"no {MARKER}"
    return f"its {MARKER} was not written by sim"


def foreign(folder: Path) -> list[str]:
    """What ``folder`` (a sim folder) holds that sim did not write: names its manifest
    does not list, and in a listed subfolder (a sweep's ``points``) anything but point
    files. A manifest without a list (from an older sim) owns the whole folder."""
    data = _manifest(folder) or {}
    owned = data.get("files")
    if not isinstance(owned, list):
        return []
    out = []
    for entry in sorted(Path(folder).iterdir()):
        name = entry.name
        if name == MARKER or _TEMP.fullmatch(name):
            continue
        if name not in owned or entry.is_symlink():
            out.append(name + ("/" if entry.is_dir() else ""))
        elif entry.is_dir():
            out += [f"{name}/{e.name}" for e in sorted(entry.iterdir())
                    if not (e.is_file() and not e.is_symlink()
                            and (e.suffix == ".json" or _TEMP.fullmatch(e.name)))]
    return out


def write_marker(folder: Path, command: str, files: list[str] | None = None,
                 complete: bool = True) -> None:
    """Mark ``folder`` as sim's: the command, the version and the ``files`` it writes
    (by default, what the folder holds now); ``complete=False`` while it is written."""
    folder = Path(folder)
    if files is None:
        files = sorted(p.name for p in folder.iterdir() if p.name != MARKER)
    data = {"written_by": "sim", "command": command, "version": __version__,
            "files": files}
    if not complete:
        data["complete"] = False
    write_atomic(folder / MARKER, json.dumps(data, indent=2) + "\n")


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
        raise InputError(Problem(f"--force refused: this folder was not written by sim "
                                 f"({not_sim(folder)}); nothing was changed. Choose a new "
                                 "folder, or empty this one yourself", folder))
    added = foreign(folder)
    if added:
        shown = ", ".join(added[:5]) + (f" and {len(added) - 5} more" if len(added) > 5 else "")
        raise InputError(Problem(f"--force refused: this sim folder also holds what sim did "
                                 f"not write ({shown}); nothing was changed. Move them out, "
                                 "or choose a new folder", folder))


def check_path(folder: Path) -> None:
    """Refuse an output folder with a file in its place or on its path, a name too long
    for its file system (:func:`check_names`), or that sim could not write
    (:func:`check_writable`)."""
    for part in (folder, *folder.parents):
        if part.exists() and not part.is_dir():
            raise InputError(Problem(f"'{part}' is a file; --out must be a folder path",
                                     folder))
    check_names(folder)
    check_writable(folder)


def check_names(folder: Path) -> None:
    """Each part of ``folder``'s path fits its file system's limit on a name, and the
    folder's own name leaves room for what sim adds beside it (:data:`NAME_EXTRA`)."""
    base = next(p for p in (folder, *folder.parents) if p.exists())
    try:
        limit = os.pathconf(base, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for part in (folder, *folder.parents):
        if part == base:
            break
        size = len(os.fsencode(part.name)) + (NAME_EXTRA if part == folder else 0)
        if size > limit:
            room = f" (sim adds up to {NAME_EXTRA} beside it)" if part == folder else ""
            raise InputError(Problem(
                f"the name '{part.name[:40]}...' is {len(os.fsencode(part.name))} bytes; at "
                f"most {limit - (NAME_EXTRA if part == folder else 0)} fit on this file "
                f"system{room}; choose a shorter --out", folder))


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
    """Delete a folder sim wrote and nothing was added to (checked again here, whatever
    the caller checked)."""
    if not is_sim_folder(folder):
        raise InputError(Problem(f"refusing to delete a folder sim did not write "
                                 f"({not_sim(folder)})", folder))
    added = foreign(folder)
    if added:
        raise InputError(Problem(f"refusing to delete a folder holding what sim did not "
                                 f"write ({', '.join(added)})", folder))
    shutil.rmtree(folder)


def clear_leftovers(folder: Path) -> None:
    """Remove what a killed writer of ``folder`` left beside it: its unfinished temporary
    folders, and a replaced folder set aside, each marked as sim's. Call with the
    folder's lock held, so no living sim is writing them."""
    folder = Path(folder).absolute()
    pattern = re.compile(re.escape(f".{folder.name}.") + r"(old\.)?[A-Za-z0-9_]{8}")
    for entry in folder.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if not match or entry.is_symlink() or not entry.is_dir():
            continue
        data = _manifest(entry)
        if data is not None and (data.get("complete") is False or match.group(1)):
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(folder: Path, force: bool, command: str = "sim") -> Iterator[Path]:
    """A temporary folder that replaces ``folder`` when the block ends without error."""
    folder = Path(folder)
    check_target(folder, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    acquire(folder)
    clear_leftovers(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        with writing(folder / MARKER, whole=True):
            write_marker(tmp, command, [], complete=False)   # sim's, unfinished
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
