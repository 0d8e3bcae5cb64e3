"""The launch table of a run: each programme's start of production against its target.

P10/P50/P90 as year-months, P(on time), mean delay, P(cancelled), and the
drivers of the delay: for each, the share of draws in which it added months
(*on the path*), the mean months it added, and the share of late draws in which
it added the most (*main*).
"""

from __future__ import annotations

import numpy as np

from simcore.outcomes.registry import on_time
from simcore.scenario.model import Scenario
from simcore.schedule.batch import TOL, driver_names
from simcore.timeline import fractional_label, month_index


def summarise_launches(sc: Scenario, launch: dict[str, np.ndarray],
                       drivers: dict[str, np.ndarray]) -> dict:
    """``launches.<programme>`` of the summary: target, P10/P50/P90, P(on time), drivers."""
    start = sc.start
    out = {}
    for name, prog in sc.programmes.items():
        if name not in launch:
            continue
        x = launch[name]
        target = prog.target
        t = month_index(start, target)
        filled = np.where(np.isfinite(x), x, np.inf)
        q = {f"p{p}": fractional_label(start, float(np.quantile(filled, p / 100,
                                                                 method="inverted_cdf")))
             for p in (10, 50, 90)}
        delay = np.where(np.isfinite(x), x - t, np.nan)
        rec = {"title": prog.title, "plant": prog.plant, "target": target, **q,
               "p_on_time": round(float(on_time(x, t).mean()), 6),
               "mean_delay_months": _r(np.nanmean(delay)) if np.isfinite(x).any() else None,
               "p_cancelled": round(float((~np.isfinite(x)).mean()), 6)}
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
