"""A quantity's distribution built from its parameters, each checked on the way.

Dates (``unit: date``) become month offsets from the start; every parameter is a
finite number where a number is expected, and the parameters' own rules (min below
max, a mode within them, a positive sd, probabilities summing to 1) are refused in
one line naming the parameter.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticCustomError

from simcore.timeline import month_index, parse_month
from simcore.uncertainties import distributions as d

if TYPE_CHECKING:
    from simcore.scenario.quantity import DiscreteSpec, MinModeMax, Num, Quantity


class Values:
    """Turns a parameter into a float: ISO year-months for date units, else numbers."""

    def __init__(self, unit: str, start: tuple[int, int]):
        self.unit, self.is_date, self.start = unit, unit == "date", start

    def __call__(self, v: Num, what: str) -> float:
        if isinstance(v, str):
            if not self.is_date:
                raise self._not_a_number(v, what)
            try:
                parse_month(v)
            except ValueError:
                raise _rule("{what}: expected an ISO year-month like '2026-04', got '{v}'",
                            what=what, v=v) from None
            return float(month_index(self.start, v))
        if self.is_date:
            raise _rule("{what}: a date quantity takes ISO year-months like '2026-04', got {v}",
                        what=what, v=v)
        if not math.isfinite(v):
            raise _rule("{what}: expected a finite number, got {v}", what=what, v=v)
        return float(v)


    def _not_a_number(self, v: str, what: str) -> PydanticCustomError:
        try:
            parse_month(v)
        except ValueError:
            return _rule("{what}: expected a number, got '{v}'", what=what, v=v)
        return _rule("{what}: got the date {v}, but a quantity in {unit} takes a number, not "
                     "a date (dates go with unit: date)", what=what, v=v, unit=self.unit)


def _rule(msg: str, **kw: Any) -> PydanticCustomError:
    return PydanticCustomError("rule", msg, {k: str(v) for k, v in kw.items()})


def _ordered(lo: float, mode: float, hi: float, name: str) -> None:
    if not lo < hi:
        raise _rule("{name}: min ({lo}) must be below max ({hi}); for a single value use "
                    "'fixed'", name=name, lo=f"{lo:g}", hi=f"{hi:g}")
    if not lo <= mode <= hi:
        raise _rule("{name}: mode ({m}) must lie within min ({lo}) and max ({hi})",
                    name=name, m=f"{mode:g}", lo=f"{lo:g}", hi=f"{hi:g}")


def build(q: Quantity, val: Values) -> d.Dist:
    if q.fixed is not None:
        return d.Fixed(val(q.fixed, "fixed"))
    if q.uniform is not None:
        lo, hi = val(q.uniform.min, "uniform.min"), val(q.uniform.max, "uniform.max")
        _ordered(lo, lo, hi, "uniform")
        return d.uniform(lo, hi)
    for name in ("triangular", "pert"):
        if getattr(q, name) is not None:
            return _three_point(name, getattr(q, name), val)
    if q.normal is not None:
        if not q.normal.sd > 0:
            raise _rule("normal.sd must be positive, got {sd}; for a single value use 'fixed'",
                        sd=f"{q.normal.sd:g}")
        return d.normal(val(q.normal.mean, "normal.mean"), q.normal.sd)
    if q.lognormal is not None:
        if not q.lognormal.sigma > 0:
            raise _rule("lognormal.sigma must be positive, got {s}", s=f"{q.lognormal.sigma:g}")
        return d.lognormal(q.lognormal.mu, q.lognormal.sigma)
    if q.ci90 is not None:
        lo, hi = val(q.ci90[0], "ci90[0]"), val(q.ci90[1], "ci90[1]")
        if not lo < hi:
            raise _rule("ci90: low ({lo}) must be below high ({hi})", lo=f"{lo:g}", hi=f"{hi:g}")
        shape = q.shape or ("lognormal" if lo > 0 else "normal")
        if shape == "lognormal" and lo <= 0:
            raise _rule("ci90: a lognormal needs a positive low end, got {lo}; use shape: normal",
                        lo=f"{lo:g}")
        return d.ci90(lo, hi, shape)
    if q.bernoulli is not None:
        p = q.bernoulli.p
        if not 0.0 <= p <= 1.0:
            raise _rule("bernoulli.p must be a probability in [0, 1], got {p}", p=f"{p:g}")
        return d.Bernoulli(p, val(q.bernoulli.impact, "bernoulli.impact"))
    assert q.discrete is not None  # one key is guaranteed by _check
    return _discrete(q.discrete, val)


LAMB_MAX = 1000.0   # beyond it a PERT is a spike at its mode, and scipy's beta gives NaN


def _three_point(name: str, spec: MinModeMax, val: Values) -> d.Dist:
    """A triangular or a PERT; a PERT's shape ``lamb`` in (0, LAMB_MAX]."""
    lo, m, hi = (val(spec.min, f"{name}.min"), val(spec.mode, f"{name}.mode"),
                 val(spec.max, f"{name}.max"))
    _ordered(lo, m, hi, name)
    if name == "triangular":
        if spec.lamb is not None:
            raise _rule("triangular takes no 'lamb' (the shape of a pert); drop it, or use "
                        "pert")
        return d.triangular(lo, m, hi)
    lamb = 4.0 if spec.lamb is None else spec.lamb
    if not 0 < lamb <= LAMB_MAX:
        raise _rule("pert.lamb (its shape; 4 is the classic) must be above 0 and at most "
                    "{top}; got {lamb}", top=f"{LAMB_MAX:g}", lamb=f"{lamb:g}")
    return d.pert(lo, m, hi, lamb)


def _discrete(spec: DiscreteSpec, val: Values) -> d.Dist:
    if len(spec.values) != len(spec.probs):
        raise _rule("discrete: {a} values but {b} probs; give one probability per value",
                    a=len(spec.values), b=len(spec.probs))
    bad = [f"{p:g} (probs[{i}])" for i, p in enumerate(spec.probs) if not 0 <= p <= 1]
    if bad:
        raise _rule("discrete.probs: each probability must be between 0 and 1; got {bad}",
                    bad=", ".join(bad))
    if abs(sum(spec.probs) - 1.0) > 1e-9:
        raise _rule("discrete.probs must be probabilities summing to 1, got sum {s}",
                    s=f"{sum(spec.probs):g}")
    return d.Discrete(tuple(val(v, "discrete.values") for v in spec.values), tuple(spec.probs))
