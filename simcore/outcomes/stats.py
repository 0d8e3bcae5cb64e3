"""Statistics of an outcome over draws: what each kind reports, with Monte Carlo
standard errors from the spread across the run's replicates.

* amount and share: P5, P50, P95 and the mean;
* probability: ``p``, the share of draws in which it happens;
* month: P10, P50, P90 as ISO year-months (``None`` past the horizon) and ``p_never``.

:func:`point` reduces an outcome to the one number a sweep point, a tornado bar
or a break-even search uses: the mean, except for months, whose median (month
index) is used because a mean over "never" is undefined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from simcore.outcomes.registry import Outcome, lookup
from simcore.timeline import fractional_label

QUANTILES = {"amount": (5, 50, 95), "share": (5, 50, 95), "month": (10, 50, 90),
             "price": (10, 50, 90)}


def _round(x: float | None, nd: int = 6) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def replicate_se(x: np.ndarray, stat: Callable[[np.ndarray], float],
                 bounds: np.ndarray) -> float | None:
    """Standard error of ``stat`` from its spread over replicates (None if fewer than 2)."""
    if len(bounds) < 3:
        return None
    est = np.array([stat(x[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    if not np.all(np.isfinite(est)):
        return None
    return float(np.std(est, ddof=1) / np.sqrt(len(est)))


def percentiles(x: np.ndarray, ps: Iterable[int], bounds: np.ndarray, ndigits: int = 6
                ) -> dict:
    """``{"p5": .., "p50": .., "se": {"p5": ..}}`` for values ``x``."""
    ps = list(ps)
    out: dict = {f"p{p}": round(float(v), ndigits)
                 for p, v in zip(ps, np.percentile(x, ps), strict=True)}
    if len(bounds) < 3:
        out["se"] = {f"p{p}": None for p in ps}
        return out
    est = np.array([np.percentile(x[a:b], ps)
                    for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    se = np.std(est, axis=0, ddof=1) / np.sqrt(len(est))
    out["se"] = {f"p{p}": round(float(v), ndigits) for p, v in zip(ps, se, strict=True)}
    return out


def month_quantile(x: np.ndarray, q: float) -> float:
    """Quantile of month indices with ``inf`` (never) as the latest value."""
    return float(np.quantile(x, q, method="inverted_cdf"))


def month_percentiles(x: np.ndarray, ps: Iterable[int], start: tuple[int, int],
                      bounds: np.ndarray) -> dict:
    """Percentiles of month indices (NaN or inf = never) as ISO year-months."""
    filled = np.where(np.isnan(x), np.inf, x)
    out: dict = {f"p{p}": fractional_label(start, month_quantile(filled, p / 100))
                 for p in ps}
    out["p_never"] = round(float((~np.isfinite(filled)).mean()), 6)
    out["se_months"] = {f"p{p}": _round(replicate_se(
        filled, lambda y, p=p: month_quantile(y, p / 100), bounds), 3) for p in ps}
    return out


def probability(mask: np.ndarray, bounds: np.ndarray) -> dict:
    return {"p": round(float(np.mean(mask)), 6),
            "se": _round(replicate_se(np.asarray(mask, float), np.mean, bounds))}


def describe(o: Outcome, x: np.ndarray, start: tuple[int, int], bounds: np.ndarray,
             currency: str = "USD") -> dict:
    """The statistics of outcome ``o`` with values ``x`` (see the module docstring);
    money in ``currency``."""
    head = {"label": o.label, "unit": o.unit_in(currency), "kind": o.kind}
    if o.kind == "probability":
        return {**head, **probability(x, bounds)}
    if o.kind == "month":
        return {**head, **month_percentiles(x, QUANTILES["month"], start, bounds)}
    return {**head, **percentiles(x, QUANTILES[o.kind], bounds),
            "mean": _round(np.mean(x)), "se_mean": _round(replicate_se(x, np.mean, bounds))}


def point(o: Outcome, x: np.ndarray) -> float:
    """One number for a run: the mean, or for months the median month index."""
    if o.kind == "month":
        return month_quantile(x, 0.5)
    return float(np.mean(x))


def run_value(res, name: str) -> float:
    """:func:`point` of the outcome called ``name`` in run ``res`` (its own thresholds):
    what a tornado bar or a sweep's ``--metric`` reads."""
    o = lookup(name, res)
    return point(o, o.values(res))


def headline(o: Outcome, x: np.ndarray, start: tuple[int, int]) -> dict:
    """Flat statistics for a sweep point's row: ``<name>_p5/_p50/_mean`` for amounts and
    shares, ``p_<name>`` for probabilities, ``<name>_p50`` (a year-month) for months."""
    if o.kind == "probability":
        return {f"p_{o.name}": _round(np.mean(x))}
    if o.kind == "month":
        return {f"{o.name}_p50": fractional_label(start, month_quantile(x, 0.5))}
    q = np.percentile(x, [5, 50])
    return {f"{o.name}_p5": _round(q[0]), f"{o.name}_p50": _round(q[1]),
            f"{o.name}_mean": _round(np.mean(x))}
