"""Whole-scenario checks of dates against the timeline, and of correlation pairs.

A financing, a new issue, a maturity or a credit line's end dated before the
timeline's start falls outside every month the model computes, so it would be
dropped without a word: it is refused instead. A correlation pair given twice
would keep only the last: it is refused too.
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
    for path, q, what in dated:
        if q is not None and q.unit == "date" and values_of(q)[0] < start:
            raise ValueError(f"{path}: {_when(q)} {iso(values_of(q)[0])}, before the "
                             f"timeline's start {iso(start)}; {what} before the start would "
                             "be dropped: date it inside the timeline, or count it in the "
                             "opening balance")


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
