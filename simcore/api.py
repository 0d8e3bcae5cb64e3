"""The Python entry points: load a scenario, simulate it, summarise it.

>>> from simcore.api import simulate
>>> result = simulate("scenarios/standalone.yaml", draws=2000, seed=1)  # doctest: +SKIP
>>> result.summary["cash"]["min"]["p50"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcore.loader import Loaded, load_scenario
from simcore.runner import RunResult, RunSettings, run
from simcore.summary import summarise


@dataclass
class Simulation:
    """A finished run: the loaded scenario, per-draw results and the summary."""

    loaded: Loaded
    result: RunResult
    summary: dict

    def to_dict(self) -> dict:
        return self.summary


def simulate(scenario: str | Path | Loaded, settings: RunSettings | None = None, *,
             progress: Callable[[int], None] | None = None, **options) -> Simulation:
    """Load (if given a path) and run a scenario; ``options`` are RunSettings fields."""
    loaded = scenario if isinstance(scenario, Loaded) else load_scenario(scenario)
    settings = settings or RunSettings(**options)
    result = run(loaded.scenario, settings, progress=progress)
    summary = summarise(result, digest=loaded.digest, file=str(loaded.file))
    return Simulation(loaded, result, summary)
