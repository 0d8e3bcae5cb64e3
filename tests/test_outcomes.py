"""The outcome registry: one definition per outcome, read by every view."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SCENARIOS
from typer.testing import CliRunner

from cli.app import app
from simcore import api
from simcore.analysis.compare import compare, comparison_dict
from simcore.analysis.sensitivity import breakeven, metric_value
from simcore.analysis.sweep import headline
from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import FAMILIES, OUTCOMES, Thresholds, outcomes_for
from simcore.scenario.loader import load_scenario

runner = CliRunner()
FOXCONN = SCENARIOS / "foxconn.yaml"
KKR = SCENARIOS / "kkr.yaml"


@pytest.fixture(scope="module")
def kkr_run():
    return run(load_scenario(KKR).scenario, RunSettings(draws=400, seed=4))


def test_sim_outcomes_json_lists_every_outcome_and_family():
    r = runner.invoke(app, ["outcomes", "--json"])
    assert r.exit_code == 0, r.output
    records = json.loads(r.stdout)
    assert [x["name"] for x in records] == [o.name for o in (*OUTCOMES, *FAMILIES)]
    for x in records:
        assert {"name", "unit", "description", "kind", "direction"} <= set(x)
        assert x["description"] and x["unit"]


def test_sim_outcomes_of_a_scenario_expands_the_families():
    r = runner.invoke(app, ["outcomes", str(FOXCONN), "--json"])
    names = [x["name"] for x in json.loads(r.stdout)]
    assert "launch.canton_ev" in names and "on_time.sentra" in names
    assert "fcf.FY2025" in names and "deal_closed" in names


def test_outcomes_agree_with_the_run_arrays_by_hand(kkr_run):
    res = kkr_run
    v = res.outcomes()
    np.testing.assert_array_equal(v["min_cash"], res.cash.min(axis=1))
    np.testing.assert_array_equal(v["ending_cash"], res.cash[:, -1])
    # the floor is in yen (its own unit); cash in dollars: convert month by month
    assert res.finance.floor_fx is not None
    floor = res.floor_draws[:, None] * res.finance.floor_fx
    np.testing.assert_array_equal(v["breach"], (res.cash < floor).any(axis=1))
    target = res.targets["sentra"]
    launch = res.launches["sentra"]
    # target: the latest on-time start of production per draw (window end - to_market);
    # on time when the car arrives by the window's last month: launch < target + 1
    np.testing.assert_array_equal(v["on_time.sentra"],
                                  np.isfinite(launch) & (launch + 1e-9 < target + 1))
    np.testing.assert_allclose(v["fcf.FY2026"], res.fcf_fy[:, res.fy.index(2026)])
    closed = res.deal_closed
    assert np.isinf(v["deal_month"][~closed]).all()
    np.testing.assert_array_equal(v["deal_month"][closed], res.deal_month[closed])


def test_a_new_floor_is_analysis_not_a_new_run(kkr_run):
    res = kkr_run
    for floor in (400.0, 600.0, 900.0):      # JPY bn, the unit of the scenario's floor
        got = res.outcomes(Thresholds(floor))["breach"].mean()
        in_usd = floor * res.finance.floor_fx
        assert got == pytest.approx((res.cash < in_usd).any(axis=1).mean())


def test_every_outcome_works_in_tornado_breakeven_compare_and_sweep(kkr_run):
    res = kkr_run
    s = RunSettings(draws=60, seed=4)
    loaded = load_scenario(KKR)
    base = load_scenario(SCENARIOS / "standalone.yaml")
    data = comparison_dict(compare([base, loaded], s))
    heads = headline(res)
    for o in outcomes_for(res):
        assert o.name in data["metrics"] and "kkr" in data["metrics"][o.name]
        assert np.isfinite(metric_value(res, o.name)) or o.kind == "month"
        assert any(k in heads for k in (f"{o.name}_p50", f"p_{o.name}"))
        if o.higher_is_better is None:
            continue
        out = breakeven(loaded, "debt.kkr_preferred.principal", 0.0, 900.0, loaded.scenario,
                        s, o.name, tol=450.0)
        assert out["metric"] == o.name


def test_to_pandas_per_draw_and_per_month():
    pytest.importorskip("pandas")
    sim = api.simulate(FOXCONN, draws=120, seed=2)
    df = sim.to_pandas()
    assert len(df) == 120 and {"min_cash", "launch.sentra", "deal_closed"} <= set(df.columns)
    assert df["min_cash"].to_numpy() == pytest.approx(sim.result.cash.min(axis=1))
    monthly = sim.to_pandas(monthly=True)
    months = sim.result.cash.shape[1]
    assert len(monthly) == 120 * months
    assert monthly["cash"].to_numpy() == pytest.approx(sim.result.cash.ravel())


def test_reanalyse_changes_the_floor_without_rerunning():
    sim = api.simulate(FOXCONN, draws=300, seed=2)
    high = sim.reanalyse(floor=900.0)         # JPY bn, the unit of the scenario's floor
    assert high["cash"]["floor"] == 900.0 and high["cash"]["floor_unit"] == "JPY bn"
    in_usd = 900.0 * sim.result.finance.floor_fx
    assert high["cash"]["p_breach"] == pytest.approx(
        float((sim.result.cash < in_usd).any(axis=1).mean()))
    assert high["cash"]["p_breach"] > sim.summary["cash"]["p_breach"]
    assert high["cash"]["min"] == sim.summary["cash"]["min"]


def test_cli_sweep_metric_accepts_a_family_member():
    r = runner.invoke(app, ["sweep", str(KKR), "-p", "operations.burn.pert.min=-800,-760",
                            "-n", "80", "--json"])
    assert r.exit_code == 0, r.output
    point = json.loads(r.stdout)["points"][0]["metrics"]
    assert "p_on_time.sentra" in point and "fcf.FY2025_p50" in point
