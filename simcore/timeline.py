"""Calendar months and fiscal years.

The model runs monthly. Month index 0 is the timeline's start month. Fiscal
years start in April, as Nissan's do: FY2025 runs from April 2025 to March 2026.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FY_START_MONTH = 4


def parse_month(value: object) -> tuple[int, int]:
    """``'2025-04'`` or a date -> ``(2025, 4)``. Raises ValueError otherwise."""
    if isinstance(value, dt.date):
        return value.year, value.month
    if isinstance(value, str):
        text = value.strip()
        m = _MONTH.match(text)
        if m is None and re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            d = dt.date.fromisoformat(text)
            return d.year, d.month
        if m is not None:
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return year, month
    raise ValueError(f"expected an ISO year-month like '2025-04', got {value!r}")


def month_index(start: tuple[int, int], value: object) -> int:
    """Months from ``start`` to ``value`` (an ISO year-month or a date)."""
    year, month = parse_month(value)
    return (year - start[0]) * 12 + (month - start[1])


def month_label(start: tuple[int, int], index: int) -> str:
    """Month index -> ``'YYYY-MM'``."""
    total = start[0] * 12 + (start[1] - 1) + int(index)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def month_labels(start: tuple[int, int], count: int) -> list[str]:
    return [month_label(start, i) for i in range(count)]


def fiscal_year(start: tuple[int, int], index: int) -> int:
    """The fiscal year (April start) that month ``index`` falls in."""
    total = start[0] * 12 + (start[1] - 1) + int(index)
    year, month = total // 12, total % 12 + 1
    return year if month >= FY_START_MONTH else year - 1


def fiscal_years(start: tuple[int, int], count: int) -> np.ndarray:
    """Fiscal year of each of ``count`` months from ``start``."""
    return np.array([fiscal_year(start, i) for i in range(count)], dtype=int)


def fiscal_year_ends(start: tuple[int, int], count: int) -> list[int]:
    """Month index of the last month of each fiscal year in ``count`` months (the last
    month of the horizon ends the final, perhaps partial, year)."""
    return [t for t in range(count)
            if t == count - 1 or fiscal_year(start, t + 1) != fiscal_year(start, t)]


def fiscal_year_label(year: int) -> str:
    return f"FY{year}"


def fractional_label(start: tuple[int, int], value: float) -> str | None:
    """A fractional month index -> the ISO year-month it falls in (None for NaN)."""
    if value is None or not np.isfinite(value):
        return None
    return month_label(start, int(np.floor(value + 1e-9)))
