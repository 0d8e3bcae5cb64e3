"""Experiments as plain data, and the one way every command runs them.

An :class:`Experiment` is a resolved scenario (overrides applied) with its run
settings: it travels to a worker as data, never as a file path, so what a
worker runs is what the caller loaded, whatever the file on disk says now.
:func:`map_experiments` runs a function over experiments through any executor
(in-process, local processes, Dask) and yields results in completion order
with their index; every experiment carries its own seed, so results do not
depend on the executor or the number of workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from simcore.experiments.executors import InProcess
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.scenario.model import Scenario


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the resolved scenario's content (``extends`` and overrides applied)."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Experiment:
    """One run to make: the scenario as data and how to run it."""

    scenario: Scenario
    settings: RunSettings

    @property
    def digest(self) -> str:
        return scenario_digest(self.scenario)


def run_experiment(e: Experiment) -> RunResult:
    """Run one experiment (in any worker)."""
    return run(e.scenario, e.settings)


def map_experiments(fn: Callable[[Any], Any], tasks: Sequence[Any], executor=None
                    ) -> Iterator[tuple[int, Any]]:
    """``fn`` over ``tasks`` on ``executor`` (default: in this process), as
    ``(index, result)`` in completion order."""
    yield from (executor or InProcess()).imap(fn, tasks)
