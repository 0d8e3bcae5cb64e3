"""Launch schedules per draw, what drove their delays, and their summary.

:func:`schedule_batch` runs the schedule engine on a batch of sampled draws
(``fast``, vectorised, by default; ``simpy``, the reference, on request) and
returns each programme's launch, the time its development spending stops, the
latest on-time start of production its target allows, and the months each driver
added to its delay against that target.

A programme's delay is exactly the sum of its drivers: for each phase it goes
through, its overrun against the share of the plan the target implies, the wait
for its needs (milestones, the deal), the queue for its resource, and risk delays;
then the wait of start of production for the pre-series needs. A programme without
a target is measured against its nominal plan (its cycle, or its remaining months).
A driver is *on the path* in a draw when it added time there; it is the *main*
driver when it added the most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import PHASES, PRE_SERIES
from simcore.schedule.fast import Timeline, run_fast
from simcore.schedule.plan import Plan, build_plan
from simcore.schedule.simpy_model import run_simpy

Engine = Literal["fast", "simpy"]
Kind = Literal["overrun", "needs", "queue", "risk", "pre_series"]
TOL = 1e-9


@dataclass
class ScheduleBatch:
    launch: dict[str, np.ndarray]           # programme -> (n,) month; inf if cancelled
    stop: dict[str, np.ndarray]             # programme -> (n,) development spending ends
    drivers: dict[str, np.ndarray]          # programme -> (n, D) months added per driver
    targets: dict[str, np.ndarray] = field(default_factory=dict)  # programme -> (n,)
    # latest on-time start of production (programmes with a target)


def driver_specs(sc: Scenario, name: str) -> list[tuple[str, Kind, int]]:
    """The drivers of one programme's delay, in phase order: (label, kind, phase index).
    Phases a programme under way has passed have none."""
    sched = sc.programmes[name].schedule
    out: list[tuple[str, Kind, int]] = []
    for j, phase in enumerate(PHASES[sched.first_phase:], start=sched.first_phase):
        out.append((f"{phase} overrun", "overrun", j))
        if phase in sched.needs:
            out.append((f"waiting for {' + '.join(sched.needs[phase])} ({phase})", "needs", j))
        if phase in sched.uses:
            out.append((f"queue for {sched.uses[phase]} ({phase})", "queue", j))
        risks = [r for r, spec in sched.risks.items() if spec.phase == phase]
        if risks:
            out.append((f"risk: {', '.join(risks)} ({phase})", "risk", j))
    if PRE_SERIES in sched.needs:
        out.append((f"waiting for {' + '.join(sched.needs[PRE_SERIES])} (pre-series)",
                    "pre_series", len(PHASES) - 1))
    return out


def driver_names(sc: Scenario, name: str) -> list[str]:
    """The drivers' labels (the columns of :attr:`ScheduleBatch.drivers`)."""
    return [label for label, _, _ in driver_specs(sc, name)]


def run_engine(plan: Plan, engine: Engine = "fast") -> Timeline:
    return run_simpy(plan) if engine == "simpy" else run_fast(plan)


def _column(plan: Plan, tl: Timeline, p: int, kind: Kind, j: int) -> np.ndarray:
    if kind == "overrun":
        return tl.length[:, p, j] - plan.planned[:, p, j]
    if kind == "needs":
        return tl.need_wait[:, p, j]
    if kind == "queue":
        return tl.queue_wait[:, p, j]
    if kind == "risk":
        return tl.risk[:, p, j]
    return tl.pre_wait[:, p]


def schedule_batch(sc: Scenario, v: Mapping[str, np.ndarray], engine: Engine = "fast"
                   ) -> ScheduleBatch:
    plan = build_plan(sc, v)
    tl = run_engine(plan, engine)
    out = ScheduleBatch({}, {}, {})
    for p, name in enumerate(plan.names):
        out.launch[name], out.stop[name] = tl.launch[:, p], tl.stop[:, p]
        cols = [_column(plan, tl, p, kind, j) for _, kind, j in driver_specs(sc, name)]
        out.drivers[name] = np.nan_to_num(np.stack(cols, axis=1), nan=0.0)
        if sc.programmes[name].target is not None:
            out.targets[name] = plan.target[:, p]
    return out
