"""Whole-scenario checks of dates against the timeline, and of correlation pairs.

A financing, a new issue, a maturity, a credit line's end or a programme's launch
dated before the timeline's start falls outside every month the model computes, so it
would be dropped without a word, and a one-off line item (always or on its own event)
would be paid in the first month: each is refused instead. So is a deal's close (the
talks' end) that can fall before the start, which would be moved to the start, and a
scheduled programme's ``dev_start`` before the start (its launch could land before
it): a programme already in development says so with ``schedule.stands``. A
``dev_start`` before the start with a ``launch`` input is fine: it only sets the
monthly rate of spending. A correlation pair given twice would keep only the last:
it is refused too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simcore.scenario.bounded import values_of
from simcore.scenario.plausible import REFERENCE_YEAR, iso

if TYPE_CHECKING:
    from simcore.scenario.model import Scenario
    from simcore.scenario.quantity import Quantity


def check_timing(sc: Scenario) -> None:
    """Raise ValueError (``path: message``) for the first date before the timeline's start."""
    year, month = sc.start
    start = (year - REFERENCE_YEAR) * 12 + month - 1
    dated: list[tuple[str, Quantity | None, str]] = []
    for k, f in sc.financing.items():
        dated.append((f"financing.{k}.at", None if f.on_deal else f.at, "a financing"))
    for k, ins in sc.debt.items():
        dated.append((f"debt.{k}.issue", None if ins.on_deal else ins.issue, "a new issue"))
        dated.append((f"debt.{k}.maturity", ins.maturity, "a maturity"))
    for k, line in sc.credit_lines.items():
        dated.append((f"credit_lines.{k}.maturity", line.maturity, "a credit line's end"))
    for k, item in sc.items.items():   # a flow dated earlier runs from the start: fine
        if item.one_off and item.when in ("always", "event"):
            dated.append((f"items.{k}.start", item.start, "a one-off item"))
    for path, q, what in dated:
        if _before(q, start):
            fate = "paid in the first month" if what == "a one-off item" else "dropped"
            raise ValueError(f"{path}: {_when(q)} {iso(values_of(q)[0])}, before the "
                             f"timeline's start {iso(start)}; {what} before the start would "
                             f"be {fate}: date it inside the timeline, or count it in the "
                             "opening balance")
    close = sc.deal.close if sc.deal is not None else None
    if _before(close, start):
        raise ValueError(f"deal.close: {_when(close)} {iso(values_of(close)[0])}, before the "
                         f"timeline's start {iso(start)}; the talks' end (close or collapse) "
                         "before the start would be moved to the start: date it inside the "
                         "timeline, or write a deal already closed into the scenario itself")
    _check_programmes(sc, start)


def _before(q: Quantity | None, start: float) -> bool:
    return q is not None and q.unit == "date" and values_of(q)[0] < start


def _check_programmes(sc: Scenario, start: float) -> None:
    """A launch before the start, or a scheduled development that starts before it (its
    phases, and so its launch, would run before the first month the model computes)."""
    for k, p in sc.programmes.items():
        sched = p.schedule
        if _before(p.launch, start):
            raise ValueError(f"programmes.{k}.launch: {_when(p.launch)} "
                             f"{iso(values_of(p.launch)[0])}, before the timeline's start "
                             f"{iso(start)}; a launch before the start would fall outside "
                             "every month the model computes: date it inside the timeline, "
                             "or count a programme already on sale in the operations' flows")
        if sched is not None and sched.stands is None and _before(p.dev_start, start):
            raise ValueError(f"programmes.{k}.dev_start: {_when(p.dev_start)} "
                             f"{iso(values_of(p.dev_start)[0])}, before the timeline's start "
                             f"{iso(start)}, so its phases (and launch) would run before the "
                             "start; for a programme already in development drop 'dev_start' "
                             "and give 'schedule.stands' (its phase and the months remaining)")


def _when(q: Quantity) -> str:
    return "is" if q.kind == "fixed" else "can fall on"


def check_pairs(sc: Scenario) -> None:
    """Raise ValueError when a pair of inputs is correlated twice (in either order)."""
    seen: dict[frozenset[str], int] = {}
    for i, c in enumerate(sc.correlations):
        pair = frozenset(c.inputs)
        if pair in seen:
            raise ValueError(f"correlations[{i}].inputs: the pair {c.inputs[0]} ~ "
                             f"{c.inputs[1]} is given twice (first in correlations"
                             f"[{seen[pair]}]); give each pair once")
        seen[pair] = i
