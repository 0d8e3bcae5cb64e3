"""The example scripts run and write what they say."""

from __future__ import annotations

import csv
import subprocess
import sys

from conftest import ROOT


def test_sweep_example_writes_its_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "sweep_core_loss_and_foxconn.py"),
                        str(out), "--draws", "200"], capture_output=True, text=True, cwd=ROOT,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 9
    assert {r["operations.burn"] for r in rows} == {"-3.5", "-2.5", "-1.5"}
    assert {r["deal.probability"] for r in rows} == {"0.2", "0.5", "0.8"}
    # A deeper burn can only lower the minimum cash, on the same draws.
    by = {(r["operations.burn"], r["deal.probability"]): float(r["min_cash_p50"]) for r in rows}
    for p in ("0.2", "0.5", "0.8"):
        assert by[("-3.5", p)] <= by[("-2.5", p)] <= by[("-1.5", p)]
    assert "wrote 9 points" in r.stdout
