"""The decision view of a comparison: how much better, how sure, and when it matters.

For each outcome and option, against the baseline on the same draws:

* ``diff_mean`` and ``diff_mean_ci``: the mean per-draw difference and its 95%
  interval (plain Monte Carlo: ``mean ± z·sd/√n``; Latin hypercube, whose draws are
  not independent: ``mean ± t·se`` with the standard error from the spread of the
  replicates' means);
* ``p_better`` / ``p_worse``: the share of draws in which the option is better /
  worse by more than the outcome's *materiality* (a gain of a few million on a
  twenty-billion balance is not a win). Defaults per kind are in
  :data:`MATERIALITY`; a user gives others by outcome name or kind;
* ``ranks``: ranking by mean regret, where options whose mean regrets differ by no
  more than the materiality share a rank (``1, 1, 3``);
* ``conditional``: an option with a deal, split into the draws where it closes and
  where it collapses, each against the baseline in the same draws.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.errors import InputError, Problem
from simcore.outcomes.registry import Outcome
from simcore.outcomes.stats import describe, month_percentiles, replicate_se
from simcore.uncertainties.sampling import replicate_bounds

# Materiality per kind: a difference no larger than this is not a win or a loss.
# Money per report currency (USD and EUR bn alike; JPY bn at about 150 to the dollar).
MATERIALITY: dict[str, dict[str, float] | float] = {
    "amount": {"USD": 0.1, "EUR": 0.1, "JPY": 15.0},
    "price": {"USD": 0.05, "EUR": 0.05, "JPY": 7.5},
    "share": 0.01,          # one point of the company
    "month": 1.0,           # a month
    "probability": 0.0,     # per draw 0 or 1: any change is a whole event
}

# The decision table's columns: the first outcome of each group that the options have.
HEADLINE: tuple[tuple[str, ...], ...] = (
    ("min_liquidity", "min_cash"), ("liquidity_breach", "breach"), ("ending_cash",),
    ("value_per_share", "equity_value"), ("dilution",), ("launches_on_time",))


def materiality(o: Outcome, currency: str, given: Mapping[str, float]) -> float:
    """The outcome's materiality: given by its name, else by its kind, else the default."""
    for key in (o.name, o.kind):
        if key in given:
            return float(given[key])
    default = MATERIALITY[o.kind]
    return float(default[currency] if isinstance(default, dict) else default)


def parse_materiality(items: list[str]) -> dict[str, float]:
    """``['min_cash=0.5', 'amount=0.2']`` -> ``{'min_cash': 0.5, 'amount': 0.2}``."""
    out = {}
    for text in items:
        name, _, value = text.partition("=")
        try:
            x = float(value)
        except ValueError:
            x = float("nan")
        if not name.strip() or not np.isfinite(x) or x < 0:
            raise InputError(Problem(f"expected OUTCOME=VALUE or KIND=VALUE with a finite "
                                     f"value >= 0, got '{text}'", path="--materiality"))
        _known(name.strip(), text)
        kind = _kind(name.strip())
        if x > 1 and kind in ("probability", "share"):
            raise InputError(Problem(f"a {kind} differs by at most 1, so {x:g} would "
                                     f"make every difference immaterial; got '{text}'",
                                     path="--materiality"))
        out[name.strip()] = x
    return out


def _kind(name: str) -> str | None:
    """The kind a --materiality name sets: itself, or the kind of the outcome (or family
    member, ``on_time.<programme>``) it names."""
    from simcore.outcomes.registry import FAMILIES, OUTCOMES

    if name in MATERIALITY:
        return name
    found = [o.kind for o in OUTCOMES if o.name == name] + [
        f.kind for f in FAMILIES if name.startswith(f.name.split(".")[0] + ".")]
    return found[0] if found else None


def _known(name: str, text: str) -> None:
    """Refuse a name that is neither a kind nor an outcome (or a family member)."""
    import difflib

    from simcore.outcomes.registry import FAMILIES, OUTCOMES

    names = [o.name for o in OUTCOMES] + list(MATERIALITY)
    families = [f.name.split(".")[0] + "." for f in FAMILIES]
    if name in names or name.startswith(tuple(families)):
        return
    near = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    raise InputError(Problem(f"'{name}' in '{text}' is neither an outcome (sim outcomes) nor "
                             f"a kind ({', '.join(MATERIALITY)}){hint}", path="--materiality"))


def headline(present: list[str]) -> list[str]:
    """The decision table's outcomes among ``present``, one per group of :data:`HEADLINE`."""
    out = []
    for group in HEADLINE:
        found = [name for name in group if name in present]
        if found:
            out.append(found[0])
    return out


def diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a - b per draw, with never - never = 0."""
    with np.errstate(invalid="ignore"):
        d = a - b
    return np.where(np.isnan(d) & (a == b), 0.0, d)


def _num(x: float) -> float | None:
    return round(float(x), 6) if np.isfinite(x) else None


def mean_ci(d: np.ndarray, sampler: str) -> tuple[float | None, list[float | None]]:
    """The mean of ``d`` and its 95% interval (see the module's doc)."""
    n = len(d)
    if n == 0 or not np.isfinite(d).all():
        return None, [None, None]
    mean = float(np.mean(d))
    bounds = replicate_bounds(n)
    if sampler == "lhs" and len(bounds) >= 3:
        from scipy import stats

        se = replicate_se(d, np.mean, bounds) or 0.0
        half = float(stats.t.ppf(0.975, len(bounds) - 2)) * se
    else:
        half = 1.959964 * float(np.std(d, ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    return _num(mean), [_num(mean - half), _num(mean + half)]


def paired(o: Outcome, v: np.ndarray, base: np.ndarray, m: float, sampler: str) -> dict:
    """The option's values ``v`` against the baseline's ``base`` on the same draws."""
    d = diff(v, base)
    q = np.quantile(d, [0.05, 0.5, 0.95], method="inverted_cdf") if len(d) else [np.nan] * 3
    mean, ci = mean_ci(d, sampler)
    out = {"diff_p5": _num(q[0]), "diff_p50": _num(q[1]), "diff_p95": _num(q[2]),
           "diff_mean": mean, "diff_mean_ci": ci, "materiality": m}
    if o.higher_is_better is None:
        return {**out, "p_beats": None, "p_better": None, "p_worse": None}
    edge = d if o.higher_is_better else -d
    better = v > base if o.higher_is_better else v < base
    return {**out, "p_beats": _num(np.mean(better)) if len(d) else None,
            "p_better": _num(np.mean(edge > m)) if len(d) else None,
            "p_worse": _num(np.mean(edge < -m)) if len(d) else None}


def regret_and_ranks(o: Outcome, present: list[str], vals: Mapping[str, np.ndarray],
                     m: float) -> tuple[dict, list[str], dict[str, int]]:
    """Per option, mean and P90 regret (how far short of the best option in each draw);
    the options ordered by mean regret; and their ranks, ties sharing one."""
    stack = np.stack([vals[opt] for opt in present])
    best = stack.max(axis=0) if o.higher_is_better else stack.min(axis=0)
    regret = {}
    for opt in present:
        r = np.abs(diff(best, vals[opt]))
        regret[opt] = {"mean": _num(np.mean(r)) if np.isfinite(r).all() else None,
                       "p90": _num(np.quantile(r, 0.9, method="inverted_cdf"))}
    key = {opt: np.inf if regret[opt]["mean"] is None else regret[opt]["mean"]
           for opt in present}
    order = sorted(present, key=lambda opt: key[opt])
    ranks: dict[str, int] = {}
    lead = None
    for i, opt in enumerate(order):
        if lead is None or not key[opt] - key[lead] <= max(m, 1e-9):
            lead = opt
            ranks[opt] = i + 1
        else:
            ranks[opt] = ranks[lead]
    return regret, order, ranks


def conditional(closed: np.ndarray, values: Mapping[str, np.ndarray],
                base: Mapping[str, np.ndarray], outcomes: Mapping[str, Outcome],
                context: dict) -> dict:
    """An option split by its deal: ``closed`` and ``collapsed``, each with the
    share of draws, the close month (closed draws only) and per outcome its statistics
    and the paired difference from the baseline in the same draws. ``context`` holds
    ``start``, ``currency``, ``sampler`` and ``materiality`` (outcome -> value)."""
    out = {}
    for case, mask in (("closed", closed), ("collapsed", ~closed)):
        n = int(mask.sum())
        part: dict = {"share": _num(mask.mean()), "draws": n, "metrics": {}}
        if case == "closed" and "deal_month" in values and n:
            part["close_month"] = month_percentiles(values["deal_month"][mask], (10, 50, 90),
                                                    context["start"], replicate_bounds(n))
        for metric, o in outcomes.items():
            if n == 0 or metric not in values:
                continue
            x = values[metric][mask]
            stat = describe(o, x, context["start"], replicate_bounds(n), context["currency"])
            if metric in base:
                stat.update(paired(o, x, base[metric][mask], context["materiality"][metric],
                                   context["sampler"]))
            part["metrics"][metric] = stat
        out[case] = part
    return out
