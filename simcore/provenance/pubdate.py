"""Publication dates of facts: when a source made a fact public, as precisely as known.

A publication date is written as a day ``"YYYY-MM-DD"``, a month ``"YYYY-MM"`` (any
day in it), a year ``"YYYY"``, a range ``"START/END"`` of those (any day from the
first day of START to the last day of END), or ``null`` / ``"unknown"`` when the
date could not be seen. :func:`bounds` turns one into the earliest and latest
possible day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

UNKNOWN = "unknown"
FORMS = ('"YYYY-MM-DD", "YYYY-MM", "YYYY", a range "START/END" of those '
         '(e.g. "2025-03-01/2025-03-31"), or null / "unknown"')
MIN_YEAR, MAX_YEAR = 1900, 2100
_SINGLE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

Bounds = tuple[dt.date | None, dt.date | None]


def normalize(value: Any) -> str:
    """The canonical text of a publication date as read from YAML, checked.

    YAML dates and bare years arrive as ``date`` and ``int``; ``None`` means unknown.
    Spaces around the ``/`` of a range are dropped. Raises ``ValueError`` naming the
    accepted forms when the text is not one of them.
    """
    if value is None:
        return UNKNOWN
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a publication date: {FORMS}; got {value!r}")
    text = "/".join(part.strip() for part in value.strip().split("/"))
    if text.lower() == UNKNOWN:
        return UNKNOWN
    bounds(text)  # raises ValueError when malformed
    return text


def bounds(text: str | None) -> Bounds:
    """The earliest and latest possible publication day; ``(None, None)`` when unknown.

    >>> bounds("2025-03")
    (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    """
    if text is None or text == UNKNOWN:
        return None, None
    parts = text.split("/")
    if len(parts) == 1:
        return _single(text, text)
    if len(parts) != 2:
        raise ValueError(f"a range has one '/'; expected {FORMS}; got {text!r}")
    start, _ = _single(parts[0], text)
    _, end = _single(parts[1], text)
    if end < start:
        raise ValueError(f"the range {text!r} ends before it starts; expected START/END "
                         "with START on or before END")
    return start, end


def label(text: str | None) -> str:
    """The publication date for display: as written, or ``unknown``."""
    return UNKNOWN if text is None else text


def _single(part: str, whole: str) -> tuple[dt.date, dt.date]:
    """The first and last day of one day, month or year."""
    m = _SINGLE.match(part)
    if not m:
        raise ValueError(f"expected a publication date: {FORMS}; got {whole!r}")
    where = f" in {whole!r}" if part != whole else ""
    year = int(m[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}{where}")
    if m[2] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m[2])
    if not 1 <= month <= 12:
        raise ValueError(f"month {m[2]} is not 01-12 in {part!r}{where}")
    if m[3] is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        day = dt.date(year, month, int(m[3]))
    except ValueError:
        raise ValueError(f"{part!r} is not a day of the calendar{where}") from None
    return day, day
