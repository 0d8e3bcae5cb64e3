"""Run a scenario: sample inputs, evaluate the model, keep its per-draw results.

The draws are processed in chunks; each chunk samples its inputs by name, runs
the schedule (when the scenario has one) and the cash model, and writes its
rows of the per-draw arrays. Because every input's draws are keyed by name and
draw index, the result is the same for any chunk size.

No threshold is applied here: the outcomes an analyst reads (a breach of the
floor, P(on time)) are computed from these arrays by
:mod:`simcore.outcomes.registry`, so a new floor re-analyses without re-running.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, field_validator

from simcore.cash.model import CashPaths, simulate_cash
from simcore.cash.periods import store_periods
from simcore.errors import InputError, Problem
from simcore.experiments import DEFAULT_CHUNK
from simcore.experiments.memory import check_fits
from simcore.outcomes.registry import Thresholds, evaluate, first_for_good
from simcore.scenario.model import Scenario
from simcore.schedule.batch import schedule_batch
from simcore.timeline import fiscal_year_ends, fiscal_years
from simcore.uncertainties import inputs as inputs_mod
from simcore.uncertainties.sampling import (
    GivenUniforms,
    Sampler,
    UniformSource,
    replicate_bounds,
    sample,
)


class RunSettings(BaseModel):
    """How to run: draws, seed, sampler, chunk size, floor override."""

    draws: int = Field(10_000, ge=1, le=50_000_000)
    seed: int = Field(20250401, ge=0)
    sampler: Sampler = "mc"
    chunk: int = Field(DEFAULT_CHUNK, ge=1)
    floor: float | None = Field(None, description="liquidity floor in the unit of the "
                                "scenario's floor, applied in analysis (default: the "
                                "scenario's); not used by the run")
    keep_inputs: bool = Field(False, description="keep every input's draws (for draws.npz)")
    engine: Literal["fast", "simpy"] = Field(
        "fast", description="schedule engine: vectorised, or SimPy (the reference)")
    currency: Literal["USD", "JPY", "EUR"] = Field(
        "USD", description="currency the results are reported in (JPY, EUR: the "
        "scenario's fx rate paths convert them)")
    pinned: dict[str, float] = Field(
        default_factory=dict, description="inputs held at one uniform quantile, e.g. "
        "{'operations.burn': 0.1} holds it at its P10 in every draw")

    @field_validator("floor")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        # an InputError (not a ValueError) passes through pydantic: exit 2, one line
        if v is not None and not math.isfinite(v):
            raise InputError(Problem(f"expected a finite number, got {v}", path="--floor"))
        return v


@dataclass
class Finance:
    """Per-draw results of the financial core (report currency, bn)."""

    opening: np.ndarray                  # (draws,) opening cash
    bridge: dict[str, np.ndarray]        # component -> (draws,) total over the horizon
    fy_end: list[int]                    # month index of each fiscal year's end (or last)
    debt_fy: np.ndarray                  # (draws, fiscal years) borrowings at each FY end
    interest_paid: np.ndarray            # (draws,) coupons, line interest and fees paid
    liquidity: np.ndarray | None = None  # (draws, months); None: no credit lines
    floor_fx: np.ndarray | None = None   # (draws, months) report units per floor unit
    value: dict[str, np.ndarray] = field(default_factory=dict)
    # per draw, by period (simcore.cash.periods): FCF per full calendar year, and the
    # core flow and the one-offs per fiscal year
    cy: list[int] = field(default_factory=list)
    fcf_cy: np.ndarray | None = None
    core_fy: np.ndarray | None = None
    one_offs_fy: np.ndarray | None = None


@dataclass
class RunResult:
    """Per-draw outcomes of one scenario run (arrays over draws)."""

    scenario: Scenario
    settings: RunSettings
    inputs: list[inputs_mod.Input]
    cash: np.ndarray                     # (draws, months) USD bn
    fcf_fy: np.ndarray                   # (draws, fiscal years) USD bn
    fy: list[int]                        # fiscal year of each fcf_fy column
    fy_months: list[int]                 # months of each fiscal year inside the horizon
    floor_draws: np.ndarray              # (draws,) sampled floor, in the floor's unit
    fcf_positive: np.ndarray             # (draws,) month index, NaN if never
    ending_net_debt: np.ndarray          # (draws,)
    deal_closed: np.ndarray | None = None
    deal_month: np.ndarray | None = None
    dilution: np.ndarray | None = None
    launches: dict[str, np.ndarray] = field(default_factory=dict)
    drivers: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    correlations: list[dict] = field(default_factory=list)
    finance: Finance | None = None
    # programme -> (draws,) latest on-time start of production, a month index
    # (simcore.schedule.targets.target_sop); scheduled programmes with a target only
    targets: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def liquidity(self) -> np.ndarray:
        """Cash plus undrawn credit lines, (draws, months); cash when there are none."""
        f = self.finance
        return self.cash if f is None or f.liquidity is None else f.liquidity

    @property
    def draws(self) -> int:
        return self.cash.shape[0]

    def outcomes(self, thresholds: Thresholds | None = None) -> dict[str, np.ndarray]:
        """Every registered outcome per draw (see :mod:`simcore.outcomes.registry`)."""
        return evaluate(self, thresholds)

    def to_pandas(self, monthly: bool = False, thresholds: Thresholds | None = None):
        """One row per draw with every outcome, or with ``monthly`` one row per draw and
        month with cash (the ``all`` extra's pandas)."""
        from simcore.outcomes.tidy import to_pandas

        return to_pandas(self, monthly, thresholds)

    @property
    def replicates(self) -> np.ndarray:
        return replicate_bounds(self.draws)


def run(scenario: Scenario, settings: RunSettings | None = None,
        progress: Callable[[int], None] | None = None,
        uniforms: dict[str, np.ndarray] | None = None) -> RunResult:
    """Simulate ``scenario`` for ``settings.draws`` draws.

    Each chunk samples the inputs, runs the schedule engine (when programmes have a
    ``schedule``) and feeds its launch dates into the cash model, in the same draws.
    ``progress`` is called with the number of draws done after each chunk.
    ``uniforms`` gives some inputs' uniforms outright (a design matrix's columns).
    """
    s = settings or RunSettings()
    found = inputs_mod.collect(scenario)
    check_fits(scenario, s.draws, s.chunk, s.keep_inputs, len(found))   # before computing
    names = [i.name for i in found]
    rho = inputs_mod.correlation_matrix(scenario, names)
    source = UniformSource(s.seed, s.draws, s.sampler)
    unknown = sorted(set(s.pinned) - set(names))
    if unknown:
        raise InputError(Problem(f"cannot pin '{unknown[0]}': not an input of "
                                 f"{scenario.name}"))
    if s.pinned or uniforms:
        source = GivenUniforms(source, uniforms or {}, s.pinned)
    if s.currency != "USD" and s.currency not in scenario.fx:
        raise InputError(Problem(f"cannot report in {s.currency}: {scenario.name} gives no "
                                 f"rate (add fx.{s.currency}.spot, '{s.currency} per USD')",
                                 path="--currency"))
    months = scenario.timeline.months
    fys = fiscal_years(scenario.start, months)
    fy_list = sorted(set(fys.tolist()))
    out = _Buffers(s.draws, months, len(fy_list), scenario, s.keep_inputs, names)
    for start, stop in _chunks(s.draws, s.chunk):
        v = sample(found, source, start, stop, rho)
        batch = schedule_batch(scenario, v, s.engine) if scenario.scheduled else None
        launches = batch.launch if batch else {}
        paths = simulate_cash(scenario, v, launches, batch.stop if batch else None,
                              s.currency)
        out.store(start, stop, paths, fys, fy_list, v["floor"], launches, v)
        out.store_finance(start, stop, paths)
        if batch:
            out.store_drivers(start, stop, batch.drivers)
            out.store_targets(start, stop, batch.targets)
        if progress:
            progress(stop)
    return RunResult(
        scenario, s, found, out.cash, out.fcf_fy, fy_list,
        [int((fys == y).sum()) for y in fy_list], out.floor, out.fcf_positive, out.net_debt,
        out.deal_closed, out.deal_month, out.dilution,
        out.launches, out.drivers, out.values, _achieved(scenario, source, found, rho, s),
        out.finance, out.targets)


def _chunks(draws: int, chunk: int):
    start = 0
    while start < draws:
        stop = min(draws, start + chunk)
        yield start, stop
        start = stop


class _Buffers:
    def __init__(self, n: int, months: int, nfy: int, sc: Scenario, keep: bool,
                 names: list[str]):
        self.cash = np.empty((n, months))
        self.fcf_fy = np.empty((n, nfy))
        self.floor = np.empty(n)
        self.fcf_positive = np.empty(n)
        self.net_debt = np.empty(n)
        has_deal = sc.deal is not None
        self.deal_closed = np.empty(n, dtype=bool) if has_deal else None
        self.deal_month = np.empty(n) if has_deal else None
        has_eq = any(f.kind == "equity" for f in sc.financing.values())
        self.dilution = np.empty(n) if has_eq else None
        self.launches: dict[str, np.ndarray] = {}
        self.drivers: dict[str, np.ndarray] = {}
        self.targets: dict[str, np.ndarray] = {}
        self.values = {k: np.empty(n) for k in names} if keep else {}
        self.finance: Finance | None = None
        self.start = sc.start
        self.sc = sc

    def store(self, a: int, b: int, p: CashPaths, fys, fy_list, floor, launches, v) -> None:
        self.cash[a:b] = p.cash
        for j, y in enumerate(fy_list):
            self.fcf_fy[a:b, j] = p.fcf[:, fys == y].sum(axis=1)
        self.floor[a:b] = floor
        self.fcf_positive[a:b] = first_for_good(p.fcf > 0)
        self.net_debt[a:b] = p.net_debt[:, -1]
        if self.deal_closed is not None:
            self.deal_closed[a:b] = p.deal_closed
            self.deal_month[a:b] = p.deal_month
        if self.dilution is not None:
            self.dilution[a:b] = p.dilution
        for k, arr in launches.items():
            self.launches.setdefault(k, np.empty(self.cash.shape[0]))[a:b] = arr
        for k in self.values:
            self.values[k][a:b] = v[k]

    def store_finance(self, a: int, b: int, p: CashPaths) -> None:
        n = self.cash.shape[0]
        f = self.finance
        if f is None:
            months = p.cash.shape[1]
            ends = fiscal_year_ends(self.start, months)
            f = self.finance = Finance(np.empty(n), {}, ends, np.empty((n, len(ends))),
                                       np.empty(n))
            if p.liquidity is not None:
                f.liquidity = np.empty((n, months))
            if p.floor_fx is not None:
                f.floor_fx = np.empty((n, months))
        f.opening[a:b] = p.opening
        store_periods(f, a, b, p, self.sc, n)
        for k, x in p.components.items():
            f.bridge.setdefault(k, np.empty(n))[a:b] = x.sum(axis=1)
        f.debt_fy[a:b] = p.debt[:, f.fy_end]
        f.interest_paid[a:b] = 0.0 - p.components["interest_paid"].sum(axis=1)
        if f.liquidity is not None:
            f.liquidity[a:b] = p.liquidity
        if f.floor_fx is not None:
            f.floor_fx[a:b] = p.floor_fx
        if p.value is not None:
            for k in ("enterprise", "equity", "existing", "per_share", "kept"):
                x = getattr(p.value, k)
                if x is not None:
                    f.value.setdefault(k, np.empty(n))[a:b] = x

    def store_drivers(self, a: int, b: int, drivers: dict[str, np.ndarray]) -> None:
        n = self.cash.shape[0]
        for k, arr in drivers.items():
            self.drivers.setdefault(k, np.empty((n, arr.shape[1]), np.float32))[a:b] = arr

    def store_targets(self, a: int, b: int, targets: dict[str, np.ndarray]) -> None:
        n = self.cash.shape[0]
        for k, arr in targets.items():
            self.targets.setdefault(k, np.empty(n))[a:b] = arr


def _achieved(sc: Scenario, source: UniformSource, found, rho, s: RunSettings) -> list[dict]:
    """Target and achieved Spearman correlation of each requested pair (first chunk)."""
    if rho is None:
        return []
    stop = min(s.draws, 20_000)
    v = sample(found, source, 0, stop, rho)
    from scipy import stats

    out = []
    for c in sc.correlations:
        a, b = c.inputs
        if np.ptp(v[a]) == 0 or np.ptp(v[b]) == 0:
            continue  # a fixed (or pinned) input has nothing to correlate
        got = float(stats.spearmanr(v[a], v[b]).statistic) if stop > 2 else float("nan")
        out.append({"inputs": list(c.inputs), "target": c.rho, "achieved": got,
                    "draws": stop})
    return out
