"""Every per-draw outcome, defined once: name, unit, description, direction, kind.

A run (:mod:`simcore.experiments.runner`) keeps the model's raw per-draw
results; an outcome turns them into one number per draw. Thresholds such as the
liquidity floor are applied here, in analysis, so a new floor re-analyses a run
without re-simulating it. Summary, compare, sweep, tornado, break-even, Sobol,
the output files and the CLI tables all read this registry: a new outcome is one
:class:`Outcome` in :data:`OUTCOMES` (or :data:`FAMILIES`, for one per programme
or fiscal year).

Kinds and their per-draw values:

* ``amount``: USD bn.
* ``probability``: 0 or 1 per draw (the event happens); its mean is the probability.
* ``share``: a fraction of 1 (equity dilution).
* ``month``: a month index from the timeline's start; ``inf`` where the event does
  not happen within the horizon (never positive, cancelled, deal not closed).
* ``price``: USD per share.

Money is in the run's report currency (``RunSettings.currency``, USD unless set).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from simcore.errors import InputError, Problem
from simcore.outcomes import readings

if TYPE_CHECKING:
    from simcore.experiments.result import RunResult

Kind = Literal["amount", "probability", "share", "month", "price"]
Direction = Literal["higher", "lower", "none"]
UNITS: dict[str, str] = {"amount": "USD bn", "probability": "probability", "share": "share",
                         "month": "month", "price": "USD per share"}


@dataclass(frozen=True)
class Thresholds:
    """Analysis thresholds. ``floor`` (in the unit of the scenario's floor, e.g. JPY bn)
    replaces the scenario's sampled liquidity floor in every draw; ``None`` keeps the
    scenario's."""

    floor: float | None = None


Compute = Callable[["RunResult", Thresholds, str], np.ndarray]


@dataclass(frozen=True)
class Outcome:
    """One per-draw outcome. ``compute(result, thresholds, key)`` gives its values over
    draws; ``key`` is the programme or fiscal year of a family member."""

    name: str
    label: str
    description: str
    kind: Kind
    direction: Direction
    compute: Compute
    key: str = ""

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    def unit_in(self, currency: str) -> str:
        return self.unit.replace("USD", currency)

    @property
    def higher_is_better(self) -> bool | None:
        return None if self.direction == "none" else self.direction == "higher"

    def values(self, res: RunResult, thresholds: Thresholds | None = None) -> np.ndarray:
        """Per-draw values; ``thresholds`` default to the run's (its ``floor`` setting)."""
        t = thresholds if thresholds is not None else Thresholds(res.settings.floor)
        return np.asarray(self.compute(res, t, self.key), float)

    def record(self) -> dict:
        return {"name": self.name, "label": self.label, "unit": self.unit, "kind": self.kind,
                "direction": self.direction, "description": self.description}


def first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True in each row, NaN where none."""
    idx = np.argmax(mask, axis=1).astype(float)
    idx[~mask.any(axis=1)] = np.nan
    return idx


def first_for_good(mask: np.ndarray) -> np.ndarray:
    """First index from which every later entry of the row is True, NaN where none."""
    stays = np.flip(np.logical_and.accumulate(np.flip(mask, axis=1), axis=1), axis=1)
    return first_true(stays)


def floor_of(res: RunResult, t: Thresholds) -> np.ndarray:
    """The liquidity floor per draw in the floor's unit: the threshold's, else the
    scenario's."""
    return np.full(res.draws, float(t.floor)) if t.floor is not None else res.floor_draws


def floor_path(res: RunResult, t: Thresholds) -> np.ndarray:
    """The floor in the report currency in each month, (draws, months) or (draws, 1)."""
    floor = floor_of(res, t)[:, None]
    f = res.finance
    return floor if f is None or f.floor_fx is None else floor * f.floor_fx


def first_breach(res: RunResult, t: Thresholds) -> np.ndarray:
    """Month index of the first month cash is below the floor; NaN if never."""
    return first_true(res.cash < floor_path(res, t))


def first_liquidity_breach(res: RunResult, t: Thresholds) -> np.ndarray:
    """Month index of the first month liquidity is below the floor; NaN if never."""
    return first_true(res.liquidity < floor_path(res, t))


def _fy_end(res: RunResult, key: str) -> int:
    return res.fy.index(int(key.removeprefix("FY")))


def _debt(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    return res.finance.debt_fy[:, _fy_end(res, key)]


def _net_debt(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    j = _fy_end(res, key)
    return res.finance.debt_fy[:, j] - res.cash[:, res.finance.fy_end[j]]


def _value(name: str) -> Compute:
    return lambda r, t, k: r.finance.value[name]


def _dilution(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    """1 - the share today's holders keep (valuation), else the equity financing's."""
    kept = res.finance.value.get("kept")
    return 1.0 - kept if kept is not None else res.dilution


def _on_time_share(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    """Per draw, the share of the programmes with a target that are on time."""
    return np.mean([on_time(res.launches[k], res.targets[k]) for k in res.targets], axis=0)


def _never(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), np.inf, x)


def _deal_month(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    return np.where(res.deal_closed, res.deal_month, np.inf)


def on_time(launch: np.ndarray, target: np.ndarray | float) -> np.ndarray:
    """Per draw: does production start by ``target``, the latest on-time start of
    production (a month index, per draw or one for all;
    :func:`simcore.schedule.targets.target_sop`)? A launch part-way through the target
    month counts as on time (``launch < target + 1``; for an integer target that is
    ``floor(launch) <= target``); with a window target, ``target`` is the window's last
    month less ``to_market``, so the car arrives in its market by the window's end, a
    part-month included. A cancelled launch is not on time."""
    return np.isfinite(launch) & (launch + 1e-9 < np.asarray(target, float) + 1.0)


def _on_time(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    """On time against the run's per-draw target (programmes with a target only)."""
    return on_time(res.launches[key], res.targets[key]).astype(float)


def _fcf(res: RunResult, t: Thresholds, key: str) -> np.ndarray:
    return res.fcf_fy[:, res.fy.index(int(key.removeprefix("FY")))]


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("min_cash", "minimum cash", "lowest month-end cash over the horizon",
            "amount", "higher", lambda r, t, k: r.cash.min(axis=1)),
    Outcome("min_cash_month", "month of minimum cash", "month in which cash is lowest",
            "month", "none", lambda r, t, k: r.cash.argmin(axis=1).astype(float)),
    Outcome("breach", "cash below floor", "cash falls below the liquidity floor in some "
            "month (mean: P(breach))", "probability", "lower",
            lambda r, t, k: (~np.isnan(first_breach(r, t))).astype(float)),
    Outcome("first_breach_month", "first breach", "first month cash is below the floor "
            "(inf: never)", "month", "higher", lambda r, t, k: _never(first_breach(r, t))),
    Outcome("fcf_positive_month", "FCF turns positive", "month from which monthly free "
            "cash flow stays positive to the horizon (inf: not by the horizon)", "month",
            "lower", lambda r, t, k: _never(r.fcf_positive)),
    Outcome("ending_cash", "ending cash", "cash at the end of the horizon", "amount",
            "higher", lambda r, t, k: r.cash[:, -1]),
    Outcome("net_debt_ending", "ending net debt", "borrowings less cash at the end of the "
            "horizon (negative: net cash)", "amount", "lower",
            lambda r, t, k: r.ending_net_debt),
    Outcome("deal_closed", "deal closes", "the partner deal closes (mean: P(close)); "
            "scenarios with a deal", "probability", "higher",
            lambda r, t, k: r.deal_closed.astype(float)),
    Outcome("deal_month", "deal close month", "month the deal closes (inf: it does not); "
            "scenarios with a deal", "month", "lower", _deal_month),
    Outcome("dilution", "dilution", "share of the company existing holders give up to new "
            "equity and, at the horizon, to converted preferreds (0: none); scenarios with "
            "value or equity financing", "share", "lower", _dilution),
    Outcome("min_liquidity", "minimum liquidity", "lowest month-end cash plus undrawn "
            "credit lines over the horizon", "amount", "higher",
            lambda r, t, k: r.liquidity.min(axis=1)),
    Outcome("min_liquidity_month", "month of minimum liquidity", "month in which liquidity "
            "is lowest", "month", "none", lambda r, t, k: r.liquidity.argmin(axis=1) * 1.0),
    Outcome("liquidity_breach", "liquidity below floor", "cash plus undrawn lines falls "
            "below the floor in some month (mean: P(breach))", "probability", "lower",
            lambda r, t, k: (~np.isnan(first_liquidity_breach(r, t))).astype(float)),
    Outcome("first_liquidity_breach_month", "first liquidity breach", "first month "
            "liquidity is below the floor (inf: never)", "month", "higher",
            lambda r, t, k: _never(first_liquidity_breach(r, t))),
    Outcome("interest_paid", "interest paid", "coupons, credit-line interest and fees paid "
            "over the horizon", "amount", "lower", lambda r, t, k: r.finance.interest_paid),
    Outcome("enterprise_value", "enterprise value", "discounted free cash flow before "
            "interest plus the discounted terminal value; scenarios with value",
            "amount", "higher", _value("enterprise")),
    Outcome("equity_value", "equity value to existing holders", "their share of equity "
            "value (terminal value plus cash less debt and preferred at the horizon, "
            "discounted); scenarios with value", "amount", "higher", _value("existing")),
    Outcome("value_per_share", "value per existing share", "equity value per share after "
            "dilution and conversions; scenarios with value.shares", "price", "higher",
            _value("per_share")),
    Outcome("launches_on_time", "launches on time", "share of the programmes with an "
            "announced window that start production on time; scenarios with targets",
            "share", "higher", _on_time_share),
)

# Families: one member per programme with a launch, or per fiscal year in the horizon.
FAMILIES: tuple[Outcome, ...] = (
    Outcome("launch.<programme>", "launch", "start of production of the programme (inf: "
            "cancelled or not by the horizon)", "month", "lower",
            lambda r, t, k: r.launches[k]),
    Outcome("on_time.<programme>", "on time", "the programme starts production by its "
            "announced month (mean: P(on time))", "probability", "higher", _on_time),
    Outcome("fcf.<FY>", "free cash flow", "free cash flow in the fiscal year (April to "
            "March; the part inside the horizon)", "amount", "higher", _fcf),
    Outcome("debt.<FY>", "debt", "borrowings at the fiscal year's end (or the horizon's)",
            "amount", "lower", _debt),
    Outcome("net_debt.<FY>", "net debt", "borrowings less cash at the fiscal year's end "
            "(negative: net cash)", "amount", "lower", _net_debt),
    # "cash positive" read three ways (simcore.outcomes.readings says how they relate)
    Outcome("fcf_positive.<FY>", "FCF positive", "free cash flow over the fiscal year "
            "(April to March) is above zero (mean: P)", "probability", "higher",
            readings.fcf_positive),
    Outcome("fcf_positive.<CY>", "FCF positive", "free cash flow over the calendar year "
            "(January to December, years wholly inside the horizon) is above zero (mean: P)",
            "probability", "higher", readings.fcf_positive),
    Outcome("fcf_positive_for_good_by.<CY>", "FCF positive for good by December",
            "monthly free cash flow is above zero in every month from one on or before "
            "December of the year to the horizon (fcf_positive_month <= December; mean: P)",
            "probability", "higher", readings.for_good_by),
    Outcome("core_flow.<FY>", "core flow", "core operating flow (operations + erosion) in "
            "the fiscal year", "amount", "higher", readings.core_flow),
    Outcome("fcf_before_one_offs.<FY>", "FCF before one-offs", "free cash flow in the "
            "fiscal year less restructuring and one-off line items", "amount", "higher",
            readings.fcf_before_one_offs),
)

_APPLIES: dict[str, Callable[[RunResult], bool]] = {
    "deal_closed": lambda r: r.deal_closed is not None,
    "deal_month": lambda r: r.deal_closed is not None,
    "dilution": lambda r: r.dilution is not None or "kept" in r.finance.value,
    "launches_on_time": lambda r: bool(r.targets),
    "enterprise_value": lambda r: "enterprise" in r.finance.value,
    "equity_value": lambda r: "existing" in r.finance.value,
    "value_per_share": lambda r: "per_share" in r.finance.value,
}


def _members(res: RunResult) -> list[Outcome]:
    out = []
    for fam in FAMILIES:
        base = fam.name.split(".")[0]
        keys = readings.family_keys(fam.name, res)
        if base == "on_time":   # only programmes with a target have an on-time outcome
            keys = [k for k in keys if k in res.targets]
        out += [replace(fam, name=f"{base}.{k}", label=f"{fam.label} {k}", key=k)
                for k in keys]
    return out


def outcomes_for(res: RunResult) -> list[Outcome]:
    """The outcomes a run has, in registry order (families expanded)."""
    return [o for o in OUTCOMES if _APPLIES.get(o.name, lambda r: True)(res)] + _members(res)


def catalogue() -> list[dict]:
    """Every outcome and family, as records (``sim outcomes``)."""
    return [o.record() for o in (*OUTCOMES, *FAMILIES)]


def lookup(name: str, res: RunResult) -> Outcome:
    """The outcome called ``name`` in ``res``; a clear error naming the choices otherwise."""
    found = {o.name: o for o in outcomes_for(res)}
    if name in found:
        return found[name]
    near = difflib.get_close_matches(name, list(found), n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    raise InputError(Problem(f"unknown outcome '{name}' for {res.scenario.name}{hint} "
                             "(sim outcomes lists them)", path="--metric"))


def kind_of(name: str) -> Outcome:
    """The registry entry (or family) a name belongs to, without a run."""
    for o in OUTCOMES:
        if o.name == name:
            return o
    for fam in FAMILIES:
        if name.startswith(fam.name.split(".")[0] + ".") and \
                readings.key_fits(fam.name, name.split(".", 1)[1]):
            return replace(fam, name=name, key=name.split(".", 1)[1])
    known = [o.name for o in (*OUTCOMES, *FAMILIES)]
    raise InputError(Problem(f"unknown outcome '{name}'; outcomes are {', '.join(known)}",
                             path="--metric"))


def evaluate(res: RunResult, thresholds: Thresholds | None = None) -> dict[str, np.ndarray]:
    """Every outcome of ``res`` per draw, by name."""
    return {o.name: o.values(res, thresholds) for o in outcomes_for(res)}
