"""A run larger than memory: every chunk's results go to disk, analysis reads a column
at a time.

:func:`run_to_disk` walks the same chunks as :func:`simcore.experiments.runner.run`
(same draws, same numbers), but instead of keeping the (draws, months) arrays it
writes, per chunk, what the summary and the output files read: every outcome at
the run's floor, cash in each month, liquidity at each fiscal year's end, the floor
in the report currency, the bridge's components, the launches with their targets
and drivers, and with ``keep_inputs`` every input. :class:`StoredRun` answers the
accessors analysis uses (:mod:`simcore.experiments.result`) by reading one column
from the file (:class:`simcore.experiments.store.DrawFile`), so percentiles stay
exact while memory holds a chunk's working set and a column or two: a few bytes per
draw instead of kilobytes.

A stored run is analysed at the floor it ran with: another floor, the monthly
paths and the per-draw table need a run kept in memory (``store="memory"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from simcore.errors import InputError, Problem
from simcore.experiments.memory import check_stream_fits
from simcore.experiments.result import RunResult
from simcore.experiments.runner import Plan, _Buffers
from simcore.experiments.settings import RunSettings
from simcore.experiments.store import DrawFile, check_space
from simcore.outcomes.registry import Outcome, Thresholds, floor_path, outcomes_for
from simcore.scenario.model import Scenario
from simcore.uncertainties import inputs as inputs_mod
from simcore.uncertainties.sampling import replicate_bounds


def run_to_disk(scenario: Scenario, settings: RunSettings,
                progress: Callable[[int], None] | None = None) -> StoredRun:
    """Simulate ``scenario`` keeping its per-draw results on disk (see the module)."""
    s = settings
    check_stream_fits(scenario, s.draws, s.chunk)                         # before computing
    plan = Plan.make(scenario, s)
    check_space(s.draws * _bytes_per_draw(scenario, s))
    file = DrawFile(s.draws)
    try:
        layout = None
        for start, stop, parts in plan.chunks():
            chunk = _chunk_result(plan, stop - start, parts)
            layout = layout or Layout.of(chunk)
            layout.write(file, start, chunk)
            if progress:
                progress(stop)
        return StoredRun(scenario, s, plan.found, plan.fy_list,
                         [int((plan.fys == y).sum()) for y in plan.fy_list],
                         plan.achieved(), layout, file)
    except BaseException:
        file.close()
        raise


def _chunk_result(plan: Plan, n: int, parts: tuple) -> RunResult:
    buf = _Buffers(n, plan)
    buf.store(0, n, *parts)
    return buf.result([])


def _bytes_per_draw(scenario: Scenario, s: RunSettings) -> int:
    """Disk bytes per draw: the columns a one-draw pilot writes."""
    pilot = Plan.make(scenario, s.model_copy(update={"draws": 1, "chunk": 1}))
    file = DrawFile(1)
    try:
        for _, _, parts in pilot.chunks():
            chunk = _chunk_result(pilot, 1, parts)
            Layout.of(chunk).write(file, 0, chunk)
        return file.reserved_bytes
    finally:
        file.close()


@dataclass
class Layout:
    """What a stored run holds, read off its first chunk."""

    outcomes: list[Outcome]
    months: int
    fy_end: list[int]
    floor_paths: bool                  # the floor moves with an exchange rate
    bridge: list[str]
    launches: list[str]
    targets: list[str]
    drivers: dict[str, int]            # programme -> driver columns
    has_deal: bool
    has_dilution: bool
    inputs: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, r: RunResult) -> Layout:
        f = r.finance
        return cls(outcomes_for(r), r.months, list(f.fy_end), f.floor_fx is not None,
                   list(f.bridge), list(r.launches), list(r.targets),
                   {k: d.shape[1] for k, d in r.drivers.items()},
                   r.deal_closed is not None, r.dilution is not None, list(r.values))

    def write(self, file: DrawFile, a: int, r: RunResult) -> None:
        """Chunk ``r``'s columns at rows ``a:``, outcomes at the run's floor."""
        t = Thresholds(r.settings.floor)
        for o in self.outcomes:
            file.write(f"o:{o.name}", a, o.values(r, t))
        for m in range(self.months):
            file.write(f"cash.{m}", a, r.cash[:, m])
        for m in self.fy_end:
            file.write(f"liquidity.{m}", a, r.liquidity[:, m])
        if self.floor_paths:
            path = floor_path(r, t)
            for m in range(self.months):
                file.write(f"floor.{m}", a, path[:, m])
        for j in range(len(r.fy)):
            file.write(f"fcf.{j}", a, r.fcf_fy[:, j])
        self._write_vectors(file, a, r)

    def _write_vectors(self, file: DrawFile, a: int, r: RunResult) -> None:
        file.write("floor_draws", a, r.floor_draws)
        file.write("opening", a, r.finance.opening)
        for k in self.bridge:
            file.write(f"bridge.{k}", a, r.finance.bridge[k])
        if self.has_deal:
            file.write("deal_closed", a, r.deal_closed)
        if self.has_dilution:
            file.write("dilution", a, r.dilution)
        for k in self.launches:
            file.write(f"launch.{k}", a, r.launches[k])
        for k in self.targets:
            file.write(f"target.{k}", a, r.targets[k])
        for k, width in self.drivers.items():
            for c in range(width):
                file.write(f"driver.{k}.{c}", a, r.drivers[k][:, c])
        for k in self.inputs:
            file.write(f"input:{k}", a, r.values[k])


class Columns(Mapping):
    """Named per-draw arrays read from the file on each access (never cached), so only
    the ones in use are in memory. ``width``: columns per key, read as (draws, width)."""

    def __init__(self, file: DrawFile, prefix: str, keys: Sequence[str],
                 width: Mapping[str, int] | None = None):
        self._file, self._prefix, self._keys, self._width = file, prefix, list(keys), width

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._keys:
            raise KeyError(key)
        name = f"{self._prefix}{key}"
        if self._width is None:
            return self._file.read(name)
        cols = self._width[key]
        first = self._file.read(f"{name}.0")
        out = np.empty((len(first), cols), first.dtype)
        out[:, 0] = first
        for c in range(1, cols):
            out[:, c] = self._file.read(f"{name}.{c}")
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class OutcomeColumns(Mapping):
    """Outcome name -> (outcome, its per-draw values), read when asked for."""

    def __init__(self, file: DrawFile, outcomes: list[Outcome]):
        self._file, self._by_name = file, {o.name: o for o in outcomes}

    def __getitem__(self, name: str) -> tuple[Outcome, np.ndarray]:
        return self._by_name[name], self._file.read(f"o:{name}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


@dataclass
class StoredFinance:
    """The parts of :class:`simcore.experiments.result.Finance` analysis reads."""

    file: DrawFile
    fy_end: list[int]
    bridge: Columns

    @property
    def opening(self) -> np.ndarray:
        return self.file.read("opening")


@dataclass
class StoredRun:
    """A run whose per-draw results are on disk (see the module); :meth:`close` frees
    the disk, as does garbage collection."""

    scenario: Scenario
    settings: RunSettings
    inputs: list[inputs_mod.Input]
    fy: list[int]
    fy_months: list[int]
    correlations: list[dict]
    layout: Layout
    file: DrawFile

    def __post_init__(self) -> None:
        lay, f = self.layout, self.file
        self.launches = Columns(f, "launch.", lay.launches)
        self.targets = Columns(f, "target.", lay.targets)
        self.drivers = Columns(f, "driver.", list(lay.drivers), lay.drivers)
        self.values = Columns(f, "input:", lay.inputs)
        self.finance = StoredFinance(f, lay.fy_end, Columns(f, "bridge.", lay.bridge))

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def draws(self) -> int:
        return self.settings.draws

    @property
    def replicates(self) -> np.ndarray:
        return replicate_bounds(self.draws)

    @property
    def months(self) -> int:
        return self.layout.months

    @property
    def fy_end(self) -> list[int]:
        return self.layout.fy_end

    @property
    def floor_draws(self) -> np.ndarray:
        return self.file.read("floor_draws")

    @property
    def deal_closed(self) -> np.ndarray | None:
        return self.file.read("deal_closed") if self.layout.has_deal else None

    @property
    def dilution(self) -> np.ndarray | None:
        return self.file.read("dilution") if self.layout.has_dilution else None

    def cash_at(self, t: int) -> np.ndarray:
        return self.file.read(f"cash.{t % self.months}")

    def liquidity_at(self, t: int) -> np.ndarray:
        return self.file.read(f"liquidity.{t % self.months}")

    def fcf_at(self, j: int) -> np.ndarray:
        return self.file.read(f"fcf.{j}")

    def cash_fan(self, ps: Sequence[float]) -> np.ndarray:
        out = np.empty((len(ps), self.months))
        for t in range(self.months):
            out[:, t] = np.percentile(self.cash_at(t), ps)
        return out

    def floor_block(self, thresholds: Thresholds, months: slice) -> np.ndarray:
        self._check(thresholds)
        ts = range(*months.indices(self.months))
        if not self.layout.floor_paths:
            return np.broadcast_to(self.floor_draws[:, None], (self.draws, len(ts)))
        out = np.empty((self.draws, len(ts)))
        for i, t in enumerate(ts):
            out[:, i] = self.file.read(f"floor.{t}")
        return out

    def outcome(self, name: str, thresholds: Thresholds | None = None) -> np.ndarray:
        return self.outcome_values(thresholds)[name][1]

    def outcome_values(self, thresholds: Thresholds | None = None) -> OutcomeColumns:
        self._check(thresholds)
        return OutcomeColumns(self.file, self.layout.outcomes)

    def outcomes(self, thresholds: Thresholds | None = None) -> Mapping[str, np.ndarray]:
        values = self.outcome_values(thresholds)
        return Columns(self.file, "o:", list(values))

    def close(self) -> None:
        self.file.close()

    def _check(self, thresholds: Thresholds | None) -> None:
        if thresholds is not None and thresholds.floor != self.settings.floor:
            raise InputError(Problem(
                f"a run of {self.draws:,} draws kept on disk is analysed at the floor it "
                "ran with; run again with this floor (--floor), or keep the draws in "
                "memory (store='memory') to re-analyse", path="--floor"))
