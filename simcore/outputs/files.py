"""Write a run's files into an output folder, atomically (see :mod:`.folders`)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simcore.analysis.summary import FAN
from simcore.experiments.result import RunResult
from simcore.outcomes.registry import Thresholds
from simcore.outputs.folders import MARKER, atomic_folder, write_each

Writer = Callable[[Path], None]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula: text starting with ``= + - @`` (or a
    tab or carriage return) gets a leading single quote. Numbers are kept, also those
    written as text (``-1.5``)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def safe_row(row: list) -> list:
    return [safe_cell(v) for v in row]


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def percentiles_csv(summary: dict) -> str:
    """One row per month, one column per percentile (USD bn)."""
    cash = summary["cash"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["month", *[f"P{p}" for p in FAN]])
    for i, month in enumerate(cash["months"]):
        w.writerow(safe_row([month, *[f"{cash[f'p{p}'][i]:.6f}" for p in FAN]]))
    return buf.getvalue()


def launches_csv(summary: dict) -> str:
    """One row per programme: announced target, P10/P50/P90, P(on time), delay."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["programme", "plant", "target", "p10", "p50", "p90", "p_on_time",
                "mean_delay_months", "p_cancelled", "main_driver", "main_driver_share"])
    for name, r in summary.get("launches", {}).items():
        top = (r.get("drivers") or [{}])[0]
        w.writerow(safe_row([name, r.get("plant") or "", r["target"], r["p10"] or "",
                             r["p50"] or "", r["p90"] or "", r["p_on_time"],
                             "" if r["mean_delay_months"] is None else r["mean_delay_months"],
                             r["p_cancelled"], top.get("driver", ""), top.get("p_main", "")]))
    return buf.getvalue()


def draws_arrays(res: RunResult, thresholds: Thresholds | None = None
                 ) -> dict[str, np.ndarray]:
    """Per-draw inputs (``input:<name>``) and every registered outcome by its name
    (months as month indices from the start, ``inf`` for never), for ``draws.npz``."""
    return {name: np.asarray(get()) for name, get in draws_members(res, thresholds)}


Member = tuple[str, Callable[[], np.ndarray]]


def draws_members(res: RunResult, thresholds: Thresholds | None = None) -> list[Member]:
    """``draws.npz``'s members as (name, function giving the array), so a run kept on
    disk writes them one at a time. ``fcf_by_fy`` is (draws, fiscal years)."""
    t = thresholds or Thresholds(res.settings.floor)
    values = res.outcome_values(t)     # in memory: evaluated at once; on disk: lazily
    out: list[Member] = [(f"input:{k}", lambda k=k: res.values[k]) for k in res.values]
    out += [(k, lambda k=k: values[k][1]) for k in values]
    out.append(("fcf_by_fy", lambda: FortranColumns(res.fcf_at, len(res.fy), res.draws)))
    out.append(("fiscal_years", lambda: np.asarray(res.fy)))
    return out


@dataclass
class FortranColumns:
    """A (rows, k) float array given a column at a time (``column(j)``), written to a
    ``.npy`` in Fortran order without ever being whole in memory."""

    column: Callable[[int], np.ndarray]
    k: int
    rows: int

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = np.empty((self.rows, self.k), order="F")
        for j in range(self.k):
            out[:, j] = self.column(j)
        return out if dtype is None else out.astype(dtype)

    def write(self, f) -> None:
        header = {"descr": np.dtype(float).str, "fortran_order": True,
                  "shape": (self.rows, self.k)}
        np.lib.format.write_array_header_1_0(f, header)
        for j in range(self.k):
            f.write(np.ascontiguousarray(self.column(j), float).tobytes())


def save_npz(path: Path, members: list[Member]) -> None:
    """A compressed ``.npz`` (as :func:`numpy.savez_compressed` writes) built one member
    at a time, so only one array is in memory."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for name, get in members:
            arr = get()
            with z.open(f"{name}.npy", "w", force_zip64=True) as f:
                if isinstance(arr, FortranColumns):
                    arr.write(f)
                else:
                    np.lib.format.write_array(f, np.asanyarray(arr), allow_pickle=False)
            del arr


def write_run(folder: Path, res: RunResult, summary: dict, force: bool = False,
              extra: dict[str, Writer] | None = None) -> list[str]:
    """Write summary.json, cash_percentiles.csv, draws.npz, launches.csv (when the
    scenario has programmes) and ``extra`` files.

    ``extra`` maps a file name to a function writing it at a given path.
    Returns the names written.
    """
    steps: dict[str, Writer] = {
        "summary.json": lambda p: write_json(p, summary),
        "cash_percentiles.csv": lambda p: _text(p, percentiles_csv(summary)),
        "draws.npz": lambda p: save_npz(p, draws_members(res))}
    if "launches" in summary:
        steps["launches.csv"] = lambda p: _text(p, launches_csv(summary))
    with atomic_folder(folder, force, "sim run") as tmp:
        write_each(tmp, folder, {**steps, **(extra or {})})
        return sorted(p.name for p in tmp.iterdir() if p.name != MARKER)


def _text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
