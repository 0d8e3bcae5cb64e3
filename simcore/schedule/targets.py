"""A programme's target and development plan per draw: the one place that reads them.

* :func:`target_sop`: the latest start of production (month index from the timeline's
  start) that still meets the programme's target, per draw. A legacy target (an ISO
  month) is the announced start of production itself; a window target is its last
  month less ``to_market``, the months from production to arrival in the market. A
  programme without a target has none (no on-time outcome).
* :func:`spend_plan`: when development spending starts and over how many months the
  plan spends ``dev_cost``: from ``dev_start`` to the target (at least one month), or
  over the nominal cycle without a target; for a programme under way
  (``schedule.stands``) from month 0 over its ``remaining`` months.
* :func:`target_label`: the target as the launch table shows it.
"""

from __future__ import annotations

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import Target
from simcore.timeline import month_index
from simcore.uncertainties.draws import Draws


def target_sop(sc: Scenario, name: str, v: Draws) -> np.ndarray | None:
    """Per draw, the latest start of production (month index) that meets the target of
    programme ``name``; None when it has no target.

    On time means ``launch + to_market`` arrives by the end of the window's last month,
    i.e. ``launch < target_sop + 1`` (see :func:`simcore.outcomes.registry.on_time`).
    """
    target = sc.programmes[name].target
    if target is None:
        return None
    if isinstance(target, Target):
        end = float(month_index(sc.start, target.window[1]))
        return end - np.asarray(v[target.to_market], float)
    return np.full(v.n, float(month_index(sc.start, target)))


def target_label(sc: Scenario, name: str) -> str | None:
    """``'2026-12'`` (legacy), ``'2025-10..2025-12 (market +2 m)'`` (window; an uncertain
    lag shows its P10-P90), or None."""
    target = sc.programmes[name].target
    if not isinstance(target, Target):
        return target
    dist = target.to_market.to_dist(sc.start)
    if dist.is_fixed:
        lag = f"{float(dist.ppf(np.array([0.5]))[0]):g}"
    else:
        lo, hi = dist.ppf(np.array([0.1, 0.9]))
        lag = f"{round(float(lo), 1):g}-{round(float(hi), 1):g}"
    return f"{target.window[0]}..{target.window[1]} (market +{lag} m)"


def dev_start(sc: Scenario, name: str, v: Draws) -> np.ndarray:
    """When development starts, per draw: month 0 for a programme under way."""
    prog = sc.programmes[name]
    if prog.schedule is not None and prog.schedule.stands is not None:
        return np.zeros(v.n)
    return np.asarray(v[prog.dev_start], float)


def cycle_months(sc: Scenario, name: str, v: Draws) -> np.ndarray:
    """Months a scheduled programme's phases take in all, per draw: what remains for a
    programme under way, else its own cycle or the scenario's ``development.cycle``."""
    sched = sc.programmes[name].schedule
    if sched.stands is not None:
        return v[sched.stands.remaining]
    return v[sched.cycle] if sched.cycle is not None else v[sc.development.cycle]


def spend_plan(sc: Scenario, name: str, v: Draws) -> tuple[np.ndarray, np.ndarray]:
    """(start, planned months) of programme ``name``'s development spending, per draw: it
    spends ``dev_cost / planned`` a month from ``start`` until launch or cancellation."""
    sched = sc.programmes[name].schedule
    start = dev_start(sc, name, v)
    if sched is not None and sched.stands is not None:
        return start, np.maximum(cycle_months(sc, name, v), 1e-9)
    target = target_sop(sc, name, v)
    if target is not None:
        return start, np.maximum(target - start, 1.0)
    assert sched is not None  # a programme without a target has a schedule (validated)
    return start, np.maximum(cycle_months(sc, name, v), 1.0)
