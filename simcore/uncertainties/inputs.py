"""The uncertain inputs of a scenario, each named by its dotted path.

An input's name is the path of its quantity in the resolved scenario
(``operations.burn``, ``financing.asset_sales.amount``). Random streams are
keyed by that name, so an input's draws do not depend on what else the
scenario holds, and two options share draws wherever they share a name.
Besides the written quantities, each event that may or may not happen (a
financing that may fail, a deal that may collapse) has an ``event`` input: a
uniform draw compared with its probability.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from simcore.errors import InputError, Problem
from simcore.scenario.model import Scenario
from simcore.scenario.quantity import Quantity, quantities
from simcore.uncertainties import distributions as d

STEP = d.normal(0.0, 1.0)  # a yearly exchange-rate step


@dataclass(frozen=True)
class Input:
    """One random input: its name, distribution and (for written ones) its quantity."""

    name: str
    dist: d.Dist
    quantity: Quantity | None = None

    @property
    def is_event(self) -> bool:
        return self.quantity is None and ".shock_" not in self.name

    @property
    def unit(self) -> str | None:
        """The quantity's unit; ``sd`` for an exchange-rate step; None for an event."""
        if self.quantity is not None:
            return self.quantity.unit
        return None if self.is_event else "sd"

    @property
    def source(self) -> str:
        if self.quantity is None and not self.is_event:
            return "model: standard normal yearly step of the exchange rate"
        if self.quantity is None:
            return "model: uniform draw deciding whether the event happens"
        return self.quantity.source


def shock_names(sc: Scenario) -> list[str]:
    """The standard-normal yearly steps of every exchange rate with a volatility."""
    years = max(1, -(-(sc.timeline.months - 1) // 12))
    return [f"fx.{cur}.shock_{k}" for cur, fx in sc.fx.items() if fx.volatility is not None
            for k in range(1, years + 1)]


def occurs_name(path: str, attempt: int | None = None) -> str:
    """The name of the uniform draw deciding whether the part at ``path`` happens (on
    its ``attempt``-th retry)."""
    return f"{path}.occurs" if attempt is None else f"{path}.occurs_{attempt}"


def event_names(scenario: Scenario) -> list[str]:
    """The uniform event draws the model needs."""
    names = [occurs_name(f"financing.{k}") for k in scenario.financing]
    for k, ins in scenario.debt.items():
        if ins.probability is not None:
            names.append(occurs_name(f"debt.{k}"))
        if ins.retry is not None:
            names += [occurs_name(f"debt.{k}.retry", j) for j in range(1, ins.retry.attempts + 1)]
        if ins.refinance is not None:
            names.append(occurs_name(f"debt.{k}.refinance"))
    names += [occurs_name(f"items.{k}") for k, item in scenario.items.items()
              if item.when == "event"]
    for k, prog in scenario.programmes.items():
        if prog.schedule is not None:
            names += [occurs_name(f"programmes.{k}.schedule.risks.{r}")
                      for r in prog.schedule.risks]
    if scenario.deal is not None:
        names.append(occurs_name("deal"))
    return names


def collect(scenario: Scenario) -> list[Input]:
    """All random inputs of ``scenario``, sorted by name."""
    start = scenario.start
    found = [Input(path, q.to_dist(start), q) for path, q in quantities(scenario)]
    found += [Input(name, d.UNIT_UNIFORM) for name in event_names(scenario)]
    found += [Input(name, STEP) for name in shock_names(scenario)]
    return sorted(found, key=lambda i: i.name)


def fixed_correlated(scenario: Scenario) -> list[tuple[int, int, str]]:
    """``(k, j, name)`` of each input ``correlations[k].inputs[j]`` that the scenario
    fixes. As written with the correlation, a mistake (the pair would be left out); a
    sweep point, an override or an option over a base that holds the input fixed is
    fine: :func:`correlation_matrix` leaves the pair out."""
    known = dict(quantities(scenario))
    return [(k, j, name) for k, corr in enumerate(scenario.correlations)
            for j, name in enumerate(corr.inputs)
            if name in known and known[name].kind == "fixed"]


def correlation_matrix(scenario: Scenario, names: list[str]) -> np.ndarray | None:
    """The target Spearman matrix over ``names`` (None when nothing is correlated).

    A pair with a fixed input (say, one a sweep holds still) has nothing to correlate
    and is left out. Raises :class:`InputError` for an unknown input, or a matrix that
    is not a valid correlation matrix.
    """
    if not scenario.correlations:
        return None
    index = {n: i for i, n in enumerate(names)}
    rho = np.eye(len(names))
    known = dict(quantities(scenario))
    for k, corr in enumerate(scenario.correlations):
        for j, name in enumerate(corr.inputs):
            if name not in index:
                near = difflib.get_close_matches(name, names, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                raise InputError(Problem(f"'{name}' is not an input of this scenario{hint}",
                                         path=f"correlations[{k}].inputs[{j}]"))
        if any(n in known and known[n].kind == "fixed" for n in corr.inputs):
            continue
        a, b = index[corr.inputs[0]], index[corr.inputs[1]]
        rho[a, b] = rho[b, a] = corr.rho
    # the matrix is the identity outside the correlated inputs: its eigenvalues are those
    # of that block and ones, so only the block is decomposed (460 inputs: 0.4 s -> 0)
    block = np.flatnonzero(np.any(rho != np.eye(len(names)), axis=1))
    sub = rho[np.ix_(block, block)]
    eig = np.linalg.eigvalsh(2 * np.sin(np.pi * sub / 6)) if len(block) else np.ones(1)
    if eig.min() <= 1e-10:
        raise InputError(Problem(
            f"the correlations are inconsistent (the matrix is not positive definite: smallest "
            f"eigenvalue {eig.min():.3g}); weaken some of them", path="correlations"))
    return rho
