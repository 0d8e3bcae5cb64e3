"""Committed credit lines: drawn to hold cash at a level, repaid when cash allows.

Each line, in the order written, is drawn in month ``t`` by what cash (before
any line, after the lines before it) lacks of its ``draw_below`` level, up to the
line's size available then (from ``available_from`` to ``maturity``; size and
``draw_below`` in their currency at the month's rate). A line ``on_deal`` exists only in draws where
the deal closes, from the close (or the later ``available_from`` date, or
``available_from`` months after the close). Drawings are repaid as soon as cash would
stay at that level without them, and in full at maturity. Interest
(``rate / 12`` on the amount drawn) and the commitment fee (``fee / 12`` on the
undrawn size) for month ``t`` are paid in month ``t`` on the end of month
``t-1`` (none in month 0). Drawings are decided on cash after the line interest
and fees paid so far, so a line with room also covers its own cost; line interest
and drawings earn no cash interest.

Liquidity is cash plus the undrawn size of every line available.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.profiles import window
from simcore.scenario.finance_spec import CreditLine
from simcore.scenario.model import Scenario
from simcore.uncertainties.draws import Draws


@dataclass
class Lines:
    drawn: np.ndarray           # (draws, months) USD drawn at each month end
    undrawn: np.ndarray         # (draws, months) USD available and not drawn
    interest: np.ndarray        # (draws, months) USD, negative: interest and fees paid


def available(sc: Scenario, v: Draws, money: Money, n: int,
              closed: np.ndarray | None = None, close: np.ndarray | None = None
              ) -> list[np.ndarray]:
    """Each line's size available at each month end, USD, (draws, months); ``closed``
    and ``close`` (the deal, per draw) place the lines that come with it."""
    months = sc.timeline.months
    out = []
    for line in sc.credit_lines.values():
        start = v.get(line.available_from, np.zeros(n))
        exists = np.ones(n, bool)
        if line.on_deal:
            start = _from_close(line, start, close)
            exists = closed
        on = window(months, np.floor(start), np.floor(v[line.maturity])) > 0.5
        out.append(money.flow(line.size) * (on & exists[:, None]))
    return out


def _from_close(line: CreditLine, start: np.ndarray, close: np.ndarray) -> np.ndarray:
    """When an on-deal line becomes available: the close, the later of it and a date,
    or months after it."""
    if line.available_from is None:
        return close
    if line.available_from.unit == "date":
        return np.maximum(start, close)
    return close + start


def draw(sc: Scenario, v: Draws, money: Money, cash: np.ndarray,
         closed: np.ndarray | None = None, close: np.ndarray | None = None) -> Lines:
    """Drawings, undrawn amounts and costs of every line, given cash without the lines.

    Month by month (vectorised over draws): the interest and fees of month ``t`` (on
    the end of month ``t-1``) are paid first, then each line in order tops cash up to
    its level, so the lines also pay for their own cost while they have room.
    """
    n, months = cash.shape
    sizes = available(sc, v, money, n, closed, close)
    specs = []
    for line in sc.credit_lines.values():
        level = np.broadcast_to(money.stock(line.draw_below), (n, months))  # each month's rate
        fee = v.get(line.fee, np.zeros(n))
        specs.append((level, v[line.rate] / 12, fee / 12))
    drawn_all, undrawn, interest = (np.zeros((n, months)) for _ in range(3))
    drawn = [np.zeros(n) for _ in specs]
    paid = np.zeros(n)
    for t in range(months):
        if t > 0:
            cost = sum(r * d + f * (size[:, t - 1] - d)
                       for (_, r, f), d, size in zip(specs, drawn, sizes, strict=True))
            interest[:, t] = -cost
            paid = paid - cost
        have = cash[:, t] + paid
        for i, ((level, _, _), size) in enumerate(zip(specs, sizes, strict=True)):
            drawn[i] = np.minimum(size[:, t], np.maximum(level[:, t] - have, 0.0))
            have = have + drawn[i]
            drawn_all[:, t] += drawn[i]
            undrawn[:, t] += size[:, t] - drawn[i]
    return Lines(drawn_all, undrawn, interest)
