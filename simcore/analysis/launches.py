"""The launch table of a run: each programme's start of production against its target.

P10/P50/P90 as year-months, P(on time), mean delay, P(cancelled), and the
drivers of the delay: for each, the share of draws in which it added months
(*on the path*), the mean months it added, and the share of late draws in which
it added the most (*main*).

The target shows as the run read it: a legacy target as its month (``2026-12``); a
window as ``2025-10..2025-12 (market +2 m)`` with ``target_sop``, the latest
on-time start of production (the median over draws when ``to_market`` is
uncertain), for charts. A programme without a target has no P(on time) and no mean
delay (None); its drivers are measured against its nominal plan.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.outcomes.registry import on_time
from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import Target
from simcore.schedule.batch import TOL, driver_names
from simcore.schedule.targets import target_label
from simcore.timeline import fractional_label, month_index


def summarise_launches(sc: Scenario, launch: dict[str, np.ndarray],
                       drivers: dict[str, np.ndarray],
                       targets: Mapping[str, np.ndarray] | None = None) -> dict:
    """``launches.<programme>`` of the summary: target, P10/P50/P90, P(on time), drivers.
    ``targets``: per-draw latest on-time start of production (``RunResult.targets``)."""
    start = sc.start
    targets = targets or {}
    out = {}
    for name, prog in sc.programmes.items():
        if name not in launch:
            continue
        x = launch[name]
        filled = np.where(np.isfinite(x), x, np.inf)
        q = {f"p{p}": fractional_label(start, float(np.quantile(filled, p / 100,
                                                                 method="inverted_cdf")))
             for p in (10, 50, 90)}
        t = targets.get(name)
        if t is None and isinstance(prog.target, str):
            t = np.full(len(x), float(month_index(start, prog.target)))
        rec: dict = {"title": prog.title, "plant": prog.plant,
                     "target": target_label(sc, name)}
        if isinstance(prog.target, Target) and t is not None:
            rec["target_sop"] = fractional_label(start, float(np.median(t)))
        if t is not None:
            delay = np.where(np.isfinite(x), x - t, np.nan)
            rec.update(q, p_on_time=round(float(on_time(x, t).mean()), 6),
                       mean_delay_months=_r(np.nanmean(delay)) if np.isfinite(x).any()
                       else None)
        else:
            d = drivers.get(name)
            delay = np.where(np.isfinite(x), d.sum(axis=1) if d is not None else 0.0, np.nan)
            rec.update(q, p_on_time=None, mean_delay_months=None)
        rec["p_cancelled"] = round(float((~np.isfinite(x)).mean()), 6)
        if name in drivers:
            rec["drivers"] = _drivers(sc, name, drivers[name], delay)
        out[name] = rec
    return out


def _drivers(sc: Scenario, name: str, d: np.ndarray, delay: np.ndarray) -> list[dict]:
    names = driver_names(sc, name)
    late = np.nan_to_num(delay, nan=0.0) > TOL
    main = np.argmax(d, axis=1)
    out = []
    for c, label in enumerate(names):
        col = d[:, c]
        out.append({"driver": label, "p_on_path": _r((col > TOL).mean()),
                    "mean_months": _r(col.mean()),
                    "p_main": _r((late & (main == c) & (col > TOL)).mean())})
    return sorted(out, key=lambda r: (-r["p_main"], -r["mean_months"]))


def _r(x: float) -> float:
    return round(float(x), 6)
