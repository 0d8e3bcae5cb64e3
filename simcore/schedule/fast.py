"""The schedule engine vectorised over draws: FIFO queues without a Python loop per draw.

Every programme is a chain of phases from the one it starts in; a phase starts once
its needs are met and a unit of its resource is free, first come first served.
Within a draw, requests are handled in order of the time they are made (ties, such
as programmes under way asking at month 0, in programme order): each step takes, in
every draw at once, the programme whose next request is earliest, gives it the
resource unit that frees first, and moves it to its next phase. That is the same
queue discipline as SimPy's ``Resource``, and the tests check the two engines draw
for draw (:mod:`simcore.schedule.simpy_model` is the reference).

Industrialisation ends no earlier than its pre-series needs plus ``pre_series``
months (the pre-series builds); the line is held until then.
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
    pre_wait: np.ndarray      # (n, k) months start of production waited for pre-series needs


def empty_timeline(n: int, k: int) -> Timeline:
    return Timeline(np.full((n, k), np.inf), np.full((n, k), np.inf), np.zeros((n, k), bool),
                    np.full((n, k, NPH), np.nan), *(np.zeros((n, k, NPH)) for _ in range(4)),
                    np.zeros((n, k)))


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


def _pre_series(plan: Plan, i: np.ndarray, p: np.ndarray, tooled: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """(end of industrialisation, cancelled) for programmes whose tooling ends at
    ``tooled``: no earlier than the pre-series needs plus ``pre_series``; a need lost at
    the collapse cancels (at the later of ``tooled`` and the collapse) or falls back."""
    gate, fails = plan.ps_gate[i, p], plan.ps_fails[i, p]
    cancel = fails & plan.cancel[p]
    fallback = fails & ~plan.cancel[p]
    gate = np.where(fallback, np.maximum(gate, plan.deal_time[i] + plan.fallback[i, p]), gate)
    end = np.maximum(tooled, gate + plan.pre_series[i, p])
    return np.where(cancel, np.maximum(tooled, plan.deal_time[i]), end), cancel


def _grant(plan: Plan, free: np.ndarray, i: np.ndarray, p: np.ndarray, j: np.ndarray,
           req: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(grant, resource, unit, holds one): when each request gets the resource unit that
    frees first (at once when the phase holds none)."""
    res = plan.uses[p, j]
    held = res >= 0
    unit = np.zeros(len(i), dtype=int)
    grant = req.copy()
    if held.any():
        slots = free[i[held], res[held], :]
        unit[held] = np.argmin(slots, axis=1)
        grant[held] = np.maximum(req[held], slots[np.arange(held.sum()), unit[held]])
    return grant, res, unit, held


def _step(plan: Plan, free: np.ndarray, i: np.ndarray, p: np.ndarray, req: np.ndarray,
          phase: np.ndarray, ready: np.ndarray, out: Timeline) -> None:
    """Serve the requests of programmes ``p`` in draws ``i`` for their next phase."""
    j = phase[i, p]
    grant, res, unit, held = _grant(plan, free, i, p, j, req)
    length = plan.duration[i, p, j] * plan.factor[i, p]
    end = grant + length + plan.risk[i, p, j]
    last = j == NPH - 1
    cancel = np.zeros(len(i), dtype=bool)
    if last.any():
        tooled = end[last]
        end[last], cancel[last] = _pre_series(plan, i[last], p[last], tooled)
        waited = np.isfinite(end[last]) & ~cancel[last]
        out.pre_wait[i[last], p[last]] = np.where(waited, end[last] - tooled, 0.0)
    free[i[held], res[held], unit[held]] = end[held]
    out.begin[i, p, j] = grant
    out.need_wait[i, p, j] = req - ready[i, p]
    out.queue_wait[i, p, j] = grant - req
    out.length[i, p, j] = length
    out.risk[i, p, j] = plan.risk[i, p, j]
    ready[i, p] = end
    phase[i, p] += 1
    done = last & ~cancel
    out.launch[i[done], p[done]] = end[done]
    out.stop[i[last], p[last]] = end[last]
    out.cancelled[i[cancel], p[cancel]] = True


def run_fast(plan: Plan) -> Timeline:
    """The schedule of every draw at once (see the module docstring)."""
    n, k = plan.start.shape
    rows = np.arange(n)
    ready = plan.start.copy()
    phase = np.repeat(plan.first[None, :], n, axis=0).astype(int)
    active = np.ones((n, k), dtype=bool)
    cap = max(plan.capacity, default=1)
    free = np.full((n, max(len(plan.capacity), 1), cap), np.inf)
    for r, c in enumerate(plan.capacity):
        free[:, r, :c] = -np.inf
    out = empty_timeline(n, k)
    while active.any():
        request = _requests(plan, phase, ready, active, out)
        p = np.argmin(request, axis=1)
        live = np.isfinite(request[rows, p])
        if not live.any():
            break
        i, p = rows[live], p[live]
        _step(plan, free, i, p, request[i, p], phase, ready, out)
        active &= phase < NPH
    return out
