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

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from simcore.cash.model import CashPaths, simulate_cash
from simcore.cash.periods import store_periods
from simcore.errors import InputError, Problem
from simcore.experiments.memory import check_fits
from simcore.experiments.result import Finance, RunResult
from simcore.experiments.settings import RunSettings
from simcore.outcomes.registry import first_for_good
from simcore.scenario.model import Scenario
from simcore.schedule.batch import schedule_batch
from simcore.timeline import fiscal_year_ends, fiscal_years
from simcore.uncertainties import inputs as inputs_mod
from simcore.uncertainties.draws import Draws, Paths
from simcore.uncertainties.sampling import GivenUniforms, UniformSource, sample

__all__ = ["Finance", "RunResult", "RunSettings", "run"]


def run(scenario: Scenario, settings: RunSettings | None = None,
        progress: Callable[[int], None] | None = None,
        uniforms: dict[str, np.ndarray] | None = None) -> RunResult:
    """Simulate ``scenario`` for ``settings.draws`` draws, every draw kept in memory.

    Each chunk samples the inputs, runs the schedule engine (when programmes have a
    ``schedule``) and feeds its launch dates into the cash model, in the same draws.
    ``progress`` is called with the number of draws done after each chunk.
    ``uniforms`` gives some inputs' uniforms outright (a design matrix's columns).
    A run larger than memory is refused before computing
    (:func:`simcore.experiments.memory.check_fits`); :func:`simcore.experiments.stream.
    run_to_disk` keeps one on disk instead.
    """
    plan = Plan.make(scenario, settings or RunSettings(), uniforms)
    s = plan.settings
    check_fits(scenario, s.draws, s.chunk, s.keep_inputs, len(plan.found))  # before computing
    out = _Buffers(s.draws, plan)
    for start, stop, chunk in plan.chunks():
        out.store(start, stop, *chunk)
        if progress:
            progress(stop)
    return out.result(plan.achieved())


@dataclass
class Plan:
    """What every chunk of a run shares: the inputs, their correlation, the uniforms'
    source and the fiscal years."""

    scenario: Scenario
    settings: RunSettings
    found: list[inputs_mod.Input]
    rho: np.ndarray | None
    source: UniformSource
    fys: np.ndarray
    fy_list: list[int]
    paths: Paths

    @classmethod
    def make(cls, scenario: Scenario, s: RunSettings,
             uniforms: dict[str, np.ndarray] | None = None) -> Plan:
        """The plan, or one clear error for a setting the scenario cannot take."""
        found = inputs_mod.collect(scenario)
        names = [i.name for i in found]
        unknown = sorted(set(s.pinned) - set(names))
        if unknown:
            raise InputError(Problem(f"cannot pin '{unknown[0]}': not an input of "
                                     f"{scenario.name}"))
        if s.currency != "USD" and s.currency not in scenario.fx:
            raise InputError(Problem(
                f"cannot report in {s.currency}: {scenario.name} gives no rate (add "
                f"fx.{s.currency}.spot, '{s.currency} per USD')", path="--currency"))
        check_floor(scenario, s.floor)
        rho = inputs_mod.correlation_matrix(scenario, names)
        source = UniformSource(s.seed, s.draws, s.sampler)
        if s.pinned or uniforms:
            source = GivenUniforms(source, uniforms or {}, s.pinned)
        fys = fiscal_years(scenario.start, scenario.timeline.months)
        return cls(scenario, s, found, rho, source, fys, sorted(set(fys.tolist())),
                   Paths(scenario))

    def chunks(self) -> Iterator[tuple[int, int, tuple]]:
        """``(start, stop, parts)`` of each chunk in draw order; ``parts`` are what
        :meth:`_Buffers.store` takes after the rows."""
        sc, s = self.scenario, self.settings
        for start, stop in _chunks(s.draws, s.chunk):
            v = Draws(self.paths, sample(self.found, self.source, start, stop, self.rho))
            batch = schedule_batch(sc, v, s.engine) if sc.scheduled else None
            launches = batch.launch if batch else {}
            paths = simulate_cash(sc, v, launches, batch.stop if batch else None,
                                  s.currency)
            yield start, stop, (paths, v, batch)

    def achieved(self) -> list[dict]:
        return _achieved(self.scenario, self.source, self.found, self.rho, self.settings)


def check_floor(scenario: Scenario, floor: float | None) -> None:
    """A ``--floor`` within the plausible range of the scenario's floor unit."""
    from simcore.scenario.plausible import RANGES

    unit = scenario.floor.unit
    r = RANGES.get(unit)
    if floor is not None and r is not None and floor > r.high:
        raise InputError(Problem(f"expected at most {r.high:g} {unit} (the plausible range "
                                 f"of {unit}), got {floor:g}", path="--floor"))


def _chunks(draws: int, chunk: int):
    start = 0
    while start < draws:
        stop = min(draws, start + chunk)
        yield start, stop
        start = stop


class _Buffers:
    """Rows of every per-draw array, filled chunk by chunk (a whole run, or one chunk)."""

    def __init__(self, n: int, plan: Plan):
        sc, months = plan.scenario, plan.scenario.timeline.months
        self.plan = plan
        self.cash = np.empty((n, months))
        self.fcf_fy = np.empty((n, len(plan.fy_list)))
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
        keep = plan.settings.keep_inputs
        self.values = {i.name: np.empty(n) for i in plan.found} if keep else {}
        self.finance: Finance | None = None
        self.start = sc.start
        self.sc = sc

    def store(self, a: int, b: int, p: CashPaths, v: Draws, batch) -> None:
        """Rows ``a:b`` from one chunk's cash paths, inputs and schedule."""
        fys = self.plan.fys
        self.cash[a:b] = p.cash
        for j, y in enumerate(self.plan.fy_list):
            self.fcf_fy[a:b, j] = p.fcf[:, fys == y].sum(axis=1)
        self.floor[a:b] = v[self.plan.scenario.floor]
        self.fcf_positive[a:b] = first_for_good(p.fcf > 0)
        self.net_debt[a:b] = p.net_debt[:, -1]
        if self.deal_closed is not None:
            self.deal_closed[a:b] = p.deal_closed
            self.deal_month[a:b] = p.deal_month
        if self.dilution is not None:
            self.dilution[a:b] = p.dilution
        for k in self.values:
            self.values[k][a:b] = v[k]
        self.store_finance(a, b, p)
        if batch:
            self.store_schedule(a, b, batch)

    def result(self, correlations: list[dict]) -> RunResult:
        plan = self.plan
        return RunResult(
            plan.scenario, plan.settings, plan.found, self.cash, self.fcf_fy, plan.fy_list,
            [int((plan.fys == y).sum()) for y in plan.fy_list], self.floor,
            self.fcf_positive, self.net_debt, self.deal_closed, self.deal_month,
            self.dilution, self.launches, self.drivers, self.values, correlations,
            self.finance, self.targets)

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

    def store_schedule(self, a: int, b: int, batch) -> None:
        n = self.cash.shape[0]
        for k, arr in batch.launch.items():
            self.launches.setdefault(k, np.empty(n))[a:b] = arr
        for k, arr in batch.drivers.items():
            self.drivers.setdefault(k, np.empty((n, arr.shape[1]), np.float32))[a:b] = arr
        for k, arr in batch.targets.items():
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
