"""Analyse a run's per-draw outcomes into the summary an analyst reads.

Percentiles are over draws. Every headline figure has a Monte Carlo standard
error from the spread of the same statistic across the run's replicates
(independent sub-runs of equal size): ``sd(replicate estimates) / sqrt(R)``.
Month-valued figures are ISO year-months; ``null`` where the event does not
happen within the horizon in that share of draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simcore import __version__
from simcore.experiments.runner import RunResult
from simcore.schedule.batch import summarise_launches
from simcore.timeline import fiscal_year, fiscal_year_label, fractional_label, month_labels

FAN = (5, 10, 25, 50, 75, 90, 95)


def replicate_se(x: np.ndarray, stat: Callable[[np.ndarray], float],
                 bounds: np.ndarray) -> float | None:
    """Standard error of ``stat`` from its spread over replicates (None if fewer than 2)."""
    if len(bounds) < 3:
        return None
    est = np.array([stat(x[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    if not np.all(np.isfinite(est)):
        return None
    return float(np.std(est, ddof=1) / np.sqrt(len(est)))


def percentiles(x: np.ndarray, ps, bounds: np.ndarray, ndigits: int = 6) -> dict:
    """``{"p5": .., "p50": .., "se": {"p5": ..}}`` for values ``x``."""
    ps = list(ps)
    out: dict = {f"p{p}": round(float(v), ndigits) for p, v in zip(ps, np.percentile(x, ps),
                                                                   strict=True)}
    if len(bounds) < 3:
        out["se"] = {f"p{p}": None for p in ps}
        return out
    est = np.array([np.percentile(x[a:b], ps) for a, b in zip(bounds[:-1], bounds[1:],
                                                                 strict=True)])
    se = np.std(est, axis=0, ddof=1) / np.sqrt(len(est))
    out["se"] = {f"p{p}": round(float(v), ndigits) for p, v in zip(ps, se, strict=True)}
    return out


def month_percentiles(x: np.ndarray, ps, start, bounds: np.ndarray) -> dict:
    """Percentiles of month indices (NaN = never) as ISO year-months, null for never."""
    filled = np.where(np.isnan(x), np.inf, x)
    out: dict = {}
    for p in ps:
        q = float(np.quantile(filled, p / 100, method="inverted_cdf"))
        out[f"p{p}"] = fractional_label(start, q)
    out["p_never"] = round(float(np.isnan(x).mean()), 6)
    out["se_months"] = {f"p{p}": _round(replicate_se(
        filled, lambda y, p=p: np.quantile(y, p / 100, method="inverted_cdf"), bounds), 3)
        for p in ps}
    return out


def probability(mask: np.ndarray, bounds: np.ndarray) -> dict:
    return {"p": round(float(mask.mean()), 6),
            "se": _round(replicate_se(mask.astype(float), np.mean, bounds), 6)}


def summarise(res: RunResult, *, digest: str | None = None, file: str | None = None) -> dict:
    """The run summary as plain JSON-ready data."""
    sc, s, b = res.scenario, res.settings, res.replicates
    start = sc.start
    labels = month_labels(start, sc.timeline.months)
    cash = res.cash
    fan = np.percentile(cash, FAN, axis=0)
    min_cash = cash.min(axis=1)
    min_month = cash.argmin(axis=1).astype(float)
    breach = ~np.isnan(res.first_breach)
    summary = {
        "scenario": sc.name,
        "title": sc.title,
        "draws": s.draws,
        "seed": s.seed,
        "sampler": s.sampler,
        "manifest": {"scenario_file": file, "scenario_sha256": digest, "seed": s.seed,
                     "draws": s.draws, "sampler": s.sampler, "replicates": len(b) - 1,
                     "version": __version__},
        "cash": {
            "unit": "USD bn",
            "months": labels,
            **{f"p{p}": [round(float(x), 6) for x in row] for p, row in zip(FAN, fan,
                                                                               strict=True)},
            "min": {**percentiles(min_cash, (5, 50, 95), b),
                    "month": month_percentiles(min_month, (5, 50, 95), start, b)},
            "floor": round(float(np.median(res.floor)), 6),
            "p_breach": round(float(breach.mean()), 6),
            "p_breach_se": _round(replicate_se(breach.astype(float), np.mean, b), 6),
            "breach_by_fy": _breach_by_fy(res, start),
            "first_breach_month": _first_breach(res, start, b),
            "fy_end": _fy_end(res, start, labels),
            "fcf_by_fy": {fiscal_year_label(y): {**percentiles(res.fcf_fy[:, j], (10, 50, 90),
                                                                 b), "months": m}
                          for j, (y, m) in enumerate(zip(res.fy, res.fy_months, strict=True))},
            "fcf_positive_month": month_percentiles(res.fcf_positive, (10, 50, 90), start, b),
            "ending": percentiles(cash[:, -1], (5, 50, 95), b),
            "net_debt_ending": percentiles(res.ending_net_debt, (5, 50, 95), b),
        },
    }
    if res.deal_closed is not None and sc.deal is not None:
        closed = res.deal_closed
        summary["deal"] = {
            "partner": sc.deal.partner,
            "p_close": round(float(closed.mean()), 6),
            "p_close_se": _round(replicate_se(closed.astype(float), np.mean, b), 6),
            "close_month": month_percentiles(np.where(closed, res.deal_month, np.nan),
                                             (10, 50, 90), start, b),
        }
    if res.launches:
        summary["launches"] = summarise_launches(sc, res.launches, res.drivers)
    if res.dilution is not None:
        summary["dilution"] = percentiles(res.dilution, (10, 50, 90), b)
    if res.correlations:
        summary["correlations"] = res.correlations
    return summary


def _first_breach(res: RunResult, start, bounds: np.ndarray) -> dict:
    """Month of the first breach, P10/P50/P90 among the draws that breach at all."""
    fb = res.first_breach
    hit = ~np.isnan(fb)
    if not hit.any():
        return {"p10": None, "p50": None, "p90": None, "p_never": 1.0,
                "among": "draws that breach"}
    out = month_percentiles(fb[hit], (10, 50, 90), start, np.array([0, int(hit.sum())]))
    out["p_never"] = round(float((~hit).mean()), 6)
    out["among"] = "draws that breach"
    return out


def _fy_end(res: RunResult, start, labels: list[str]) -> dict:
    out = {}
    for t, label in enumerate(labels):
        if label.endswith("-03") or t == len(labels) - 1:
            fy = fiscal_year_label(fiscal_year(start, t))
            out[fy] = {"month": label, **percentiles(res.cash[:, t], (5, 50, 95),
                                                      res.replicates)}
    return out


def _breach_by_fy(res: RunResult, start) -> dict:
    """P(cash has gone below the floor by the end of each fiscal year)."""
    out = {}
    months = res.cash.shape[1]
    fb = np.where(np.isnan(res.first_breach), np.inf, res.first_breach)
    for t in range(months):
        if t == months - 1 or fiscal_year(start, t + 1) != fiscal_year(start, t):
            out[fiscal_year_label(fiscal_year(start, t))] = round(float((fb <= t).mean()), 6)
    return out


def _round(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)
