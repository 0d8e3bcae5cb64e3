"""An uncertain input as written in a scenario: a distribution, a unit, a source.

A ``Quantity`` holds exactly one distribution key (``fixed``, ``uniform``,
``triangular``, ``pert``, ``normal``, ``lognormal``, ``ci90``, ``bernoulli``,
``discrete``), its ``unit`` and its provenance: ``fact`` (an id in ``seeds/``)
or ``assumption`` (a one-line reason). Date-valued quantities (``unit: date``)
write ISO year-months and become month offsets from the timeline's start.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from simcore.scenario import plausible
from simcore.scenario.numbers import NumOrText, Real, pair
from simcore.scenario.params import Values, build
from simcore.uncertainties import distributions as d

CURRENCIES = ("USD", "JPY", "EUR")
UNITS = ("USD bn", "USD bn/yr", "JPY bn", "JPY bn/yr", "EUR bn", "EUR bn/yr", "JPY per USD",
         "EUR per USD", "USD per share", "JPY per share", "EUR per share", "months", "date",
         "probability", "fraction", "ratio", "count")
DIST_KEYS = ("fixed", "uniform", "triangular", "pert", "normal", "lognormal", "ci90",
             "bernoulli", "discrete")

Num = NumOrText  # text only for ISO year-months in date quantities
Interval = Annotated[tuple[Num, Num], pair("[low, high] (the 5th and 95th percentiles)")]


class Strict(BaseModel):
    """A model that refuses unknown keys, suggesting the nearest known one."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True,
                              populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = set(cls.model_fields) | {
                f.alias for f in cls.model_fields.values() if f.alias}
            for key in data:
                if key not in known:
                    near = difflib.get_close_matches(str(key), sorted(known), n=1)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    raise PydanticCustomError(
                        "unknown_key", "unknown key '{key}'{hint} (allowed: {allowed})",
                        {"key": str(key), "hint": hint, "allowed": ", ".join(sorted(known))})
        return data


Basis = Literal["fact", "derived", "judgement"]
BASES = ("fact", "derived", "judgement")


class Sourced(Strict):
    """Anything that must say where it comes from, and on what basis.

    ``basis: fact``: the number is in the source (``fact: <id>``, or a list of ids any
    of which supports it). ``basis: derived``: computed from facts (``fact: [ids]``) as
    ``note`` says. ``basis: judgement``: an assumption (``assumption: <why>``), which may
    name facts as context. Without ``basis`` it is inferred: a fact alone is ``fact``, an
    assumption alone is ``judgement``.
    """

    basis: Basis | None = Field(None, description="fact, derived or judgement")
    fact: str | list[str] | None = Field(None, description="id(s) of facts in seeds/")
    assumption: str | None = Field(None, description="one-line reason, for a judgement")
    note: str | None = Field(None, description="how a source's wording became this number "
                                               "(for basis derived: how it is computed)")

    @model_validator(mode="after")
    def _source(self, info: ValidationInfo) -> Sourced:
        _check_basis(self)
        if self.assumption is not None and (not self.assumption.strip()
                                            or "\n" in self.assumption.strip()):
            raise PydanticCustomError("assumption", "an assumption is one non-empty line", {})
        facts = (info.context or {}).get("facts")
        for fid in self.facts if facts is not None else ():
            if fid not in facts:
                near = difflib.get_close_matches(fid, sorted(facts), n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                raise PydanticCustomError(
                    "unknown_fact", "unknown fact id '{fact}'{hint} (see 'sim facts')",
                    {"fact": fid, "hint": hint})
        return self

    @property
    def facts(self) -> list[str]:
        """The cited fact ids (none for a bare judgement)."""
        if self.fact is None:
            return []
        return [self.fact] if isinstance(self.fact, str) else list(self.fact)

    @property
    def basis_of(self) -> str:
        """The basis, given or inferred."""
        if self.basis is not None:
            return self.basis
        return "fact" if self.fact is not None else "judgement"


def _check_basis(s: Sourced) -> None:
    def fail(msg: str) -> PydanticCustomError:
        return PydanticCustomError("provenance", msg, {})

    if isinstance(s.fact, list) and (not s.fact or len(set(s.fact)) != len(s.fact)):
        raise fail("'fact' lists one or more distinct fact ids")
    if s.basis is None:
        if (s.fact is None) == (s.assumption is None):
            raise fail("give a source: 'basis: fact' with 'fact: <id>', 'basis: derived' "
                       "with 'fact: [ids]' and a 'note' saying how, or 'basis: judgement' "
                       "with 'assumption: <why>'")
        return
    if s.basis in ("fact", "derived") and s.fact is None:
        raise fail(f"basis {s.basis} needs 'fact: <id>' (or a list of ids)")
    if s.basis == "fact" and s.assumption is not None:
        raise fail("basis fact takes no 'assumption': if the number is a judgement, say "
                   "'basis: judgement'")
    if s.basis == "derived" and not (s.note and s.note.strip()):
        raise fail("basis derived needs a 'note' saying how the number is computed from "
                   "its facts")
    if s.basis == "judgement" and s.assumption is None:
        raise fail("basis judgement needs 'assumption: <why>'")


class MinMax(Strict):
    min: Num
    max: Num


class MinModeMax(Strict):
    min: Num
    mode: Num
    max: Num
    lamb: Real | None = Field(None, description="PERT shape: above 0, at most 1000 "
                              "(default 4, the classic); not for triangular")


class MeanSd(Strict):
    mean: Num
    sd: Real


class MuSigma(Strict):
    mu: Real = Field(description="mean of the log")
    sigma: Real = Field(description="standard deviation of the log")


class BernoulliSpec(Strict):
    p: Real
    impact: Num


class DiscreteSpec(Strict):
    values: list[Num] = Field(min_length=1)
    probs: list[Real] = Field(min_length=1)


class Quantity(Sourced):
    """One uncertain (or fixed) input with its unit and its source."""

    fixed: Num | None = None
    uniform: MinMax | None = None
    triangular: MinModeMax | None = None
    pert: MinModeMax | None = None
    normal: MeanSd | None = None
    lognormal: MuSigma | None = None
    ci90: Interval | None = None
    shape: Literal["normal", "lognormal"] | None = Field(
        None, description="for ci90: the shape fitted to the interval (default: lognormal "
        "when both ends are positive, else normal)")
    bernoulli: BernoulliSpec | None = None
    discrete: DiscreteSpec | None = None
    unit: Literal[UNITS]  # type: ignore[valid-type]

    @model_validator(mode="before")
    @classmethod
    def _date_params(cls, data: Any) -> Any:
        """Dates YAML read (2026-04-30) as text: the year-month in a date quantity, the
        whole date elsewhere (refused there, as the user wrote it)."""
        if isinstance(data, dict):
            month = data.get("unit") == "date"
            data = {k: _date_text(v, month) if k in DIST_KEYS else v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _check(self) -> Quantity:
        given = [k for k in DIST_KEYS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "one_distribution", "give exactly one distribution ({keys}); found {found}",
                {"keys": ", ".join(DIST_KEYS), "found": ", ".join(given) or "none"})
        if self.shape is not None and self.ci90 is None:
            raise PydanticCustomError("shape", "'shape' goes with 'ci90' only", {})
        # the parameters' rules, then the unit's plausible range (simcore.scenario.plausible)
        plausible.check(self, self.to_dist((plausible.REFERENCE_YEAR, 1)))
        return self

    @property
    def kind(self) -> str:
        return next(k for k in DIST_KEYS if getattr(self, k) is not None)

    def to_dist(self, start: tuple[int, int]) -> d.Dist:
        """The distribution, with dates as month offsets from ``start``."""
        return build(self, Values(self.unit, start))

    @property
    def source(self) -> str:
        if self.basis_of == "judgement":
            return f"judgement: {self.assumption}"
        return f"{self.basis_of}: {', '.join(self.facts)}"

    @property
    def currency(self) -> str | None:
        """The currency of a money or per-share quantity (None for other units)."""
        head = self.unit.split()[0]
        return head if head in CURRENCIES and "per USD" not in self.unit else None


def _date_text(v: Any, month: bool) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()[:7] if month else v.isoformat()
    if isinstance(v, list):
        return [_date_text(x, month) for x in v]
    if isinstance(v, dict):
        return {k: _date_text(x, month) for k, x in v.items()}
    return v


def with_unit(*units: str):
    """An annotation requiring a Quantity in one of ``units``."""

    def check(q: Quantity) -> Quantity:
        if q.unit not in units:
            raise PydanticCustomError(
                "unit", "unit '{got}' does not fit here; expected {want}",
                {"got": q.unit, "want": " or ".join(f"'{u}'" for u in units)})
        return q

    return AfterValidator(check)


Money = Annotated[Quantity, with_unit(*(f"{c} bn" for c in CURRENCIES))]
MoneyRate = Annotated[Quantity, with_unit(*(f"{c} bn/yr" for c in CURRENCIES))]
MoneyAny = Annotated[Quantity, with_unit(*(f"{c} bn{r}" for c in CURRENCIES
                                           for r in ("", "/yr")))]
PerShare = Annotated[Quantity, with_unit(*(f"{c} per share" for c in CURRENCIES))]
FxRate = Annotated[Quantity, with_unit("JPY per USD", "EUR per USD")]
Months = Annotated[Quantity, with_unit("months")]
When = Annotated[Quantity, with_unit("date", "months")]
Probability = Annotated[Quantity, with_unit("probability")]
Fraction = Annotated[Quantity, with_unit("fraction")]
Ratio = Annotated[Quantity, with_unit("ratio")]
Count = Annotated[Quantity, with_unit("count")]


def quantities(model: BaseModel, prefix: str = "") -> list[tuple[str, Quantity]]:
    """Every Quantity in ``model`` with its dotted path, in document order."""
    return [(path, q) for path, q in sourced(model, prefix) if isinstance(q, Quantity)]


def sourced(model: BaseModel, prefix: str = "") -> list[tuple[str, Sourced]]:
    """Everything in ``model`` that carries a source (inputs, resources, correlations,
    targets...) with its dotted path, in document order."""
    out: list[tuple[str, Sourced]] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, Sourced):
            out.append((path, value))
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}")

    walk(model, prefix.rstrip("."))
    return out
