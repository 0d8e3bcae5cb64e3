"""Sweep the core cash loss and the Foxconn deal's closing probability; write a CSV.

    python examples/sweep_core_loss_and_foxconn.py [OUT.csv] [--draws N]

Each point holds the first-year core operating flow (``operations.burn``, JPY
bn/yr; the first half of FY2024 lost about 570bn yen, digest row 3.15) and the
chance the Foxconn deal closes (``deal.probability``) at fixed values, with
everything else random on the same draws (common random numbers), and records
the headline metrics.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from simcore import api

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="sweep_core_loss_foxconn.csv")
    ap.add_argument("--draws", type=int, default=2000)
    args = ap.parse_args()
    result = api.sweep(
        ROOT / "scenarios" / "foxconn.yaml",
        {"operations.burn": [-700, -450, -200], "deal.probability": [0.2, 0.5, 0.8]},
        draws=args.draws, seed=7,
    )
    rows = [{**p["params"], **p["metrics"]} for p in result.points]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for r in rows:
        print(f"burn {r['operations.burn']:+.0f}  P(close) {r['deal.probability']:.1f}  "
              f"min cash P50 {r['min_cash_p50']:6.2f}  P(breach) {r['p_breach']:.3f}  "
              f"ending cash P50 {r['ending_cash_p50']:6.2f}")
    print(f"wrote {len(rows)} points to {args.out}")


if __name__ == "__main__":
    main()
