"""Analyse a run's per-draw results into the summary an analyst reads.

Percentiles are over draws. Every headline figure has a Monte Carlo standard
error from the spread of the same statistic across the run's replicates
(independent sub-runs of equal size): ``sd(replicate estimates) / sqrt(R)``.
Month-valued figures are ISO year-months; ``null`` where the event does not
happen within the horizon in that share of draws.

The per-draw values come from the outcome registry, with the thresholds (the
floor) applied here: :func:`summarise` with another floor re-analyses the same
run. ``outcomes`` holds every registered outcome's statistics; the ``cash``,
``deal``, ``launches``, ``dilution``, ``liquidity``, ``debt``, ``value``,
``bridge`` and ``cash_positive`` (the three readings of "cash positive" by year)
blocks lay the main ones out for reading (money in the run's currency).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore import __version__
from simcore.analysis import finance
from simcore.analysis.launches import summarise_launches
from simcore.experiments.result import RunResult
from simcore.outcomes.registry import Outcome, Thresholds, floor_of
from simcore.outcomes.stats import (
    describe,
    month_percentiles,
    percentiles,
    replicate_se,
)
from simcore.timeline import fiscal_year, fiscal_year_ends, fiscal_year_label, month_labels

FAN = (5, 10, 25, 50, 75, 90, 95)


def manifest(res: RunResult, digest: str | None, file: str | None) -> dict:
    s = res.settings
    return {"scenario_file": file, "scenario_sha256": digest, "seed": s.seed,
            "draws": s.draws, "sampler": s.sampler, "replicates": len(res.replicates) - 1,
            "currency": s.currency, "version": __version__}


def outcome_values(res: RunResult, thresholds: Thresholds | None = None
                   ) -> Mapping[str, tuple[Outcome, np.ndarray]]:
    """Every outcome of ``res`` with its per-draw values, by name: evaluated once (a run
    in memory), or read from disk when asked for (a stored run)."""
    return res.outcome_values(thresholds)


def summarise(res: RunResult, *, digest: str | None = None, file: str | None = None,
              thresholds: Thresholds | None = None,
              values: Mapping[str, tuple[Outcome, np.ndarray]] | None = None) -> dict:
    """The run summary as plain JSON-ready data. ``values`` (from :func:`outcome_values`
    with the same thresholds) saves evaluating the outcomes again."""
    sc, s = res.scenario, res.settings
    t = thresholds if thresholds is not None else Thresholds(s.floor)
    values = values if values is not None else outcome_values(res, t)
    summary = {"scenario": sc.name, "title": sc.title, "draws": s.draws, "seed": s.seed,
               "sampler": s.sampler, "manifest": manifest(res, digest, file),
               "cash": _cash(res, t, values)}
    if sc.deal is not None:
        summary["deal"] = _deal(res, values)
    if res.launches:
        summary["launches"] = summarise_launches(sc, res.launches, res.drivers,
                                                 res.targets)
    dilution = res.dilution
    if dilution is not None:
        summary["dilution"] = percentiles(dilution, (10, 50, 90), res.replicates)
    if res.correlations:
        summary["correlations"] = res.correlations
    summary["liquidity"] = finance.liquidity(res, values)
    summary["debt"] = finance.debt(res, values)
    if sc.value is not None:
        summary["value"] = finance.value(res, values)
    summary["bridge"] = finance.bridge(res)
    summary["cash_positive"] = finance.cash_positive(res, values)
    summary["outcomes"] = {name: describe(o, x, sc.start, res.replicates, res.currency)
                           for name, (o, x) in values.items()}
    return summary


def _cash(res: RunResult, t: Thresholds, values: dict) -> dict:
    start, b = res.scenario.start, res.replicates
    labels = month_labels(start, res.scenario.timeline.months)
    fan = res.cash_fan(FAN)
    breach = values["breach"][1]
    first = values["first_breach_month"][1]
    return {
        "unit": f"{res.currency} bn",
        "months": labels,
        **{f"p{p}": [round(float(x), 6) for x in row] for p, row in zip(FAN, fan, strict=True)},
        "min": {**percentiles(values["min_cash"][1], (5, 50, 95), b),
                "month": month_percentiles(values["min_cash_month"][1], (5, 50, 95), start, b)},
        "floor": round(float(np.median(floor_of(res, t))), 6),
        "floor_unit": res.scenario.floor.unit,
        "p_breach": round(float(breach.mean()), 6),
        "p_breach_se": _round(replicate_se(breach, np.mean, b), 6),
        "breach_by_fy": _breach_by_fy(res, first),
        "first_breach_month": _first_breach(first, start),
        "fy_end": _fy_end(res, labels),
        "fcf_by_fy": {fiscal_year_label(y): {**percentiles(res.fcf_at(j), (10, 50, 90), b),
                                             "months": m}
                      for j, (y, m) in enumerate(zip(res.fy, res.fy_months, strict=True))},
        "fcf_positive_month": month_percentiles(values["fcf_positive_month"][1],
                                                (10, 50, 90), start, b),
        "ending": percentiles(values["ending_cash"][1], (5, 50, 95), b),
        "net_debt_ending": percentiles(values["net_debt_ending"][1], (5, 50, 95), b),
    }


def _deal(res: RunResult, values: dict) -> dict:
    closed = values["deal_closed"][1]
    return {"partner": res.scenario.deal.partner,
            "p_close": round(float(closed.mean()), 6),
            "p_close_se": _round(replicate_se(closed, np.mean, res.replicates), 6),
            "close_month": month_percentiles(values["deal_month"][1], (10, 50, 90),
                                             res.scenario.start, res.replicates)}


def _first_breach(first: np.ndarray, start) -> dict:
    """Month of the first breach, P10/P50/P90 among the draws that breach at all."""
    hit = np.isfinite(first)
    if not hit.any():
        return {"p10": None, "p50": None, "p90": None, "p_never": 1.0,
                "among": "draws that breach"}
    out = month_percentiles(first[hit], (10, 50, 90), start, np.array([0, int(hit.sum())]))
    out["p_never"] = round(float((~hit).mean()), 6)
    out["among"] = "draws that breach"
    return out


def _fy_end(res: RunResult, labels: list[str]) -> dict:
    start = res.scenario.start
    return {fiscal_year_label(fiscal_year(start, t)): {
        "month": labels[t], **percentiles(res.cash_at(t), (5, 50, 95), res.replicates)}
        for t in fiscal_year_ends(start, len(labels))}


def _breach_by_fy(res: RunResult, first: np.ndarray) -> dict:
    """P(cash has gone below the floor by the end of each fiscal year)."""
    start = res.scenario.start
    return {fiscal_year_label(fiscal_year(start, t)): round(float((first <= t).mean()), 6)
            for t in fiscal_year_ends(start, res.months)}


def _round(x: float | None, nd: int) -> float | None:
    return None if x is None else round(x, nd)
