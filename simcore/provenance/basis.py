"""Honest provenance: the knowledge date, and whether a cited fact supports its number.

Two rules, checked when a scenario loads (before anything is computed):

* **Knowledge date.** A scenario with ``as_of`` may cite only facts that were
  published by then: a fact whose latest possible publication day is after
  ``as_of`` is refused, and so is one whose publication date is unknown.
* **Basis fact means the number is in the source.** An input with ``basis: fact``
  must be supported by one of its facts: the fact gives a number (or a date) in a
  unit that converts to the input's, and the input's range meets the fact's value.
  Anything computed from facts is ``derived`` (say how); anything else is a
  ``judgement`` (say why).
"""

from __future__ import annotations

import datetime as dt
import re

from simcore.errors import Problem
from simcore.provenance.facts import Fact, published_bounds
from simcore.scenario.quantity import Quantity, Sourced, sourced
from simcore.timeline import month_index

# fact unit -> {input unit: factor from the fact's unit to the input's}
_MONEY = {"USD bn": ("USD", 1.0), "USD m": ("USD", 1e-3), "JPY bn": ("JPY", 1.0),
          "JPY tn": ("JPY", 1e3), "EUR bn": ("EUR", 1.0), "EUR m": ("EUR", 1e-3)}
_SAME = {"months": ("months",), "JPY per USD": ("JPY per USD",),
         "JPY per share": ("JPY per share",), "USD per share": ("USD per share",),
         "count": ("count",), "shares": ("count",), "units": ("count",),
         "ratio": ("ratio",)}
TOLERANCE = 0.005   # relative, for rounding in the source
MONTH_TOLERANCE = 0.5


def scale(fact_unit: str, unit: str) -> float | None:
    """The factor turning a value in ``fact_unit`` into ``unit``; None if they differ."""
    if fact_unit in _MONEY:
        cur, f = _MONEY[fact_unit]
        return f if unit in (f"{cur} bn", f"{cur} bn/yr") else None
    if fact_unit == "percent":
        return 0.01 if unit in ("fraction", "probability") else None
    return 1.0 if unit in _SAME.get(fact_unit, ()) else None


def check_provenance(scenario, facts: dict[str, Fact]) -> list[Problem]:
    """Problems (path and message) with the knowledge date and the fact bases."""
    as_of = getattr(scenario, "as_of", None)
    problems: list[Problem] = []
    for path, item in sourced(scenario):
        for fid in item.facts:
            if as_of is not None and fid in facts:
                msg = _too_late(facts[fid], as_of)
                if msg:
                    problems.append(Problem(msg, path=path))
        if item.basis_of == "fact" and isinstance(item, Quantity):
            msg = _unsupported(item, facts, scenario.start)
            if msg:
                problems.append(Problem(msg, path=path))
    return problems


def _too_late(fact: Fact, as_of: dt.date) -> str | None:
    earliest, latest = published_bounds(fact)
    if latest is None and fact.published_by is not None:
        earliest = latest = fact.published_by   # unverified: the source's statement
    if latest is None:
        return (f"cites fact '{fact.id}', whose publication date is unknown; the scenario "
                f"knows only what was published by its as_of {as_of.isoformat()}")
    if latest > as_of:
        when = (latest.isoformat() if earliest == latest
                else f"between {earliest} and {latest}")
        return (f"cites fact '{fact.id}', published {when}, after the scenario's as_of "
                f"{as_of.isoformat()}")
    return None


def _unsupported(q: Quantity, facts: dict[str, Fact], start: tuple[int, int]) -> str | None:
    """Why none of the cited facts supports the input's number, or None if one does."""
    dist = q.to_dist(start)
    lo, hi = float(dist.ppf(0.0)), float(dist.ppf(1.0))
    reasons = []
    for fid in q.facts:
        fact = facts.get(fid)
        if fact is None:
            continue
        if _in_words(fact, q.unit, lo, hi, start):
            return None
        span = fact_span(fact, q.unit, start)
        if isinstance(span, str):
            reasons.append(f"'{fid}' {span}")
            continue
        tol = MONTH_TOLERANCE if q.unit == "date" else TOLERANCE * max(abs(span[0]),
                                                                         abs(span[1]))
        if span[0] - tol <= hi and lo <= span[1] + tol:
            return None
        reasons.append(f"'{fid}' says {_show(fact)}, outside this input's range "
                       f"[{lo:g}, {hi:g}] {q.unit}")
    return ("basis fact, but the number is not in the source: " + "; ".join(reasons)
            + ". Say 'basis: derived' with a note on how it is computed, or 'basis: "
            "judgement' with the reason")


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_ISO = re.compile(r"\b(\d{4}-\d{2})(?:-\d{2})?\b")


def _in_words(fact: Fact, unit: str, lo: float, hi: float, start: tuple[int, int]) -> bool:
    """Whether the fact's own words state the number: a percentage for a fraction (a
    bond's coupon), an ISO date for a date (its maturity)."""
    if unit in ("fraction", "probability"):
        return any(lo - 1e-9 <= float(x) / 100 <= hi + 1e-9 for x in _PERCENT.findall(fact.says))
    if unit == "date":
        return any(lo - MONTH_TOLERANCE <= month_index(start, m) <= hi + MONTH_TOLERANCE
                   for m in _ISO.findall(fact.says))
    return False


def fact_span(fact: Fact, unit: str, start: tuple[int, int]) -> tuple[float, float] | str:
    """The fact's value as a (low, high) range in ``unit``, or why it has none."""
    if unit == "date":
        if not isinstance(fact.value, str) or not _DATE.match(fact.value):
            return f"gives no date ({_show(fact)})"
        return _month_span(fact.value, start)
    factor = scale(fact.unit, unit)
    if factor is None:
        return f"is in {fact.unit}, this input in {unit}"
    if isinstance(fact.value, str):
        return f"gives no number ({_show(fact)})"
    lo, hi = (fact.value, fact.value) if isinstance(fact.value, float | int) else fact.value
    lo, hi = sorted((lo * factor, hi * factor))
    return lo, hi


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _month_span(text: str, start: tuple[int, int]) -> tuple[float, float]:
    if len(text) == 4:
        return (float(month_index(start, f"{text}-01")), float(month_index(start, f"{text}-12")))
    m = float(month_index(start, text[:7]))
    return m, m


def _show(fact: Fact) -> str:
    v = fact.value
    text = "-".join(f"{x:g}" for x in v) if isinstance(v, tuple) else (
        f"{v:g}" if isinstance(v, float | int) else f"'{v}'")
    return f"{text} {fact.unit}" if fact.unit not in ("text", "date") else text


def basis_counts(scenario) -> dict[str, int]:
    """How many inputs rest on each basis."""
    out = {"fact": 0, "derived": 0, "judgement": 0}
    for _, item in sourced(scenario):
        if isinstance(item, Sourced):
            out[item.basis_of] += 1
    return out
