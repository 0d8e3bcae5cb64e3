"""Break-even: the value of one input where an option stops beating a baseline.

Bisection on the input's value, each side a run on common random numbers, for the
point where the mean paired edge on a metric crosses zero. A number is bisected to
a tolerance; a date input (``unit: date``, set as ISO year-months) is bisected over
whole months and the answer is the first month on the far side of the crossing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simcore.analysis.decision import diff
from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import lookup
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.scenario.overrides import Value, set_value, with_overrides
from simcore.scenario.quantity import DIST_KEYS, Quantity
from simcore.scenario.yamlio import parse_dotted
from simcore.timeline import month_index, month_label


def breakeven(option: Loaded, path: str, lo: Value, hi: Value, baseline: Scenario,
              settings: RunSettings, metric: str, tol: float | None = None,
              max_iter: int = 40) -> dict:
    """The value of ``path`` in [lo, hi] where ``option`` stops beating ``baseline`` on
    ``metric`` (mean paired difference crosses zero), or ``value: None`` when none.
    ``lo`` and ``hi`` as ISO year-months: a date input, bisected over whole months."""
    edge = _edge_function(option, path, baseline, settings, metric)
    if isinstance(lo, str) and isinstance(hi, str):
        return _by_month(option.scenario.start, edge, path, metric, baseline.name, lo, hi)
    lo, hi = float(lo), float(hi)
    f_lo, f_hi = edge(lo), edge(hi)
    out = _head(path, metric, baseline.name, [lo, hi], f_lo, f_hi)
    if _no_crossing(out, f_lo, f_hi, f"{lo:g}", f"{hi:g}"):
        return out
    tol = tol if tol is not None else 1e-4 * abs(hi - lo)
    a, b, fa = lo, hi, f_lo
    it = 0
    while abs(b - a) > tol and it < max_iter:
        mid = (a + b) / 2
        fm = edge(mid)
        it += 1
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    out.update(value=_r((a + b) / 2), iterations=it)
    return out


def _edge_function(option: Loaded, path: str, baseline: Scenario, settings: RunSettings,
                   metric: str):
    """The option's mean paired edge over ``baseline`` on ``metric`` (positive: better)
    as a function of the value at ``path``."""
    base_res = run(baseline, settings)
    o = lookup(metric, base_res)
    if o.higher_is_better is None:
        raise InputError(Problem(f"'{metric}' has no better direction, so no option beats "
                                 "another on it; choose another outcome", path="--metric"))
    sign = 1.0 if o.higher_is_better else -1.0
    base = o.values(base_res)

    def edge(v: Value) -> float:
        res = run(with_overrides(option, {path: v}), settings)
        a = lookup(metric, res).values(res)
        return float(sign * np.mean(diff(a, base)))

    return edge


def _by_month(start: tuple[int, int], edge, path: str, metric: str, versus: str, lo: str,
              hi: str) -> dict:
    """Break-even of a date input: bisection over whole months from ``lo`` to ``hi``."""
    a, b = month_index(start, lo), month_index(start, hi)
    f_lo, f_hi = edge(month_label(start, a)), edge(month_label(start, b))
    out = _head(path, metric, versus, [lo, hi], f_lo, f_hi)
    if _no_crossing(out, f_lo, f_hi, lo, hi):
        return out
    fa, it = f_lo, 0
    while b - a > 1:
        mid = (a + b) // 2
        fm = edge(month_label(start, mid))
        it += 1
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    out.update(value=month_label(start, b), iterations=it,
               between=[month_label(start, a), month_label(start, b)])
    return out


def _head(path: str, metric: str, versus: str, span: list, f_lo: float, f_hi: float) -> dict:
    return {"path": path, "metric": metric, "versus": versus, "range": span,
            "edge_at_low": _r(f_lo), "edge_at_high": _r(f_hi), "value": None,
            "iterations": 0}


def _no_crossing(out: dict, f_lo: float, f_hi: float, lo: str, hi: str) -> bool:
    """Whether the edge keeps its sign over the range (noted in ``out``)."""
    if np.isfinite(f_lo) and np.isfinite(f_hi) and f_lo * f_hi < 0:
        return False
    if f_lo >= 0 and f_hi >= 0:
        verdict = "the option never does worse than the baseline"
    elif f_lo <= 0 and f_hi <= 0:
        verdict = "the option never does better than the baseline"
    else:
        verdict = "the edge is not finite at an end"
    out["note"] = f"no break-even in range: {verdict} (mean edge {f_lo:+.4g} at {lo}, " \
                  f"{f_hi:+.4g} at {hi})"
    return True


def breakeven_range(loaded: Loaded, path: str, text: str | None) -> tuple[Value, Value]:
    """The range to bisect ``path`` over, checked before any computing: ``text`` (LO:HI,
    or YYYY-MM:YYYY-MM for a date input), else the input's P1 to P99 (0 to 1 for a
    probability). A path that does not exist, or names text, is refused first."""
    target, is_date = _target(loaded, path)
    if text is not None:
        span = _parsed(text, is_date, loaded.scenario.start)
    else:
        span = _default(loaded, target, is_date, path)
    for v in span:
        try:
            with_overrides(loaded, {path: v})
        except InputError as exc:
            raise InputError(Problem(f"{path} = {v} is refused: {exc.problems[0].message}",
                                     path="--range")) from None
    return span


def _target(loaded: Loaded, path: str) -> tuple[Any, bool]:
    """What ``path`` names in the scenario, and whether it is a date; a path that does
    not exist or names a section is refused (:func:`set_value`'s message)."""
    data = loaded.document.data
    set_value(data, path, 0.0)                   # a wrong path says what is there
    node: Any = data
    is_date = False
    for part in parse_dotted(path):
        is_date = is_date or (isinstance(node, dict) and node.get("unit") == "date")
        node = node[part]
    quantity = isinstance(node, dict) and any(k in node for k in DIST_KEYS)
    is_date = is_date or (quantity and node.get("unit") == "date")
    if not quantity and not is_date and (isinstance(node, bool) or not isinstance(
            node, int | float)):
        raise InputError(Problem(f"'{path}' is {type(node).__name__} ({str(node)[:40]!r}), "
                                 "not a number or a date: break-even moves a number",
                                 path="--breakeven"))
    return node, is_date


def _parsed(text: str, is_date: bool, start: tuple[int, int]) -> tuple[Value, Value]:
    parts = text.split(":")
    if is_date:
        try:
            lo, hi = (month_label(start, month_index(start, p.strip()))
                      for p in parts) if len(parts) == 2 else ("", "")
        except ValueError:
            lo = hi = ""
        if not lo or month_index(start, lo) >= month_index(start, hi):
            raise InputError(Problem("a date input takes YYYY-MM:YYYY-MM, the first month "
                                     f"before the second, got '{text}'", path="--range"))
        return lo, hi
    try:
        lo_f, hi_f = (float(p) for p in parts) if len(parts) == 2 else (np.nan, np.nan)
    except ValueError:
        lo_f = hi_f = np.nan
    if not (np.isfinite(lo_f) and np.isfinite(hi_f) and lo_f < hi_f):
        raise InputError(Problem(f"expected LO:HI with LO < HI, got '{text}'", path="--range"))
    return lo_f, hi_f


def _default(loaded: Loaded, target: Any, is_date: bool, path: str) -> tuple[Value, Value]:
    """The input's P1 to P99 (whole months for a date), or 0 to 1 for a probability."""
    start = loaded.scenario.start
    if isinstance(target, dict) and target.get("unit") == "probability":
        return 0.0, 1.0
    if isinstance(target, dict) and any(k in target for k in DIST_KEYS):
        d = Quantity.model_validate(target).to_dist(start)
        lo, hi = (float(x) for x in d.ppf(np.array([0.01, 0.99])))
        if is_date and np.floor(lo) < np.ceil(hi):
            return month_label(start, int(np.floor(lo))), month_label(start, int(np.ceil(hi)))
        if not is_date and lo < hi:
            return lo, hi
    form = "YYYY-MM:YYYY-MM" if is_date else "LO:HI"
    raise InputError(Problem(f"give --range {form} for '{path}' (it has no spread to "
                             "default to)", path="--range"))


def _r(x: float) -> float | None:
    x = float(x)
    return round(x, 6) if np.isfinite(x) else None
