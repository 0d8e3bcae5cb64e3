"""The financial core of the scenario format: debt, credit lines, line items,
exchange rates and value.

Any money may be in USD, JPY or EUR (``JPY bn``, ``EUR bn/yr``); exchange rates
are inputs (``fx``). Every number is a Quantity with its source, like the rest
of the format; the rules these entries follow are in the README's model section.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from simcore.scenario.bounded import (
    Amount,
    Duration,
    Factor,
    Price,
    Rate,
    Shares,
    values_of,
)
from simcore.scenario.numbers import Flag, Real, Whole
from simcore.scenario.plausible import iso
from simcore.scenario.quantity import (
    Fraction,
    FxRate,
    Money,
    MoneyAny,
    Months,
    Probability,
    Quantity,
    Strict,
    When,
)


class Refinance(Strict):
    """What happens when a bullet instrument falls due inside the horizon."""

    probability: Probability = Field(description="chance the maturing principal is rolled "
                                     "into a new tranche; otherwise it is repaid from cash")
    coupon: Rate = Field(description="annual coupon of the new tranche")
    tenor: Duration = Field(description="months from the refinancing to the new tranche's "
                                      "maturity (repaid then, if inside the horizon)")
    stress_below: Money | None = Field(
        None, description="liquidity threshold: if liquidity at the end of the month before "
                          "the maturity is below it, the new coupon carries stress_spread")
    stress_spread: Rate | None = Field(None, description="coupon step when weak, per year")

    @model_validator(mode="after")
    def _pair(self) -> Refinance:
        if (self.stress_below is None) != (self.stress_spread is None):
            raise ValueError("give 'stress_below' and 'stress_spread' together")
        return self


class Retry(Strict):
    """A new issue that fails is tried again later, at a higher cost."""

    after: Duration = Field(description="months between attempts")
    probability: Probability = Field(description="chance each retry is placed")
    spread: Rate = Field(description="coupon step per retry, per year")
    attempts: Whole = Field(1, ge=1, le=12, description="retries after the first attempt")


class Conversion(Strict):
    price: Price = Field(description="conversion price per share; holders convert at the "
                                        "horizon when equity value per share is above it")


class Instrument(Strict):
    """A debt instrument: an opening one (no ``issue``) or a new issue.

    Principal is raised at ``issue`` (with ``probability``), coupons are paid monthly
    on the principal outstanding at the end of the month before, and principal is
    repaid at ``maturity`` (bullet) or in equal monthly instalments (amortising).
    """

    kind: Literal["debt", "preferred"] = Field(
        "debt", description="'preferred': structured equity, a claim ahead of common "
                            "shareholders that is not borrowing")
    principal: Amount
    coupon: Rate = Field(description="annual coupon on the outstanding principal")
    issue: When | None = Field(None, description="when a new issue is raised (absent: "
                               "outstanding at the start)")
    maturity: When = Field(description="date due, or months after the issue")
    repayment: Literal["bullet", "amortising"] = "bullet"
    probability: Probability | None = Field(None, description="chance a new issue is placed "
                                            "at its first attempt (default 1)")
    on_deal: Flag = Field(False, description="only if the partner deal closes; 'issue' is "
                                             "then months after the close")
    retry: Retry | None = None
    refinance: Refinance | None = None
    pik: Flag = Field(False, description="coupon accrues to principal instead of being paid")
    conversion: Conversion | None = None
    label: str | None = None

    @model_validator(mode="after")
    def _rules(self) -> Instrument:
        if self.issue is None and (self.probability is not None or self.retry is not None
                                   or self.on_deal):
            raise ValueError("'probability', 'retry' and 'on_deal' belong to a new issue "
                             "(give 'issue')")
        if self.issue is None and self.maturity.unit != "date":
            raise ValueError("an opening instrument needs 'maturity' as a date (unit: date)")
        if self.on_deal and self.issue is not None and self.issue.unit != "months":
            raise ValueError("with on_deal, 'issue' is months after the deal closes "
                             "(unit: months)")
        if self.refinance is not None and self.repayment != "bullet":
            raise ValueError("'refinance' applies to bullet instruments only")
        if self.kind == "debt" and (self.pik or self.conversion is not None):
            raise ValueError("'pik' and 'conversion' belong to kind: preferred")
        _after("maturity", self.maturity, "issue", self.issue)
        return self


class CreditLine(Strict):
    """A committed undrawn line: drawn to keep cash at ``draw_below``, repaid when cash
    allows, gone at maturity."""

    size: Amount
    maturity: When = Field(description="date the commitment ends (drawings repaid then)")
    available_from: When | None = Field(None, description="date it becomes available "
                                        "(default: the start)")
    rate: Rate = Field(description="annual interest on drawn amounts")
    fee: Rate | None = Field(None, description="annual commitment fee on the undrawn part")
    draw_below: Money = Field(description="draw whenever cash would fall below this")
    on_deal: Flag = Field(False, description="only if the partner deal closes: available "
                          "from the close (available_from: a date, the later of the two; "
                          "months, that long after the close)")
    label: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> CreditLine:
        _after("maturity", self.maturity, "available_from", self.available_from)
        return self


def _after(name: str, later: Quantity, first_name: str, first: Quantity | None) -> None:
    """``later`` (a date, or months after ``first``) falls after ``first`` in every draw."""
    if later.unit == "months":
        if values_of(later)[0] <= 0:
            raise ValueError(f"{name}: months after the {first_name} must be above 0; "
                             f"this {later.kind} can give {values_of(later)[0]:g}")
        return
    if first is None or first.unit != "date":
        return
    last_first, first_later = values_of(first)[1], values_of(later)[0]
    if first_later <= last_first:
        raise ValueError(f"{name}: the earliest {name} ({iso(first_later)}) is not after "
                         f"the latest {first_name} ({iso(last_first)}); give a later date")


Condition = Literal["always", "deal_closes", "deal_collapses", "event", "launch"]


class LineItem(Strict):
    """A named cash flow written in YAML alone (a tariff, a dividend, a stake sale).

    ``amount`` in ``<CUR> bn`` is one-off (spread over ``duration`` months, default 1);
    in ``<CUR> bn/yr`` it flows per year for ``duration`` months (default: to the end).
    ``start`` is a date, or months after the trigger (the close, the collapse, the
    launch; the timeline's start for always and event).
    """

    amount: MoneyAny = Field(description="negative: a cost")
    when: Condition = "always"
    start: When | None = Field(None, description="date, or months after the trigger")
    ramp_months: Months | None = None
    duration: Duration | None = None
    weights: list[Real] | None = Field(
        None, min_length=1, description="monthly weights, cycled from the start month "
        "(12 for a seasonal year); scaled to average 1")
    probability: Probability | None = Field(None, description="for when: event")
    programme: str | None = Field(None, description="for when: launch")
    fcf: Flag = Field(True, description="counts in free cash flow (false: financing, e.g. "
                                        "a dividend or a stake sale)")
    label: str | None = None

    @model_validator(mode="after")
    def _rules(self) -> LineItem:
        if (self.when == "event") != (self.probability is not None):
            raise ValueError("'probability' goes with when: event, and when: event needs one")
        if (self.when == "launch") != (self.programme is not None):
            raise ValueError("'programme' goes with when: launch, and when: launch needs one")
        if self.weights is not None:
            _check_weights(self.weights)
        if self.one_off and self.ramp_months is not None:
            raise ValueError("'ramp_months' applies to a flow per year (unit '<CUR> bn/yr')")
        return self

    @property
    def one_off(self) -> bool:
        return not self.amount.unit.endswith("/yr")


def _check_weights(weights: list[float]) -> None:
    """Each weight finite and at least 0, their sum finite and above 0 (it scales them)."""
    bad = [f"{w:g} (weights[{i}])" for i, w in enumerate(weights) if not 0 <= w < math.inf]
    if bad:
        raise ValueError(f"weights: each weight must be a finite number at least 0; got "
                         f"{', '.join(bad)}")
    total = sum(weights)
    if not 0 < total < math.inf:
        why = "overflows to infinity" if total == math.inf else f"is {total:g}"
        raise ValueError(f"weights: their sum {why}; it must be above 0 and finite (they "
                         "are scaled to average 1: write them on a smaller scale, e.g. 1.2, "
                         "0.8)")


class Fx(Strict):
    """An exchange rate path: units of the currency per USD, lognormal steps."""

    spot: FxRate = Field(description="rate at the start")
    drift: Fraction | None = Field(None, description="median log change per year")
    volatility: Rate | None = Field(None, description="standard deviation of the log "
                                        "change per year (yearly steps, linear between)")


class Terminal(Strict):
    method: Literal["growth", "multiple"]
    growth: Fraction | None = Field(None, description="perpetual growth per year, for "
                                                      "method: growth")
    multiple: Factor | None = Field(None, description="value / last year's free cash flow, "
                                                     "for method: multiple")

    @model_validator(mode="after")
    def _one(self) -> Terminal:
        if (self.method == "growth") != (self.growth is not None) or \
                (self.method == "multiple") != (self.multiple is not None):
            raise ValueError("method: growth takes 'growth'; method: multiple takes "
                             "'multiple'")
        return self


class Value(Strict):
    """Enterprise and equity value from the cash paths and a terminal value."""

    discount_rate: Rate = Field(description="annual rate for discounting; at least 0")
    terminal: Terminal
    shares: Shares | None = Field(None, description="existing shares, for value per share")

    @model_validator(mode="after")
    def _converges(self) -> Value:
        rate = values_of(self.discount_rate)[0]
        if rate <= -1:
            raise ValueError(f"discount_rate: must stay above -1 (-100% a year); this "
                             f"{self.discount_rate.kind} can give {rate:g}")
        growth = self.terminal.growth
        if growth is not None and values_of(growth)[1] >= rate:
            raise ValueError(f"terminal.growth: can reach {values_of(growth)[1]:g}, not below "
                             f"the least discount_rate {rate:g}; a growing perpetuity is "
                             "worth a finite sum only when growth < discount rate")
        return self
