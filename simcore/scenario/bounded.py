"""Quantities with a sign or range rule of their own, beyond their unit's plausible range.

A cycle, a maturity or a tenor of zero months, a negative coupon or a phase share
above 1 pass the unit's table (:mod:`simcore.scenario.plausible`) but mean nothing
to the model. Each rule is checked on every value the distribution can give (its
support), so a PERT whose min is 0 is refused where zero is, and a normal, which is
unbounded, is refused wherever there is a bound below.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from simcore.scenario import plausible
from simcore.scenario.quantity import (
    Count,
    Fraction,
    Money,
    MoneyRate,
    Months,
    PerShare,
    Quantity,
    Ratio,
)


def values_of(q: Quantity) -> tuple[float, float]:
    """The least and greatest values ``q`` can give (dates as offsets from 2000-01)."""
    return plausible.support(q.to_dist((plausible.REFERENCE_YEAR, 1)))


def within(low: float | None = None, high: float | None = None, *, above: bool = False,
           what: str = "this value") -> AfterValidator:
    """A rule: every value at least ``low`` (above it when ``above``), at most ``high``."""

    def check(q: Quantity) -> Quantity:
        lo, hi = values_of(q)
        if low is not None and (lo < low or (above and lo <= low)):
            rule = f"above {low:g}" if above else f"at least {low:g}"
            raise _refuse(f"{what} must be {rule}{_unit(q)}; {_got(q, lo, 'below')}")
        if high is not None and hi > high:
            raise _refuse(f"{what} must be at most {high:g}{_unit(q)}; {_got(q, hi, 'above')}")
        return q

    return AfterValidator(check)


def _unit(q: Quantity) -> str:
    return "" if q.unit in ("fraction", "ratio", "count", "probability") else f" {q.unit}"


def _got(q: Quantity, value: float, side: str) -> str:
    if math.isinf(value):
        return f"a {q.kind} is unbounded {side}"
    if q.kind == "fixed":
        return f"got {value:g}"
    return f"this {q.kind} can give {value:g}"


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("bounded", "{message}", {"message": message})


Duration = Annotated[Months, within(0, above=True, what="a duration")]
Share = Annotated[Fraction, within(0, 1, what="a share")]
Rate = Annotated[Fraction, within(0, what="an annual rate")]
Amount = Annotated[Money, within(0, what="this amount (costs and sums raised are written "
                                          "positive)")]
Spending = Annotated[MoneyRate, within(0, what="spending (written positive)")]
PositiveAmount = Annotated[Money, within(0, above=True, what="this amount")]
FloorAmount = Annotated[Money, within(0, what="the liquidity floor (the cash to keep; 0: "
                                               "cash runs out)")]
Factor = Annotated[Ratio, within(0, above=True, what="a factor")]
Price = Annotated[PerShare, within(0, above=True, what="a price")]
Shares = Annotated[Count, within(0, above=True, what="a share count")]
