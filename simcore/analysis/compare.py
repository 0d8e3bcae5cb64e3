"""Compare options on common random numbers: paired differences, P(beats), regret.

Every option runs with the same seed. Because each input's draws are keyed by
its name, draw ``i`` sees the same value of every input the options share, so
the per-draw difference between two options is the deal's, not the noise's.
``crn=False`` gives each option its own streams instead (for measuring what
common random numbers buy). The outcomes compared are the registry's; how much
better, how sure and when it matters (materiality, intervals, ties, the split by
deal) is :mod:`simcore.analysis.decision`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simcore.analysis import decision
from simcore.analysis.summary import outcome_values, summarise
from simcore.errors import InputError, Problem
from simcore.experiments.memory import check_fits
from simcore.experiments.runner import RunResult, RunSettings, check_floor
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
    materiality: dict[str, float] = field(default_factory=dict)   # outcome or kind -> value

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
            crn: bool = True, progress=None, executor=None,
            materiality: dict[str, float] | None = None) -> Comparison:
    """Run every option on the same draws (through ``executor``) and analyse them;
    ``materiality`` overrides the defaults by outcome name or kind
    (:func:`simcore.analysis.decision.materiality`)."""
    scenarios = [_scenario(i) for i in items]
    names = [sc.name for sc in scenarios]
    base = _check_names(names, baseline)
    check_fits(max(scenarios, key=lambda sc: sc.timeline.months), settings.draws,
               settings.chunk, together=len(scenarios))        # all kept at once
    for sc in scenarios:
        check_floor(sc, settings.floor)
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
    return Comparison(names, base, results, summaries, values, outcomes, dict(materiality or {}))


def comparison_dict(c: Comparison) -> dict:
    """``compare.json``: options, baseline, outcomes (with their materiality), headline,
    metrics, paired, regret, ranking, ranks, deals and the conditional split."""
    any_res = c.results[c.options[0]]
    start, cur = any_res.scenario.start, any_res.currency
    sampler = any_res.settings.sampler
    mat = {n: decision.materiality(o, cur, c.materiality) for n, o in c.outcomes.items()}
    out: dict = {"options": c.options, "baseline": c.baseline, "draws": any_res.draws,
                 "seed": any_res.settings.seed, "sampler": sampler, "currency": cur,
                 "outcomes": {n: {**o.record(), "unit": o.unit_in(cur), "materiality": mat[n]}
                              for n, o in c.outcomes.items()},
                 "headline": decision.headline(list(c.outcomes)),
                 "metrics": {}, "paired": {}, "regret": {}, "ranking": {}, "ranks": {}}
    for name, o in c.outcomes.items():
        present = [opt for opt in c.options if name in c.values[opt]]
        vals = {opt: c.values[opt][name] for opt in present}
        out["metrics"][name] = {opt: describe(o, v, start, c.results[opt].replicates, cur)
                                for opt, v in vals.items()}
        if c.baseline in vals:
            out["paired"][name] = {opt: decision.paired(o, v, vals[c.baseline], mat[name],
                                                        sampler)
                                   for opt, v in vals.items()}
        if o.higher_is_better is not None:
            out["regret"][name], out["ranking"][name], out["ranks"][name] = \
                decision.regret_and_ranks(o, present, vals, mat[name])
    out["deals"] = {opt: {"partner": s["deal"]["partner"], "p_close": s["deal"]["p_close"],
                          "close_month_p50": s["deal"]["close_month"]["p50"]}
                    for opt, s in c.summaries.items() if "deal" in s}
    out["conditional"] = _conditional(c, out["headline"], mat, start, cur, sampler)
    return out


def _conditional(c: Comparison, names: list[str], mat: dict[str, float], start, cur: str,
                 sampler: str) -> dict:
    """Options with a deal, split by closed / collapsed (headline outcomes)."""
    context = {"start": start, "currency": cur, "sampler": sampler, "materiality": mat}
    base = c.values[c.baseline]
    out = {}
    for opt in c.options:
        closed = c.results[opt].deal_closed
        if closed is None:
            continue
        outcomes = {n: c.outcomes[n] for n in names}
        out[opt] = decision.conditional(np.asarray(closed, bool), c.values[opt], base,
                                        outcomes, context)
    return out


def comparison_csv(data: dict) -> str:
    """One row per (outcome, option): unit, the option's central value, the paired
    difference from the baseline, P(beats), regret."""
    import csv
    import io

    from simcore.outputs.files import safe_row

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["metric", "unit", "option", "p50", "diff_p5", "diff_p50", "diff_p95",
                "diff_mean", "p_beats", "regret_mean", "regret_p90", "diff_mean_lo",
                "diff_mean_hi", "p_better", "p_worse", "materiality", "rank"])
    for metric, per in data["metrics"].items():
        for option, stat in per.items():
            pair = data["paired"].get(metric, {}).get(option, {})
            reg = data["regret"].get(metric, {}).get(option, {})
            row = [metric, stat["unit"], option, stat.get("p50", stat.get("p")),
                   *(pair.get(k) for k in ("diff_p5", "diff_p50", "diff_p95", "diff_mean",
                                           "p_beats")),
                   reg.get("mean"), reg.get("p90"), *(pair.get("diff_mean_ci") or [None, None]),
                   *(pair.get(k) for k in ("p_better", "p_worse", "materiality")),
                   data.get("ranks", {}).get(metric, {}).get(option)]
            w.writerow(safe_row(row))
    return buf.getvalue()
