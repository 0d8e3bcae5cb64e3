"""The schedule's inputs for a batch of draws, as arrays both engines read.

A :class:`Plan` holds, per draw and programme, the development start, the phase it
starts in, the duration of each phase (its share of the cycle, or of the months
``remaining`` for a programme under way), the deal's factor on those durations, the
time each phase's needs are met (milestones, the deal) or that they fail because the
deal collapsed, the pre-series gate, the risk delay in each phase, and the shared
resources each phase holds. Times are months from the timeline's start (negative
before it).

A programme under way (``schedule.stands``) starts at month 0 in its phase; the
phases before it have no duration, resource, needs or risks. The deal's
``cycle_factor`` scales a programme's phases only when its development starts on or
after the close (a partner platform helps new programmes, not those mid-way), and
never a programme under way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import PHASES, PRE_SERIES, Schedule
from simcore.schedule.gates import Milestones, combine, milestone_table
from simcore.schedule.targets import cycle_months, dev_start, target_sop
from simcore.uncertainties.draws import Draws

NPH = len(PHASES)


@dataclass
class Plan:
    names: list[str]            # scheduled programmes, k of them
    start: np.ndarray           # (n, k) development start (0 for a programme under way)
    first: np.ndarray           # (k,) index of the phase each programme starts in
    duration: np.ndarray        # (n, k, 4) phase durations before any deal factor
    factor: np.ndarray          # (n, k) factor on the durations (cycle_factor or 1)
    risk: np.ndarray            # (n, k, 4) risk delay added to each phase
    gate: np.ndarray            # (n, k, 4) time the phase's needs are met (-inf: none)
    fails: np.ndarray           # (n, k, 4) a need fails because the deal collapsed
    fallback: np.ndarray        # (n, k) months after the collapse a fallback is ready
    cancel: np.ndarray          # (k,) on_collapse is cancel
    uses: np.ndarray            # (k, 4) resource index held by each phase, -1 for none
    capacity: list[int]         # per resource
    resources: list[str]
    closed: np.ndarray          # (n,) the deal closes
    deal_time: np.ndarray       # (n,) when the talks end (close or collapse); inf: no deal
    target: np.ndarray          # (n, k) latest on-time start of production; NaN: no target
    planned: np.ndarray         # (n, k, 4) phase durations the target implies (no target:
                                # the nominal durations)
    pre_series: np.ndarray      # (n, k) months of pre-series builds (0: none)
    ps_gate: np.ndarray         # (n, k) time the pre-series needs are met (-inf: none)
    ps_fails: np.ndarray        # (n, k) a pre-series need fails because the deal collapsed
    milestones: list[str] = field(default_factory=list)   # named milestones, then the deal
    ms_at: np.ndarray | None = None     # (n, M) date each milestone is available by
    ms_deal: np.ndarray | None = None   # (M,) the milestone needs the deal to close
    ms_with: np.ndarray | None = None   # (n, M) partner's supply on a close (inf: none)
    ms_after: np.ndarray | None = None  # (n, M) re-sourcing after a collapse (NaN: none)
    needs: list[list[list[int]]] = field(default_factory=list)  # [k][4] milestone indices
    ps_needs: list[list[int]] = field(default_factory=list)     # [k] pre-series needs

    @property
    def draws(self) -> int:
        return self.start.shape[0]


def _empty(names: list[str], n: int, sc: Scenario, closed, deal_time,
           ms: Milestones) -> Plan:
    k = len(names)
    resources = list(sc.resources)
    return Plan(
        names, np.empty((n, k)), np.zeros(k, dtype=int), np.zeros((n, k, NPH)),
        np.ones((n, k)), np.zeros((n, k, NPH)), np.full((n, k, NPH), -np.inf),
        np.zeros((n, k, NPH), dtype=bool), np.zeros((n, k)),
        np.array([sc.programmes[p].schedule.on_collapse == "cancel" for p in names],
                 dtype=bool).reshape(k), np.full((k, NPH), -1),
        [sc.resources[r].capacity for r in resources], resources, closed, deal_time,
        np.full((n, k), np.nan), np.zeros((n, k, NPH)), np.zeros((n, k)),
        np.full((n, k), -np.inf), np.zeros((n, k), dtype=bool), ms.names, ms.at,
        ms.requires_deal, ms.with_deal, ms.after_collapse)


def build_plan(sc: Scenario, v: Mapping[str, np.ndarray]) -> Plan:
    """Arrays of the schedule for the draws in ``v`` (input name -> values)."""
    names = sc.scheduled
    v = Draws.over(sc, v)
    n = v.n
    closed, deal_time, factor = _deal(sc, v, n)
    shares = _shares(sc, v, n)
    ms = milestone_table(sc, v, closed, deal_time)
    plan = _empty(names, n, sc, closed, deal_time, ms)
    for j, name in enumerate(names):
        sched = sc.programmes[name].schedule
        plan.start[:, j] = dev_start(sc, name, v)
        plan.first[j] = first = sched.first_phase
        own = _phase_shares(shares, first)
        plan.duration[:, j, :] = cycle_months(sc, name, v)[:, None] * own
        if sched.stands is None:   # a programme under way never gets the partner's factor
            new = closed & (plan.start[:, j] >= deal_time)
            plan.factor[:, j] = np.where(new, factor, 1.0)
        _needs(plan, sched, j, ms)
        _risks(plan, sched, v, j)
        target = target_sop(sc, name, v)
        if target is None:
            plan.planned[:, j, :] = plan.duration[:, j, :]
        else:
            plan.target[:, j] = target
            plan.planned[:, j, :] = np.maximum(target - plan.start[:, j], 0.0)[:, None] * own
    return plan


def _phase_shares(shares: np.ndarray, first: int) -> np.ndarray:
    """The phases' shares from phase ``first`` on, renormalised (none before it)."""
    if first == 0:
        return shares
    own = shares.copy()
    own[:, :first] = 0.0
    total = own.sum(axis=1, keepdims=True)
    only = np.zeros_like(own)
    only[:, first] = 1.0          # no share left: the current phase takes it all
    return np.where(total > 0, own / np.where(total > 0, total, 1.0), only)


def _needs(plan: Plan, sched: Schedule, j: int, ms: Milestones) -> None:
    """Needs (of phases and of the pre-series builds) and resources of programme ``j``;
    phases a programme under way has passed have none."""
    first = sched.first_phase
    needs: list[list[int]] = [[] for _ in PHASES]
    for key, names in sched.needs.items():
        gate, fails = combine(ms, names)
        if key == PRE_SERIES:
            plan.ps_gate[:, j], plan.ps_fails[:, j] = gate, fails
        elif PHASES.index(key) >= first:
            ph = PHASES.index(key)
            plan.gate[:, j, ph], plan.fails[:, j, ph] = gate, fails
            needs[ph] = [ms.names.index(m) for m in names]
    plan.needs.append(needs)
    plan.ps_needs.append([ms.names.index(m) for m in sched.needs.get(PRE_SERIES, [])])
    for phase, res in sched.uses.items():
        if PHASES.index(phase) >= first:
            plan.uses[j, PHASES.index(phase)] = plan.resources.index(res)


def _risks(plan: Plan, sched: Schedule, v: Draws, j: int) -> None:
    """Risk delays, fallback and pre-series months of programme ``j``."""
    for spec in sched.risks.values():
        ph = PHASES.index(spec.phase)
        if ph < sched.first_phase:
            continue   # a phase already passed at the start
        plan.risk[:, j, ph] += np.where(v.happens(spec), v[spec.delay], 0.0)
    if sched.fallback_delay is not None:
        plan.fallback[:, j] = v[sched.fallback_delay]
    if sched.pre_series is not None:
        plan.pre_series[:, j] = v[sched.pre_series]


def _shares(sc: Scenario, v: Draws, n: int) -> np.ndarray:
    if sc.development is None:
        return np.full((n, NPH), 1.0 / NPH)
    phases = sc.development.phases
    raw = np.stack([v[getattr(phases, p)] for p in PHASES], axis=1)
    return raw / raw.sum(axis=1, keepdims=True)


def _deal(sc: Scenario, v: Draws, n: int):
    if sc.deal is None:
        return np.zeros(n, dtype=bool), np.full(n, np.inf), np.ones(n)
    factor = v.get(sc.deal.cycle_factor, np.ones(n))
    return v.happens(sc.deal), v[sc.deal.close].astype(float), factor
