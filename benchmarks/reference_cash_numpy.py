"""A bare vectorised numpy version of the standalone cash model, for comparison.

It reads the numbers of scenarios/standalone.yaml with plain PyYAML and does the
same monthly arithmetic as simcore (core flow ramp, savings ramp, restructuring
window, capex, debt with coupon, asset sale, one programme), drawing PERTs with
numpy's own beta sampler. No validation, no provenance, no chunking: the floor
for how fast the arithmetic can go in numpy.

    python benchmarks/reference_cash_numpy.py 1000000 [SCENARIO]   (launches as fixed dates)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def month(text: str) -> float:
    y, m = map(int, str(text).split("-"))
    return (y - 2025) * 12 + (m - 4)


def draw(rng: np.random.Generator, q: dict, n: int) -> np.ndarray:
    if "fixed" in q:
        v = q["fixed"]
        return np.full(n, month(v) if q["unit"] == "date" else float(v))
    kind = "pert" if "pert" in q else "triangular"
    spec = q[kind]
    lo, mo, hi = (month(spec[k]) if q["unit"] == "date" else float(spec[k])
                  for k in ("min", "mode", "max"))
    if kind == "triangular":
        return rng.triangular(lo, mo, hi, n)
    a, b = 1 + 4 * (mo - lo) / (hi - lo), 1 + 4 * (hi - mo) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, n)


def ramp(t, a, r, b=np.inf):
    def integral(x):
        s = np.maximum(x - a[:, None], 0.0)
        rr = np.maximum(r, 1e-9)[:, None]
        return np.where(s < rr, s * s / (2 * rr), s - rr / 2)

    return integral(np.minimum(t + 1, b)) - integral(np.minimum(t, b))


def window(t, a, b):
    return np.clip(np.minimum(t + 1, b[:, None]) - np.maximum(t, a[:, None]), 0, 1)


def simulate(sc: dict, n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    months = sc["timeline"]["months"]
    t = np.arange(months, dtype=float)[None, :]
    g = lambda q: draw(rng, q, n)  # noqa: E731
    op = sc["operations"]
    burn, steady = g(op["burn"]), g(op["steady"])
    flow = (burn[:, None] + (steady - burn)[:, None] * ramp(
        t, g(op["recovery_start"]), g(op["recovery_months"]))) / 12
    for s in sc["savings"].values():
        flow += g(s["run_rate"])[:, None] / 12 * ramp(t, g(s["start"]), g(s["ramp_months"]))
    for r in sc["restructuring"].values():
        start, span = g(r["start"]), g(r["months"])
        flow -= (g(r["cost"]) / span)[:, None] * window(t, start, start + span)
    flow -= g(sc["capex"]["base"])[:, None] / 12
    principal = np.zeros((n, months))
    rows = np.arange(n)
    for f in sc["financing"].values():
        amount = np.where(rng.random(n) < g(f["probability"]), g(f["amount"]), 0.0)
        at = np.floor(g(f["at"]))
        ok = at < months
        principal[rows[ok], at[ok].astype(int)] += amount[ok]
        if f["kind"] == "debt":
            mat = np.round(g(f["maturity"]))
            paid = (t > at[:, None]) & (t <= (at + mat)[:, None])
            flow -= (amount * g(f["coupon"]) / 12)[:, None] * paid
            end = at + mat
            ok = end < months
            principal[rows[ok], end[ok].astype(int)] -= amount[ok]
    for p in sc["programmes"].values():
        launch, start = g(p["launch"]), g(p["dev_start"])
        target = p["target"]["window"][1] if isinstance(p["target"], dict) else p["target"]
        planned = np.maximum(month(target) - start, 1.0)
        flow -= (g(p["dev_cost"]) / planned)[:, None] * window(t, start, launch)
        flow += g(p["margin"])[:, None] / 12 * ramp(t, launch, g(p["ramp_months"]))
    cash = g(sc["balance"]["opening_cash"])[:, None] + np.cumsum(flow + principal, axis=1)
    return cash


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "scenarios" / "standalone.yaml"
    sc = yaml.safe_load(path.read_text())
    t0 = time.perf_counter()
    chunk = 20_000
    lows = []
    for start in range(0, n, chunk):
        lows.append(simulate(sc, min(chunk, n - start), seed=start).min(axis=1))
    dt = time.perf_counter() - t0
    low = np.concatenate(lows)
    print(f"reference numpy: {n:,} draws in {dt:.2f} s ({n / dt:,.0f} draws/s); "
          f"median minimum cash {np.median(low):.2f} (amounts unconverted: a timing "
          "floor, not a cash figure)")


if __name__ == "__main__":
    main()
