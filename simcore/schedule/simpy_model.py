"""The schedule as a SimPy model, one environment per draw: the model of record.

Processes are plain generator functions that take what they need and return
their record; they never print (they append to an event log).

* The partner negotiation ends at its time, closing or collapsing.
* Each milestone (and the deal itself, as the milestone ``deal``) is a process
  that returns ``MET`` once its date has come and, if it needs the deal, once the
  deal has closed; ``FAILED`` at a collapse; ``NEVER`` when it needs a deal the
  scenario does not have.
* Each programme goes through its phases: it waits for the milestone processes
  its phase needs, queues for the phase's resource, runs the phase (shortened by
  the deal's cycle factor when it starts after the close) and suffers its risk
  delay. A failed need cancels the programme, or makes it fall back to its own
  solution some months after the collapse. It returns its record.

:mod:`simcore.schedule.fast` computes the same schedule vectorised over draws
from closed forms, and the tests check the two draw for draw.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from simcore.scenario.schedule_spec import DEAL, PHASES
from simcore.schedule.fast import Timeline
from simcore.schedule.plan import NPH, Plan

Log = list[tuple[float, str, str]]
MET, FAILED, NEVER = "met", "failed", "never"


def negotiation(env: simpy.Environment, when: float, closes: bool, closed: simpy.Event,
                collapsed: simpy.Event, log: Log):
    """The partner talks: end at ``when``, closing or collapsing."""
    if not np.isfinite(when):
        return
    yield env.timeout(max(when - env.now, 0.0))
    (closed if closes else collapsed).succeed()
    log.append((env.now, "deal", "closed" if closes else "collapsed"))


def milestone(env: simpy.Environment, name: str, at: float, requires_deal: bool,
              closed: simpy.Event, collapsed: simpy.Event, has_deal: bool, log: Log):
    """Available at ``at``; if it needs the deal, only once the deal has closed."""
    if requires_deal:
        if not has_deal:
            return NEVER
        yield closed | collapsed
        if collapsed.triggered:
            if name != DEAL:
                log.append((env.now, name, "milestone lost: the deal collapsed"))
            return FAILED
    if at > env.now:
        yield env.timeout(at - env.now)
    if name != DEAL:
        log.append((env.now, name, "milestone met"))
    return MET


def wait_for(env: simpy.Environment, needs: list[simpy.Process]) -> Generator:
    """Wait until every need is met (``MET``), one has failed (``FAILED``), or one can
    never be met (``NEVER``)."""
    while True:
        values = [p.value for p in needs if p.triggered]
        if FAILED in values:
            return FAILED
        if NEVER in values:
            return NEVER
        pending = [p for p in needs if not p.triggered]
        if not pending:
            return MET
        yield env.any_of(pending)


def fall_back(env: simpy.Environment, plan: Plan, i: int, p: int,
              needs: list[simpy.Process]) -> Generator:
    """After a failed need: the fallback is ready ``fallback`` months after the collapse,
    and the needs that did not fail must still be met."""
    ready = env.timeout(max(plan.deal_time[i] + plan.fallback[i, p] - env.now, 0.0))
    yield env.all_of([ready, *needs])
    return NEVER if any(n.value == NEVER for n in needs) else MET


def new_record() -> dict:
    return {"launch": np.inf, "stop": np.inf, "cancelled": False,
            **{key: np.full(NPH, np.nan if key == "begin" else 0.0)
               for key in ("begin", "need_wait", "queue_wait", "length", "risk")}}


def phase(env: simpy.Environment, plan: Plan, i: int, p: int, j: int, resources: list,
          rec: dict, log: Log) -> Generator:
    """Queue for the phase's resource, run the phase and its risk delay."""
    name, requested = plan.names[p], env.now
    res = plan.uses[p, j]
    req = resources[res].request() if res >= 0 else None
    if req is not None:
        yield req
    rec["begin"][j], rec["queue_wait"][j] = env.now, env.now - requested
    log.append((env.now, name, f"{PHASES[j]} starts"))
    after = bool(plan.closed[i]) and env.now >= plan.deal_time[i]
    rec["length"][j] = plan.duration[i, p, j] * (plan.factor[i] if after else 1.0)
    rec["risk"][j] = plan.risk[i, p, j]
    yield env.timeout(rec["length"][j])
    if plan.risk[i, p, j] > 0:
        log.append((env.now, name, f"risk event in {PHASES[j]}: +{plan.risk[i, p, j]:g}"))
        yield env.timeout(plan.risk[i, p, j])
    if req is not None:
        resources[res].release(req)


def programme(env: simpy.Environment, plan: Plan, i: int, p: int, resources: list,
              milestones: list[simpy.Process], log: Log):
    """One programme through its phases; returns its record."""
    name, rec = plan.names[p], new_record()
    yield env.timeout(plan.start[i, p] - env.now)
    log.append((env.now, name, "development starts"))
    for j, ph in enumerate(PHASES):
        ready, needs = env.now, [milestones[m] for m in plan.needs[p][j]]
        got = yield from wait_for(env, needs)
        if got == FAILED and plan.cancel[p]:
            log.append((env.now, name, f"cancelled before {ph}: the deal collapsed"))
            rec["stop"], rec["cancelled"] = env.now, True
            return rec
        if got == FAILED:
            got = yield from fall_back(env, plan, i, p, needs)
        if got == NEVER:
            return rec
        if env.now > ready:
            log.append((env.now, name, f"needs for {ph} met"))
        rec["need_wait"][j] = env.now - ready
        yield from phase(env, plan, i, p, j, resources, rec, log)
    log.append((env.now, name, "start of production"))
    rec["launch"] = rec["stop"] = env.now
    return rec


def simulate_draw(plan: Plan, i: int) -> tuple[list[dict], Log]:
    """Run draw ``i`` of ``plan`` in its own environment; per-programme records and the log."""
    t0 = min(0.0, float(plan.start[i].min(initial=0.0)))
    env = simpy.Environment(initial_time=t0)
    log: Log = []
    resources = [simpy.Resource(env, capacity=c) for c in plan.capacity]
    closed, collapsed = env.event(), env.event()
    has_deal = bool(np.isfinite(plan.deal_time[i]))
    env.process(negotiation(env, plan.deal_time[i], bool(plan.closed[i]), closed, collapsed,
                            log))
    milestones = [env.process(milestone(env, m, float(plan.ms_at[i, c]), bool(plan.ms_deal[c]),
                                        closed, collapsed, has_deal, log))
                  for c, m in enumerate(plan.milestones)]
    procs = [env.process(programme(env, plan, i, p, resources, milestones, log))
             for p in range(len(plan.names))]
    env.run()
    stuck = [plan.names[p] for p, proc in enumerate(procs) if not proc.triggered]
    if stuck:
        raise RuntimeError(f"programmes {stuck} never finished in draw {i}")
    return [proc.value for proc in procs], log


def run_simpy(plan: Plan) -> Timeline:
    """Every draw of ``plan`` through SimPy, gathered into a :class:`Timeline`."""
    n, k = plan.start.shape
    out = Timeline(np.full((n, k), np.inf), np.full((n, k), np.inf), np.zeros((n, k), bool),
                   np.full((n, k, NPH), np.nan), *(np.zeros((n, k, NPH)) for _ in range(4)))
    for i in range(n):
        recs, _ = simulate_draw(plan, i)
        for p, rec in enumerate(recs):
            out.launch[i, p], out.stop[i, p] = rec["launch"], rec["stop"]
            out.cancelled[i, p] = rec["cancelled"]
            out.begin[i, p], out.need_wait[i, p] = rec["begin"], rec["need_wait"]
            out.queue_wait[i, p], out.length[i, p] = rec["queue_wait"], rec["length"]
            out.risk[i, p] = rec["risk"]
    return out
