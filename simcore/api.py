"""The Python entry points: load, override, simulate, compare and sweep.

>>> from simcore import api
>>> base = api.load("scenarios/standalone.yaml")                      # doctest: +SKIP
>>> sim = api.simulate(base, draws=5000, seed=1)                      # doctest: +SKIP
>>> sim.summary["cash"]["min"]["p50"], sim.result.cash.shape          # doctest: +SKIP
>>> worse = api.simulate(base, overrides={"operations.burn.pert.min": -4.5})  # doctest: +SKIP
>>> cmp = api.compare(["scenarios/standalone.yaml", "scenarios/foxconn.yaml"])  # doctest: +SKIP
>>> sw = api.sweep(base, {"operations.burn.pert.min": [-4.5, -3.5]})  # doctest: +SKIP
>>> sw.to_pandas()                                                    # doctest: +SKIP

Every result has ``to_dict()`` (plain JSON-ready data); arrays are numpy; sweep
results also convert ``to_pandas()`` where pandas is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simcore.analysis import compare as compare_mod
from simcore.analysis import sensitivity
from simcore.analysis.summary import summarise
from simcore.analysis.sweep import SweepResult, run_sweep
from simcore.errors import InputError, Problem
from simcore.experiments.executors import make_executor
from simcore.experiments.memory import on_disk
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.experiments.stream import StoredRun, run_to_disk
from simcore.experiments.tasks import scenario_digest
from simcore.outcomes.registry import Thresholds
from simcore.scenario.loader import Loaded, load_scenario
from simcore.scenario.model import Scenario
from simcore.scenario.overrides import Value, with_overrides
from simcore.uncertainties import inputs as inputs_mod

Source = str | Path | Loaded


def load(scenario: Source) -> Loaded:
    """A validated scenario (``extends`` resolved, facts checked)."""
    return scenario if isinstance(scenario, Loaded) else load_scenario(scenario)


@dataclass
class Simulation:
    """A finished run: the loaded scenario, per-draw results and the summary."""

    loaded: Loaded
    result: RunResult | StoredRun
    summary: dict

    def to_dict(self) -> dict:
        return self.summary

    def arrays(self, floor: float | None = None) -> dict[str, np.ndarray]:
        """Cash paths (draws, months), FCF by fiscal year, and every registered outcome
        per draw (``floor`` as in :meth:`reanalyse`); a run in memory only."""
        self._in_memory("arrays()")
        out = {"cash": self.result.cash, "fcf_by_fy": self.result.fcf_fy}
        out.update(self.result.outcomes(self._thresholds(floor)))
        return out

    def reanalyse(self, floor: float | None = None) -> dict:
        """The summary with another liquidity floor (in the unit of the scenario's floor),
        without re-simulating; a run in memory only."""
        self._in_memory("reanalyse()")
        return summarise(self.result, digest=self.summary["manifest"]["scenario_sha256"],
                         file=self.summary["manifest"]["scenario_file"],
                         thresholds=self._thresholds(floor))

    def to_pandas(self, monthly: bool = False, floor: float | None = None):
        """One row per draw with every outcome, or per draw and month with cash; a run
        in memory only."""
        self._in_memory("to_pandas()")
        return self.result.to_pandas(monthly, self._thresholds(floor))

    @property
    def on_disk(self) -> bool:
        """Whether the per-draw results are kept on disk (a run larger than memory)."""
        return isinstance(self.result, StoredRun)

    def close(self) -> None:
        """Free the disk a stored run holds (also done when the result is collected)."""
        if isinstance(self.result, StoredRun):
            self.result.close()

    def _in_memory(self, what: str) -> None:
        if self.on_disk:
            raise InputError(Problem(
                f"{what} needs every draw in memory, and this run of {self.result.draws:,} "
                "draws kept them on disk; run with store='memory' (and fewer draws if "
                "they do not fit)", path="store"))

    def _thresholds(self, floor: float | None) -> Thresholds:
        return Thresholds(floor if floor is not None else self.result.settings.floor)


def _settings(settings: RunSettings | None, options: dict) -> RunSettings:
    return settings if settings is not None else RunSettings(**options)


def simulate(scenario: Source, settings: RunSettings | None = None, *,
             overrides: dict[str, Value] | None = None,
             progress: Callable[[int], None] | None = None, **options) -> Simulation:
    """Run a scenario; ``options`` are RunSettings fields (draws, seed, sampler, ...).
    A run larger than memory keeps its draws on disk (``store``; see
    :mod:`simcore.experiments.stream`)."""
    loaded = load(scenario)
    sc = with_overrides(loaded, overrides or {})
    s = _settings(settings, options)
    kept = len(inputs_mod.collect(sc)) if s.keep_inputs else 0    # inputs kept per draw
    if on_disk(sc, s.draws, s.chunk, s.store, s.keep_inputs, kept):
        result = run_to_disk(sc, s, progress=progress)
    else:
        result = run(sc, s, progress=progress)
    summary = summarise(result, digest=scenario_digest(sc), file=str(loaded.file))
    return Simulation(loaded, result, summary)


def compare(scenarios: list[Source | Scenario], settings: RunSettings | None = None, *,
            baseline: str | None = None, workers: int = 0, scheduler=None,
            **options) -> compare_mod.Comparison:
    """Every option on common random numbers; ``.to_dict()`` is compare.json. An option
    is a file, a loaded scenario or a scenario object (modified ones included)."""
    items = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    executor = make_executor(workers, scheduler)
    try:
        return compare_mod.compare(items, _settings(settings, options), baseline,
                                   executor=executor)
    finally:
        executor.close()


def sweep(scenario: Source, params: dict[str, list[Value]],
          settings: RunSettings | None = None, *, workers: int = 0, scheduler=None,
          out_dir: str | Path | None = None, resume: bool = False,
          **options) -> SweepResult:
    """Every combination of ``params`` (path -> values) on common random numbers."""
    executor = make_executor(workers, scheduler)
    try:
        return run_sweep(load(scenario), list(params.items()), _settings(settings, options),
                         executor, Path(out_dir) if out_dir else None, resume)
    finally:
        executor.close()


def tornado(scenario: Source, metric: str = "ending_cash",
            settings: RunSettings | None = None, *, workers: int = 0, scheduler=None,
            **options) -> list[dict]:
    """Each uncertain input at its P10 and P90, others random; sorted by swing."""
    executor = make_executor(workers, scheduler)
    try:
        return sensitivity.tornado(load(scenario), _settings(settings, options), metric,
                                   executor)
    finally:
        executor.close()


def breakeven(option: Source, path: str, low: float, high: float, versus: Source,
              metric: str = "ending_cash", settings: RunSettings | None = None,
              **options) -> dict:
    """The value of ``path`` where ``option`` stops beating ``versus`` on ``metric``."""
    return sensitivity.breakeven(load(option), path, low, high, load(versus).scenario,
                                 _settings(settings, options), metric)


def sobol_indices(scenario: Source, n: int = 256, metrics: list[str] | None = None,
                  settings: RunSettings | None = None, by: str | None = None,
                  **options) -> dict:
    """First-order and total Sobol indices with 95% intervals; ``by="basis"`` groups the
    inputs by basis (fact, derived, judgement, chance)."""
    return sensitivity.sobol(load(scenario).scenario, n, _settings(settings, options),
                             metrics or ["min_cash", "ending_cash"], by=by)
