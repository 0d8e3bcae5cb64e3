"""Launch schedules per draw, what drove their delays, and their summary.

:func:`schedule_batch` runs the schedule engine on a batch of sampled draws
(``fast``, vectorised, by default; ``simpy``, the reference, on request) and
returns each programme's launch, the time its development spending stops,
and the months each driver added to its delay against the announced target.

A programme's delay is exactly the sum of its drivers: for each phase, its
overrun against the share of the plan the target implies, the wait for its
needs (milestones, the deal), the queue for its resource, and risk delays.
A driver is *on the path* in a draw when it added time there; it is the *main*
driver when it added the most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import PHASES
from simcore.schedule.fast import Timeline, run_fast
from simcore.schedule.plan import Plan, build_plan
from simcore.schedule.simpy_model import run_simpy

Engine = Literal["fast", "simpy"]
TOL = 1e-9


@dataclass
class ScheduleBatch:
    launch: dict[str, np.ndarray]           # programme -> (n,) month; inf if cancelled
    stop: dict[str, np.ndarray]             # programme -> (n,) development spending ends
    drivers: dict[str, np.ndarray]          # programme -> (n, D) months added per driver


def driver_names(sc: Scenario, name: str) -> list[str]:
    """The drivers of one programme's delay, in phase order."""
    sched = sc.programmes[name].schedule
    out = []
    for phase in PHASES:
        out.append(f"{phase} overrun")
        if phase in sched.needs:
            out.append(f"waiting for {' + '.join(sched.needs[phase])} ({phase})")
        if phase in sched.uses:
            out.append(f"queue for {sched.uses[phase]} ({phase})")
        risks = [r for r, spec in sched.risks.items() if spec.phase == phase]
        if risks:
            out.append(f"risk: {', '.join(risks)} ({phase})")
    return out


def run_engine(plan: Plan, engine: Engine = "fast") -> Timeline:
    return run_simpy(plan) if engine == "simpy" else run_fast(plan)


def schedule_batch(sc: Scenario, v: Mapping[str, np.ndarray], engine: Engine = "fast"
                   ) -> ScheduleBatch:
    plan = build_plan(sc, v)
    tl = run_engine(plan, engine)
    launch, stop, drivers = {}, {}, {}
    for p, name in enumerate(plan.names):
        launch[name], stop[name] = tl.launch[:, p], tl.stop[:, p]
        sched = sc.programmes[name].schedule
        cols = []
        for j, phase in enumerate(PHASES):
            cols.append(tl.length[:, p, j] - plan.planned[:, p, j])
            if phase in sched.needs:
                cols.append(tl.need_wait[:, p, j])
            if phase in sched.uses:
                cols.append(tl.queue_wait[:, p, j])
            if any(spec.phase == phase for spec in sched.risks.values()):
                cols.append(tl.risk[:, p, j])
        drivers[name] = np.nan_to_num(np.stack(cols, axis=1), nan=0.0)
    return ScheduleBatch(launch, stop, drivers)
