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
    assert {r["operations.burn"] for r in rows} == {"-700", "-450", "-200"}
    assert {r["deal.probability"] for r in rows} == {"0.2", "0.5", "0.8"}
    # A deeper burn can only lower the minimum cash, on the same draws.
    by = {(r["operations.burn"], r["deal.probability"]): float(r["min_cash_p50"]) for r in rows}
    for p in ("0.2", "0.5", "0.8"):
        assert by[("-700", p)] <= by[("-450", p)] <= by[("-200", p)]
    assert "wrote 9 points" in r.stdout


def test_what_ifs_move_the_outcomes_they_should():
    import json

    from typer.testing import CliRunner

    from cli.app import app

    files = sorted(str(p) for p in (ROOT / "examples" / "what_if").glob("*.yaml"))
    r = CliRunner().invoke(app, ["compare", *files, "--baseline", "what_if_base", "-n", "400",
                                 "--seed", "7", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    m, paired = d["metrics"], d["paired"]
    assert len(d["options"]) == 7
    # repaying every maturity from cash only takes cash out: never a higher minimum
    assert paired["min_cash"]["what_if_no_refinancing"]["p_beats"] == 0.0
    assert m["breach"]["what_if_no_refinancing"]["p"] > m["breach"]["what_if_base"]["p"]
    # an undrawn line adds its size (2.5, less fees and interest) to liquidity
    assert m["min_liquidity"]["what_if_credit_line"]["p50"] > m["min_liquidity"][
        "what_if_base"]["p50"] + 2.0
    assert m["liquidity_breach"]["what_if_credit_line"]["p"] < m["liquidity_breach"][
        "what_if_base"]["p"]
    # a second retry can only bring in notes that a single retry does not
    assert paired["min_cash"]["what_if_bond_retry"]["diff_p5"] >= 0.0
    # a convertible that converts costs existing holders value per share
    assert m["value_per_share"]["what_if_preferred"]["p50"] < m["value_per_share"][
        "what_if_base"]["p50"]
