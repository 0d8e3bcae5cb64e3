"""The decision view: mean differences with intervals, materiality, ties, the split by
deal, what-ifs on every option, the tornado of an edge, and the table at 120 columns."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml
from conftest import ROOT, SCENARIOS, dist
from test_compare import injection, linear_case
from typer.testing import CliRunner

from cli.app import app
from simcore.analysis.compare import compare, comparison_dict
from simcore.analysis.decision import regret_and_ranks
from simcore.analysis.sensitivity import tornado
from simcore.experiments.runner import RunSettings
from simcore.outcomes.registry import kind_of
from simcore.scenario.loader import load_scenario

runner = CliRunner()
PERT = {"min": 0.5, "mode": 1.0, "max": 3.0}


@pytest.fixture
def linear(tmp_path):
    """standalone made linear, and the same with an equity injection of PERT USD bn in
    April 2025: the per-draw difference in ending cash is the injection's draw."""
    (tmp_path / "standalone.yaml").write_text((SCENARIOS / "standalone.yaml").read_text())
    paths = []
    for name, extra in (("linear", {}), ("equity", {"financing": injection(
            dist("pert", PERT, "USD bn"))})):
        data = {"extends": "standalone.yaml", "name": name, "title": name, **linear_case()}
        data["financing"] = extra.get("financing", {})
        if not data["financing"]:
            del data["financing"]
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        paths.append(path)
    return paths


def _run(paths, draws, seed, **kw):
    c = compare([load_scenario(p) for p in paths],
                RunSettings(draws=draws, seed=seed, keep_inputs=True), **kw)
    return c, comparison_dict(c)


def test_mean_difference_and_its_interval_are_the_injections(linear):
    c, data = _run(linear, 3000, 3)
    amount = c.results["equity"].values["financing.injection.amount"]
    pair = data["paired"]["ending_cash"]["equity"]
    assert pair["diff_mean"] == pytest.approx(amount.mean(), abs=2e-6)
    half = 1.959964 * amount.std(ddof=1) / np.sqrt(len(amount))
    lo, hi = pair["diff_mean_ci"]
    assert lo == pytest.approx(amount.mean() - half, abs=2e-6)
    assert hi == pytest.approx(amount.mean() + half, abs=2e-6)
    # the median difference is the median draw, not the mean (the old table's +0.00)
    assert pair["diff_p50"] == pytest.approx(np.quantile(amount, 0.5, method="inverted_cdf"),
                                             abs=2e-6)


def test_interval_covers_the_true_mean_about_95_percent(linear):
    truth = (PERT["min"] + 4 * PERT["mode"] + PERT["max"]) / 6     # the PERT mean
    loaded = [load_scenario(p) for p in linear]
    hits = []
    for seed in range(40):
        c = compare(loaded, RunSettings(draws=300, seed=seed))
        lo, hi = comparison_dict(c)["paired"]["ending_cash"]["equity"]["diff_mean_ci"]
        hits.append(lo <= truth <= hi)
    assert 0.85 <= np.mean(hits) <= 1.0      # binomial(40, 0.95): below 0.85 has P ~ 1%


def test_better_only_by_more_than_the_materiality(linear):
    c, data = _run(linear, 2000, 4, materiality={"ending_cash": 1.0})
    amount = c.results["equity"].values["financing.injection.amount"]
    pair = data["paired"]["ending_cash"]["equity"]
    assert pair["materiality"] == 1.0 and data["outcomes"]["ending_cash"]["materiality"] == 1.0
    assert pair["p_better"] == pytest.approx(np.mean(amount > 1.0), abs=1e-6)
    assert pair["p_worse"] == 0.0 and pair["p_beats"] == 1.0
    # the default for other amounts: 0.1 USD bn; a kind-wide override
    assert data["paired"]["min_cash"]["equity"]["materiality"] == 0.1
    _, data = _run(linear, 200, 4, materiality={"amount": 0.7})
    assert data["paired"]["min_cash"]["equity"]["materiality"] == 0.7


def test_ties_share_a_rank():
    o = kind_of("ending_cash")
    vals = {"a": np.array([1.0, 2.0, 3.0]), "b": np.array([1.0, 2.0, 3.0]),
            "c": np.array([0.0, 1.0, 2.0]), "d": np.array([1.05, 2.0, 3.0])}
    regret, order, ranks = regret_and_ranks(o, list(vals), vals, 0.0)
    assert regret["c"]["mean"] == pytest.approx(1.0 + 0.05 / 3)
    assert ranks == {"d": 1, "a": 2, "b": 2, "c": 4}
    _, _, ranks = regret_and_ranks(o, list(vals), vals, 0.1)   # 0.05 is not material
    assert ranks == {"d": 1, "a": 1, "b": 1, "c": 4}


def test_split_by_deal_closed_and_collapsed():
    files = [SCENARIOS / "standalone.yaml", SCENARIOS / "kkr.yaml"]
    c, data = _run(files, 1500, 6)
    closed = c.results["kkr"].deal_closed
    split = data["conditional"]["kkr"]
    assert set(data["conditional"]) == {"kkr"}                  # standalone has no deal
    assert split["closed"]["share"] == pytest.approx(closed.mean(), abs=1e-6)
    assert split["closed"]["draws"] + split["collapsed"]["draws"] == 1500
    for case, mask in (("closed", closed), ("collapsed", ~closed)):
        got = split[case]["metrics"]["min_liquidity"]
        mine = c.values["kkr"]["min_liquidity"][mask]
        base = c.values["standalone"]["min_liquidity"][mask]
        assert got["p50"] == pytest.approx(np.percentile(mine, 50), abs=2e-6)
        assert got["diff_mean"] == pytest.approx(np.mean(mine - base), abs=2e-6)
    # the close month is read among the closed draws only
    months = c.results["kkr"].deal_month[closed]
    from simcore.timeline import fractional_label
    assert split["closed"]["close_month"]["p50"] == fractional_label(
        c.results["kkr"].scenario.start, float(np.quantile(months, 0.5, method="inverted_cdf")))
    # KKR's money comes only with its deal: better liquidity when it closes, not otherwise
    assert split["closed"]["metrics"]["min_liquidity"]["diff_mean"] > 1.0
    assert split["collapsed"]["metrics"]["min_liquidity"]["diff_mean"] < 0.05


def test_set_changes_every_option_that_has_the_path():
    files = [str(SCENARIOS / n) for n in ("standalone.yaml", "kkr.yaml", "foxconn.yaml")]
    r = runner.invoke(app, ["compare", *files, "-n", "300", "--json",
                            "--set", "deal.probability=1.0"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["what_if"] == ["--set: deal.probability"]
    assert d["deals"]["kkr"]["p_close"] == 1.0 and d["deals"]["foxconn"]["p_close"] == 1.0
    plain = json.loads(runner.invoke(app, ["compare", *files, "-n", "300", "--json"]).stdout)
    assert d["metrics"]["min_cash"]["standalone"] == plain["metrics"]["min_cash"]["standalone"]
    r = runner.invoke(app, ["compare", *files, "-n", "50", "--set", "deal.nope=1"])
    assert r.exit_code == 2 and "deal.nope: no option has 'deal.nope'" in r.output


def test_a_named_case_applies_to_every_option(tmp_path):
    files = [str(SCENARIOS / n) for n in ("standalone.yaml", "kkr.yaml")]
    plain = json.loads(runner.invoke(app, ["compare", *files, "-n", "400", "--json"]).stdout)
    r = runner.invoke(app, ["compare", *files, "-n", "400", "--json", "--case", "bear"])
    assert r.exit_code == 0, r.output
    bear = json.loads(r.stdout)
    assert "bear: debt.*.refinance.probability" in bear["what_if"]
    for opt in ("standalone", "kkr"):
        assert bear["metrics"]["min_cash"][opt]["p50"] < plain["metrics"]["min_cash"][opt]["p50"]
    # the case's values are the scenario's now: a fixed --set on top wins
    sim = runner.invoke(app, ["run", files[0], "-n", "50", "--json", "--case", "bear",
                              "--set", "operations.burn=-100"])
    assert json.loads(sim.stdout)["what_if"] == ["bear: operations.burn",
                                                  "bear: operations.recovery_start",
                                                  "bear: debt.*.refinance.probability",
                                                  "bear: items.tariff_*.duration",
                                                  "--set: operations.burn"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nset:\n  operations.burn: {pert: {min: 1, mode: 2, max: 3}}\n")
    r = runner.invoke(app, ["run", files[0], "-n", "50", "--case", str(bad)])
    assert r.exit_code == 2
    assert f"{bad}:3: set.operations.burn: a quantity needs its unit" in r.output


def test_tornado_of_the_edge_starts_from_the_compared_mean():
    option, base = load_scenario(SCENARIOS / "kkr.yaml"), load_scenario(
        SCENARIOS / "standalone.yaml")
    s = RunSettings(draws=300, seed=8)
    rows = tornado(option, s, "min_liquidity", versus=base.scenario)
    data = comparison_dict(compare([base, option], s))
    assert rows[0]["base"] == pytest.approx(
        data["paired"]["min_liquidity"]["kkr"]["diff_mean"], abs=2e-6)
    top = rows[0]
    assert top["input"] == "deal.occurs" and top["high"] > 1.0 > abs(top["low"])
    # an input of the option only (the preferred's size) still swings the edge
    names = {r["input"] for r in rows}
    assert "debt.kkr_preferred.principal" in names


def test_compare_table_fits_120_columns():
    env = {**os.environ, "COLUMNS": "120"}
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    r = subprocess.run([sys.executable, "-c", "from cli.app import main; main()", "compare",
                        *files, "-n", "300"], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert not any("…" in line for line in lines)
    rows = [line.split()[0] for line in lines if line.strip()]
    names = [p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in files]
    for n in names:
        assert n in rows, n
    # the baseline comes first among the rows
    assert rows.index("standalone") < min(rows.index(n) for n in names if n != "standalone")


def test_report_takes_the_same_what_ifs(tmp_path):
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    files = [str(SCENARIOS / n) for n in ("standalone.yaml", "kkr.yaml")]
    out = tmp_path / "rep"
    r = runner.invoke(app, ["report", *files, "-n", "200", "--tornado-draws", "0", "--sobol",
                            "0", "--case", "bear", "--materiality", "amount=0.3", "--out",
                            str(out), "-q"])
    assert r.exit_code == 0, r.output
    data = json.loads((out / "compare.json").read_text())
    assert data["what_if"][0] == "bear: operations.burn"
    assert data["paired"]["min_cash"]["kkr"]["materiality"] == 0.3
    assert "bear: operations.burn" in (out / "report.html").read_text()


def test_a_misspelt_materiality_is_refused_and_what_ifs_are_printed():
    files = [str(SCENARIOS / n) for n in ("standalone.yaml", "kkr.yaml")]
    r = runner.invoke(app, ["compare", *files, "-n", "10", "--materiality", "amout=0.5"])
    assert r.exit_code == 2 and "did you mean 'amount'?" in r.output
    r = runner.invoke(app, ["compare", *files, "-n", "100", "--set", "deal.probability=0.5"])
    assert r.exit_code == 0, r.output
    assert "What-ifs applied to every option that has the path: --set: deal.probability" \
        in " ".join(r.output.split())
