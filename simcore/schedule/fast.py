"""The schedule engine vectorised over draws: FIFO queues without a Python loop per draw.

Every programme is a chain of phases; a phase starts once its needs are met
and a unit of its resource is free, first come first served. Within a draw,
requests are handled in order of the time they are made: each step takes, in
every draw at once, the programme whose next request is earliest, gives it the
resource unit that frees first, and moves it to its next phase. That is the
same queue discipline as SimPy's ``Resource``, and the tests check the two
engines draw for draw (:mod:`simcore.schedule.simpy_model` is the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcore.schedule.plan import NPH, Plan


@dataclass
class Timeline:
    """What happened to each programme in each draw; (n, k) or (n, k, 4) arrays."""

    launch: np.ndarray        # (n, k) start of production; inf if cancelled
    stop: np.ndarray          # (n, k) when development spending stops (launch or cancel)
    cancelled: np.ndarray     # (n, k)
    begin: np.ndarray         # (n, k, 4) when each phase started (NaN if never)
    need_wait: np.ndarray     # (n, k, 4) months waiting for milestones or the deal
    queue_wait: np.ndarray    # (n, k, 4) months waiting for a resource
    length: np.ndarray        # (n, k, 4) phase length without risk delays (deal factor in)
    risk: np.ndarray          # (n, k, 4) risk delay suffered in the phase


def _requests(plan: Plan, phase: np.ndarray, ready: np.ndarray, active: np.ndarray,
              out: Timeline) -> np.ndarray:
    """When each active programme asks for its next phase (inf: not active, or its need
    never comes). A need lost to the collapse cancels the programme (recorded in ``out``
    and ``active``) or moves its gate to the fallback."""
    ph = np.minimum(phase, NPH - 1)
    gate = np.take_along_axis(plan.gate, ph[:, :, None], 2)[:, :, 0]
    fails = np.take_along_axis(plan.fails, ph[:, :, None], 2)[:, :, 0] & active
    cancel_now = fails & plan.cancel[None, :]
    fallback = fails & ~plan.cancel[None, :]
    gate = np.where(fallback, np.maximum(gate, plan.deal_time[:, None] + plan.fallback), gate)
    if cancel_now.any():  # stops when it reaches the need, or at the collapse if later
        stop = np.maximum(ready, plan.deal_time[:, None])
        out.stop = np.where(cancel_now, stop, out.stop)
        out.cancelled |= cancel_now
        active &= ~cancel_now
    return np.where(active, np.maximum(ready, gate), np.inf)


def run_fast(plan: Plan) -> Timeline:
    """The schedule of every draw at once (see the module docstring)."""
    n, k = plan.start.shape
    rows = np.arange(n)
    ready = plan.start.copy()
    phase = np.zeros((n, k), dtype=int)
    active = np.ones((n, k), dtype=bool)
    cap = max(plan.capacity, default=1)
    free = np.full((n, max(len(plan.capacity), 1), cap), np.inf)
    for r, c in enumerate(plan.capacity):
        free[:, r, :c] = -np.inf
    out = Timeline(np.full((n, k), np.inf), np.full((n, k), np.inf), np.zeros((n, k), bool),
                   *(np.full((n, k, NPH), np.nan) for _ in range(2)),
                   *(np.zeros((n, k, NPH)) for _ in range(3)))
    out.need_wait[:] = 0.0
    while active.any():
        request = _requests(plan, phase, ready, active, out)
        p = np.argmin(request, axis=1)
        live = np.isfinite(request[rows, p])
        if not live.any():
            break
        i, p = rows[live], p[live]
        req, j = request[i, p], phase[i, p]
        res = plan.uses[p, j]
        held = res >= 0
        unit = np.zeros(len(i), dtype=int)
        grant = req.copy()
        if held.any():
            slots = free[i[held], res[held], :]
            unit[held] = np.argmin(slots, axis=1)
            grant[held] = np.maximum(req[held], slots[np.arange(held.sum()), unit[held]])
        after = plan.closed[i] & (grant >= plan.deal_time[i])
        length = plan.duration[i, p, j] * np.where(after, plan.factor[i], 1.0)
        end = grant + length + plan.risk[i, p, j]
        if held.any():
            free[i[held], res[held], unit[held]] = end[held]
        out.begin[i, p, j] = grant
        out.need_wait[i, p, j] = req - ready[i, p]
        out.queue_wait[i, p, j] = grant - req
        out.length[i, p, j] = length
        out.risk[i, p, j] = plan.risk[i, p, j]
        ready[i, p] = end
        phase[i, p] += 1
        done = phase[i, p] == NPH
        out.launch[i[done], p[done]] = end[done]
        out.stop[i[done], p[done]] = end[done]
        active[i[done], p[done]] = False
    return out
