"""Exchange-rate paths and the conversion of each input's money into USD.

A rate is units of the currency per USD. Its path is lognormal with yearly
steps: ``rate[t] = spot * exp(drift * t/12 + volatility * W(t/12))``, where
``W`` is a random walk with one standard normal step a year (the inputs
``fx.<CUR>.shock_<k>``) and linear in between. Month 0 is at the spot.

Money flows are converted at the rate of the month they happen in; stocks
(opening balances, the floor, thresholds) at the spot.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.scenario.finance_refs import money_quantities
from simcore.scenario.model import Scenario
from simcore.uncertainties.inputs import shock_names

Values = Mapping[str, np.ndarray]


def rate_path(sc: Scenario, cur: str, v: Values, n: int) -> np.ndarray:
    """Units of ``cur`` per USD in each month, (draws, months); ones for USD."""
    months = sc.timeline.months
    if cur == "USD":
        return np.ones((n, months))
    fx = sc.fx[cur]
    p = f"fx.{cur}."
    t = np.arange(months, dtype=float)[None, :] / 12
    log = np.zeros((n, months))
    if fx.drift is not None:
        log += v[p + "drift"][:, None] * t
    if fx.volatility is not None:
        steps = [v[name] for name in shock_names(sc) if name.startswith(p)]
        knots = np.concatenate([np.zeros((n, 1)), np.cumsum(np.stack(steps, 1), axis=1)], 1)
        k = np.minimum(np.floor(t[0]).astype(int), knots.shape[1] - 2)
        frac = t[0] - k
        walk = knots[:, k] + frac[None, :] * (knots[:, k + 1] - knots[:, k])
        log += v[p + "volatility"][:, None] * walk
    return v[p + "spot"][:, None] * np.exp(log)


class Money:
    """Each money input in USD, for one batch of draws."""

    def __init__(self, sc: Scenario, v: Values, n: int):
        self.sc, self.v, self.n = sc, v, n
        self.currency = {path: q.currency for path, q in money_quantities(sc)}
        self._rates: dict[str, np.ndarray] = {}

    def rate(self, cur: str) -> np.ndarray:
        if cur not in self._rates:
            self._rates[cur] = rate_path(self.sc, cur, self.v, self.n)
        return self._rates[cur]

    def per_usd(self, path: str) -> np.ndarray | None:
        """The rate an input's money is divided by in each month (None: it is USD)."""
        cur = self.currency.get(path, "USD")
        return None if cur == "USD" else self.rate(cur)

    def flow(self, path: str, scale: float = 1.0) -> np.ndarray:
        """``v[path] * scale`` in USD per month: (draws, 1) for USD, else (draws, months)."""
        x = self.v[path][:, None] * scale
        r = self.per_usd(path)
        return x if r is None else x / r

    def stock(self, path: str) -> np.ndarray:
        """A level (a threshold, a size) in USD at each month's rate: (draws, 1) for USD,
        else (draws, months), so a yen threshold stays the same in yen."""
        return self.flow(path)

    def spot(self, path: str) -> np.ndarray:
        """A stock in USD at the spot rate, (draws,)."""
        r = self.per_usd(path)
        return self.v[path] if r is None else self.v[path] / r[:, 0]

    def native(self, path: str, arr: np.ndarray) -> np.ndarray:
        """A (draws, months) array in the input's currency, converted month by month."""
        r = self.per_usd(path)
        return arr if r is None else arr / r
