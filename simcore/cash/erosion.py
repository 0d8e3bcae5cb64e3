"""Erosion of the standalone recovery by late launches (``operations.erosion``).

The core flow recovers from ``operations.burn`` to ``operations.steady`` along the
recovery ramp ``r[t]`` (:func:`simcore.cash.operating.operations`). With erosion the
level it recovers to is lower by

    ``E = per_month_late * min(mean over the listed programmes of L_k, cap_months)``

where a programme's months late ``L_k = max(0, SOP_k - S_k)``, ``SOP_k`` its start of
production in the draw and ``S_k`` the latest start of production that meets its
target (:func:`latest_on_time_sop`, the schedule's per-draw target); a cancelled
programme (``SOP_k = inf``) counts as ``cap_months``. The erosion is its own
component of cash, ``-E * r[t] / 12`` a month, so ``operations + erosion`` is the
core flow recovering to ``steady - E``. The programmes are the listed ones, or
every programme with a target; programmes with no target are skipped, and with none
left the erosion is zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simcore.cash.fx import Money
from simcore.cash.operating import recovery
from simcore.scenario.model import Scenario
from simcore.schedule.targets import target_sop
from simcore.uncertainties.draws import Draws


def latest_on_time_sop(sc: Scenario, name: str, v: Draws) -> np.ndarray | None:
    """The latest start of production (month index, per draw) that meets programme
    ``name``'s target, or None for a programme without a target (it is skipped).

    The one place the erosion reads a target: the schedule's own per-draw target
    (:func:`simcore.schedule.targets.target_sop`), so lateness here is the delay the
    launch table measures (a plain ISO year-month target: its month index).
    """
    return target_sop(sc, name, v)


def mean_months_late(sc: Scenario, v: Draws, n: int, launches: Mapping[str, np.ndarray]
                     ) -> np.ndarray | None:
    """Average months late over the erosion's programmes, capped, per draw (None: no
    programme with a target)."""
    ero = sc.operations.erosion
    cap = v[ero.cap_months]
    names = ero.programmes if ero.programmes is not None else list(sc.programmes)
    late = []
    for k in names:
        target = latest_on_time_sop(sc, k, v)
        if target is None:
            continue
        sop = launches[k] if k in launches else v[sc.programmes[k].launch]
        late.append(np.where(np.isfinite(sop), np.maximum(sop - target, 0.0), cap))
    if not late:
        return None
    return np.minimum(np.mean(late, axis=0), cap)


def erosion(sc: Scenario, months: int, v: Draws, n: int, m: Money,
            launches: Mapping[str, np.ndarray]) -> np.ndarray:
    """The erosion component, USD bn per month, (draws, months); zeros without erosion."""
    if sc.operations.erosion is None:
        return np.zeros((n, months))
    late = mean_months_late(sc, v, n, launches)
    if late is None:
        return np.zeros((n, months))
    r = recovery(sc, months, v)
    return -m.flow(sc.operations.erosion.per_month_late) * late[:, None] * r / 12
