"""The monthly cash model, vectorised over draws.

Given each input's values for a batch of draws (and, when the schedule engine
runs, each programme's launch month per draw), it builds every cash flow as a
(draws, months) array and adds them up. Money is USD bn; a flow written per
year (USD bn/yr) is spread evenly over its months.

Free cash flow is every flow except financing principal: core operations,
savings, restructuring, capital spending, programme spending and margins,
partner effects and debt coupons. Asset sales, debt raised or repaid and
equity raised are financing. Net debt is borrowings less cash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simcore.cash.profiles import at_month, ramp, window
from simcore.scenario.model import Scenario
from simcore.timeline import month_index

Values = Mapping[str, np.ndarray]


@dataclass
class CashPaths:
    """Monthly paths for a batch of draws; every array is (draws, months), USD bn."""

    cash: np.ndarray
    fcf: np.ndarray
    debt: np.ndarray
    components: dict[str, np.ndarray] = field(default_factory=dict)
    deal_closed: np.ndarray | None = None
    deal_month: np.ndarray | None = None
    dilution: np.ndarray | None = None

    @property
    def net_debt(self) -> np.ndarray:
        return self.debt - self.cash


def simulate_cash(sc: Scenario, v: Values, launches: Mapping[str, np.ndarray] | None = None,
                  stops: Mapping[str, np.ndarray] | None = None) -> CashPaths:
    """Cash paths for the draws in ``v`` (input name -> values).

    ``launches`` maps a programme name to its launch month per draw (inf: never);
    without it the scenario's own ``launch`` input is used. ``stops`` gives when
    development spending ends (a cancelled programme stops before any launch);
    by default, at launch.
    """
    months = sc.timeline.months
    n = len(next(iter(v.values())))
    deal_closed, deal_month = _deal(sc, v, n)
    comp = {
        "operations": _operations(months, v),
        "savings": _savings(sc, months, v, n),
        "restructuring": _restructuring(sc, months, v, n),
        "capex": np.broadcast_to(-v["capex.base"][:, None] / 12, (n, months)),
        "programmes": _programmes(sc, months, v, n, launches or {}, stops or {}),
        "partner": _partner(sc, months, v, n, deal_closed, deal_month),
    }
    fin = _financing(sc, months, v, n, deal_closed, deal_month)
    comp["interest"] = fin.interest
    fcf = sum(comp.values())
    cash = v["balance.opening_cash"][:, None] + np.cumsum(fcf + fin.principal, axis=1)
    debt = v["balance.opening_debt"][:, None] + fin.outstanding
    comp["financing"] = fin.principal
    return CashPaths(cash, fcf, debt, comp, deal_closed, deal_month, fin.dilution)


def _operations(months: int, v: Values) -> np.ndarray:
    burn, steady = v["operations.burn"][:, None], v["operations.steady"][:, None]
    r = ramp(months, v["operations.recovery_start"], v["operations.recovery_months"])
    return (burn + (steady - burn) * r) / 12


def _savings(sc: Scenario, months: int, v: Values, n: int) -> np.ndarray:
    out = np.zeros((n, months))
    for k in sc.savings:
        p = f"savings.{k}."
        out += v[p + "run_rate"][:, None] / 12 * ramp(months, v[p + "start"],
                                                      v[p + "ramp_months"])
    return out


def _restructuring(sc: Scenario, months: int, v: Values, n: int) -> np.ndarray:
    out = np.zeros((n, months))
    for k in sc.restructuring:
        p = f"restructuring.{k}."
        span = np.maximum(v[p + "months"], 1e-9)
        out -= (v[p + "cost"] / span)[:, None] * window(months, v[p + "start"],
                                                         v[p + "start"] + span)
    return out


def _programmes(sc: Scenario, months: int, v: Values, n: int,
                launches: Mapping[str, np.ndarray], stops: Mapping[str, np.ndarray]
                ) -> np.ndarray:
    out = np.zeros((n, months))
    for k, prog in sc.programmes.items():
        p = f"programmes.{k}."
        launch = launches[k] if k in launches else v[p + "launch"]
        start = v[p + "dev_start"]
        planned = np.maximum(month_index(sc.start, prog.target) - start, 1.0)
        stop = stops.get(k, launch)
        out -= (v[p + "dev_cost"] / planned)[:, None] * window(months, start, stop)
        out += v[p + "margin"][:, None] / 12 * ramp(months, launch, v[p + "ramp_months"])
    return out


def _deal(sc: Scenario, v: Values, n: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if sc.deal is None:
        return None, None
    closed = v["deal.occurs"] < v["deal.probability"]
    return closed, v["deal.close"]


def _partner(sc: Scenario, months: int, v: Values, n: int, closed, when) -> np.ndarray:
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
        flow = v[p + "annual"][:, None] / 12 * ramp(months, begin, ramp_m, stop)
        out += flow if eff.start == "now" else flow * closed[:, None]
    return out


@dataclass
class _Fin:
    principal: np.ndarray
    interest: np.ndarray
    outstanding: np.ndarray
    dilution: np.ndarray | None


def _financing(sc: Scenario, months: int, v: Values, n: int, closed, when) -> _Fin:
    principal, interest, outstanding = (np.zeros((n, months)) for _ in range(3))
    dilution = np.zeros(n) if any(f.kind == "equity" for f in sc.financing.values()) else None
    t = np.arange(months)[None, :]
    for k, f in sc.financing.items():
        p = f"financing.{k}."
        happens = v[p + "occurs"] < v[p + "probability"]
        at = v[p + "at"]
        if f.on_deal:
            if closed is None:
                happens = np.zeros(n, dtype=bool)
            else:
                happens = happens & closed
                at = at + when
        amount = np.where(happens, v[p + "amount"], 0.0)
        principal += at_month(months, at, amount)
        if f.kind == "debt":
            issue = np.floor(at)[:, None]
            mat = np.maximum(np.round(v[p + "maturity"]), 1)[:, None]
            live = (t >= issue) & (t < issue + mat)
            outstanding += amount[:, None] * live
            paid = (t > issue) & (t <= issue + mat)
            interest -= (amount * v[p + "coupon"] / 12)[:, None] * paid
            principal -= at_month(months, at + mat[:, 0], amount)
        elif f.kind == "equity" and dilution is not None:
            value = v.get("balance.market_value")
            if value is not None:
                landed = happens & (np.floor(at) < months)
                dilution = 1 - (1 - dilution) * (1 - np.where(
                    landed, amount / (value + amount), 0.0))
    return _Fin(principal, interest, outstanding, dilution)
