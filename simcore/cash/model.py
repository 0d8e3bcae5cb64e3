"""The monthly cash model, vectorised over draws.

Given each input's values for a batch of draws (and, when the schedule engine
runs, each programme's launch month per draw), it builds every cash flow as a
(draws, months) array in USD bn and adds them up:

``cash[t] = cash[t-1] (1 + cash_rate / 12) + flows[t]`` from the opening cash
(interest is earned, or on a negative balance paid, on the month before's cash),
then the credit lines (:mod:`simcore.cash.lines`) are drawn on that path.

Free cash flow is the operating components, line items that count in it, debt
coupons, line interest and fees, and interest earned. Principal (debt raised and
repaid, line drawings), equity raised, asset sales and items marked ``fcf: false``
are financing. Debt is borrowings outstanding: the ladder, the drawn lines and any
``balance.opening_debt``. ``components`` holds every flow by name, so opening cash
plus their sum is cash, month by month (the cash bridge); ``erosion`` (late launches
lowering the steady core flow, :mod:`simcore.cash.erosion`) is one of them, zero
without ``operations.erosion``. With a ``deal.exchange`` the value in closed draws
is the exchange consideration (:mod:`simcore.cash.takeover`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simcore.cash import debt as debt_mod
from simcore.cash import erosion as erosion_mod
from simcore.cash import lines as lines_mod
from simcore.cash import operating as op
from simcore.cash.fx import Money
from simcore.cash.items import line_items
from simcore.cash.profiles import at_month
from simcore.cash.takeover import exchange
from simcore.cash.value import Valuation, valuation
from simcore.scenario.model import Scenario
from simcore.uncertainties.draws import Draws

OPERATING = ("operations", "savings", "restructuring", "capex", "programmes", "partner",
             "erosion")
INTEREST = ("interest_paid", "interest_earned")


@dataclass
class CashPaths:
    """Monthly paths for a batch of draws; arrays are (draws, months) in the report
    currency (USD bn unless converted)."""

    cash: np.ndarray
    fcf: np.ndarray
    debt: np.ndarray
    opening: np.ndarray                       # (draws,)
    liquidity: np.ndarray | None = None       # None: no credit lines (liquidity = cash)
    components: dict[str, np.ndarray] = field(default_factory=dict)
    deal_closed: np.ndarray | None = None
    deal_month: np.ndarray | None = None
    dilution: np.ndarray | None = None
    value: Valuation | None = None
    floor_fx: np.ndarray | None = None        # report units per unit of the floor's currency

    @property
    def net_debt(self) -> np.ndarray:
        return self.debt - self.cash


def simulate_cash(sc: Scenario, v: Mapping[str, np.ndarray],
                  launches: Mapping[str, np.ndarray] | None = None,
                  stops: Mapping[str, np.ndarray] | None = None,
                  currency: str = "USD") -> CashPaths:
    """Cash paths for the draws in ``v`` (input name -> values).

    ``launches`` maps a programme name to its launch month per draw (inf: never);
    without it the scenario's own ``launch`` input is used. ``stops`` gives when
    development spending ends (a cancelled programme stops before any launch);
    by default, at launch. ``currency`` is the one the paths are reported in.
    """
    months = sc.timeline.months
    v = Draws.over(sc, v)
    n = v.n
    m = Money(sc, v, n)
    closed, when = op.deal(sc, v, n)
    launches = launches or {}
    comp = _operating(sc, v, n, m, closed, when, launches, stops or {})
    for k, flow in line_items(sc, v, m, n, closed, when, launches).items():
        comp[f"items.{k}"] = flow
    eq, dilution = _equity_and_sales(sc, v, n, m, closed, when)
    comp.update(eq)
    debt = debt_mod.simulate_debt(sc, v, m, n, closed, when)
    comp["debt_raised"], comp["debt_repaid"] = debt.raised, -debt.repaid
    comp["interest_paid"] = debt.coupons
    bal = sc.balance
    opening = m.spot(bal.opening_cash)
    rate = v.get(bal.cash_rate)
    cash = accumulate(opening, sum(comp.values()), rate)
    if debt.rolls:
        avail = sum(lines_mod.available(sc, v, m, n, closed, when), np.zeros((n, months)))
        extra = debt_mod.stress(debt.rolls, cash + avail, opening + avail[:, 0])
        comp["interest_paid"] = comp["interest_paid"] + extra
        cash = accumulate(opening, sum(comp.values()), rate)
    comp["interest_earned"] = np.zeros((n, months)) if rate is None else np.diff(
        cash, axis=1, prepend=opening[:, None]) - sum(comp.values())
    borrowed = debt.debt + (m.spot(bal.opening_debt)[:, None]
                            if bal.opening_debt is not None else 0.0)
    paths = _with_lines(sc, v, m, cash, comp, borrowed, opening, (closed, when))
    paths.deal_closed, paths.deal_month, paths.dilution = closed, when, dilution
    if sc.value is not None:
        paths.value = _valuation(sc, v, m, paths, debt)
    floor_cur = sc.floor.currency or "USD"
    if currency != "USD":
        paths = in_currency(paths, m.rate(currency))
    if floor_cur != currency:
        paths.floor_fx = m.rate(currency) / m.rate(floor_cur)
    return paths


def _operating(sc, v, n, m, closed, when, launches, stops) -> dict[str, np.ndarray]:
    months = sc.timeline.months
    return {
        "operations": op.operations(sc, months, v, m),
        "savings": op.savings(sc, months, v, n, m),
        "restructuring": op.restructuring(sc, months, v, n, m),
        "capex": np.broadcast_to(-m.flow(sc.capex.base, 1 / 12), (n, months)),
        "programmes": op.programmes(sc, months, v, n, m, launches, stops),
        "partner": op.partner(sc, months, v, n, m, closed, when),
        "erosion": erosion_mod.erosion(sc, months, v, n, m, launches),
    }


def _valuation(sc: Scenario, v: Draws, m: Money, paths: CashPaths,
               debt: debt_mod.Flows) -> Valuation:
    """Value from the paths; in closed draws of a takeover, the exchange consideration."""
    ufcf = paths.fcf - sum(paths.components[k] for k in INTEREST)
    val = valuation(sc, v, ufcf, paths.cash[:, -1], paths.debt[:, -1],
                    debt.preferred[:, -1], paths.dilution, debt.conversions)
    if sc.deal is not None and sc.deal.exchange is not None:
        val = exchange(sc, v, m, paths.deal_closed, paths.dilution, val)
    return val


def _with_lines(sc: Scenario, v: Draws, m: Money, cash: np.ndarray,
                comp: dict[str, np.ndarray], borrowed: np.ndarray,
                opening: np.ndarray, deal: tuple) -> CashPaths:
    """Draw the credit lines on ``cash`` and assemble the paths (``deal``: closed and
    the month the talks end, per draw, for lines that come with the deal)."""
    liquidity = None
    if sc.credit_lines:
        lines = lines_mod.draw(sc, v, m, cash, *deal)
        comp["credit_lines"] = np.diff(lines.drawn, axis=1, prepend=0.0)
        comp["interest_paid"] = comp["interest_paid"] + lines.interest
        cash = cash + lines.drawn + np.cumsum(lines.interest, axis=1)
        liquidity = cash + lines.undrawn
        borrowed = borrowed + lines.drawn
    fcf_items = [f"items.{k}" for k, item in sc.items.items() if item.fcf]
    fcf = sum(comp[k] for k in (*OPERATING, *INTEREST, *fcf_items))
    return CashPaths(cash, fcf, borrowed + np.zeros_like(cash), opening, liquidity, comp)


def accumulate(opening: np.ndarray, flows: np.ndarray, rate: np.ndarray | None) -> np.ndarray:
    """``c[t] = c[t-1] (1 + rate/12) + flows[t]`` from ``c[-1] = opening``, in closed form:
    ``c[t] = G[t] (opening + sum_{s<=t} flows[s] / G[s])`` with ``G[t] = g^(t+1)``."""
    if rate is None or not np.any(rate):
        return opening[:, None] + np.cumsum(flows, axis=1)
    g = (1 + rate / 12)[:, None]
    G = g ** (np.arange(flows.shape[1])[None, :] + 1)
    return G * (opening[:, None] + np.cumsum(flows / G, axis=1))


def _equity_and_sales(sc: Scenario, v: Draws, n: int, m: Money, closed, when
                      ) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """Asset sales and equity raised (cash in, USD) and the dilution equity causes."""
    months = sc.timeline.months
    flows = {k: np.zeros((n, months)) for k in ("asset_sales", "equity")}
    dilution = np.zeros(n) if any(f.kind == "equity" for f in sc.financing.values()) else None
    for f in sc.financing.values():
        if f.kind == "debt":
            continue
        happens = v.happens(f)
        at = v[f.at]
        if f.on_deal:
            happens = happens & closed if closed is not None else np.zeros(n, dtype=bool)
            at = at + (when if when is not None else 0.0)
        amount = np.where(happens, v[f.amount], 0.0)
        usd = m.native(f.amount, at_month(months, at, amount))
        flows["asset_sales" if f.kind == "asset_sale" else "equity"] += usd
        if f.kind == "equity" and sc.balance.market_value is not None:
            got = usd.sum(axis=1)
            price = m.spot(sc.balance.market_value) * (1 - v.get(f.discount, 0.0))
            dilution = 1 - (1 - dilution) * (1 - got / (price + got))
    return flows, dilution


def in_currency(p: CashPaths, rate: np.ndarray) -> CashPaths:
    """The paths in another currency: flows and balances at each month's rate (units per
    USD), today's values at the spot. ``fx_translation`` keeps the bridge whole."""
    comp = {k: x * rate for k, x in p.components.items()}
    opening = p.opening * rate[:, 0]
    cash = p.cash * rate
    comp["fx_translation"] = np.diff(cash, axis=1, prepend=opening[:, None]) - sum(
        comp.values())
    val = p.value
    if val is not None:
        s = rate[:, 0]
        val = Valuation(val.enterprise * s, val.equity * s, val.existing * s,
                        None if val.per_share is None else val.per_share * s, val.kept)
    return CashPaths(cash, p.fcf * rate, p.debt * rate, opening,
                     None if p.liquidity is None else p.liquidity * rate, comp,
                     p.deal_closed, p.deal_month, p.dilution, val)
