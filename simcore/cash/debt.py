"""Debt instruments month by month: issues, retries, coupons, repayments, refinancing.

Conventions (month ``t`` is the interval ``[t, t+1)``; amounts in the instrument's
currency, converted to USD at each month's rate):

* A new issue is raised in the month its ``issue`` date falls in (``i``); an opening
  instrument is outstanding from before the start (``i = -1``).
* The maturity month ``M`` is the month its date falls in, or ``i`` plus the maturity
  in months (rounded, at least 1).
* Outstanding at the end of month ``t``: the principal for ``i <= t < M`` (bullet), or
  falling in equal monthly instalments paid in months ``i+1 .. M`` (amortising).
* The coupon paid in month ``t`` is ``coupon / 12`` times the principal outstanding at
  the end of month ``t-1``; ``pik`` instead accretes it, and the accreted principal
  ``P (1 + coupon/12)^(M - i)`` is repaid at ``M``.
* A new issue is placed with ``probability``; if not, it is retried every
  ``retry.after`` months up to ``retry.attempts`` times, each retry placed with
  ``retry.probability`` and paying ``retry.spread`` more per attempt.
* A bullet instrument falling due inside the horizon is rolled with
  ``refinance.probability`` into a new tranche of the same principal, at
  ``refinance.coupon``, maturing ``tenor`` months later (repaid then if inside the
  horizon, not rolled again); otherwise it is repaid from cash. If liquidity at the
  end of month ``M-1`` (the opening liquidity when ``M = 0``), on the path with every
  roll at its base coupon, is below ``stress_below``, the new coupon carries
  ``stress_spread`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.profiles import at_month
from simcore.scenario.finance_spec import Instrument
from simcore.scenario.model import Financing, Scenario
from simcore.scenario.quantity import Quantity
from simcore.uncertainties.draws import Draws


@dataclass
class Flows:
    """Every debt instrument together, USD, (draws, months)."""

    raised: np.ndarray
    repaid: np.ndarray          # positive: principal paid out
    coupons: np.ndarray         # negative: paid
    debt: np.ndarray            # borrowings outstanding (kind: debt)
    preferred: np.ndarray       # structured equity outstanding (kind: preferred)
    rolls: list[Roll] = field(default_factory=list)
    # per convertible: (claim outstanding at the horizon, conversion price), USD, (draws,)
    conversions: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)


@dataclass
class Roll:
    """A refinancing whose coupon may step up under stress."""

    month: np.ndarray           # (draws,) maturity month M
    rolled: np.ndarray          # (draws,) bool: rolled inside the horizon
    below: np.ndarray           # (draws, months or 1) liquidity threshold, USD, at each
    #                             month's rate (a yen threshold stays the same in yen)
    extra: np.ndarray           # (draws, months) USD coupons the stress spread adds


@dataclass
class _Tranche:
    principal: np.ndarray       # (draws,) native; 0 where not placed
    coupon: np.ndarray          # (draws,) per year
    issue: np.ndarray           # (draws,) month index, -1 for opening
    maturity: np.ndarray        # (draws,) month index


def simulate_debt(sc: Scenario, v: Draws, money: Money, n: int,
                  closed: np.ndarray | None, close: np.ndarray | None) -> Flows:
    months = sc.timeline.months
    out = Flows(*(np.zeros((n, months)) for _ in range(5)))
    for f in sc.financing.values():
        if f.kind == "debt":
            tr = _financing_tranche(f, v, n, closed, close)
            _add(out, tr, f.amount, money, months, "debt", "bullet", False)
    for ins in sc.debt.values():
        tr = _instrument_tranche(ins, v, n, closed, close)
        before = out.preferred[:, -1].copy()
        _add(out, tr, ins.principal, money, months, ins.kind, ins.repayment, ins.pik)
        if ins.refinance is not None:
            _refinance(out, ins, tr, v, money, months)
        if ins.conversion is not None:
            price = ins.conversion.price
            claim = out.preferred[:, -1] - before
            out.conversions.append((claim, money.native(price, v[price][:, None])[:, -1]))
    return out


def _financing_tranche(f: Financing, v: Draws, n: int, closed, close) -> _Tranche:
    placed = v.happens(f)
    at = v[f.at]
    if f.on_deal:
        placed = placed & closed if closed is not None else np.zeros(n, bool)
        at = at + (close if close is not None else 0.0)
    issue = np.floor(at)
    mat = issue + np.maximum(np.round(v[f.maturity]), 1)
    return _Tranche(np.where(placed, v[f.amount], 0.0), v[f.coupon], issue, mat)


def _instrument_tranche(ins: Instrument, v: Draws, n: int, closed, close) -> _Tranche:
    coupon = v[ins.coupon].copy()
    if ins.issue is None:
        issue = np.full(n, -1.0)
        placed = np.ones(n, bool)
    else:
        at = v[ins.issue] + (close if ins.on_deal and close is not None else 0.0)
        placed = v.happens(ins) if ins.probability is not None else np.ones(n, bool)
        if ins.on_deal:
            placed &= closed if closed is not None else np.zeros(n, bool)
        retry = ins.retry
        if retry is not None:
            for j in range(1, retry.attempts + 1):
                now = ~placed & (v.occurs(retry, j) < v[retry.probability])
                if ins.on_deal and closed is not None:
                    now &= closed
                at = np.where(now, at + j * v[retry.after], at)
                coupon = np.where(now, coupon + j * v[retry.spread], coupon)
                placed |= now
        issue = np.floor(at)
    if ins.maturity.unit == "date":
        mat = np.maximum(np.floor(v[ins.maturity]), issue + 1)
    else:
        mat = issue + np.maximum(np.round(v[ins.maturity]), 1)
    return _Tranche(np.where(placed, v[ins.principal], 0.0), coupon, issue, mat)


def _add(out: Flows, tr: _Tranche, amount: Quantity, money: Money, months: int, kind: str,
         repayment: str, pik: bool) -> None:
    """Add one tranche's flows, converted to USD from the currency of its ``amount``."""
    raised, repaid, coupons, outstanding = tranche_flows(tr, months, repayment, pik)
    out.raised += money.native(amount, raised)
    out.repaid += money.native(amount, repaid)
    out.coupons += money.native(amount, coupons)
    usd = money.native(amount, outstanding)
    if kind == "preferred":
        out.preferred += usd
    else:
        out.debt += usd


def tranche_flows(tr: _Tranche, months: int, repayment: str = "bullet", pik: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Principal raised, principal repaid, coupons paid and principal outstanding of one
    tranche, in its currency, (draws, months)."""
    t = np.arange(months, dtype=float)[None, :]
    P, i, M = tr.principal[:, None], tr.issue[:, None], tr.maturity[:, None]
    g = 1 + tr.coupon[:, None] / 12
    raised = at_month(months, np.where(tr.issue >= 0, tr.issue, np.nan), tr.principal)
    if repayment == "amortising":
        span = np.maximum(M - i, 1)
        outstanding = P * np.clip((M - t) / span, 0, 1) * (t >= i)
        repaid = P / span * ((t > i) & (t <= M))
    else:
        live = (t >= i) & (t < M)
        grow = g ** np.maximum(t - i, 0) if pik else 1.0
        outstanding = P * grow * live
        accreted = tr.principal * (g[:, 0] ** (tr.maturity - tr.issue) if pik else 1.0)
        repaid = at_month(months, tr.maturity, accreted)
    before = np.concatenate([P * (i < 0), outstanding[:, :-1]], axis=1)
    coupons = np.zeros_like(outstanding) if pik else -(g - 1) * before
    return raised, repaid, coupons, outstanding


def _refinance(out: Flows, ins: Instrument, tr: _Tranche, v: Draws, money: Money,
               months: int) -> None:
    """Roll the tranche at maturity (with probability), or leave it repaid from cash."""
    r = ins.refinance
    M = tr.maturity
    inside = (tr.principal > 0) & (M >= 0) & (M < months)
    rolled = inside & v.happens(r)
    g = 1 + tr.coupon / 12
    amount = tr.principal * (g ** (M - tr.issue) if ins.pik else 1.0)
    new = _Tranche(np.where(rolled, amount, 0.0), v[r.coupon], M,
                   M + np.maximum(np.round(v[r.tenor]), 1))
    _add(out, new, ins.principal, money, months, ins.kind, "bullet", ins.pik)
    if r.stress_below is None:
        return
    step = _Tranche(new.principal, v[r.stress_spread], new.issue, new.maturity)
    extra = money.native(ins.principal, tranche_flows(step, months)[2])
    out.rolls.append(Roll(M, rolled, money.stock(r.stress_below), extra))


def stress(rolls: list[Roll], liquidity: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """Extra coupons (USD, negative) of the rolls made when liquidity was weak."""
    extra = np.zeros_like(liquidity)
    for roll in rolls:
        m = roll.month.astype(int)
        rows = np.arange(len(m))
        col = np.clip(m - 1, 0, liquidity.shape[1] - 1)
        before = np.where(m > 0, liquidity[rows, col], opening)
        below = np.broadcast_to(roll.below, liquidity.shape)[rows, np.where(m > 0, col, 0)]
        weak = roll.rolled & (before < below)
        extra += roll.extra * weak[:, None]
    return extra
