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
from simcore.uncertainties.draws import Draws


def recovery(sc: Scenario, months: int, v: Draws) -> np.ndarray:
    """The core flow's recovery ramp from burn to steady, (draws, months)."""
    ops = sc.operations
    return ramp(months, v[ops.recovery_start], v[ops.recovery_months])


def operations(sc: Scenario, months: int, v: Draws, m: Money) -> np.ndarray:
    burn, steady = m.flow(sc.operations.burn), m.flow(sc.operations.steady)
    return (burn + (steady - burn) * recovery(sc, months, v)) / 12


def savings(sc: Scenario, months: int, v: Draws, n: int, m: Money) -> np.ndarray:
    out = np.zeros((n, months))
    for s in sc.savings.values():
        realised = v[s.realised][:, None] if s.realised is not None else 1.0
        out += m.flow(s.run_rate, 1 / 12) * realised * ramp(months, v[s.start],
                                                            v[s.ramp_months])
    return out


def restructuring(sc: Scenario, months: int, v: Draws, n: int, m: Money) -> np.ndarray:
    out = np.zeros((n, months))
    for r in sc.restructuring.values():
        span = np.maximum(v[r.months], 1e-9)
        out -= m.flow(r.cost) / span[:, None] * window(months, v[r.start], v[r.start] + span)
    return out


def programmes(sc: Scenario, months: int, v: Draws, n: int, m: Money,
               launches: Mapping[str, np.ndarray], stops: Mapping[str, np.ndarray]
               ) -> np.ndarray:
    """Development spend at the planned rate from its start until launch or cancellation
    (:func:`simcore.schedule.targets.spend_plan`), and the margin ramped in from launch."""
    out = np.zeros((n, months))
    for k, prog in sc.programmes.items():
        launch = launches[k] if k in launches else v[prog.launch]
        start, planned = spend_plan(sc, k, v)
        stop = stops.get(k, launch)
        out -= m.flow(prog.dev_cost) / planned[:, None] * window(months, start, stop)
        out += m.flow(prog.margin, 1 / 12) * ramp(months, launch, v[prog.ramp_months])
    return out


def deal(sc: Scenario, v: Draws, n: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if sc.deal is None:
        return None, None
    return v.happens(sc.deal), v[sc.deal.close]


def partner(sc: Scenario, months: int, v: Draws, n: int, m: Money, closed, when) -> np.ndarray:
    out = np.zeros((n, months))
    if sc.deal is None:
        return out
    for eff in sc.deal.effects.values():
        delay = v.get(eff.delay, np.zeros(n))
        ramp_m = v.get(eff.ramp_months, np.zeros(n))
        begin = (when if eff.start == "close" else 0.0) + delay
        stop = begin + v[eff.duration] if eff.duration is not None else np.full(n, np.inf)
        if eff.start == "now" and eff.on_collapse == "stop":
            stop = np.where(closed, stop, np.minimum(stop, when))
        flow = m.flow(eff.annual, 1 / 12) * ramp(months, begin, ramp_m, stop)
        out += flow if eff.start == "now" else flow * closed[:, None]
    return out
