"""Plausible ranges by unit, and the values a distribution can give.

A number far outside its unit's plausible range (a cash balance of 1e308, a
lognormal with sigma 1000, a negative duration) is a typo or a unit slip, and
would reach the model as NaN or infinity. Every quantity is checked against the
one table below, :data:`RANGES`, before any draw is made:

* a bounded distribution (fixed, uniform, triangular, PERT, discrete, Bernoulli)
  on its whole support: its min and max;
* an unbounded tail (normal, lognormal, ci90) at P0.1 and P99.9, computed
  exactly (``mean + 3.09 sd``, ``exp(mu + 3.09 sigma)``) so that the message can
  show the arithmetic even where floats overflow;
* a unit that cannot be negative (``signed`` false: months, counts, prices, rates
  of exchange, ratios, probabilities) refuses a distribution unbounded below;
* NaN anywhere (an end, a parameter) is refused: it would reach every draw.

Dates are checked as month offsets from 2000-01 (the reference the validation
uses), so the date row reads 1990-01 to 2100-12. The same range holds for the dates
that are not quantities (:data:`IsoMonth`: the timeline's start, a target, a target's
window; :data:`Day`: the knowledge date ``as_of``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from simcore.scenario.numbers import shown
from simcore.timeline import parse_month
from simcore.uncertainties import distributions as d

if TYPE_CHECKING:
    from simcore.scenario.quantity import Quantity

Z999 = Decimal("3.090232306167813")   # scipy.stats.norm.ppf(0.999), checked in the tests
REFERENCE_YEAR = 2000                 # date quantities are validated as offsets from 2000-01


@dataclass(frozen=True)
class Plausible:
    """The plausible range of a unit; ``signed``: may the unit's values be negative?"""

    low: float
    high: float
    signed: bool = True

    def text(self, unit: str) -> str:
        if unit == "date":
            return f"[{iso(self.low)}, {iso(self.high)}]"
        if self.low == -self.high:
            return f"±{self.high:.0e}".replace("e+0", "e")
        return f"[{self.low:g}, {self.high:g}]"


def _months(year: int, month: int) -> float:
    return float((year - REFERENCE_YEAR) * 12 + month - 1)


_MONEY, _YEN = Plausible(-1e6, 1e6), Plausible(-1e8, 1e8)   # bn of the currency

# The one table of plausible ranges, by unit. Money (and flows per year) in bn of its
# currency: ±1e6 USD or EUR bn is ten times the world's yearly output; yen ×100.
RANGES: dict[str, Plausible] = {
    "USD bn": _MONEY, "USD bn/yr": _MONEY, "EUR bn": _MONEY, "EUR bn/yr": _MONEY,
    "JPY bn": _YEN, "JPY bn/yr": _YEN,
    "USD per share": Plausible(0, 1e6, False), "EUR per share": Plausible(0, 1e6, False),
    "JPY per share": Plausible(0, 1e8, False),
    "JPY per USD": Plausible(1, 1e4, False), "EUR per USD": Plausible(0.01, 100, False),
    "months": Plausible(0, 1200, False),                       # durations, lags: 100 years
    "date": Plausible(_months(1990, 1), _months(2100, 12)),
    "probability": Plausible(0, 1, False),
    "fraction": Plausible(-1, 2),          # shares and annual rates: -100% to +200%
    "ratio": Plausible(0, 1e4, False),
    "count": Plausible(0, 1e13, False),
}


@dataclass(frozen=True)
class End:
    """One end of what a distribution gives: a label, a value, and how it was computed."""

    label: str
    value: Decimal
    how: str = ""

    def text(self, unit: str) -> str:
        shown = iso(float(self.value)) if unit == "date" else f"{_num(self.value)} {unit}"
        return f"{self.label} is {self.how + ' = ' if self.how else ''}{shown}"


def _num(value: Decimal) -> str:
    """As a float would print (``1e+09``), or as a Decimal beyond floats (``1.18e+1342``)."""
    f = float(value)
    return f"{f:.3g}" if math.isfinite(f) else f"{value:.3g}"


def iso(offset: float) -> str:
    """A month offset from 2000-01 as an ISO year-month (or the offset, if absurd)."""
    if not math.isfinite(offset) or abs(offset) > 1e6:
        return f"{offset:.3g} months from {REFERENCE_YEAR}-01"
    y, m = divmod(int(math.floor(offset)), 12)
    return f"{REFERENCE_YEAR + y:04d}-{m + 1:02d}"


def support(dist: d.Dist) -> tuple[float, float]:
    """The least and greatest values ``dist`` can give (±inf for an unbounded tail)."""
    if isinstance(dist, d.Fixed):
        return dist.value, dist.value
    if isinstance(dist, d.Bernoulli):
        vals = [v for v, p in ((0.0, 1 - dist.p), (dist.impact, dist.p)) if p > 0]
        return min(vals), max(vals)
    if isinstance(dist, d.Discrete):
        vals = [v for v, p in zip(dist.values, dist.probs, strict=True) if p > 0]
        return min(vals), max(vals)
    assert isinstance(dist, d.ScipyDist)
    kw = dict(dist.kwargs)
    if dist.scipy_name == "norm":
        return -math.inf, math.inf
    if dist.scipy_name == "lognorm":
        return 0.0, math.inf
    return kw["loc"], kw["loc"] + kw["scale"]


def ends(q: Quantity, dist: d.Dist) -> tuple[End, End]:
    """The ends :func:`check` judges: the support where finite, else P0.1 and P99.9."""
    lo, hi = support(dist)
    names = {"fixed": ("the value", "the value"), "discrete": ("the least value",
             "the greatest value"), "bernoulli": ("the least value", "the greatest value")}
    low_name, high_name = names.get(q.kind, ("min", "max"))
    low = End(low_name, Decimal(lo)) if math.isfinite(lo) else _tail(q, dist, -1)
    high = End(high_name, Decimal(hi)) if math.isfinite(hi) else _tail(q, dist, +1)
    return low, high


def _tail(q: Quantity, dist: d.Dist, sign: int) -> End:
    """P0.1 (sign -1) or P99.9 (sign +1) of a normal or lognormal, in exact arithmetic."""
    kw = dict(dist.kwargs)
    label, op = ("P0.1", "-") if sign < 0 else ("P99.9", "+")
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        if dist.scipy_name == "norm":
            mean, sd = Decimal(kw["loc"]), Decimal(kw["scale"])
            return End(label, mean + sign * Z999 * sd, f"{kw['loc']:g} {op} 3.09 × {kw['scale']:g}")
        mu = Decimal(q.lognormal.mu) if q.lognormal is not None else Decimal(
            math.log(kw["scale"]))
        sigma = Decimal(kw["s"])
        return End(label, (mu + sign * Z999 * sigma).exp(),
                   f"exp({mu:.4g} {op} 3.09 × {sigma:.4g})")


def check(q: Quantity, dist: d.Dist) -> None:
    """Raise a validation error when ``q`` can give values outside its unit's range."""
    rng = RANGES[q.unit]
    lo, hi = support(dist)
    if q.unit == "probability" and not (0 <= lo and hi <= 1):
        got = f"got {lo:g}" if lo == hi else f"this one spans [{lo:g}, {hi:g}]"
        raise PydanticCustomError("probability", "a probability must stay within [0, 1]; "
                                  "{got}", {"got": got})
    if math.isnan(lo) or math.isnan(hi):
        raise _refuse(f"{q.kind} gives NaN (not a number) for its ends; check its parameters")
    if not rng.signed and lo == -math.inf:
        raise _refuse(f"{q.kind} is unbounded below, so it can draw negative values, but "
                      f"{q.unit} cannot be negative (plausible range {rng.text(q.unit)}); "
                      "use pert, triangular, uniform or lognormal")
    low, high = ends(q, dist)
    for end, bad in ((low, low.value < Decimal(rng.low)), (high, high.value > Decimal(rng.high))):
        if bad:
            side = "below" if end is low else "beyond"
            raise _refuse(f"{end.text(q.unit)}, {side} the plausible range {rng.text(q.unit)} "
                          f"for {q.unit}")
    if any(math.isnan(x) for x in _parameters(dist)):
        raise _refuse(f"{q.kind} has a parameter that is NaN (not a number), so it would "
                      "draw NaN; check its parameters")


def _parameters(dist: d.Dist) -> list[float]:
    """The numbers a distribution is made of (its scipy arguments, values, impact)."""
    if isinstance(dist, d.ScipyDist):
        return [*dist.args, *(v for _, v in dist.kwargs)]
    if isinstance(dist, d.Fixed):
        return [dist.value]
    if isinstance(dist, d.Bernoulli):
        return [dist.p, dist.impact]
    if isinstance(dist, d.Discrete):
        return [*dist.values, *dist.probs]
    return []


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("plausible", "{message}", {"message": message})


def _in_range(year: int, month: int, shown: str) -> None:
    rng = RANGES["date"]
    offset = _months(year, month)
    if not rng.low <= offset <= rng.high:
        side = "below" if offset < rng.low else "beyond"
        raise PydanticCustomError("date_range", "{shown} is {side} the plausible range "
                                  "{rng} for dates", {"shown": shown, "side": side,
                                                      "rng": rng.text("date")})


def iso_month(v: object) -> str:
    """An ISO year-month (``2025-04``, or a date) within the plausible range for dates."""
    if isinstance(v, dt.date):
        v = v.isoformat()[:7]
    if isinstance(v, bool) or not isinstance(v, str):
        raise PydanticCustomError("iso_month", "expected an ISO year-month like '2026-04', "
                                  "got {got}", {"got": shown(v)})
    try:
        year, month = parse_month(v)
    except ValueError:
        raise PydanticCustomError("iso_month", "expected an ISO year-month like '2026-04', "
                                  "got '{got}'", {"got": v}) from None
    text = f"{year:04d}-{month:02d}"
    _in_range(year, month, text)
    return text


def day(v: object) -> dt.date:
    """An ISO date (``2025-03-31``) within the plausible range for dates; not a number
    (pydantic would read one as seconds since 1970)."""
    if isinstance(v, str):
        try:
            v = dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    if isinstance(v, dt.datetime):
        v = v.date()
    if not isinstance(v, dt.date):
        raise PydanticCustomError("iso_day", "expected an ISO date like '2025-03-31', got "
                                  "{got}", {"got": shown(v)})
    _in_range(v.year, v.month, v.isoformat())
    return v


LAST_MONTH = iso(RANGES["date"].high)   # '2100-12'
IsoMonth = Annotated[str, BeforeValidator(iso_month)]
Day = Annotated[dt.date, BeforeValidator(day)]
