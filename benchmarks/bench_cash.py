"""Benchmark of the cash engine: draws per second and peak memory.

Runs the standalone scenario (60 months) with its launches fixed at their
announced dates (the cash model alone; bench_schedule.py times schedule plus
cash) at 10k, 100k and 1M draws, each in a fresh process so peak memory (max
RSS) belongs to that size alone, then the bare numpy reference
(benchmarks/reference_cash_numpy.py) on the same file at 1M draws, and prints
the ratio. Targets on a 2-core machine: 1M draws under 10 s and 2 GB, within 2x
of the reference.

    python benchmarks/bench_cash.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
from simcore.scenario.loader import load_scenario
from simcore.experiments.runner import run, RunSettings
from simcore.analysis.summary import summarise
n = int(sys.argv[1])
loaded = load_scenario(sys.argv[2])
run(loaded.scenario, RunSettings(draws=2, seed=1))   # scipy and PERT tables load lazily
t0 = time.perf_counter()
res = run(loaded.scenario, RunSettings(draws=n, seed=1))
t1 = time.perf_counter()
summarise(res)
t2 = time.perf_counter()
print(json.dumps({"draws": n, "run_s": t1 - t0, "summary_s": t2 - t1,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""



def cash_only(src: Path, folder: Path) -> Path:
    """A copy of ``src`` whose programmes launch at their targets (no schedule engine)."""
    data = yaml.safe_load(src.read_text())
    for key in ("development", "resources", "milestones"):
        data.pop(key, None)
    for prog in data.get("programmes", {}).values():
        for key in ("schedule", "stands", "pre_series", "needs"):
            prog.pop(key, None)
        target = prog.get("target")
        when = target["window"][1] if isinstance(target, dict) else str(target)
        prog["launch"] = {"fixed": when, "unit": "date",
                          "assumption": "benchmark: launch at the end of the announced window"}
        prog.setdefault("dev_start", {"fixed": str(data["timeline"]["start"]), "unit": "date",
                                      "assumption": "benchmark: spend from the start"})
    out = folder / src.name
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


def child(n: int, scenario: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(scenario)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def reference(n: int, scenario: Path) -> float:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "reference_cash_numpy.py"),
                          str(n), str(scenario)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    line = out.stdout.strip().splitlines()[-1]
    print(f"  {line}")
    return float(line.split(" in ")[1].split(" s")[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "standalone.yaml"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp())
    scenario = cash_only(Path(args.scenario), tmp)
    print(f"cash engine benchmark: {Path(args.scenario).name}, launches at their targets")
    print(f"{'draws':>10} {'run s':>8} {'summary s':>10} {'draws/s':>12} {'peak MB':>9}")
    rows = []
    for n in sizes:
        r = child(n, scenario)
        rows.append(r)
        print(f"{n:>10,} {r['run_s']:>8.2f} {r['summary_s']:>10.2f} "
              f"{n / r['run_s']:>12,.0f} {r['peak_mb']:>9.0f}")
    big = rows[-1]
    ref_s = reference(big["draws"], scenario)
    print(f"ratio simcore / bare numpy at {big['draws']:,} draws: "
          f"{big['run_s'] / ref_s:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
