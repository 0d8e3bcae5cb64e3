"""What ``sim report`` shows, computed: the options on common random numbers, the top
drivers of each and every input's source.

Nothing here formats or draws; :mod:`.report_view` turns this into table rows and
:mod:`.html_report` into the page. Every number comes from the engine's own entry
points (``compare``, ``tornado``, ``sobol``, ``trace_records``), so the report can
never disagree with ``sim compare``, ``sim sweep`` or ``sim trace`` at the same seed.
"""

from __future__ import annotations

import json
import platform
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING

from simcore.experiments.runner import RunSettings
from simcore.scenario.loader import Loaded

if TYPE_CHECKING:
    from simcore.analysis.compare import Comparison

Progress = Callable[[int], None]
# the decision table's outcomes when the comparison does not name its own headline
FALLBACK_HEADLINE = ("min_cash", "breach", "ending_cash", "fcf_positive_month", "dilution",
                     "value_per_share")
VERSIONS = ("nissan-scenario-sim", "numpy", "scipy", "simpy", "pydantic", "matplotlib",
            "jinja2")


@dataclass(frozen=True)
class ReportSettings:
    """How much to compute. ``tornado_draws=0`` or ``sobol_n=0`` leaves that part out."""

    draws: int = 10_000
    seed: int = 20250401
    baseline: str | None = None
    floor: float | None = None
    metric: str = "ending_cash"
    tornado_draws: int = 200
    tornado_all: bool = False
    sobol_n: int = 256
    workers: int = 0
    materiality: dict[str, float] = field(default_factory=dict)

    def steps(self, options: int) -> int:
        """How many progress steps :func:`collect` reports for ``options`` options."""
        tornados = (options if self.tornado_all else 1) if self.tornado_draws else 0
        return 1 + tornados + (options if self.sobol_n else 0)


@dataclass
class ReportData:
    """Everything the page shows, as plain data."""

    settings: ReportSettings
    comparison: dict                         # compare.json
    summaries: dict[str, dict]               # option -> summary.json
    scenarios: list[dict]                    # option -> title, description, deal, file...
    tornado: dict[str, list[dict]] = field(default_factory=dict)   # option -> rows
    sobol: dict[str, dict] = field(default_factory=dict)           # option -> by basis
    inputs: list[dict] = field(default_factory=list)               # merged trace records
    versions: dict[str, str] = field(default_factory=dict)
    result: Comparison | None = None         # per-draw arrays, for the charts

    @property
    def headline(self) -> list[str]:
        """The decision table's outcomes: the comparison's own, or a default list."""
        names = self.comparison.get("headline")
        if names:
            return list(names)
        return [n for n in FALLBACK_HEADLINE if n in self.comparison["metrics"]]


def check_settings(loaded: list[Loaded], settings: ReportSettings) -> None:
    """Refuse, before anything is computed, what would fail after the comparison: a
    baseline that is not an option, a Sobol size that is not a power of 2, a tornado
    metric an option it is drawn for does not have (found on a two-draw pilot)."""
    from simcore.analysis.compare import _check_names
    from simcore.analysis.sensitivity import check_sobol
    from simcore.experiments.runner import run
    from simcore.outcomes.registry import lookup

    baseline = _check_names([item.scenario.name for item in loaded], settings.baseline)
    if settings.sobol_n:   # the power of 2, and the design's memory for each option
        for item in loaded:
            check_sobol(item.scenario, settings.sobol_n, RunSettings(draws=1),
                        list(FALLBACK_HEADLINE), by="basis")
    if not settings.tornado_draws:
        return
    for item in loaded:
        if settings.tornado_all or item.scenario.name == baseline:
            lookup(settings.metric, run(item.scenario, RunSettings(draws=2, seed=1)))


def collect(loaded: list[Loaded], settings: ReportSettings,
            progress: Progress | None = None) -> ReportData:
    """Run the options on common random numbers, then the drivers; ``progress`` gets the
    number of steps done (:meth:`ReportSettings.steps` in all)."""
    from simcore.analysis.compare import compare, comparison_dict
    from simcore.experiments.executors import make_executor

    run = RunSettings(draws=settings.draws, seed=settings.seed, floor=settings.floor)
    tick = _counter(progress)
    executor = make_executor(settings.workers)
    try:
        result = compare(loaded, run, settings.baseline, executor=executor,
                         materiality=settings.materiality)
        tick()
        data = ReportData(settings, comparison_dict(result), result.summaries,
                          [scenario_record(item) for item in loaded], result=result)
        data.tornado = _tornados(loaded, data.comparison["baseline"], settings, executor,
                                 tick)
    finally:
        executor.close()
    data.sobol = _sobols(loaded, data.headline, settings, tick)
    data.inputs = merged_inputs(loaded)
    data.versions = versions()
    return data


def _counter(progress: Progress | None) -> Callable[[], None]:
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress:
            progress(done[0])

    return tick


def _tornados(loaded: list[Loaded], baseline: str, settings: ReportSettings, executor,
              tick: Callable[[], None]) -> dict[str, list[dict]]:
    """The tornado of ``settings.metric`` for the baseline (or every option)."""
    from simcore.analysis.sensitivity import tornado

    if not settings.tornado_draws:
        return {}
    run = RunSettings(draws=settings.tornado_draws, seed=settings.seed, floor=settings.floor)
    chosen = [item for item in loaded
              if settings.tornado_all or item.scenario.name == baseline]
    out = {}
    for item in chosen:
        out[item.scenario.name] = tornado(item, run, settings.metric, executor)
        tick()
    return out


def _sobols(loaded: list[Loaded], metrics: list[str], settings: ReportSettings,
            tick: Callable[[], None]) -> dict[str, dict]:
    """Each option's share of variance by basis (fact, derived, judgement, chance)."""
    from simcore.analysis.sensitivity import sobol

    if not settings.sobol_n or not metrics:
        return {}
    run = RunSettings(draws=1, seed=settings.seed, floor=settings.floor)
    out = {}
    for item in loaded:
        with warnings.catch_warnings():   # an outcome that never varies has no index
            warnings.simplefilter("ignore", RuntimeWarning)
            out[item.scenario.name] = sobol(item.scenario, settings.sobol_n, run, metrics,
                                            by="basis")
        tick()
    return out


def scenario_record(item: Loaded) -> dict:
    """An option as the page introduces it: name, title, description, file, knowledge
    date, horizon and, with a deal, its partner and terms."""
    sc = item.scenario
    rec = {"name": sc.name, "title": sc.title, "description": sc.description,
           "file": str(item.file), "file_name": item.file.name,
           "as_of": sc.as_of.isoformat() if sc.as_of else None,
           "start": sc.timeline.start, "months": sc.timeline.months, "deal": None}
    if sc.deal is not None:
        rec["deal"] = {"partner": sc.deal.partner, "terms": sc.deal.terms}
    return rec


def merged_inputs(loaded: list[Loaded]) -> list[dict]:
    """Every sourced input of every option (``sim trace``'s records), one row per distinct
    record with ``options``, the options that share it, in document order."""
    from simcore.provenance.trace import trace_records

    rows: dict[str, dict] = {}
    for item in loaded:
        for rec in trace_records(item):
            key = json.dumps(rec, sort_keys=True, default=str)
            rows.setdefault(key, {**rec, "options": []})["options"].append(item.scenario.name)
    return list(rows.values())


def versions() -> dict[str, str]:
    """Python and the installed versions of the packages a result depends on."""
    out = {"python": platform.python_version()}
    for name in VERSIONS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
