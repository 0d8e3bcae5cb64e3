"""When each milestone is met, per draw, in closed form (the fast engine's view; the
SimPy model runs each milestone as a process and the tests check the two agree).

* A milestone with ``requires_deal`` is met at the later of its date and the close,
  lost at a collapse, and never met when the scenario has no deal (``inf``).
* Otherwise it is met at ``at``, except that a close makes the partner's supply an
  alternative (``with_deal``: met at ``min(at, max(with_deal, close))``) and a collapse
  restarts own sourcing paused during the talks (``after_collapse``: met at
  ``max(at, collapse + after_collapse)``).

A phase (or the pre-series builds) waiting for several milestones waits for the
latest; a need lost at a collapse fails the wait (:func:`combine`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import DEAL
from simcore.uncertainties.draws import Draws


@dataclass
class Milestones:
    """The milestones of a batch of draws: the named ones, then the deal."""

    names: list[str]
    at: np.ndarray            # (n, M) date each is available by on its own
    requires_deal: np.ndarray  # (M,) only if the deal closes
    with_deal: np.ndarray     # (n, M) the partner's supply if the deal closes; inf: none
    after_collapse: np.ndarray  # (n, M) re-sourcing months after a collapse; NaN: none
    when: np.ndarray          # (n, M) when each is met (inf: never)
    failed: np.ndarray        # (n, M) lost because the deal collapsed


def milestone_gate(at: np.ndarray, requires_deal: bool, closed: np.ndarray,
                   deal_time: np.ndarray, with_deal: np.ndarray | None = None,
                   after_collapse: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(time met, fails) of a milestone per draw (see the module docstring)."""
    if requires_deal:
        no_deal = ~np.isfinite(deal_time)
        when = np.where(closed, np.maximum(at, deal_time), np.inf)
        return when, ~closed & ~no_deal
    when = at
    if with_deal is not None:
        when = np.where(closed, np.minimum(at, np.maximum(with_deal, deal_time)), when)
    if after_collapse is not None:
        collapsed = ~closed & np.isfinite(deal_time)
        restart = np.where(collapsed, deal_time, 0.0) + after_collapse
        when = np.where(collapsed, np.maximum(at, restart), when)
    return when, np.zeros(len(at), dtype=bool)


def milestone_table(sc: Scenario, v: Draws, closed: np.ndarray,
                    deal_time: np.ndarray) -> Milestones:
    """Every milestone of ``sc`` (and the deal, last) for the draws in ``v``."""
    n = len(closed)
    names = [*sc.milestones, DEAL]
    specs = list(sc.milestones.values())
    at = np.stack([v[m.at] for m in specs] + [deal_time], axis=1)
    requires = np.array([s.requires_deal for s in specs] + [True])
    with_deal = np.full((n, len(names)), np.inf)
    after = np.full((n, len(names)), np.nan)
    when = np.empty((n, len(names)))
    failed = np.zeros((n, len(names)), dtype=bool)
    for c in range(len(names)):
        spec = specs[c] if c < len(specs) else None
        wd = v.get(spec.with_deal) if spec else None
        ac = v.get(spec.after_collapse) if spec else None
        if wd is not None:
            with_deal[:, c] = wd
        if ac is not None:
            after[:, c] = ac
        when[:, c], failed[:, c] = milestone_gate(at[:, c], bool(requires[c]), closed,
                                                  deal_time, wd, ac)
    return Milestones(names, at, requires, with_deal, after, when, failed)


def combine(ms: Milestones, needs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(time all of ``needs`` are met, one of them failed) per draw; a failed need counts
    as ``-inf`` in the time, so a fallback waits only for the others."""
    n = ms.when.shape[0]
    gate, fails = np.full(n, -np.inf), np.zeros(n, dtype=bool)
    for need in needs:
        c = ms.names.index(need)
        gate = np.maximum(gate, np.where(ms.failed[:, c], -np.inf, ms.when[:, c]))
        fails |= ms.failed[:, c]
    return gate, fails
