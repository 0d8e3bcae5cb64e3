"""Write a run's files into an output folder, atomically (see :mod:`.folders`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from simcore.analysis.summary import FAN
from simcore.experiments.result import RunResult
from simcore.outcomes.registry import Thresholds, evaluate
from simcore.outputs.folders import atomic_folder

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
    out = {f"input:{k}": v for k, v in res.values.items()}
    out.update(evaluate(res, thresholds or Thresholds(res.settings.floor)))
    out["fcf_by_fy"] = res.fcf_fy
    out["fiscal_years"] = np.asarray(res.fy)
    return out


def write_run(folder: Path, res: RunResult, summary: dict, force: bool = False,
              extra: dict[str, Writer] | None = None) -> list[str]:
    """Write summary.json, cash_percentiles.csv, draws.npz, launches.csv (when the
    scenario has programmes) and ``extra`` files.

    ``extra`` maps a file name to a function writing it at a given path.
    Returns the names written.
    """
    with atomic_folder(folder, force, "sim run") as tmp:
        write_json(tmp / "summary.json", summary)
        (tmp / "cash_percentiles.csv").write_text(percentiles_csv(summary), encoding="utf-8")
        np.savez_compressed(tmp / "draws.npz", **draws_arrays(res))
        if "launches" in summary:
            (tmp / "launches.csv").write_text(launches_csv(summary), encoding="utf-8")
        for name, writer in (extra or {}).items():
            writer(tmp / name)
        return sorted(p.name for p in tmp.iterdir())
