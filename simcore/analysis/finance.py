"""The summary blocks of the financial core: liquidity, debt, value, the cash bridge and
the readings of "cash positive".

The bridge gives, from the opening to the ending cash, the mean over draws of
each component's total over the horizon; opening plus the sum of the components
equals ending (to float rounding), since cash is the opening plus every flow in
every draw. Its numbers are not rounded, so the identity can be checked.
"""

from __future__ import annotations

import numpy as np

from simcore.experiments.result import RunResult
from simcore.outcomes.stats import month_percentiles, percentiles, probability, replicate_se
from simcore.scenario.case_spec import Exchange
from simcore.timeline import fiscal_year, fiscal_year_label, month_label

# the bridge's order: operations first, financing last
ORDER = ("operations", "erosion", "savings", "restructuring", "capex", "programmes", "partner",
         "items.", "interest_paid", "interest_earned", "asset_sales", "equity", "debt_raised",
         "debt_repaid", "credit_lines", "fx_translation")


def bridge(res: RunResult) -> dict:
    """Opening cash, the mean of each component over the horizon, ending cash."""
    f = res.finance
    rank = {k: i for i, k in enumerate(ORDER)}
    names = sorted(f.bridge, key=lambda k: rank.get(k.split(".")[0] + "." if "." in k else k,
                                                    len(ORDER)))
    return {"unit": f"{res.currency} bn", "opening": float(f.opening.mean()),
            "components": {k: float(f.bridge[k].mean()) for k in names},
            "ending": float(res.cash_at(res.months - 1).mean())}


def liquidity(res: RunResult, values: dict) -> dict:
    """Minimum liquidity, its month, and the breach of the floor on liquidity."""
    b, start = res.replicates, res.scenario.start
    breach = values["liquidity_breach"][1]
    return {"unit": f"{res.currency} bn",
            "credit_lines": list(res.scenario.credit_lines),
            "min": {**percentiles(values["min_liquidity"][1], (5, 50, 95), b),
                    "month": month_percentiles(values["min_liquidity_month"][1], (5, 50, 95),
                                               start, b)},
            "p_breach": round(float(breach.mean()), 6),
            "p_breach_se": _r(replicate_se(breach, np.mean, b)),
            "first_breach_month": month_percentiles(
                values["first_liquidity_breach_month"][1], (10, 50, 90), start, b),
            "fy_end": _at_fy_ends(res)}


def debt(res: RunResult, values: dict) -> dict:
    """Borrowings and net debt at each fiscal year's end, and interest paid."""
    b = res.replicates
    paid = values["interest_paid"][1]
    return {"unit": f"{res.currency} bn",
            "fy_end": {fiscal_year_label(y): percentiles(values[f"debt.FY{y}"][1],
                                                         (5, 50, 95), b) for y in res.fy},
            "net_debt_fy_end": {fiscal_year_label(y): percentiles(
                values[f"net_debt.FY{y}"][1], (5, 50, 95), b) for y in res.fy},
            "interest_paid": {**percentiles(paid, (5, 50, 95), b), "mean": _r(paid.mean())}}


def value(res: RunResult, values: dict) -> dict:
    """Enterprise value, equity value to existing holders and per share: P10/P50/P90, mean."""
    out: dict = {"unit": f"{res.currency} bn", "discount_rate": _dist(res, "discount_rate"),
                 "terminal": res.scenario.value.terminal.method}
    for name in ("enterprise_value", "equity_value", "value_per_share"):
        if name in values:
            x = values[name][1]
            out[name] = {**percentiles(x, (10, 50, 90), res.replicates),
                         "mean": _r(x.mean()),
                         "se_mean": _r(replicate_se(x, np.mean, res.replicates))}
    if "value_per_share" in out:
        out["value_per_share"]["unit"] = f"{res.currency} per share"
    deal = res.scenario.deal
    if deal is not None and deal.exchange is not None:
        out["exchange"] = _exchange(res, deal.exchange)
    return out


def _exchange(res: RunResult, ex: Exchange) -> dict:
    start = res.scenario.start
    return {"closed_draws": "value per share is the exchange consideration, ratio x "
                            "acquirer_price at the close (not discounted); equity value is "
                            "that x value.shares; collapsed draws keep the standalone value",
            "ratio": ex.ratio.to_dist(start).describe(),
            "acquirer_price": ex.acquirer_price.to_dist(start).describe(),
            "acquirer_price_unit": ex.acquirer_price.unit,
            "p_closed": round(float(np.mean(res.deal_closed)), 6)}


CASH_POSITIVE = {"fiscal_year": "fcf_positive.FY", "calendar_year": "fcf_positive.CY",
                 "for_good_by_december": "fcf_positive_for_good_by.CY"}


def cash_positive(res: RunResult, values: dict) -> dict:
    """P(cash positive) by year, read three ways (see simcore.outcomes.readings)."""
    out: dict = {kind: {name.split(".", 1)[1]: probability(x, res.replicates)
                        for name, (_, x) in values.items() if name.startswith(prefix)}
                 for kind, prefix in CASH_POSITIVE.items()}
    out["definitions"] = {
        "fiscal_year": "FCF summed over April-March is above zero",
        "calendar_year": "FCF summed over January-December is above zero (whole years "
                         "inside the horizon)",
        "for_good_by_december": "monthly FCF is above zero in every month from one on or "
                                "before December to the horizon (fcf_positive_month <= "
                                "December); implies the next calendar and fiscal year "
                                "are positive"}
    return out


def _dist(res: RunResult, name: str) -> str:
    q = getattr(res.scenario.value, name)
    return q.to_dist(res.scenario.start).describe()


def _at_fy_ends(res: RunResult) -> dict:
    """Liquidity at each fiscal year's end."""
    start = res.scenario.start
    return {fiscal_year_label(fiscal_year(start, t)): {
        "month": month_label(start, t),
        **percentiles(res.liquidity_at(t), (5, 50, 95), res.replicates)}
        for t in res.fy_end}


def _r(x: float | None, nd: int = 6) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), nd)
