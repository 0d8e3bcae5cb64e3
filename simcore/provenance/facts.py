"""The fact registry: structured records of what the source articles say.

``seeds/`` holds one YAML file per article with its ``source`` (the article's
file name), ``outlet``, ``published`` date, ``reliability`` and a list of
``facts``. Each fact has an ``id``, what it says in our own words, a ``value``
(a number, a ``[low, high]`` range, an ISO date or a short text), a ``unit``, a
``kind`` (point, range, upper_bound, ...), an ``as_of`` date and a ``locator``:
a verbatim phrase of at most 15 words that a reader can find in the article.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from simcore.errors import InputError, Problem
from simcore.scenario.quantity import Strict
from simcore.scenario.validation import validate
from simcore.scenario.yamlio import load_yaml

Reliability = Literal["high", "medium", "low"]
FACT_UNITS = ("USD bn", "JPY tn", "JPY bn", "months", "percent", "vehicles/yr", "count",
              "people", "date", "ratio", "text")
FACT_KINDS = ("point", "range", "upper_bound", "lower_bound", "approx", "target", "date",
              "claim")
MAX_LOCATOR_WORDS = 15


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


class Fact(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    says: str = Field(min_length=1)
    value: float | tuple[float, float] | str
    unit: Literal[FACT_UNITS]  # type: ignore[valid-type]
    kind: Literal[FACT_KINDS]  # type: ignore[valid-type]
    as_of: str
    locator: str = Field(min_length=3)
    reliability: Reliability | None = None
    source: str | None = None

    _iso_value = field_validator("value", "as_of", mode="before")(classmethod(
        lambda cls, v: _iso(v)))

    @field_validator("locator")
    @classmethod
    def _short(cls, v: str) -> str:
        words = len(v.split())
        if words > MAX_LOCATOR_WORDS:
            raise ValueError(f"a locator is at most {MAX_LOCATOR_WORDS} words; this has {words}")
        return v


class SourceFile(Strict):
    source: str
    outlet: str
    published: str
    reliability: Reliability
    facts: list[Fact] = Field(min_length=1)

    _iso_published = field_validator("published", mode="before")(classmethod(
        lambda cls, v: _iso(v)))


def default_seeds_dir() -> Path:
    """``seeds/`` of the project checkout this package was installed from."""
    return Path(__file__).resolve().parents[2] / "seeds"


def load_facts(seeds_dir: Path | None = None) -> dict[str, Fact]:
    """Every fact in ``seeds_dir`` by id, each with its source and reliability filled in.

    Raises :class:`InputError` for a bad file or an id used twice.
    """
    folder = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    if not folder.is_dir():
        raise InputError(Problem("no seeds folder (the fact registry) here", folder))
    facts: dict[str, Fact] = {}
    where: dict[str, Path] = {}
    for file in sorted(folder.glob("*.yaml")):
        doc = load_yaml(file, what="seed file")
        src = validate(doc, SourceFile)
        for i, fact in enumerate(src.facts):
            if fact.id in facts:
                raise InputError(Problem(f"fact id '{fact.id}' is also used in {where[fact.id]}",
                                         file, doc.line_of(("facts", i, "id")),
                                         f"facts[{i}].id"))
            facts[fact.id] = fact.model_copy(update={
                "source": src.source, "reliability": fact.reliability or src.reliability})
            where[fact.id] = file
    return facts


def fact_record(fact: Fact) -> dict[str, Any]:
    """A fact as a plain dict (for JSON)."""
    rec = fact.model_dump()
    if isinstance(rec["value"], tuple):
        rec["value"] = list(rec["value"])
    return rec
