"""Benchmark of a run kept on disk against one kept in memory: peak memory and time.

Runs ``sim run scenarios/standalone.yaml --quiet`` (the whole command: schedule, cash,
summary) at each size with ``--store memory`` and ``--store disk``, each in a fresh
process, and prints wall time, peak memory (max RSS of the process), memory per draw
above the smallest size, and the disk the draws took (the run's temporary file, read
off the pilot's bytes per draw). Target: 10M draws under 2 GB, with memory not growing
with draws beyond a few bytes per draw.

    python benchmarks/bench_stream.py [--sizes 100000,1000000] [--memory-up-to 1000000]

``--memory-up-to`` skips the in-memory run above that size (it needs ~2.5 KB a draw).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
from cli.app import app
n, store = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
try:
    app(["run", sys.argv[3], "-n", n, "--quiet", "--no-checks", "--store", store])
except SystemExit as e:
    assert not e.code, e.code
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PER_DRAW = """
import sys
from simcore.api import load
from simcore.experiments.runner import RunSettings
from simcore.experiments.stream import _bytes_per_draw
print(_bytes_per_draw(load(sys.argv[1]).scenario, RunSettings()))
"""


def measure(n: int, store: str, scenario: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), store, str(scenario)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--memory-up-to", type=int, default=1_000_000)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "standalone.yaml"))
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    scenario = Path(args.scenario)
    per_draw = int(subprocess.run([sys.executable, "-c", PER_DRAW, str(scenario)],
                                  capture_output=True, text=True, check=True,
                                  cwd=ROOT).stdout)
    print(f"{scenario.name}: disk {per_draw:,} bytes per draw")
    print(f"{'draws':>11} {'store':>7} {'seconds':>8} {'peak MB':>8} {'B/draw':>7} "
          f"{'disk GB':>8}")
    first: dict[str, dict] = {}
    for n in sizes:
        for store in ("memory", "disk"):
            if store == "memory" and n > args.memory_up_to:
                continue
            r = measure(n, store, scenario)
            base = first.setdefault(store, {"n": n, **r})
            slope = ("" if base["n"] == n else
                     f"{(r['peak_mb'] - base['peak_mb']) * 2**20 / (n - base['n']):.0f}")
            disk = f"{n * per_draw / 2**30:.1f}" if store == "disk" else ""
            print(f"{n:>11,} {store:>7} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
                  f"{slope:>7} {disk:>8}", flush=True)


if __name__ == "__main__":
    main()
