"""Exchange-rate paths and the conversion of each input's money into USD.

A rate is units of the currency per USD. Its path is lognormal with yearly
steps: ``rate[t] = spot * exp(drift * t/12 + volatility * W(t/12))``, where
``W`` is a random walk with one standard normal step a year (the inputs
``fx.<CUR>.shock_<k>``) and linear in between. Month 0 is at the spot.

Money flows are converted at the rate of the month they happen in; stocks
(opening balances, the floor, thresholds) at the spot.
"""

from __future__ import annotations

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.quantity import Quantity
from simcore.uncertainties.draws import Draws


def rate_path(sc: Scenario, cur: str, v: Draws, n: int) -> np.ndarray:
    """Units of ``cur`` per USD in each month, (draws, months); ones for USD."""
    months = sc.timeline.months
    if cur == "USD":
        return np.ones((n, months))
    fx = sc.fx[cur]
    t = np.arange(months, dtype=float)[None, :] / 12
    log = np.zeros((n, months))
    if fx.drift is not None:
        log += v[fx.drift][:, None] * t
    if fx.volatility is not None:
        steps = v.shocks(cur)
        knots = np.concatenate([np.zeros((n, 1)), np.cumsum(np.stack(steps, 1), axis=1)], 1)
        k = np.minimum(np.floor(t[0]).astype(int), knots.shape[1] - 2)
        frac = t[0] - k
        walk = knots[:, k] + frac[None, :] * (knots[:, k + 1] - knots[:, k])
        log += v[fx.volatility][:, None] * walk
    return v[fx.spot][:, None] * np.exp(log)


class Money:
    """Each money input in USD, for one batch of draws."""

    def __init__(self, sc: Scenario, v: Draws, n: int):
        self.sc, self.v, self.n = sc, v, n
        self._rates: dict[str, np.ndarray] = {}

    def rate(self, cur: str) -> np.ndarray:
        if cur not in self._rates:
            self._rates[cur] = rate_path(self.sc, cur, self.v, self.n)
        return self._rates[cur]

    def per_usd(self, q: Quantity) -> np.ndarray | None:
        """The rate an input's money is divided by in each month (None: it is USD)."""
        cur = q.currency or "USD"
        return None if cur == "USD" else self.rate(cur)

    def flow(self, q: Quantity, scale: float = 1.0) -> np.ndarray:
        """``v[q] * scale`` in USD per month: (draws, 1) for USD, else (draws, months)."""
        x = self.v[q][:, None] * scale
        r = self.per_usd(q)
        return x if r is None else x / r

    def stock(self, q: Quantity) -> np.ndarray:
        """A level (a threshold, a size) in USD at each month's rate: (draws, 1) for USD,
        else (draws, months), so a yen threshold stays the same in yen."""
        return self.flow(q)

    def spot(self, q: Quantity) -> np.ndarray:
        """A stock in USD at the spot rate, (draws,)."""
        r = self.per_usd(q)
        return self.v[q] if r is None else self.v[q] / r[:, 0]

    def native(self, q: Quantity, arr: np.ndarray) -> np.ndarray:
        """A (draws, months) array in the input's currency, converted month by month."""
        r = self.per_usd(q)
        return arr if r is None else arr / r
