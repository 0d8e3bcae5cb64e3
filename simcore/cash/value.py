"""Enterprise value and equity value per existing share.

With ``r`` the discount rate, month ``t``'s flow is discounted by
``D(t) = (1 + r)^(-(t+1)/12)`` (flows at month ends). The terminal value at the
horizon capitalises the last twelve months' free cash flow before interest,
``F`` (annualised when the horizon is shorter): ``F (1 + g) / (r - g)`` (growth,
the Gordon formula) or ``multiple * F``.

* Enterprise value = the discounted free cash flow before interest of every month
  plus the discounted terminal value.
* Equity value (all holders, today) = ``D(T-1)`` times the terminal value plus cash,
  less borrowings and preferred claims, at the horizon; never below zero (limited
  liability).
* Existing holders own ``1 - dilution`` of it (equity raised in the horizon). With
  ``value.shares``, a convertible preferred converts at the horizon when equity per
  share before converting exceeds its price; value per existing share is the
  common equity over all shares then; ``kept`` is the share of the equity today's
  holders keep after new equity and conversions (1 - dilution).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcore.scenario.model import Scenario
from simcore.uncertainties.draws import Draws


@dataclass
class Valuation:
    enterprise: np.ndarray      # (draws,) USD bn
    equity: np.ndarray          # (draws,) USD bn, all holders
    existing: np.ndarray        # (draws,) USD bn, today's holders
    per_share: np.ndarray | None  # (draws,) USD per existing share
    kept: np.ndarray | None = None  # (draws,) share of the equity today's holders keep


def terminal(sc: Scenario, v: Draws, ufcf: np.ndarray) -> np.ndarray:
    """Terminal value at the horizon, USD bn, (draws,)."""
    months = ufcf.shape[1]
    last = ufcf[:, -12:].sum(axis=1) * 12 / min(12, months)
    t = sc.value.terminal
    if t.method == "multiple":
        return v[t.multiple] * last
    r, g = v[sc.value.discount_rate], v[t.growth]
    return last * (1 + g) / (r - g)


def valuation(sc: Scenario, v: Draws, ufcf: np.ndarray, cash_end: np.ndarray,
              debt_end: np.ndarray, pref_end: np.ndarray, dilution: np.ndarray | None,
              conversions: list[tuple[np.ndarray, np.ndarray]]) -> Valuation:
    n, months = ufcf.shape
    r = v[sc.value.discount_rate][:, None]
    disc = (1 + r) ** (-(np.arange(months)[None, :] + 1) / 12)
    tv = terminal(sc, v, ufcf)
    ev = (ufcf * disc).sum(axis=1) + disc[:, -1] * tv
    common = tv + cash_end - debt_end - pref_end
    kept = 1 - dilution if dilution is not None else np.ones(n)
    if sc.value.shares is None:
        equity = disc[:, -1] * np.maximum(common, 0.0)
        return Valuation(ev, equity, equity * kept, None, kept)
    existing = v[sc.value.shares] / 1e9          # bn shares
    total = existing / kept
    for claim, price in conversions:
        convert = (claim > 0) & (np.maximum(common, 0.0) / total > price)
        common = common + np.where(convert, claim, 0.0)
        total = total + np.where(convert, claim / price, 0.0)
    common = disc[:, -1] * np.maximum(common, 0.0)
    return Valuation(ev, common, common * existing / total, common / total, existing / total)
