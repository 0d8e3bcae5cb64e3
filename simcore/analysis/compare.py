"""Compare options on common random numbers: paired differences, P(beats), regret.

Every option runs with the same seed. Because each input's draws are keyed by
its name, draw ``i`` sees the same value of every input the options share, so
the per-draw difference between two options is the deal's, not the noise's.
``crn=False`` gives each option its own streams instead (for measuring what
common random numbers buy). The outcomes compared are the registry's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simcore.analysis.summary import outcome_values, summarise
from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunResult, RunSettings
from simcore.experiments.tasks import Experiment, map_experiments, run_experiment
from simcore.outcomes.registry import Outcome, Thresholds
from simcore.outcomes.stats import describe
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.uncertainties.sampling import name_key

Option = Loaded | Scenario


@dataclass
class Comparison:
    options: list[str]
    baseline: str
    results: dict[str, RunResult]
    summaries: dict[str, dict]
    values: dict[str, dict[str, np.ndarray]]      # option -> outcome -> per draw
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return comparison_dict(self)


def _scenario(item: Option) -> Scenario:
    return item.scenario if isinstance(item, Loaded) else item


def _check_names(names: list[str], baseline: str | None) -> str:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(Problem(f"options must have distinct names; '{dupes[0]}' comes "
                                 "twice", path="name"))
    base = baseline or ("standalone" if "standalone" in names else names[0])
    if base not in names:
        raise InputError(Problem(f"--baseline '{base}' is not one of the options: "
                                 f"{', '.join(names)}", path="--baseline"))
    return base


def compare(items: list[Option], settings: RunSettings, baseline: str | None = None,
            crn: bool = True, progress=None, executor=None) -> Comparison:
    """Run every option on the same draws (through ``executor``) and analyse them."""
    scenarios = [_scenario(i) for i in items]
    names = [sc.name for sc in scenarios]
    base = _check_names(names, baseline)
    tasks = [Experiment(sc, settings if crn else settings.model_copy(
        update={"seed": settings.seed ^ name_key(sc.name)[0]})) for sc in scenarios]
    results: dict[str, RunResult] = {}
    for k, res in map_experiments(run_experiment, tasks, executor):
        results[names[k]] = res
        if progress:
            progress(len(results))
    t = Thresholds(settings.floor)
    summaries, values, outcomes = {}, {}, {}
    for item, task in zip(items, tasks, strict=True):
        res = results[task.scenario.name]
        file = str(item.file) if isinstance(item, Loaded) else None
        found = outcome_values(res, t)
        summaries[res.scenario.name] = summarise(res, digest=task.digest, file=file,
                                                 thresholds=t, values=found)
        outcomes.update({name: o for name, (o, _) in found.items()})
        values[res.scenario.name] = {name: x for name, (_, x) in found.items()}
    return Comparison(names, base, results, summaries, values, outcomes)


def _better(o: Outcome, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per draw: is ``a`` strictly better than ``b``?"""
    return a > b if o.higher_is_better else a < b


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a - b, with never - never = 0."""
    with np.errstate(invalid="ignore"):
        d = a - b
    return np.where(np.isnan(d) & (a == b), 0.0, d)


def _num(x: float) -> float | None:
    return round(float(x), 6) if np.isfinite(x) else None


def comparison_dict(c: Comparison) -> dict:
    """``compare.json``: options, baseline, outcomes, metrics, paired, regret, ranking."""
    any_res = c.results[c.options[0]]
    start = any_res.scenario.start
    cur = any_res.currency
    out: dict = {"options": c.options, "baseline": c.baseline, "draws": any_res.draws,
                 "seed": any_res.settings.seed, "sampler": any_res.settings.sampler,
                 "currency": cur,
                 "outcomes": {n: {**o.record(), "unit": o.unit_in(cur)}
                              for n, o in c.outcomes.items()},
                 "metrics": {}, "paired": {}, "regret": {}, "ranking": {}}
    for name, o in c.outcomes.items():
        present = [opt for opt in c.options if name in c.values[opt]]
        vals = {opt: c.values[opt][name] for opt in present}
        out["metrics"][name] = {opt: describe(o, v, start, c.results[opt].replicates, cur)
                                for opt, v in vals.items()}
        if c.baseline in vals:
            out["paired"][name] = {opt: _paired(o, v, vals[c.baseline])
                                   for opt, v in vals.items()}
        if o.higher_is_better is not None:
            out["regret"][name], out["ranking"][name] = _regret(o, present, vals)
    out["deals"] = {opt: {"partner": s["deal"]["partner"], "p_close": s["deal"]["p_close"],
                          "close_month_p50": s["deal"]["close_month"]["p50"]}
                    for opt, s in c.summaries.items() if "deal" in s}
    return out


def _regret(o: Outcome, present: list[str], vals: dict[str, np.ndarray]
            ) -> tuple[dict, list[str]]:
    stack = np.stack([vals[opt] for opt in present])
    best = stack.max(axis=0) if o.higher_is_better else stack.min(axis=0)
    regret = {}
    for opt in present:
        r = np.abs(_diff(best, vals[opt]))
        regret[opt] = {"mean": _num(np.mean(r)) if np.isfinite(r).all() else None,
                       "p90": _num(np.quantile(r, 0.9, method="inverted_cdf"))}
    order = sorted(present, key=lambda opt: (np.inf if regret[opt]["mean"] is None
                                             else regret[opt]["mean"]))
    return regret, order


def _paired(o: Outcome, v: np.ndarray, base: np.ndarray) -> dict:
    d = _diff(v, base)
    q = np.quantile(d, [0.05, 0.5, 0.95], method="inverted_cdf")
    return {"diff_p5": _num(q[0]), "diff_p50": _num(q[1]), "diff_p95": _num(q[2]),
            "diff_mean": _num(np.mean(d)) if np.isfinite(d).all() else None,
            "p_beats": None if o.higher_is_better is None
            else _num(np.mean(_better(o, v, base)))}


def comparison_csv(data: dict) -> str:
    """One row per (outcome, option): unit, the option's central value, the paired
    difference from the baseline, P(beats), regret."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["metric", "unit", "option", "p50", "diff_p5", "diff_p50", "diff_p95",
                "diff_mean", "p_beats", "regret_mean", "regret_p90"])
    for metric, per in data["metrics"].items():
        for option, stat in per.items():
            pair = data["paired"].get(metric, {}).get(option, {})
            reg = data["regret"].get(metric, {}).get(option, {})
            w.writerow([metric, stat["unit"], option, stat.get("p50", stat.get("p")),
                        *(pair.get(k) for k in ("diff_p5", "diff_p50", "diff_p95",
                                                "diff_mean", "p_beats")),
                        reg.get("mean"), reg.get("p90")])
    return buf.getvalue()
