"""A takeover's exchange consideration (``deal.exchange``): the path on which an acquirer
takes control.

In the draws where the deal closes, each existing share is exchanged for ``ratio``
acquirer shares worth ``acquirer_price`` each at the close, so

* value per existing share = ``ratio * acquirer_price`` (in USD at the spot rate, as
  the other per-share values; it is the price at the close, not discounted to today);
* equity value to existing holders = that times ``value.shares``; every common share
  at the close (new equity included) receives the same, so equity value to all holders
  is that over ``1 - dilution``.

In the draws where the talks collapse the standalone valuation stands. Enterprise value
is the discounted cash paths in every draw. What the loss of independence does to the
cash (synergies, integration costs, support from the acquirer) enters through the
deal's own effects, line items, debt and credit lines with ``on_deal``.
"""

from __future__ import annotations

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.value import Valuation
from simcore.scenario.model import Scenario
from simcore.uncertainties.draws import Draws


def consideration(sc: Scenario, v: Draws, m: Money) -> np.ndarray:
    """Value per existing share of the exchange, USD, (draws,)."""
    ex = sc.deal.exchange
    return v[ex.ratio] * m.spot(ex.acquirer_price)


def exchange(sc: Scenario, v: Draws, m: Money, closed: np.ndarray, dilution: np.ndarray | None,
             val: Valuation) -> Valuation:
    """``val`` with the exchange consideration in the draws where the deal closes."""
    per_share = consideration(sc, v, m)
    existing = per_share * v[sc.value.shares] / 1e9
    kept = 1 - dilution if dilution is not None else 1.0
    return Valuation(val.enterprise,
                     np.where(closed, existing / kept, val.equity),
                     np.where(closed, existing, val.existing),
                     np.where(closed, per_share, val.per_share), val.kept)
