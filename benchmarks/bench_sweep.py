"""Benchmark of sweep throughput: in-process against local worker processes.

Runs the same grid of sweep points (default 16 points of 5,000 draws on the
standalone scenario) in-process and with 2 local worker processes, checks the
results are identical, and prints points per second and the speed-up.

    python benchmarks/bench_sweep.py [--points 16] [--draws 5000] [--workers 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from simcore.analysis.sweep import run_sweep
from simcore.experiments.executors import make_executor
from simcore.experiments.runner import RunSettings
from simcore.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=16)
    ap.add_argument("--draws", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "standalone.yaml"))
    args = ap.parse_args()
    loaded = load_scenario(args.scenario)
    params = [("operations.burn", [round(float(x), 6)
                                   for x in np.linspace(-3.5, -1.5, args.points)])]
    settings = RunSettings(draws=args.draws, seed=1)
    run_sweep(loaded, params[:1], settings.model_copy(update={"draws": 2}),
              make_executor(0))   # warm-up: scipy and PERT tables load lazily, not timed
    times, results = {}, {}
    for label, workers in (("in-process", 0), (f"{args.workers} workers", args.workers)):
        ex = make_executor(workers)
        t0 = time.perf_counter()
        results[label] = run_sweep(loaded, params, settings, ex).to_dict()
        times[label] = time.perf_counter() - t0
        ex.close()
        print(f"{label:>12}: {args.points} points x {args.draws:,} draws in "
              f"{times[label]:.2f} s ({args.points / times[label]:.2f} points/s)")
    a, b = times.values()
    same = len({str(r) for r in results.values()}) == 1
    print(f"speed-up with {args.workers} workers: {a / b:.2f}x; identical results: {same}")


if __name__ == "__main__":
    main()
