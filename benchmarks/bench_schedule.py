"""Benchmark of the full scenario: launch schedule plus cash, per draw.

Runs a scenario (default: the standalone baseline) at 10k and 100k draws with
the vectorised schedule engine, each in a fresh process so peak memory (max
RSS) belongs to that run, then times the SimPy reference engine on a smaller
number of draws for scale, and prints microseconds per draw and the ratio.
Target on a 2-core machine: 100,000 draws of the full standalone scenario in
under 5 s.

    python benchmarks/bench_schedule.py [--sizes 10000,100000] [--simpy-draws 2000]
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
from simcore.scenario.loader import load_scenario
from simcore.experiments.runner import run, RunSettings
from simcore.analysis.summary import summarise
n, path, engine = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sc = load_scenario(path).scenario
run(sc, RunSettings(draws=2, seed=1, engine=engine))   # scipy and PERT tables load lazily
t0 = time.perf_counter()
res = run(sc, RunSettings(draws=n, seed=1, engine=engine))
summarise(res)
dt = time.perf_counter() - t0
print(json.dumps({"draws": n, "seconds": dt, "programmes": len(sc.scheduled),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(n: int, scenario: str, engine: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), scenario, engine],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--simpy-draws", type=int, default=2000)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "standalone.yaml"))
    args = ap.parse_args()
    print(f"full scenario benchmark (schedule + cash + summary): {Path(args.scenario).name}")
    print(f"{'engine':>7} {'draws':>9} {'seconds':>8} {'draws/s':>10} {'us/draw':>8} "
          f"{'peak MB':>8}")
    fast = None
    for n in [int(s) for s in args.sizes.split(",")]:
        r = child(n, args.scenario, "fast")
        fast = r
        print(f"{'fast':>7} {n:>9,} {r['seconds']:>8.2f} {n / r['seconds']:>10,.0f} "
              f"{1e6 * r['seconds'] / n:>8.1f} {r['peak_mb']:>8.0f}")
    r = child(args.simpy_draws, args.scenario, "simpy")
    print(f"{'simpy':>7} {r['draws']:>9,} {r['seconds']:>8.2f} {r['draws'] / r['seconds']:>10,.0f}"
          f" {1e6 * r['seconds'] / r['draws']:>8.1f} {r['peak_mb']:>8.0f}")
    if fast is not None:
        ratio = (r["seconds"] / r["draws"]) / (fast["seconds"] / fast["draws"])
        print(f"{fast['programmes']} scheduled programmes; SimPy costs {ratio:.0f}x the "
              f"vectorised engine per draw")


if __name__ == "__main__":
    main()
