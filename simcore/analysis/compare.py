"""Compare options on common random numbers: paired differences, P(beats), regret.

Every option runs with the same seed. Because each input's draws are keyed by
its name, draw ``i`` sees the same value of every input the options share, so
the per-draw difference between two options is the deal's, not the noise's.
``crn=False`` gives each option its own streams instead (for measuring what
common random numbers buy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcore.analysis.summary import summarise
from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.scenario.loader import Loaded
from simcore.timeline import fractional_label
from simcore.uncertainties.sampling import name_key


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    higher_is_better: bool
    kind: str = "value"           # value (USD bn) | month | probability


def per_draw_metrics(res: RunResult) -> dict[str, np.ndarray]:
    """Headline outcomes per draw; months as month indices (inf: never)."""
    never = lambda x: np.where(np.isnan(x), np.inf, x)  # noqa: E731
    out = {
        "min_cash": res.cash.min(axis=1),
        "breach": (~np.isnan(res.first_breach)).astype(float),
        "fcf_positive_month": never(res.fcf_positive),
        "ending_cash": res.cash[:, -1],
        "net_debt_ending": res.ending_net_debt,
    }
    for name, launch in res.launches.items():
        out[f"launch.{name}"] = launch
    return out


METRICS = {
    "min_cash": Metric("min_cash", "minimum cash (USD bn)", True),
    "breach": Metric("breach", "P(cash below floor)", False, "probability"),
    "fcf_positive_month": Metric("fcf_positive_month", "FCF turns positive", False, "month"),
    "ending_cash": Metric("ending_cash", "ending cash (USD bn)", True),
    "net_debt_ending": Metric("net_debt_ending", "ending net debt (USD bn)", False),
}


def metric_for(name: str) -> Metric:
    if name in METRICS:
        return METRICS[name]
    if name.startswith("launch."):
        return Metric(name, f"{name.split('.', 1)[1]} launch", False, "month")
    raise InputError(Problem(f"unknown metric '{name}'; metrics are "
                             f"{', '.join(METRICS)} and launch.<programme>"))


@dataclass
class Comparison:
    options: list[str]
    baseline: str
    results: dict[str, RunResult]
    summaries: dict[str, dict]
    metrics: dict[str, dict[str, np.ndarray]]     # option -> metric -> per draw

    def to_dict(self) -> dict:
        return comparison_dict(self)


def compare(loaded: list[Loaded], settings: RunSettings, baseline: str | None = None,
            crn: bool = True, progress=None) -> Comparison:
    """Run every option on the same draws and keep what the comparison needs."""
    names = [item.scenario.name for item in loaded]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(Problem(f"options must have distinct names; '{dupes[0]}' comes "
                                 "twice", path="name"))
    base = baseline or ("standalone" if "standalone" in names else names[0])
    if base not in names:
        raise InputError(Problem(f"--baseline '{base}' is not one of the options: "
                                 f"{', '.join(names)}", path="--baseline"))
    results, summaries, metrics = {}, {}, {}
    for k, item in enumerate(loaded):
        s = settings if crn else settings.model_copy(
            update={"seed": settings.seed ^ name_key(item.scenario.name)[0]})
        res = run(item.scenario, s, progress=(lambda d, k=k: progress(k, d)) if progress
                  else None)
        results[item.scenario.name] = res
        summaries[item.scenario.name] = summarise(res, digest=item.digest, file=str(item.file))
        metrics[item.scenario.name] = per_draw_metrics(res)
    return Comparison(names, base, results, summaries, metrics)


def _better(m: Metric, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per draw: is ``a`` strictly better than ``b``?"""
    return a > b if m.higher_is_better else a < b


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a - b, with never - never = 0."""
    with np.errstate(invalid="ignore"):
        d = a - b
    return np.where(np.isnan(d) & (a == b), 0.0, d)


def _num(x: float) -> float | None:
    return round(float(x), 6) if np.isfinite(x) else None


def comparison_dict(c: Comparison) -> dict:
    """``compare.json``: options, baseline, metrics, paired, regret, ranking."""
    any_res = c.results[c.options[0]]
    start = any_res.scenario.start
    names = [m for m in per_draw_metrics(any_res) if all(m in c.metrics[o]
                                                          for o in c.options)]
    names += sorted({m for o in c.options for m in c.metrics[o]} - set(names))
    out: dict = {"options": c.options, "baseline": c.baseline, "draws": any_res.draws,
                 "seed": any_res.settings.seed, "sampler": any_res.settings.sampler,
                 "metrics": {}, "paired": {}, "regret": {}, "ranking": {}}
    for name in names:
        m = metric_for(name)
        present = [o for o in c.options if name in c.metrics[o]]
        vals = {o: c.metrics[o][name] for o in present}
        out["metrics"][name] = {o: _stat(m, v, start) for o, v in vals.items()}
        if c.baseline in vals:
            base = vals[c.baseline]
            out["paired"][name] = {o: _paired(m, v, base) for o, v in vals.items()}
        stack = np.stack([vals[o] for o in present])
        best = stack.max(axis=0) if m.higher_is_better else stack.min(axis=0)
        regret = {}
        for o in present:
            r = np.abs(_diff(best, vals[o]))
            regret[o] = {"mean": _num(np.mean(r)) if np.isfinite(r).all() else None,
                         "p90": _num(np.quantile(r, 0.9, method="inverted_cdf"))}
        out["regret"][name] = regret
        order = sorted(present, key=lambda o: (np.inf if regret[o]["mean"] is None
                                               else regret[o]["mean"]))
        out["ranking"][name] = order
    out["deals"] = {o: {"partner": c.summaries[o]["deal"]["partner"],
                        "p_close": c.summaries[o]["deal"]["p_close"],
                        "close_month_p50": c.summaries[o]["deal"]["close_month"]["p50"]}
                    for o in c.options if "deal" in c.summaries[o]}
    return out


def comparison_csv(data: dict) -> str:
    """One row per (metric, option): the option's statistic, paired difference, regret."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["metric", "option", "p50", "diff_p5", "diff_p50", "diff_p95", "p_beats",
                "regret_mean", "regret_p90"])
    for metric, per in data["metrics"].items():
        for option, stat in per.items():
            pair = data["paired"].get(metric, {}).get(option, {})
            reg = data["regret"][metric][option]
            w.writerow([metric, option, stat.get("p50", stat.get("p")),
                        *(pair.get(k) for k in ("diff_p5", "diff_p50", "diff_p95", "p_beats")),
                        reg["mean"], reg["p90"]])
    return buf.getvalue()


def _stat(m: Metric, v: np.ndarray, start) -> dict:
    if m.kind == "probability":
        return {"p": _num(v.mean()), "p50": _num(v.mean())}
    if m.kind == "month":
        q = {f"p{p}": float(np.quantile(v, p / 100, method="inverted_cdf"))
             for p in (10, 50, 90)}
        return {**{k: fractional_label(start, x) for k, x in q.items()},
                "p_never": _num(np.mean(~np.isfinite(v)))}
    return {f"p{p}": _num(np.percentile(v, p)) for p in (5, 50, 95)}


def _paired(m: Metric, v: np.ndarray, base: np.ndarray) -> dict:
    d = _diff(v, base)
    q = np.quantile(d, [0.05, 0.5, 0.95], method="inverted_cdf")
    return {"diff_p5": _num(q[0]), "diff_p50": _num(q[1]), "diff_p95": _num(q[2]),
            "diff_mean": _num(np.mean(d)) if np.isfinite(d).all() else None,
            "p_beats": _num(np.mean(_better(m, v, base)))}
