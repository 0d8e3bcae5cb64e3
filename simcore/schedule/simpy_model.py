"""The schedule as a SimPy model, one environment per draw: the model of record.

The partner negotiation is a process that ends at its time, closing or
collapsing; each milestone is a process that succeeds once its date has come
(and, if it needs the deal, once the deal has closed) or fails with the
collapse; each programme is a process through its phases that waits for its
needs, queues for its resources and suffers its risk delays. Processes are
plain generator functions that take what they need and return data; they
never print. :mod:`simcore.schedule.fast` is checked against this draw for draw.
"""

from __future__ import annotations

import numpy as np
import simpy

from simcore.scenario.schedule_spec import PHASES
from simcore.schedule.fast import Timeline
from simcore.schedule.plan import NPH, Plan

Log = list[tuple[float, str, str]]


def negotiation(env: simpy.Environment, when: float, closes: bool, closed: simpy.Event,
                collapsed: simpy.Event, log: Log):
    """The partner talks: end at ``when``, closing or collapsing."""
    if not np.isfinite(when):
        return
    yield env.timeout(max(when - env.now, 0.0))
    (closed if closes else collapsed).succeed()
    log.append((env.now, "deal", "closed" if closes else "collapsed"))


def programme(env: simpy.Environment, plan: Plan, i: int, p: int, resources: list,
              closed: simpy.Event, collapsed: simpy.Event, log: Log, rec: dict):
    """One programme through its phases; fills ``rec`` with what happened."""
    name = plan.names[p]
    yield env.timeout(plan.start[i, p] - env.now)
    log.append((env.now, name, "development starts"))
    for j, phase in enumerate(PHASES):
        ready = env.now
        gate = plan.gate[i, p, j]
        if plan.fails[i, p, j]:
            if not collapsed.triggered:
                yield collapsed
            if plan.cancel[p]:
                log.append((env.now, name, f"cancelled before {phase}: the deal collapsed"))
                rec["stop"], rec["cancelled"] = env.now, True
                return
            gate = max(gate, plan.deal_time[i] + plan.fallback[i, p])
        if gate > env.now:
            yield env.timeout(gate - env.now)
            log.append((env.now, name, f"needs for {phase} met"))
        requested = env.now
        res = plan.uses[p, j]
        req = None
        if res >= 0:
            req = resources[res].request()
            yield req
        rec["begin"][j], rec["need_wait"][j] = env.now, requested - ready
        rec["queue_wait"][j] = env.now - requested
        log.append((env.now, name, f"{phase} starts"))
        after = bool(plan.closed[i]) and env.now >= plan.deal_time[i]
        length = plan.duration[i, p, j] * (plan.factor[i] if after else 1.0)
        rec["length"][j], rec["risk"][j] = length, plan.risk[i, p, j]
        yield env.timeout(length)
        if plan.risk[i, p, j] > 0:
            log.append((env.now, name, f"risk event in {phase}: +{plan.risk[i, p, j]:g}"))
            yield env.timeout(plan.risk[i, p, j])
        if req is not None:
            resources[res].release(req)
    log.append((env.now, name, "start of production"))
    rec["launch"] = rec["stop"] = env.now


def simulate_draw(plan: Plan, i: int) -> tuple[list[dict], Log]:
    """Run draw ``i`` of ``plan`` in its own environment; per-programme records and the log."""
    t0 = min(0.0, float(plan.start[i].min(initial=0.0)))
    env = simpy.Environment(initial_time=t0)
    log: Log = []
    resources = [simpy.Resource(env, capacity=c) for c in plan.capacity]
    closed, collapsed = env.event(), env.event()
    env.process(negotiation(env, plan.deal_time[i], bool(plan.closed[i]), closed, collapsed,
                            log))
    recs = []
    for p in range(len(plan.names)):
        rec = {"launch": np.inf, "stop": np.inf, "cancelled": False,
               **{key: np.full(NPH, np.nan if key == "begin" else 0.0)
                  for key in ("begin", "need_wait", "queue_wait", "length", "risk")}}
        recs.append(rec)
        env.process(programme(env, plan, i, p, resources, closed, collapsed, log, rec))
    env.run()
    return recs, log


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
