"""The fact registry: structured records of what the sources say.

``seeds/`` holds one YAML file per source with its ``source`` (the source's
file name), ``outlet``, ``published`` date, ``reliability`` and a list of
``facts``. Each fact has an ``id``, what it says in our own words, a ``value``
(a number, a ``[low, high]`` range, an ISO date or a short text), a ``unit``, a
``kind`` (point, range, upper_bound, ...), an ``as_of`` date and a ``locator``:
a verbatim phrase of at most 15 words that a reader can find in the article.

A fact may carry its own ``published`` date, which overrides the file's (a digest
gathers rows from many pages). Both take the forms of :mod:`.pubdate`: a day, a
month, a year, a range ``START/END`` of those, or ``null`` / ``"unknown"``. A file
with ``locators: row`` (the research digest 005) cites each fact by its table row
number instead of a phrase: ``"3.10"`` or ``"U9"``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from simcore.errors import InputError, Problem
from simcore.provenance import pubdate
from simcore.scenario.quantity import Strict
from simcore.scenario.validation import validate
from simcore.scenario.yamlio import load_yaml

Reliability = Literal["high", "medium", "low"]
FACT_UNITS = ("USD bn", "JPY tn", "JPY bn", "months", "percent", "vehicles/yr", "count",
              "people", "date", "ratio", "text",
              "USD", "USD m", "EUR m", "EUR bn", "GBP m", "GBP bn", "CNY bn", "JPY per USD",
              "JPY per EUR", "JPY per share", "USD per share", "shares", "units", "units/yr",
              "GWh", "rating", "sites", "models", "years", "agencies")
FACT_KINDS = ("point", "range", "upper_bound", "lower_bound", "approx", "target", "date",
              "claim", "forecast", "derived")
MAX_LOCATOR_WORDS = 15
ROW_LOCATOR = re.compile(r"^(?:\d+\.\d+|U\d+)$")
LocatorStyle = Literal["phrase", "row"]


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


class Fact(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    says: str = Field(min_length=1)
    value: float | tuple[float, float] | str
    unit: Literal[FACT_UNITS]  # type: ignore[valid-type]
    kind: Literal[FACT_KINDS]  # type: ignore[valid-type]
    as_of: str
    published: str | None = None
    published_by: dt.date | None = Field(None, description="filled from the source file: "
                                         "its statement that all it holds was published "
                                         "by this day (used when 'published' is unknown)")
    locator: str = Field(min_length=2)
    reliability: Reliability | None = None
    source: str | None = None

    _iso_value = field_validator("value", "as_of", mode="before")(classmethod(
        lambda cls, v: _iso(v)))
    _published = field_validator("published", mode="before")(classmethod(
        lambda cls, v: pubdate.normalize(v)))

    @property
    def published_label(self) -> str:
        """The publication date for display (``unknown`` when it could not be seen)."""
        return pubdate.label(self.published)

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
    published_by: dt.date | None = Field(None, description="the source's own statement that "
                                         "everything in it was published by this day")
    locators: LocatorStyle = "phrase"
    facts: list[Fact] = Field(min_length=1)

    _published = field_validator("published", mode="before")(classmethod(
        lambda cls, v: pubdate.normalize(v)))


def default_seeds_dir() -> Path:
    """``seeds/`` of the project checkout this package was installed from."""
    return Path(__file__).resolve().parents[2] / "seeds"


def load_facts(seeds_dir: Path | None = None) -> dict[str, Fact]:
    """Every fact in ``seeds_dir`` by id, each with its source, reliability and
    publication date filled in (a fact's own, else its file's).

    Raises :class:`InputError` for a bad file or an id used twice.
    """
    folder = Path(seeds_dir) if seeds_dir is not None else default_seeds_dir()
    if not folder.is_dir():
        raise InputError(Problem("no seeds folder (the fact registry) here", folder))
    facts: dict[str, Fact] = {}
    where: dict[str, Path] = {}
    for file in sorted(folder.glob("*.yaml")):
        _inside(folder, file)
        doc = load_yaml(file, what="seed file")
        src = validate(doc, SourceFile)
        for i, fact in enumerate(src.facts):
            if fact.id in facts:
                raise InputError(Problem(f"fact id '{fact.id}' is also used in {where[fact.id]}",
                                         file, doc.line_of(("facts", i, "id")),
                                         f"facts[{i}].id"))
            _check_locator(fact.locator, src.locators, file, doc.line_of(("facts", i, "locator")),
                           f"facts[{i}].locator")
            own_date = "published" in fact.model_fields_set
            facts[fact.id] = fact.model_copy(update={
                "source": src.source, "reliability": fact.reliability or src.reliability,
                "published_by": src.published_by,
                "published": fact.published if own_date else src.published})
            where[fact.id] = file
    return facts


def _inside(folder: Path, file: Path) -> None:
    """A seed file (or the seeds folder) that links out of the folder's project is refused
    without being read: facts come only from inside the project."""
    root = folder.absolute().parent.resolve()
    target = file.resolve()
    if not target.is_relative_to(root):
        raise InputError(Problem(f"links outside the project ({root}); sim reads facts only "
                                 "from files inside it", file))


def _check_locator(locator: str, style: LocatorStyle, file: Path, line: int | None,
                   path: str) -> None:
    """A row number (``3.10``, ``U9``) in a ``locators: row`` file, else a phrase."""
    is_row = bool(ROW_LOCATOR.match(locator))
    if style == "row" and not is_row:
        raise InputError(Problem(f"expected a row number such as \"3.10\" or \"U9\" (this file "
                                 f"has locators: row); got {locator!r}", file, line, path))
    if style == "phrase" and (is_row or len(locator) < 3):
        raise InputError(Problem("expected a verbatim phrase of the article (at most "
                                 f"{MAX_LOCATOR_WORDS} words); got {locator!r} (row numbers "
                                 "need locators: row)", file, line, path))


def published_bounds(fact: Fact) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest possible publication day of ``fact``.

    ``(None, None)`` when the date is unknown; ``"2025-03"`` gives
    ``(2025-03-01, 2025-03-31)``, ``"2025"`` gives ``(2025-01-01, 2025-12-31)``.
    """
    return pubdate.bounds(fact.published)


def published_label(fact: Fact) -> str:
    """The publication date of ``fact`` for display: as written, or ``unknown``."""
    return fact.published_label


def published_by(fact: Fact, day: dt.date) -> bool:
    """Whether ``fact`` was surely public by ``day`` (its latest possible day is on or
    before it); ``False`` when its date is unknown."""
    latest = published_bounds(fact)[1]
    return latest is not None and latest <= day


def fact_record(fact: Fact) -> dict[str, Any]:
    """A fact as a plain dict (for JSON), with its publication bounds as ISO days."""
    rec = fact.model_dump(exclude={"published_by"})
    if isinstance(rec["value"], tuple):
        rec["value"] = list(rec["value"])
    if fact.published_by is not None:   # the source's own cut-off, for undated facts
        rec["source_published_by"] = fact.published_by.isoformat()
    earliest, latest = published_bounds(fact)
    rec["published"] = fact.published_label
    rec["published_earliest"] = earliest.isoformat() if earliest else None
    rec["published_latest"] = latest.isoformat() if latest else None
    return rec
