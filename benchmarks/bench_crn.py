"""What common random numbers buy: the variance of the per-draw difference between
standalone and standalone plus a 0.5-2 USD bn equity injection (April 2025), with
common random numbers and with independent streams. Prints the ratios.

    python benchmarks/bench_crn.py [--draws 10000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml

from simcore.analysis.compare import compare
from simcore.experiments.runner import RunSettings
from simcore.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "standalone.yaml"
        base.write_text((ROOT / "scenarios" / "standalone.yaml").read_text())
        option = {"extends": "standalone.yaml", "name": "equity_now", "title": "equity now",
                  "financing": {"injection": {
                      "kind": "equity", "at": {"fixed": "2025-04", "unit": "date",
                                               "assumption": "benchmark"},
                      "amount": {"pert": {"min": 0.5, "mode": 1.0, "max": 2.0},
                                 "unit": "USD bn", "assumption": "benchmark"},
                      "probability": {"fixed": 1.0, "unit": "probability",
                                      "assumption": "benchmark"}}}}
        (Path(tmp) / "equity.yaml").write_text(yaml.safe_dump(option))
        loaded = [load_scenario(base), load_scenario(Path(tmp) / "equity.yaml")]
        var = {}
        for crn in (True, False):
            c = compare(loaded, RunSettings(draws=args.draws, seed=1), crn=crn)
            for m in ("ending_cash", "min_cash", "min_liquidity"):
                d = c.values["equity_now"][m] - c.values["standalone"][m]
                var[crn, m] = float(d.var())
    print(f"{args.draws:,} draws; variance of the paired difference, CRN vs independent")
    for m in ("ending_cash", "min_cash", "min_liquidity"):
        print(f"  {m:14s} {var[True, m]:.4g} vs {var[False, m]:.4g}: "
              f"1/{var[False, m] / var[True, m]:.0f}")


if __name__ == "__main__":
    main()
