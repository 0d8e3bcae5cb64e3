"""One-at-a-time and grid sweeps: each point is the scenario with some values set.

Every point runs with the same seed, so points differ only by the values swept
(common random numbers). Points run through an executor; with an output folder
each finished point is written at once to ``points/``, so a rerun with
``resume`` skips the points already done and ends with the same result. A point
is reused only if it was computed from the same resolved scenario (its SHA-256)
and settings; a changed scenario is recomputed. A grid has at most
:data:`MAX_POINTS` points and :data:`MAX_DRAWS` draws in all.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.experiments.tasks import map_experiments, scenario_digest
from simcore.outcomes import stats
from simcore.outcomes.registry import Thresholds, outcomes_for
from simcore.outputs.folders import write_atomic, write_marker, writing
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.scenario.overrides import Value, once_each, shown, with_overrides
from simcore.scenario.yamlio import read_text

FILES = ["points", "sweep.json", "sweep.csv", "tornado.png"]   # what a sweep writes in --out
MAX_POINTS = 10_000
"""Grid points one sweep may have (the product of the values of each swept path)."""
MAX_DRAWS = 1_000_000_000
"""Draws one sweep may run in all (points x draws per point): about a day on one core."""


def check_grid(counts: list[int], draws: int) -> int:
    """The number of grid points for ``counts`` values per swept path; refused (one line,
    before anything is made or computed) over :data:`MAX_POINTS`, or when points x
    ``draws`` passes :data:`MAX_DRAWS`."""
    points = math.prod(counts)
    if points > MAX_POINTS:
        shape = " x ".join(f"{c:,}" for c in counts)
        raise InputError(Problem(f"the grid has {points:,} points ({shape} values); at most "
                                 f"{MAX_POINTS:,} in one sweep: give fewer values, or sweep "
                                 "in parts", path="--param"))
    if points * draws > MAX_DRAWS:
        raise InputError(Problem(f"{points:,} points x {draws:,} draws is "
                                 f"{points * draws:,} draws; at most {MAX_DRAWS:,} in one "
                                 "sweep: give fewer points or --draws", path="--param"))
    return points


def headline(res: RunResult, thresholds: Thresholds | None = None) -> dict:
    """Every registered outcome of one run as flat statistics: what a sweep point holds
    (see :func:`simcore.outcomes.stats.headline` for the keys)."""
    out: dict = {}
    for o in outcomes_for(res):
        out.update(stats.headline(o, o.values(res, thresholds), res.scenario.start))
    return out


@dataclass(frozen=True)
class PointTask:
    """One sweep point, as sent to a worker: the scenario as data, with the point's
    values already set, and the run settings."""

    scenario: Scenario
    params: tuple[tuple[str, Value], ...]
    settings: dict
    metric: str | None = None


def evaluate_point(task: PointTask) -> dict:
    """Run one point and return its params and headline metrics (runs in any worker)."""
    res = run(task.scenario, RunSettings(**task.settings))
    out = {"params": dict(task.params), "metrics": headline(res)}
    if task.metric is not None:
        out["value"] = stats.run_value(res, task.metric)
    return out


def point_key(params: dict) -> str:
    return hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class SweepResult:
    points: list[dict]
    params: list[str]
    skipped: int = 0
    settings: dict = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)   # point files recomputed
    stale: int = 0   # saved points of another scenario or settings, recomputed

    def to_dict(self) -> dict:
        return {"params": self.params, "settings": self.settings, "points": self.points}

    def resumed(self) -> str:
        """``resumed: 7 points reused, 3 recomputed (1 corrupt, 1 stale)``: what a resumed
        sweep took from its folder and what it computed again (corrupt: a point file that
        could not be read; stale: one saved from another scenario or settings)."""
        again = len(self.points) - self.skipped
        why = [f"{n} {what}" for n, what in ((len(self.unreadable), "corrupt"),
                                             (self.stale, "stale")) if n]
        return (f"resumed: {self.skipped} point{'s' * (self.skipped != 1)} reused, {again} "
                "recomputed" + (f" ({', '.join(why)})" if why else ""))

    def column(self, metric: str) -> np.ndarray:
        """One metric over the points, as an array (None -> NaN)."""
        return np.array([np.nan if p["metrics"].get(metric) is None else p["metrics"][metric]
                         for p in self.points], dtype=object)

    def to_pandas(self):
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install -e '.[all]' (or use "
                              "to_dict())") from None

        return pd.DataFrame([{**p["params"], **p["metrics"]} for p in self.points])


def grid(params: list[tuple[str, list[Value]]]) -> list[dict]:
    """Every combination of the swept values, in order."""
    names = [p for p, _ in params]
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(v for _, v in params))]


def run_sweep(loaded: Loaded, params: list[tuple[str, list[Value]]], settings: RunSettings,
              executor, out_dir: Path | None = None, resume: bool = False,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Evaluate every grid point; write each to ``out_dir/points`` as it finishes."""
    once_each([(path, ",".join(map(shown, values))) for path, values in params], "--param")
    check_grid([len(v) for _, v in params], settings.draws)
    for path, values in params:          # bad paths or values fail here, before any work
        with_overrides(loaded, {path: values[0]})
    points = grid(params)
    sdict = settings.model_dump()
    digest = scenario_digest(loaded.scenario)
    done: dict[int, dict] = {}
    unreadable: list[str] = []
    stale = 0
    folder = Path(out_dir) / "points" if out_dir is not None else None
    if folder is not None:
        check_points(Path(out_dir), [point_key(p) for p in points])   # before any work
        folder.mkdir(parents=True, exist_ok=True)
        write_marker(folder.parent, "sim sweep", FILES)
        if resume:
            done, unreadable, stale = _saved(folder, points, {"settings": sdict,
                                                              "scenario_sha256": digest})
    skipped = len(done)
    todo = [i for i in range(len(points)) if i not in done]
    tasks = [PointTask(with_overrides(loaded, points[i]), tuple(points[i].items()), sdict)
             for i in todo]
    if progress:
        progress(len(done), len(points))
    for j, result in map_experiments(evaluate_point, tasks, executor):
        i = todo[j]
        done[i] = result
        if folder is not None:
            _write_atomic(folder / f"{point_key(points[i])}.json",
                          {**result, "settings": sdict, "scenario_sha256": digest})
        if progress:
            progress(len(done), len(points))
    return SweepResult([done[i] for i in range(len(points))], [p for p, _ in params], skipped,
                       sdict, unreadable, stale)


def check_points(out_dir: Path, keys: list[str] | None = None) -> None:
    """Refuse (one line, nothing changed) a ``points`` in ``out_dir`` that sim cannot
    write into as its own folder: a symbolic link (points would land where it leads,
    outside --out) or anything but a folder; and a point's place (``keys``) taken by a
    folder, which sim did not write and will not delete."""
    folder = Path(out_dir) / "points"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        what = "a symbolic link" if folder.is_symlink() else "not a folder"
        raise InputError(Problem(f"'points' in --out is {what}; sim writes its points only "
                                 "into a folder of its own there: remove or rename it "
                                 "(nothing was changed)", out_dir))
    for key in keys or []:
        f = folder / f"{key}.json"
        if f.is_dir() and not f.is_symlink():
            raise InputError(Problem(f"points/{f.name} is a folder, not a point sim wrote; "
                                     "sim will not delete it: move it away and run again "
                                     "(nothing was changed)", out_dir))


def _saved(folder: Path, points: list[dict], key: dict
           ) -> tuple[dict[int, dict], list[str], int]:
    """The points already in ``folder`` computed from the same scenario (its SHA-256) and
    settings, by index; the names of point files that could not be read (corrupt or
    truncated: they are recomputed and overwritten); and how many were stale (of another
    scenario or settings: recomputed too)."""
    done: dict[int, dict] = {}
    unreadable: list[str] = []
    stale = 0
    for i, p in enumerate(points):
        f = folder / f"{point_key(p)}.json"
        if not f.exists():
            continue
        try:
            rec = json.loads(read_text(f, "sweep point"),   # regular files only
                             parse_constant=_no_constant)
            same = rec.get("params") == p and all(rec.get(k) == v for k, v in key.items())
            if same:
                done[i] = {"params": rec["params"], "metrics": _metrics(rec["metrics"])}
            else:
                stale += 1
        except (InputError, OSError, ValueError, AttributeError, KeyError, TypeError):
            unreadable.append(f.name)
    return done, unreadable, stale


def finite_json(obj: Any) -> Any:
    """``obj`` with every float that is not finite as None: what a sweep writes and
    prints is strict JSON (no NaN or Infinity), and None is how summary.json shows a
    statistic that does not exist."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite_json(v) for v in obj]
    return obj


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON, and no point holds them: the file is corrupt."""
    raise ValueError(f"{name} in a point file")


def _metrics(metrics: dict) -> dict:
    """A saved point's metrics, if each is what :func:`headline` gives: a finite number,
    a year-month or None (a statistic that does not exist); else a ValueError (corrupt:
    a point never holds NaN or infinity, which :func:`headline` turns into None)."""
    for name, v in metrics.items():
        ok = v is None or isinstance(v, str) or (isinstance(v, int) and not isinstance(
            v, bool)) or (isinstance(v, float) and math.isfinite(v))
        if not isinstance(name, str) or not ok:
            raise ValueError(f"metric {name!r} holds {v!r}")
    return dict(metrics)


def _write_atomic(path: Path, data: dict) -> None:
    with writing(path):
        write_atomic(path, json.dumps(data, sort_keys=True))
