"""Comparing options on common random numbers."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml
from conftest import SCENARIOS, dist, q
from typer.testing import CliRunner

from cli.app import app
from simcore.analysis.compare import compare, comparison_dict
from simcore.experiments.runner import RunSettings
from simcore.scenario.loader import load_scenario


@pytest.fixture
def options(tmp_path):
    shutil.copy(SCENARIOS / "standalone.yaml", tmp_path / "standalone.yaml")

    def make(name: str, financing: dict | None = None, **more) -> str:
        data = {"extends": "standalone.yaml", "name": name, "title": name, **more}
        if financing:
            data["financing"] = financing
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return str(path)

    return make


def injection(amount) -> dict:
    return {"injection": {"kind": "equity", "amount": amount, "at": q("2025-04", "date"),
                          "probability": q(1.0, "probability")}}


def run_compare(paths, draws=2000, **kw):
    return compare([load_scenario(p) for p in paths], RunSettings(draws=draws, seed=5), **kw)


def linear_case() -> dict:
    """Overrides that leave nothing in standalone depending on the cash level.

    The bundled case earns interest on cash, draws its credit lines below a floor
    and refinances dearer when liquidity is weak; all three are switched off.
    """
    zero = {**q(0.0, "fraction"), "basis": "judgement", "assumption": "to keep it linear"}
    bonds = yaml.safe_load((SCENARIOS / "standalone.yaml").read_text())["debt"]
    linear = {"credit_lines": None, "balance": {"cash_rate": zero},
              "debt": {name: {"refinance": {"stress_spread": zero}}
                       for name, bond in bonds.items() if "stress_spread" in
                       bond.get("refinance", {})}}
    assert linear["debt"], "the bundled case has no stressed refinancing to switch off"
    return linear


def test_option_against_itself_differs_by_exactly_zero(options):
    same = options("same_again")
    c = run_compare([SCENARIOS / "standalone.yaml", same])
    data = comparison_dict(c)
    for metric, per in data["paired"].items():
        assert per["same_again"]["diff_p5"] == 0 and per["same_again"]["diff_p95"] == 0, metric
        direction = data["outcomes"][metric]["direction"]
        assert per["same_again"]["p_beats"] == (None if direction == "none" else 0), metric
    np.testing.assert_array_equal(c.results["standalone"].cash, c.results["same_again"].cash)


def test_fixed_equity_injection_is_exactly_one_billion_above(options):
    """In a cash model with nothing that depends on the cash level, 1bn in stays 1bn."""
    linear = linear_case()
    base = options("linear", **linear)
    path = options("equity_now", injection(q(1.0, "USD bn")), **linear)
    c = run_compare([base, path])
    diff = c.results["equity_now"].cash - c.results["linear"].cash
    np.testing.assert_allclose(diff[:, 0], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(diff, 1.0, rtol=0, atol=1e-9)   # and every month after
    data = comparison_dict(c)
    assert data["paired"]["min_cash"]["equity_now"]["p_beats"] == 1.0
    assert data["regret"]["min_cash"]["linear"]["mean"] == pytest.approx(1.0)
    assert data["ranking"]["ending_cash"] == ["equity_now", "linear"]


def test_order_of_files_does_not_change_numbers(options):
    a = options("equity_now", injection(dist("pert", {"min": 0.5, "mode": 1, "max": 2},
                                             "USD bn")))
    files = [SCENARIOS / "standalone.yaml", a]
    one = comparison_dict(run_compare(files, baseline="standalone"))
    two = comparison_dict(run_compare(files[::-1], baseline="standalone"))
    for key in ("metrics", "paired", "regret"):
        assert one[key] == two[key]


def test_common_random_numbers_shrink_the_paired_variance(options):
    """Variance of the per-draw difference in ending cash, CRN against independent streams."""
    a = options("equity_now", injection(dist("pert", {"min": 0.5, "mode": 1, "max": 2},
                                             "USD bn")))
    files = [SCENARIOS / "standalone.yaml", a]
    var = {}
    for crn in (True, False):
        c = run_compare(files, draws=5000, crn=crn)
        d = c.values["equity_now"]["ending_cash"] - c.values["standalone"]["ending_cash"]
        var[crn] = d.var()
    assert var[True] < 0.05 * var[False]


def test_cli_compare_json_and_files(options, tmp_path):
    base = options("standalone_linear", **linear_case())
    a = options("equity_now", injection(q(1.0, "USD bn")), **linear_case())
    out = tmp_path / "cmp"
    r = CliRunner().invoke(app, ["compare", base, a, "-n", "500",
                                 "--json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["options"] == ["standalone_linear", "equity_now"]
    assert data["baseline"] == "standalone_linear"
    for key in ("diff_p5", "diff_p50", "diff_p95", "p_beats"):
        assert key in data["paired"]["min_cash"]["equity_now"]
    assert set(data["regret"]["min_cash"]["equity_now"]) >= {"mean", "p90"}
    assert data["metrics"]["min_cash"]["equity_now"]["p50"] == pytest.approx(
        data["metrics"]["min_cash"]["standalone_linear"]["p50"] + 1.0, abs=1e-6)
    assert json.loads((out / "compare.json").read_text()) == data
    assert (out / "compare.csv").read_text().startswith("metric,unit,option,p50")


def test_cli_compare_refuses_unknown_baseline(options):
    a = options("equity_now", injection(q(1.0, "USD bn")))
    r = CliRunner().invoke(app, ["compare", str(SCENARIOS / "standalone.yaml"), a,
                                 "--baseline", "nope", "-n", "50"])
    assert r.exit_code == 2
    assert "--baseline 'nope' is not one of the options" in r.output
