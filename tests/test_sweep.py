"""Sweeps, tornado, break-even and Sobol against analytic answers; executors agree."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import dist, q
from scipy import stats
from test_cash_model import fixed_scenario
from typer.testing import CliRunner

from cli.app import app
from simcore import api
from simcore.analysis.sweep import run_sweep
from simcore.experiments.executors import InProcess, make_executor
from simcore.experiments.runner import RunSettings
from simcore.scenario.loader import load_scenario

H = 24


def linear_scenario(only_opening: bool = False) -> dict:
    """Ending cash = opening cash + disposal - capex * 24/12 + constants."""
    data = fixed_scenario(1.0)
    data.pop("deal")
    data["programmes"] = {}
    data["timeline"]["months"] = H
    data["balance"]["opening_cash"] = dist("pert", {"min": 10, "mode": 12, "max": 16},
                                           "USD bn")
    if not only_opening:
        data["capex"]["base"] = dist("uniform", {"min": 0.4, "max": 1.0}, "USD bn/yr")
        data["financing"]["disposal"]["amount"] = dist(
            "triangular", {"min": 1, "mode": 2, "max": 4}, "USD bn")
    data["financing"]["disposal"]["probability"] = q(1.0, "probability")
    return data


def spread(frozen) -> float:
    return float(frozen.ppf(0.9) - frozen.ppf(0.1))


def test_tornado_order_and_swings_are_analytic(write_yaml):
    loaded = load_scenario(write_yaml(linear_scenario()))
    rows = api.tornado(loaded, "ending_cash", RunSettings(draws=400, seed=1))
    swings = {r["input"]: r["swing"] for r in rows}
    expected = {
        "balance.opening_cash": spread(stats.beta(1 + 4 * 2 / 6, 1 + 4 * 4 / 6, 10, 6)),
        "financing.disposal.amount": spread(stats.triang(1 / 3, 1, 3)),
        "capex.base": (H / 12) * spread(stats.uniform(0.4, 0.6)),
    }
    order = sorted(expected, key=lambda k: -expected[k])
    assert [r["input"] for r in rows[:3]] == order
    for name, want in expected.items():
        assert swings[name] == pytest.approx(want, abs=1e-5)
    assert all(swings[n] == 0 for n in swings if n not in expected)   # events at p = 1 or 0
    low_high = {r["input"]: (r["low"], r["high"]) for r in rows}
    assert low_high["capex.base"][0] > low_high["capex.base"][1]        # more capex, less cash


def test_sobol_with_one_varying_input(write_yaml):
    loaded = load_scenario(write_yaml(linear_scenario(only_opening=True)))
    res = api.sobol_indices(loaded, 256, ["ending_cash"], RunSettings(seed=3))
    rows = {r["input"]: r for r in res["metrics"]["ending_cash"]}
    assert rows["balance.opening_cash"]["S1"] == pytest.approx(1.0, abs=0.05)
    assert rows["balance.opening_cash"]["ST"] == pytest.approx(1.0, abs=0.05)
    for name, r in rows.items():
        if name != "balance.opening_cash":
            assert abs(r["S1"] or 0) < 0.05 and abs(r["ST"] or 0) < 0.05, name


def test_breakeven_against_a_hand_computed_value(write_yaml):
    """The option spends 0.75bn/yr more capex (1.5bn over the two years) and raises X of
    equity; on common draws it beats the baseline on ending cash exactly when X > 1.5."""
    base = linear_scenario()
    option = linear_scenario()
    option["name"] = "option"
    option["capex"]["base"] = dist("uniform", {"min": 1.15, "max": 1.75}, "USD bn/yr")
    option["financing"]["raise"] = {"kind": "equity", "amount": q(1.0, "USD bn"),
                                    "at": q("2025-06", "date"),
                                    "probability": q(1.0, "probability")}
    out = api.breakeven(load_scenario(write_yaml(option, "o.yaml")),
                        "financing.raise.amount", 0.0, 5.0,
                        load_scenario(write_yaml(base, "b.yaml")), "ending_cash",
                        RunSettings(draws=300, seed=2))
    assert out["value"] == pytest.approx(1.5, abs=1e-3)


def grid_sweep(loaded, executor, out_dir=None, resume=False, progress=None):
    return run_sweep(loaded, [("operations.burn", [-2.0, -1.0]),
                              ("capex.base.uniform.max", [1.0, 1.5])],
                     RunSettings(draws=300, seed=4), executor, out_dir, resume, progress)


def test_local_processes_equal_in_process(write_yaml):
    loaded = load_scenario(write_yaml(linear_scenario()))
    ref = grid_sweep(loaded, InProcess()).to_dict()
    ex = make_executor(workers=2)
    try:
        assert grid_sweep(loaded, ex).to_dict() == ref
    finally:
        ex.close()


def test_dask_local_cluster_equals_in_process(write_yaml):
    distributed = pytest.importorskip("distributed")
    loaded = load_scenario(write_yaml(linear_scenario()))
    ref = grid_sweep(loaded, InProcess()).to_dict()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        ex = make_executor(scheduler=cluster.scheduler_address)
        try:
            assert grid_sweep(loaded, ex).to_dict() == ref
        finally:
            ex.close()


def test_interrupted_then_resumed_equals_uninterrupted(write_yaml, tmp_path):
    loaded = load_scenario(write_yaml(linear_scenario()))
    ref = grid_sweep(loaded, InProcess()).to_dict()

    class Stop(Exception):
        pass

    def interrupt(done, total):
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        grid_sweep(loaded, InProcess(), tmp_path / "out", progress=interrupt)
    assert len(list((tmp_path / "out" / "points").glob("*.json"))) == 2
    resumed = grid_sweep(loaded, InProcess(), tmp_path / "out", resume=True)
    assert resumed.skipped == 2
    assert resumed.to_dict() == ref


def test_cli_sweep_json(write_yaml, tmp_path):
    path = write_yaml(linear_scenario())
    r = CliRunner().invoke(app, ["sweep", str(path), "--param", "capex.base=0.5,1.0",
                                 "--tornado", "--metric", "ending_cash", "-n", "200", "--json",
                                 "--out", str(tmp_path / "sw")])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [p["params"] for p in data["points"]] == [{"capex.base": 0.5}, {"capex.base": 1.0}]
    # capex 0.5bn/yr more for two years: ending cash 1bn lower, on the same draws.
    a, b = (p["metrics"]["ending_cash_mean"] for p in data["points"])
    assert a - b == pytest.approx(1.0, abs=1e-6)
    swings = [t["swing"] for t in data["tornado"]]
    assert swings == sorted(swings, reverse=True)
    assert {"input", "low", "high", "swing"} <= set(data["tornado"][0])
    assert (tmp_path / "sw" / "sweep.csv").exists()


def test_cli_sweep_rejects_unknown_path(write_yaml):
    r = CliRunner().invoke(app, ["sweep", str(write_yaml(linear_scenario())), "--param",
                                 "operations.brn=1,2"])
    assert r.exit_code == 2
    assert "no 'brn' under operations" in r.output


def test_sweep_result_converts_to_arrays_and_pandas(write_yaml):
    res = grid_sweep(load_scenario(write_yaml(linear_scenario())), InProcess())
    assert np.asarray(res.column("ending_cash_mean"), dtype=float).shape == (4,)
    pd = pytest.importorskip("pandas")
    frame = res.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4


STANDALONE = str(__import__("conftest").SCENARIOS / "standalone.yaml")


def _refused(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("by", [[], ["--by", "basis"]])
def test_sobol_too_large_for_memory_is_refused_before_computing(tmp_path, monkeypatch, by):
    """The Sobol design's memory is estimated up front: a size that cannot fit is refused
    in one line with the largest power of 2 that does, before the grid is computed."""
    import re

    from simcore.experiments import memory

    free = 4 * 2**30
    monkeypatch.setattr(memory, "available_bytes", lambda: free)
    out = tmp_path / "sw"
    line = _refused("sweep", STANDALONE, "--sobol", str(2**20), *by, "-p",
                    "floor.fixed=4,5", "-n", "50", "--out", str(out))
    assert "--sobol: 1,048,576 base samples over" in line
    fits = int(re.search(r"at most --sobol (\d+) fits", line).group(1))
    from cli.sweep_cmd import sobol_metrics
    from simcore.analysis.sensitivity import uncertain_inputs
    from simcore.analysis.sobol_groups import input_groups

    sc = load_scenario(STANDALONE).scenario
    names = uncertain_inputs(sc)
    args = (len(names), RunSettings().chunk, len(input_groups(sc, names)) if by else 0,
            len(sobol_metrics(sc, "basis" if by else None)))
    assert memory.sobol_bytes(sc, fits, *args) <= free < memory.sobol_bytes(sc, 2 * fits,
                                                                             *args)
    assert not out.exists()


def test_run_sweep_refuses_a_grid_over_the_bound(write_yaml):
    from simcore.analysis.sweep import MAX_POINTS
    from simcore.errors import InputError

    loaded = load_scenario(write_yaml(linear_scenario()))
    params = [("capex.base.uniform.min", [0.1, 0.2]),
              ("balance.opening_cash.pert.mode", [11.0 + k / MAX_POINTS for k in
                                                  range(MAX_POINTS // 2 + 1)])]
    with pytest.raises(InputError, match="the grid has 10,002 points"):
        run_sweep(loaded, params, RunSettings(draws=10), InProcess())


@pytest.mark.parametrize("span", [[], ["--range", "2025-05:2026-01"]])
def test_breakeven_on_a_date_input_takes_and_reports_months(span):
    """A date input is bisected over year-months: --range takes YYYY-MM:YYYY-MM, the
    default is its P1 to P99 in whole months, and no value sim made up is refused."""
    kkr = str(__import__("conftest").SCENARIOS / "kkr.yaml")
    result = CliRunner().invoke(app, ["sweep", kkr, "--breakeven", "deal.close", "--versus",
                                      STANDALONE, "-n", "50", "--json", *span])
    assert result.exit_code == 0, result.output
    b = json.loads(result.stdout)["breakeven"]
    assert b["range"] == (["2025-05", "2026-01"] if span else ["2025-07", "2026-06"])
    assert b["value"] is None or isinstance(b["value"], str)


def test_breakeven_by_month_finds_the_first_month_past_the_crossing():
    from simcore.analysis.breakeven import _by_month
    from simcore.timeline import month_index

    start = (2025, 4)
    calls = []

    def edge(label: str) -> float:        # turns negative from 2025-11 on
        calls.append(label)
        return 6.5 - month_index(start, label)

    out = _by_month(start, edge, "deal.close", "ending_cash", "base", "2025-04", "2026-12")
    assert out["value"] == "2025-11" and out["between"] == ["2025-10", "2025-11"]
    assert all(len(c) == 7 for c in calls) and out["iterations"] == len(calls) - 2


def test_quiet_sweep_into_a_folder_prints_nothing(tmp_path):
    out = tmp_path / "sw"
    r = CliRunner().invoke(app, ["sweep", STANDALONE, "-n", "50", "-p",
                                 "operations.burn.pert.min=-800,-780", "--out", str(out), "-q"])
    assert r.exit_code == 0 and r.output == "", r.output
    assert (out / "sweep.json").is_file()
