"""Which inputs move the answer: tornado, break-even and Sobol indices.

* Tornado: each uncertain input is held at its P10, then its P90, while every
  other input stays random (same draws, so the swing is the input's alone). With a
  baseline (``versus``) the metric is the option's paired edge over it: the mean
  per-draw difference (the median for months), with the input held in both.
* Break-even: bisection on a swept value for the point where an option stops
  beating a baseline on a metric, on common random numbers
  (:mod:`simcore.analysis.breakeven`).
* Sobol: first-order and total indices with ``scipy.stats.sobol_indices`` over
  the inputs' uniforms (inputs are treated as independent; correlations are
  left out of this design).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simcore.analysis.breakeven import breakeven as breakeven  # where it was
from simcore.analysis.decision import diff
from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.experiments.tasks import map_experiments
from simcore.outcomes.registry import lookup
from simcore.outcomes.stats import point, run_value
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.timeline import fractional_label
from simcore.uncertainties.inputs import collect


def metric_value(res: RunResult, metric: str) -> float:
    """One number per run: the mean of an amount or a probability, the median month
    (index) of a month outcome (:func:`simcore.outcomes.stats.run_value`)."""
    return run_value(res, metric)


def uncertain_inputs(sc: Scenario) -> list[str]:
    """Inputs that vary: written quantities that are not fixed, and event draws whose
    probability lies strictly between 0 and 1 for some draw."""
    out = []
    for i in collect(sc):
        if i.is_event:
            out.append(i.name)
        elif not i.dist.is_fixed:
            out.append(i.name)
    return out


@dataclass(frozen=True)
class EdgeTask:
    """One tornado point of a paired edge: both scenarios, as data, with the settings."""

    option: Scenario
    baseline: Scenario
    settings: dict
    metric: str


def evaluate_edge(task: EdgeTask) -> dict:
    """The option's edge over the baseline on ``metric`` (option minus baseline: the
    mean per-draw difference, the median for months), each run with the pinned inputs
    it has (runs in any worker)."""
    s = RunSettings(**task.settings)
    runs = []
    for sc in (task.option, task.baseline):
        own = {i.name for i in collect(sc)}
        pinned = {k: v for k, v in s.pinned.items() if k in own}
        runs.append(run(sc, s.model_copy(update={"pinned": pinned})))
    o = lookup(task.metric, runs[0])
    d = diff(o.values(runs[0]), lookup(task.metric, runs[1]).values(runs[1]))
    return {"value": point(o, d)}


def tornado(loaded: Loaded, settings: RunSettings, metric: str, executor=None,
            low: float = 0.1, high: float = 0.9,
            progress: Callable[[int, int], None] | None = None,
            versus: Scenario | None = None) -> list[dict]:
    """Swing of ``metric`` (with ``versus``: of the option's paired edge over it) as each
    uncertain input goes from its ``low`` to ``high`` quantile while the others stay
    random; sorted by swing, largest first. An event (``...occurs``) goes from not
    happening (``input_low`` 0) to happening (1).

    Each of the 2 x inputs + 1 runs is a sweep point, run through ``executor``.
    """
    from simcore.analysis.sweep import PointTask, evaluate_point

    sc = loaded.scenario
    found = {i.name: i for s in (versus, sc) if s is not None for i in collect(s)}
    names = list(dict.fromkeys(uncertain_inputs(sc) + (
        uncertain_inputs(versus) if versus is not None else [])))
    for s in (sc, versus) if versus is not None else (sc,):      # checks the metric
        metric_value(run(s, settings.model_copy(update={"draws": 2, "pinned": {}})), metric)
    base = settings.model_dump()
    events = {n for n, i in found.items() if i.is_event}

    def task(pinned: dict) -> PointTask | EdgeTask:
        s = {**base, "pinned": pinned}
        return PointTask(sc, (), s, metric) if versus is None else \
            EdgeTask(sc, versus, s, metric)

    tasks = [task(dict(settings.pinned))]
    for name in names:
        # an event input is a uniform compared with its probability: hold it where the
        # event does not happen, then where it does
        for u in ((1.0 - 1e-9, 0.0) if name in events else (low, high)):
            tasks.append(task({**settings.pinned, name: u}))
    values: dict[int, float] = {}
    fn = evaluate_point if versus is None else evaluate_edge
    for i, result in map_experiments(fn, tasks, executor):
        values[i] = result["value"]
        if progress:
            progress(len(values), len(tasks))
    rows = [_row(sc, found[name], name in events, values[1 + 2 * k], values[2 + 2 * k],
                 values[0], low, high) for k, name in enumerate(names)]
    return sorted(rows, key=lambda r: -(r["swing"] or 0))


def _row(sc: Scenario, found, event: bool, lo_v: float, hi_v: float, base: float,
         low: float, high: float) -> dict:
    """One tornado bar: the metric with the input held low and high, and the held values."""
    if event:
        lo_x, hi_x = 0.0, 1.0          # does not happen / happens
    else:
        lo_x, hi_x = (float(v) for v in found.dist.ppf(np.array([low, high])))
    unit = None if event else found.unit
    return {"input": found.name, "low": _r(lo_v), "high": _r(hi_v),
            "swing": _r(abs(hi_v - lo_v)), "input_low": _r(lo_x), "input_high": _r(hi_x),
            "base": _r(base), "event": event, "unit": unit or "event",
            "labels": _labels(sc, unit, lo_x, hi_x)}


def _labels(sc: Scenario, unit: str | None, lo: float, hi: float) -> list[str]:
    """How an analyst reads the two held values: dates, yes/no, or numbers with units."""
    if unit is None:
        return ["does not happen", "happens"]
    if unit == "date":
        return [str(fractional_label(sc.start, lo)), str(fractional_label(sc.start, hi))]
    return [f"{lo:.4g} {unit}", f"{hi:.4g} {unit}"]


def uniform_model(sc: Scenario, settings: RunSettings, metrics: list[str],
                  names: list[str]) -> Callable[[np.ndarray], np.ndarray]:
    """The model as a function of the uniforms of ``names`` ((d, m) -> (k, m) outcomes),
    for Sobol designs; a month that never comes counts as the horizon."""
    horizon = float(sc.timeline.months)

    def func(x: np.ndarray) -> np.ndarray:
        s = settings.model_copy(update={"draws": x.shape[1], "pinned": {}})
        res = run(sc, s, uniforms={name: x[i] for i, name in enumerate(names)})
        per = [lookup(m, res).values(res) for m in metrics]
        return np.stack([np.where(np.isfinite(v), v, horizon) for v in per])

    return func


def check_sobol_size(n: int) -> None:
    """Sobol's base sample is a power of 2 (Saltelli's scheme on a Sobol sequence)."""
    if n < 2 or n & (n - 1):
        raise InputError(Problem(f"takes a power of 2, got {n} (try "
                                 f"{1 << max(1, int(n).bit_length() - 1)})", path="--sobol"))


def check_sobol(sc: Scenario, n: int, settings: RunSettings, metrics: list[str],
                by: str | None = None) -> list[str]:
    """The inputs Sobol indices of ``sc`` vary; refused before any computing when ``n``
    is not a power of 2 or the design would not fit in memory
    (:func:`simcore.experiments.memory.check_sobol_fits`)."""
    from simcore.experiments.memory import check_sobol_fits

    check_sobol_size(n)
    names = uncertain_inputs(sc)
    groups = 0
    if by == "basis":
        from simcore.analysis.sobol_groups import input_groups

        groups = len(input_groups(sc, names))
    check_sobol_fits(sc, n, len(names), settings.chunk, groups, len(metrics))
    return names


def sobol(sc: Scenario, n: int, settings: RunSettings, metrics: list[str],
          n_resamples: int = 200, by: str | None = None) -> dict:
    """First-order and total Sobol indices of ``metrics`` with 95% bootstrap intervals;
    with ``by="basis"``, of the input groups fact, derived, judgement and chance."""
    names = check_sobol(sc, n, settings, metrics, by)
    if by == "basis":
        from simcore.analysis.sobol_groups import sobol_by_basis

        return sobol_by_basis(sc, n, settings, metrics, names, n_resamples)
    func = uniform_model(sc, settings, metrics, names)

    from scipy import stats

    rng = np.random.default_rng(settings.seed)
    result = stats.sobol_indices(func=func, n=n, dists=[stats.uniform()] * len(names), rng=rng)
    with warnings.catch_warnings():   # a metric that does not vary has no interval
        warnings.simplefilter("ignore")
        boot = result.bootstrap(confidence_level=0.95, n_resamples=n_resamples)
    first, total = np.atleast_2d(result.first_order), np.atleast_2d(result.total_order)
    ci = {k: np.atleast_2d(v) for k, v in {
        "s1_lo": boot.first_order.confidence_interval.low,
        "s1_hi": boot.first_order.confidence_interval.high,
        "st_lo": boot.total_order.confidence_interval.low,
        "st_hi": boot.total_order.confidence_interval.high}.items()}
    out = {"n": n, "evaluations": n * (len(names) + 2), "inputs": names, "metrics": {}}
    for k, metric in enumerate(metrics):
        rows = []
        for i, name in enumerate(names):
            rows.append({"input": name, "S1": _r(first[k, i]), "ST": _r(total[k, i]),
                         "S1_ci": [_r(ci["s1_lo"][k, i]), _r(ci["s1_hi"][k, i])],
                         "ST_ci": [_r(ci["st_lo"][k, i]), _r(ci["st_hi"][k, i])]})
        out["metrics"][metric] = sorted(rows, key=lambda r: -(r["ST"] or 0))
    return out


def _r(x: float) -> float | None:
    x = float(x)
    return round(x, 6) if np.isfinite(x) else None
