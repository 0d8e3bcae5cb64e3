"""One batch of draws, looked up by what each input is rather than by a built name.

Sampling keys each input's values by its name: the dotted path of its quantity in
the scenario (``financing.asset_sales.amount``), an event's path plus ``.occurs``,
an exchange rate's yearly steps ``fx.<CUR>.shock_<k>``
(:mod:`simcore.uncertainties.inputs`). Those names are the public keys of
``draws.npz``, tornado and Sobol. The model never spells them: it asks for a
quantity of the scenario it runs (``v[fin.amount]``), whether something happens
(``v.happens(fin)``), or an exchange rate's steps (``v.shocks("JPY")``), and
:class:`Draws` finds the name through :class:`Paths`, built once per scenario.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel

from simcore.scenario.model import Scenario
from simcore.scenario.quantity import Quantity
from simcore.uncertainties.inputs import occurs_name, shock_names


class Paths:
    """The dotted path of every part of a scenario (models, and quantities within),
    by the object's identity. It holds the scenario, so the identities stay its own."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self._path: dict[int, str] = {}
        self._walk(scenario, "")
        self.shocks = {cur: [n for n in shock_names(scenario) if n.startswith(f"fx.{cur}.")]
                       for cur in scenario.fx}

    def _walk(self, value: object, path: str) -> None:
        if isinstance(value, BaseModel):
            if id(value) in self._path:
                raise ValueError(f"{path} and {self._path[id(value)]} are one object; "
                                 "each part of a scenario needs its own")
            self._path[id(value)] = path
            for name in type(value).model_fields:
                self._walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._walk(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                self._walk(item, f"{path}.{i}")

    def of(self, part: BaseModel) -> str:
        """The dotted path of ``part``; KeyError if it is not a part of this scenario."""
        try:
            return self._path[id(part)]
        except KeyError:
            raise KeyError(f"a {type(part).__name__} that is not part of scenario "
                           f"{self.scenario.name!r}") from None


class Draws(Mapping[str, np.ndarray]):
    """Each input's values over a batch of draws: a mapping from input name, and a view
    by the scenario's own parts."""

    def __init__(self, paths: Paths, values: Mapping[str, np.ndarray]):
        self.paths, self.values = paths, values

    @classmethod
    def over(cls, scenario: Scenario, values: Mapping[str, np.ndarray]) -> Draws:
        """``values`` as draws of ``scenario`` (as they are, if they already are)."""
        if isinstance(values, Draws) and values.paths.scenario is scenario:
            return values
        raw = values.values if isinstance(values, Draws) else values
        return cls(Paths(scenario), raw)

    @property
    def n(self) -> int:
        """How many draws the batch holds."""
        return len(next(iter(self.values.values())))

    def _name(self, key: str | Quantity) -> str:
        return key if isinstance(key, str) else self.paths.of(key)

    def __getitem__(self, key: str | Quantity) -> np.ndarray:  # type: ignore[override]
        return self.values[self._name(key)]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, Quantity):
            return self._name(key) in self.values
        return key in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def get(self, key: Any, default: Any = None) -> Any:
        """The values of ``key``: ``default`` for None (an optional quantity left out) or
        a name that is not an input; a quantity of the scenario is always one."""
        if key is None:
            return default
        if isinstance(key, str):
            return self.values.get(key, default)
        return self[key]

    def occurs(self, part: BaseModel, attempt: int | None = None) -> np.ndarray:
        """The uniform draw deciding whether ``part`` (a financing, a deal, a risk...)
        happens; ``attempt``: the retry it decides."""
        return self.values[occurs_name(self.paths.of(part), attempt)]

    def happens(self, part: Any) -> np.ndarray:
        """Whether ``part`` happens in each draw: its event draw below its probability."""
        return self.occurs(part) < self[part.probability]

    def shocks(self, currency: str) -> list[np.ndarray]:
        """The yearly standard-normal steps of ``currency``'s exchange rate."""
        return [self.values[name] for name in self.paths.shocks[currency]]
