"""The schedule as a SimPy model, one environment per draw: the model of record.

Processes are plain generator functions that take what they need and return
their record; they never print (they append to an event log).

* The partner negotiation ends at its time, closing or collapsing.
* Each milestone (and the deal itself, as the milestone ``deal``) is a process
  that returns ``MET`` once its date has come and, if it needs the deal, once the
  deal has closed; ``FAILED`` at a collapse; ``NEVER`` when it needs a deal the
  scenario does not have. A milestone with a partner alternative (``with_deal``)
  is met, in a draw whose talks close, by whichever comes first: its own date or
  the partner's supply after the close; in a draw whose talks collapse, own
  sourcing paused during the talks restarts at the collapse (``after_collapse``).
* The pre-series builds of a programme are a process: they wait for the
  programme's pre-series needs, then take ``pre_series`` months.
* Each programme starts in its first phase (a programme under way at month 0 in
  the phase it stands in) and goes through the rest: it waits for the milestone
  processes its phase needs, queues for the phase's resource, runs the phase
  (scaled by the deal's cycle factor when the programme started after the close)
  and suffers its risk delay; industrialisation then waits for the pre-series
  builds. A failed need cancels the programme, or makes it fall back to its own
  solution some months after the collapse. It returns its record. Requests made
  at the same time are served in programme order.

:mod:`simcore.schedule.fast` computes the same schedule vectorised over draws
from closed forms, and the tests check the two draw for draw.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from simcore.scenario.schedule_spec import DEAL, PHASES
from simcore.schedule.fast import Timeline, empty_timeline
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
              closed: simpy.Event, collapsed: simpy.Event, has_deal: bool, log: Log,
              alternative: tuple[bool, float, float] | None = None):
    """Available at ``at``; if it needs the deal, only once the deal has closed. With an
    ``alternative`` (the draw's talks close, ``with_deal``, ``after_collapse``): see
    :func:`alternatives`."""
    if alternative is not None and has_deal:
        yield from alternatives(env, at, closed, collapsed, *alternative)
        log.append((env.now, name, "milestone met"))
        return MET
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


def alternatives(env: simpy.Environment, at: float, closed: simpy.Event,
                 collapsed: simpy.Event, closes: bool, with_deal: float,
                 after_collapse: float) -> Generator:
    """Wait until the milestone is met. In a draw whose talks close: at its own date or
    when the partner supplies (``with_deal``, not before the close), whichever is first.
    In a draw whose talks collapse, own sourcing was paused during them: it restarts at
    the collapse and takes ``after_collapse`` months, and is not met before its date."""
    own = env.timeout(max(at - env.now, 0.0))
    if closes and np.isfinite(with_deal):
        partner = env.process(_after(env, closed, with_deal))
        yield own | partner
    elif not closes and np.isfinite(after_collapse):
        yield collapsed
        yield env.timeout(max(at, env.now + after_collapse) - env.now)
    else:
        yield own


def _after(env: simpy.Environment, event: simpy.Event, at: float) -> Generator:
    """Done at the later of ``event`` and ``at``."""
    yield event
    if at > env.now:
        yield env.timeout(at - env.now)


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


def pre_series(env: simpy.Environment, plan: Plan, i: int, p: int,
               needs: list[simpy.Process]) -> Generator:
    """The pre-series builds: once the pre-series needs are met (or the fallback is
    ready), ``pre_series`` months of builds. ``FAILED`` at a collapse if the programme
    is cancelled then; ``NEVER`` if a need never comes."""
    got = yield from wait_for(env, needs)
    if got == FAILED and not plan.cancel[p]:
        got = yield from fall_back(env, plan, i, p, needs)
    if got == MET:
        yield env.timeout(plan.pre_series[i, p])
    return got


def new_record() -> dict:
    return {"launch": np.inf, "stop": np.inf, "cancelled": False, "pre_wait": 0.0,
            **{key: np.full(NPH, np.nan if key == "begin" else 0.0)
               for key in ("begin", "need_wait", "queue_wait", "length", "risk")}}


def phase(env: simpy.Environment, plan: Plan, i: int, p: int, j: int, resources: list,
          rec: dict, log: Log, builds: simpy.Process | None = None) -> Generator:
    """Queue for the phase's resource, run the phase and its risk delay; at the end of
    industrialisation, wait for the pre-series ``builds``. Returns ``MET``, ``FAILED``
    (cancelled while waiting for the builds) or ``NEVER`` (the line stays held)."""
    name, requested = plan.names[p], env.now
    res = plan.uses[p, j]
    req = resources[res].request() if res >= 0 else None
    if req is not None:
        yield req
    rec["begin"][j], rec["queue_wait"][j] = env.now, env.now - requested
    log.append((env.now, name, f"{PHASES[j]} starts"))
    rec["length"][j] = plan.duration[i, p, j] * plan.factor[i, p]
    rec["risk"][j] = plan.risk[i, p, j]
    yield env.timeout(rec["length"][j])
    if plan.risk[i, p, j] > 0:
        log.append((env.now, name, f"risk event in {PHASES[j]}: +{plan.risk[i, p, j]:g}"))
        yield env.timeout(plan.risk[i, p, j])
    got = MET
    if builds is not None:
        tooled = env.now
        got = yield builds
        if got == MET and env.now > tooled:
            rec["pre_wait"] = env.now - tooled
            log.append((env.now, name, "pre-series builds done"))
    if req is not None and got != NEVER:
        resources[res].release(req)
    return got


def programme(env: simpy.Environment, plan: Plan, i: int, p: int, resources: list,
              milestones: list[simpy.Process], log: Log,
              builds: simpy.Process | None = None):
    """One programme through its phases, from the one it starts in; returns its record."""
    name, rec = plan.names[p], new_record()
    yield env.timeout(plan.start[i, p] - env.now)
    log.append((env.now, name, "development starts"))
    for j in range(int(plan.first[p]), NPH):
        ph, ready, needs = PHASES[j], env.now, [milestones[m] for m in plan.needs[p][j]]
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
        got = yield from phase(env, plan, i, p, j, resources, rec, log,
                              builds if j == NPH - 1 else None)
        if got == FAILED:
            log.append((env.now, name, "cancelled before pre-series: the deal collapsed"))
            rec["stop"], rec["cancelled"] = env.now, True
            return rec
        if got == NEVER:
            return rec
    log.append((env.now, name, "start of production"))
    rec["launch"] = rec["stop"] = env.now
    return rec


def _first_time(plan: Plan, i: int) -> float:
    """The environment's start: month 0, or earlier if a programme, a milestone or the
    talks' end comes earlier (so each milestone is met at its own time)."""
    times = [plan.start[i], plan.ms_at[i], plan.ms_with[i], plan.deal_time[i:i + 1]]
    finite = [x[np.isfinite(x)] for x in times]
    return min(0.0, *(float(x.min()) for x in finite if x.size))


def simulate_draw(plan: Plan, i: int) -> tuple[list[dict], Log]:
    """Run draw ``i`` of ``plan`` in its own environment; per-programme records and the log."""
    env = simpy.Environment(initial_time=_first_time(plan, i))
    log: Log = []
    resources = [simpy.Resource(env, capacity=c) for c in plan.capacity]
    closed, collapsed = env.event(), env.event()
    has_deal = bool(np.isfinite(plan.deal_time[i]))
    env.process(negotiation(env, plan.deal_time[i], bool(plan.closed[i]), closed, collapsed,
                            log))
    milestones = [env.process(milestone(env, m, float(plan.ms_at[i, c]), bool(plan.ms_deal[c]),
                                        closed, collapsed, has_deal, log, _alternative(plan, i, c)))
                  for c, m in enumerate(plan.milestones)]
    builds = [env.process(pre_series(env, plan, i, p, [milestones[m] for m in needs]))
              if needs else None for p, needs in enumerate(plan.ps_needs)]
    procs = [env.process(programme(env, plan, i, p, resources, milestones, log, builds[p]))
             for p in range(len(plan.names))]
    env.run()
    stuck = [plan.names[p] for p, proc in enumerate(procs) if not proc.triggered]
    if stuck:
        raise RuntimeError(f"programmes {stuck} never finished in draw {i}")
    return [proc.value for proc in procs], log


def _alternative(plan: Plan, i: int, c: int) -> tuple[bool, float, float] | None:
    """(the talks close, with_deal, after_collapse) of milestone ``c``, if it has either."""
    wd, ac = float(plan.ms_with[i, c]), float(plan.ms_after[i, c])
    if not np.isfinite(wd) and not np.isfinite(ac):
        return None
    return bool(plan.closed[i]), wd, ac


def run_simpy(plan: Plan) -> Timeline:
    """Every draw of ``plan`` through SimPy, gathered into a :class:`Timeline`."""
    n, k = plan.start.shape
    out = empty_timeline(n, k)
    for i in range(n):
        recs, _ = simulate_draw(plan, i)
        for p, rec in enumerate(recs):
            out.launch[i, p], out.stop[i, p] = rec["launch"], rec["stop"]
            out.cancelled[i, p], out.pre_wait[i, p] = rec["cancelled"], rec["pre_wait"]
            out.begin[i, p], out.need_wait[i, p] = rec["begin"], rec["need_wait"]
            out.queue_wait[i, p], out.length[i, p] = rec["queue_wait"], rec["length"]
            out.risk[i, p] = rec["risk"]
    return out
