"""The operating components of monthly cash, USD bn per month, (draws, months).

Core operations burn at ``burn`` and recover linearly to ``steady``; savings ramp
in; restructuring costs are paid evenly over their months; programmes spend
their development cost at the planned monthly rate until launch (or
cancellation) and earn their margin ramped in from launch; partner effects
start with the deal (or now) and ramp in. A flow written per year is spread
evenly over its months; money in another currency is converted at each month's
rate.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.profiles import ramp, window
from simcore.scenario.model import Scenario
from simcore.schedule.targets import spend_plan

Values = Mapping[str, np.ndarray]


def operations(months: int, v: Values, m: Money) -> np.ndarray:
    burn, steady = m.flow("operations.burn"), m.flow("operations.steady")
    r = ramp(months, v["operations.recovery_start"], v["operations.recovery_months"])
    return (burn + (steady - burn) * r) / 12


def savings(sc: Scenario, months: int, v: Values, n: int, m: Money) -> np.ndarray:
    out = np.zeros((n, months))
    for k in sc.savings:
        p = f"savings.{k}."
        realised = v[p + "realised"][:, None] if sc.savings[k].realised is not None else 1.0
        out += m.flow(p + "run_rate", 1 / 12) * realised * ramp(months, v[p + "start"],
                                                                v[p + "ramp_months"])
    return out


def restructuring(sc: Scenario, months: int, v: Values, n: int, m: Money) -> np.ndarray:
    out = np.zeros((n, months))
    for k in sc.restructuring:
        p = f"restructuring.{k}."
        span = np.maximum(v[p + "months"], 1e-9)
        out -= m.flow(p + "cost") / span[:, None] * window(months, v[p + "start"],
                                                            v[p + "start"] + span)
    return out


def programmes(sc: Scenario, months: int, v: Values, n: int, m: Money,
               launches: Mapping[str, np.ndarray], stops: Mapping[str, np.ndarray]
               ) -> np.ndarray:
    """Development spend at the planned rate from its start until launch or cancellation
    (:func:`simcore.schedule.targets.spend_plan`), and the margin ramped in from launch."""
    out = np.zeros((n, months))
    for k in sc.programmes:
        p = f"programmes.{k}."
        launch = launches[k] if k in launches else v[p + "launch"]
        start, planned = spend_plan(sc, k, v)
        stop = stops.get(k, launch)
        out -= m.flow(p + "dev_cost") / planned[:, None] * window(months, start, stop)
        out += m.flow(p + "margin", 1 / 12) * ramp(months, launch, v[p + "ramp_months"])
    return out


def deal(sc: Scenario, v: Values, n: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if sc.deal is None:
        return None, None
    closed = v["deal.occurs"] < v["deal.probability"]
    return closed, v["deal.close"]


def partner(sc: Scenario, months: int, v: Values, n: int, m: Money, closed, when) -> np.ndarray:
    out = np.zeros((n, months))
    if sc.deal is None:
        return out
    for k, eff in sc.deal.effects.items():
        p = f"deal.effects.{k}."
        delay = v.get(p + "delay", np.zeros(n))
        ramp_m = v.get(p + "ramp_months", np.zeros(n))
        begin = (when if eff.start == "close" else 0.0) + delay
        stop = begin + v[p + "duration"] if p + "duration" in v else np.full(n, np.inf)
        if eff.start == "now" and eff.on_collapse == "stop":
            stop = np.where(closed, stop, np.minimum(stop, when))
        flow = m.flow(p + "annual", 1 / 12) * ramp(months, begin, ramp_m, stop)
        out += flow if eff.start == "now" else flow * closed[:, None]
    return out
