"""Line items: named cash flows written in YAML alone.

An item happens when its condition holds: ``always``; ``event`` (its own
probability); ``deal_closes`` or ``deal_collapses`` (from the month the talks
end); ``launch`` (from the programme's start of production, never if it does not
launch). Its ``start`` is a date (the later of that date and the trigger) or
months after the trigger; absent, it starts at the trigger.

* A one-off amount (``<CUR> bn``) is paid in the month the start falls in; with
  ``duration`` it is spread evenly over that many months from the start; with
  ``weights`` month ``j`` of its life (from the start month) gets the share
  ``w_j / sum(w)``, over ``len(weights)`` months; with ``duration`` too, over that many
  months in proportion to the weights (cycled).
* A flow (``<CUR> bn/yr``) runs at ``amount / 12`` a month from the start, ramped in
  over ``ramp_months``, for ``duration`` months (default: to the horizon); with
  ``weights`` month ``j`` of its life is scaled by ``w_j / mean(w)`` (cycled, so
  12 weights make a seasonal year with an unchanged annual total).

Amounts in another currency are converted at each month's rate.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.profiles import at_month, ramp, window
from simcore.scenario.finance_spec import LineItem
from simcore.scenario.model import Scenario
from simcore.uncertainties.draws import Draws


def line_items(sc: Scenario, v: Draws, money: Money, n: int, closed, close,
               launches: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each item's flow, USD, (draws, months), by name."""
    return {k: _item(sc, item, v, money, n, closed, close, launches)
            for k, item in sc.items.items()}


def _trigger(item: LineItem, v: Draws, n: int, closed, close,
             launches) -> tuple[np.ndarray, np.ndarray]:
    """When the condition fires (month) and whether it holds, per draw."""
    zero, yes = np.zeros(n), np.ones(n, bool)
    if item.when == "event":
        return zero, v.happens(item)
    if item.when == "deal_closes":
        return close, closed
    if item.when == "deal_collapses":
        return close, ~closed
    if item.when == "launch":
        launch = launches[item.programme]
        return np.where(np.isfinite(launch), launch, 0.0), np.isfinite(launch)
    return zero, yes


def _item(sc: Scenario, item: LineItem, v: Draws, money: Money, n: int, closed,
          close, launches) -> np.ndarray:
    months = sc.timeline.months
    fired, holds = _trigger(item, v, n, closed, close, launches)
    if item.start is None:
        start = fired
    elif item.start.unit == "date":
        start = np.maximum(v[item.start], fired)
    else:
        start = fired + v[item.start]
    amount = np.where(holds, 1.0, 0.0)[:, None] * money.flow(item.amount)
    dur = v.get(item.duration)
    if item.one_off:
        shape = _one_off(months, start, dur, item.weights)
    else:
        stop = start + dur if dur is not None else np.inf
        ramp_m = v.get(item.ramp_months, np.zeros(n))
        shape = ramp(months, start, ramp_m, stop) / 12
        if item.weights is not None:
            w = np.asarray(item.weights, float)
            shape = shape * _cycled(months, start, w / w.mean())
    return amount * shape


def _one_off(months: int, start: np.ndarray, dur, weights: list[float] | None) -> np.ndarray:
    if weights is None:
        if dur is None:
            return at_month(months, start, 1.0)
        span = np.maximum(dur, 1e-9)
        return window(months, start, start + span) / span[:, None]
    w = np.asarray(weights, float)
    life = np.full(len(start), float(len(w))) if dur is None else np.maximum(np.round(dur), 1)
    first = np.floor(start)
    shares = _cycled(months, first, w / w.sum())
    # over a life other than len(w) months the cycled weights are scaled to sum to 1
    cum = np.concatenate([[0.0], np.cumsum(w / w.sum())])
    total = np.floor(life / len(w)) + cum[np.mod(life, len(w)).astype(int)]
    return shares * window(months, first, first + life) / total[:, None]


def _cycled(months: int, first: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``w[(t - floor(first)) mod len(w)]`` for months from the first, else 0."""
    t = np.arange(months)[None, :]
    j = t - np.floor(first)[:, None]
    return np.where(j >= 0, w[np.mod(j, len(w)).astype(int)], 0.0)
