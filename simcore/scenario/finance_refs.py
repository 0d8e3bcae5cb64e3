"""Cross-references of the financial core, checked once the whole scenario is read:
every currency used has a rate, conditions name what exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from simcore.scenario.quantity import Quantity, quantities

if TYPE_CHECKING:
    from simcore.scenario.model import Scenario


def money_quantities(model: BaseModel) -> list[tuple[str, Quantity]]:
    """Every quantity with a currency, with its dotted path."""
    return [(path, q) for path, q in quantities(model) if q.currency is not None]


def check_finance(sc: Scenario) -> None:
    """Raise ValueError naming the first entry that refers to something missing."""
    for cur, fx in sc.fx.items():
        if fx.spot.unit != f"{cur} per USD":
            raise ValueError(f"fx.{cur}.spot: unit must be '{cur} per USD', got "
                             f"'{fx.spot.unit}'")
    for path, q in money_quantities(sc):
        if q.currency != "USD" and q.currency not in sc.fx:
            raise ValueError(f"{path}: in {q.currency}, but the scenario gives no rate; add "
                             f"fx.{q.currency}.spot ('{q.currency} per USD')")
    for k, item in sc.items.items():
        if item.when in ("deal_closes", "deal_collapses") and sc.deal is None:
            raise ValueError(f"items.{k}.when: '{item.when}' but the scenario has no deal")
        if item.when == "launch" and item.programme not in sc.programmes:
            raise ValueError(f"items.{k}.programme: unknown programme '{item.programme}' "
                             f"(programmes: {', '.join(sc.programmes) or 'none'})")
    for k, ins in sc.debt.items():
        if ins.on_deal and sc.deal is None:
            raise ValueError(f"debt.{k}.on_deal: the scenario has no deal")
        if ins.conversion is not None and (sc.value is None or sc.value.shares is None):
            raise ValueError(f"debt.{k}.conversion: needs value.shares (the existing share "
                             "count) to convert into shares")
