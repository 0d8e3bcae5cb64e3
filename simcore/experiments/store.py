"""Per-draw columns of a run on disk, in one temporary file read a column at a time.

A run too large for memory (:mod:`simcore.experiments.stream`) writes each chunk's
values into named columns: one outcome, one month of cash, one input. Each column
owns a region of ``draws`` values in one file, written at its rows' offset as the
chunks arrive, and read back whole when analysis needs it; at most one column (plus
what analysis makes of it) is in memory at a time, so memory stays a few bytes per
draw while the file holds the rest.

The file is created in the temporary folder (``TMPDIR``) and unlinked at once: it has
no name, so nothing is left behind however the process ends (even ``kill -9``), and no
other process can open it or plant a link in its place. Its space is returned when
the run is closed (:meth:`DrawFile.close`) or garbage collected. Regions are reserved
without writing (a sparse file), so the disk holds only what was written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np

from simcore.errors import InputError, Problem, RunError


def folder() -> Path:
    """Where draw files are created: the temporary folder (``TMPDIR`` sets it)."""
    return Path(tempfile.gettempdir())


def check_space(need: int, where: Path | None = None) -> None:
    """Refuse, in one line and before computing, a run whose draws do not fit on disk."""
    where = where or folder()
    try:
        free = shutil.disk_usage(where).free
    except OSError as exc:
        raise InputError(Problem(f"cannot use the temporary folder {where} for the "
                                 f"draws: {exc.strerror}", path="TMPDIR")) from None
    if need > free:
        raise InputError(Problem(
            f"the draws need about {_size(need)} on disk and {where} has {_size(free)} "
            "free; use fewer draws or set TMPDIR to a larger disk", path="--draws"))


def _size(n: float) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB"


class DrawFile:
    """Named columns of ``draws`` values each, in one unlinked temporary file."""

    def __init__(self, draws: int, where: Path | None = None):
        self.draws = draws
        self.where = where or folder()
        try:
            fd, path = tempfile.mkstemp(prefix="sim-draws-", suffix=".bin", dir=self.where)
        except OSError as exc:
            raise RunError(f"cannot create the draws' file in {self.where}: "
                           f"{exc.strerror}") from None
        os.unlink(path)   # nameless from now on: gone with the process, whatever happens
        self._file = os.fdopen(fd, "r+b", buffering=0)
        self._columns: dict[str, tuple[int, np.dtype]] = {}
        self._end = 0
        self._closer = weakref.finalize(self, self._file.close)

    @property
    def names(self) -> list[str]:
        return list(self._columns)

    @property
    def reserved_bytes(self) -> int:
        """Bytes the file holds once every column is written in full."""
        return self._end

    def __contains__(self, name: str) -> bool:
        return name in self._columns

    def write(self, name: str, start: int, values: np.ndarray) -> None:
        """Rows ``start:start + len(values)`` of column ``name`` (created on first write,
        with the dtype of ``values``)."""
        col = self._columns.get(name)
        if col is None:
            dtype = np.dtype(np.asarray(values).dtype)
            col = self._columns[name] = (self._end, dtype)
            self._end += self.draws * dtype.itemsize
        offset, dtype = col
        data = np.ascontiguousarray(values, dtype=dtype)
        if start < 0 or start + data.size > self.draws:
            raise ValueError(f"rows {start}:{start + data.size} outside {self.draws} draws")
        self._file.seek(offset + start * dtype.itemsize)
        self._all(self._file.write, memoryview(data).cast("B"), "write")

    def read(self, name: str) -> np.ndarray:
        """Column ``name``, every draw, as a new array."""
        offset, dtype = self._columns[name]
        out = np.empty(self.draws, dtype)
        self._file.seek(offset)
        self._all(self._file.readinto, memoryview(out).cast("B"), "read")
        return out

    def _all(self, op, view: memoryview, what: str) -> None:
        """Repeat a raw ``write``/``readinto`` until the whole view is done."""
        done = 0
        try:
            while done < len(view):
                n = op(view[done:])
                if not n:
                    raise OSError(0, "end of file")
                done += n
        except OSError as exc:
            raise RunError(f"could not {what} the draws' file in {self.where}: "
                           f"{exc.strerror} (set TMPDIR to a disk with room)") from None

    def close(self) -> None:
        """Give the file's space back; the columns are gone."""
        self._closer()
