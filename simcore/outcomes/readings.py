"""Per-draw values of the period outcomes: "cash positive" read three ways, and the
measures a pre-run check bounds.

"Cash positive in 2026" has three readings, all on monthly free cash flow (FCF):

* ``fcf_positive.FY2026``: FCF summed over fiscal year 2026 (April 2026 to March
  2027) is above zero;
* ``fcf_positive.CY2026``: FCF summed over January to December 2026 is above zero;
* ``fcf_positive_for_good_by.CY2026``: monthly FCF is above zero in every month from
  some month on or before December 2026 to the end of the horizon, i.e.
  ``fcf_positive_month <= December 2026`` (the same first-for-good month).

"For good by December Y" implies that every month of Y+1 is positive, so it implies
``fcf_positive.CY<Y+1>`` and ``fcf_positive.FY<Y+1>`` wherever those years are inside
the horizon; neither year reading implies it. It is read against the horizon: a dip
after the horizon's end is not seen.

``core_flow.<FY>`` is ``operations + erosion`` summed over the fiscal year, and
``fcf_before_one_offs.<FY>`` is ``fcf.<FY>`` less the one-offs (restructuring and
one-off line items in FCF); see :mod:`simcore.cash.periods`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simcore.cash.periods import december

if TYPE_CHECKING:
    from simcore.experiments.result import RunResult


def _fy(res: RunResult, key: str) -> int:
    return res.fy.index(int(key.removeprefix("FY")))


def fcf_positive(res: RunResult, t: object, key: str) -> np.ndarray:
    """FCF over the fiscal (``FY<y>``) or calendar (``CY<y>``) year is above zero."""
    if key.startswith("CY"):
        return res.finance.fcf_cy[:, res.finance.cy.index(int(key[2:]))] > 0
    return res.fcf_fy[:, _fy(res, key)] > 0


def for_good_by(res: RunResult, t: object, key: str) -> np.ndarray:
    """Monthly FCF stays above zero from some month on or before December of the year."""
    month = np.where(np.isnan(res.fcf_positive), np.inf, res.fcf_positive)
    return month <= december(res.scenario.start, int(key[2:]))


def core_flow(res: RunResult, t: object, key: str) -> np.ndarray:
    return res.finance.core_fy[:, _fy(res, key)]


def fcf_before_one_offs(res: RunResult, t: object, key: str) -> np.ndarray:
    return res.fcf_fy[:, _fy(res, key)] - res.finance.one_offs_fy[:, _fy(res, key)]


def family_keys(family: str, res: RunResult) -> list[str]:
    """The members of a family (its name ends in ``<programme>``, ``<FY>`` or ``<CY>``)."""
    if family.endswith("<programme>"):
        return list(res.launches)
    if family.startswith("fcf_positive_for_good_by."):
        months = res.cash.shape[1]
        first = res.scenario.start[0]
        return [f"CY{y}" for y in range(first, first + months // 12 + 2)
                if 0 <= december(res.scenario.start, y) <= months - 1]
    if family.endswith("<CY>"):
        return [f"CY{y}" for y in res.finance.cy]
    return [f"FY{y}" for y in res.fy]


def key_fits(family: str, key: str) -> bool:
    """Whether ``key`` can be a member of ``family`` (a CY key of a ``<CY>`` family)."""
    if family.endswith("<CY>"):
        return key.startswith("CY")
    if family.endswith("<FY>"):
        return key.startswith("FY")
    return True
