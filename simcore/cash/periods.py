"""Flows summed over calendar and fiscal years, per draw, for the readings of "cash
positive" and the pre-run checks.

* Calendar years are the years whose January to December lie wholly inside the
  horizon (a part year would not be the year the reading names).
* The core flow of a month is ``operations + erosion`` (the flow from ``burn``
  recovering to ``steady`` less the erosion).
* The one-offs of a month are ``restructuring`` plus every line item that counts in
  free cash flow with a one-off amount (unit ``<CUR> bn``, not ``<CUR> bn/yr``).
  Free cash flow before one-offs is free cash flow less these; financing (principal,
  equity, asset sales, ``fcf: false`` items) is outside free cash flow anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simcore.scenario.model import Scenario
from simcore.timeline import fiscal_years, month_index

if TYPE_CHECKING:
    from simcore.cash.model import CashPaths
    from simcore.experiments.result import Finance


def calendar_years(start: tuple[int, int], months: int) -> list[int]:
    """Calendar years wholly inside ``months`` months from ``start``."""
    first = start[0] + (start[1] != 1)
    return [y for y in range(first, start[0] + months // 12 + 1)
            if month_index(start, f"{y}-12") <= months - 1]


def december(start: tuple[int, int], year: int) -> int:
    """Month index of December of ``year``."""
    return month_index(start, f"{year}-12")


def calendar_sums(x: np.ndarray, start: tuple[int, int], years: list[int]) -> np.ndarray:
    """``x`` (draws, months) summed over each calendar year: (draws, len(years))."""
    out = np.empty((x.shape[0], len(years)))
    for j, y in enumerate(years):
        a = month_index(start, f"{y}-01")
        out[:, j] = x[:, a:a + 12].sum(axis=1)
    return out


def fiscal_sums(x: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """``x`` (draws, months) summed over each fiscal year in the horizon, in order."""
    fys = fiscal_years(start, x.shape[1])
    return np.stack([x[:, fys == y].sum(axis=1) for y in sorted(set(fys.tolist()))], axis=1)


def one_off_names(sc: Scenario) -> list[str]:
    """The components that are one-offs: restructuring and one-off items in FCF."""
    return ["restructuring", *(f"items.{k}" for k, item in sc.items.items()
                               if item.fcf and item.one_off)]


def store_periods(f: Finance, a: int, b: int, p: CashPaths, sc: Scenario, n: int) -> None:
    """Write draws ``a:b`` of the calendar-year FCF, the core flow and the one-offs by
    fiscal year into ``f`` (allocating on the first chunk)."""
    start, months = sc.start, p.cash.shape[1]
    comp = p.components
    if f.core_fy is None:
        f.cy = calendar_years(start, months)
        nfy = len(f.fy_end)
        f.fcf_cy, f.core_fy, f.one_offs_fy = (np.empty((n, len(f.cy))), np.empty((n, nfy)),
                                              np.empty((n, nfy)))
    f.fcf_cy[a:b] = calendar_sums(p.fcf, start, f.cy)
    f.core_fy[a:b] = fiscal_sums(comp["operations"] + comp["erosion"], start)
    f.one_offs_fy[a:b] = fiscal_sums(sum(comp[k] for k in one_off_names(sc)), start)
