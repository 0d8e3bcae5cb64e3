"""The schedule's inputs for a batch of draws, as arrays both engines read.

A :class:`Plan` holds, per draw and programme, the development start, the
duration of each phase (its share of the cycle), the time each phase's needs
are met (milestones, the deal) or that they fail because the deal collapsed,
the risk delay in each phase, and the shared resources each phase holds.
Times are months from the timeline's start (negative before it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simcore.scenario.model import Scenario
from simcore.scenario.schedule_spec import DEAL, PHASES
from simcore.timeline import month_index

NPH = len(PHASES)


@dataclass
class Plan:
    names: list[str]            # scheduled programmes, k of them
    start: np.ndarray           # (n, k) development start
    duration: np.ndarray        # (n, k, 4) phase durations before any deal factor
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
    factor: np.ndarray          # (n,) phase-duration factor once the deal has closed
    target: np.ndarray          # (k,) announced start of production
    planned: np.ndarray         # (n, k, 4) phase durations the announced target implies
    milestones: list[str] = field(default_factory=list)   # named milestones, then the deal
    ms_at: np.ndarray | None = None     # (n, M) date each milestone is available by
    ms_deal: np.ndarray | None = None   # (M,) the milestone needs the deal to close
    needs: list[list[list[int]]] = field(default_factory=list)  # [k][4] milestone indices

    @property
    def draws(self) -> int:
        return self.start.shape[0]


def build_plan(sc: Scenario, v: Mapping[str, np.ndarray]) -> Plan:
    """Arrays of the schedule for the draws in ``v`` (input name -> values)."""
    names = sc.scheduled
    n = len(next(iter(v.values())))
    k = len(names)
    resources = list(sc.resources)
    closed, deal_time, factor = _deal(sc, v, n)
    shares = _shares(sc, v, n)
    start = np.empty((n, k))
    duration = np.empty((n, k, NPH))
    risk = np.zeros((n, k, NPH))
    gate = np.full((n, k, NPH), -np.inf)
    fails = np.zeros((n, k, NPH), dtype=bool)
    fallback = np.zeros((n, k))
    uses = np.full((k, NPH), -1)
    target = np.array([month_index(sc.start, sc.programmes[p].target) for p in names], float)
    ms_names = [*sc.milestones, DEAL]
    ms_at = np.stack([v[f"milestones.{m}.at"] for m in sc.milestones] + [deal_time], axis=1)
    ms_deal = np.array([sc.milestones[m].requires_deal for m in sc.milestones] + [True])
    milestones = {m: milestone_gate(ms_at[:, c], bool(ms_deal[c]), closed, deal_time)
                  for c, m in enumerate(ms_names)}
    need_index = [[[ms_names.index(m) for m in sc.programmes[name].schedule.needs.get(ph, [])]
              for ph in PHASES] for name in names]
    for j, name in enumerate(names):
        prog, pre = sc.programmes[name], f"programmes.{name}."
        sched = prog.schedule
        start[:, j] = v[pre + "dev_start"]
        cycle = v[pre + "schedule.cycle"] if sched.cycle is not None else v["development.cycle"]
        duration[:, j, :] = cycle[:, None] * shares
        for r, risk_spec in sched.risks.items():
            rp = f"{pre}schedule.risks.{r}."
            hit = v[rp + "occurs"] < v[rp + "probability"]
            risk[:, j, PHASES.index(risk_spec.phase)] += np.where(hit, v[rp + "delay"], 0.0)
        for phase, needs in sched.needs.items():
            ph = PHASES.index(phase)
            for need in needs:
                when, failed = milestones[need]
                gate[:, j, ph] = np.maximum(gate[:, j, ph], np.where(failed, -np.inf, when))
                fails[:, j, ph] |= failed
        if sched.fallback_delay is not None:
            fallback[:, j] = v[pre + "schedule.fallback_delay"]
        for phase, res in sched.uses.items():
            uses[j, PHASES.index(phase)] = resources.index(res)
    cancel = np.array([sc.programmes[p].schedule.on_collapse == "cancel" for p in names])
    planned = np.maximum(target[None, :] - start, 0.0)[:, :, None] * shares[:, None, :]
    return Plan(names, start, duration, risk, gate, fails, fallback, cancel, uses,
                [sc.resources[r].capacity for r in resources], resources, closed, deal_time,
                factor, target, planned, ms_names, ms_at, ms_deal, need_index)


def _shares(sc: Scenario, v, n: int) -> np.ndarray:
    if sc.development is None:
        return np.full((n, NPH), 1.0 / NPH)
    raw = np.stack([v[f"development.phases.{p}"] for p in PHASES], axis=1)
    return raw / raw.sum(axis=1, keepdims=True)


def _deal(sc: Scenario, v, n: int):
    if sc.deal is None:
        return np.zeros(n, dtype=bool), np.full(n, np.inf), np.ones(n)
    closed = v["deal.occurs"] < v["deal.probability"]
    factor = v["deal.cycle_factor"] if sc.deal.cycle_factor is not None else np.ones(n)
    return closed, v["deal.close"].astype(float), factor


def milestone_gate(at: np.ndarray, requires_deal: bool, closed: np.ndarray,
                   deal_time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time available, fails) of a milestone per draw, in closed form (the fast engine's
    view; the SimPy model runs each milestone as a process instead).

    A milestone that needs the deal is available at the later of its date and the close,
    fails at a collapse, and is never available when there is no deal (``inf``).
    """
    if not requires_deal:
        return at, np.zeros(len(at), dtype=bool)
    no_deal = ~np.isfinite(deal_time)
    when = np.where(closed, np.maximum(at, deal_time), np.inf)
    return when, ~closed & ~no_deal
