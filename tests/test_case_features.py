"""The Nissan case's features against cash paths worked by hand: "cash positive" read
three ways, erosion of the steady flow by late launches, a takeover's exchange
consideration, a credit line that comes with the deal, collapse costs, and the
pre-run checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import by_hand, dist, q
from typer.testing import CliRunner

from cli.app import app
from simcore.analysis.checks import failures, run_checks
from simcore.analysis.summary import summarise
from simcore.cash.erosion import mean_months_late
from simcore.errors import InputError
from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import catalogue, kind_of
from simcore.scenario.loader import load_scenario
from simcore.uncertainties.draws import Draws
from simcore.uncertainties.inputs import collect

runner = CliRunner()


def base(months: int = 12, cash: float = 10.0, burn: float = 0.0, steady: float = 0.0,
         recovery: str = "2025-01", recovery_months: float = 1, **extra) -> dict:
    """:func:`conftest.by_hand`, with a recovery that is over before the start."""
    return by_hand(months, cash, burn, steady, recovery, recovery_months, **extra)


def go(write_yaml, sc: dict, draws: int = 2, **settings):
    return run(load_scenario(write_yaml(sc)).scenario,
               RunSettings(draws=draws, seed=3, **settings))


# --- 1. "cash positive in 2026", every reading -----------------------------------

def step_path(s: int, months: int = 36) -> list[float]:
    """Monthly FCF of ``base(burn=-2.4, steady=2.4, recovery_months=2)`` recovering from
    month ``s``: -0.2 a month, then the ramp's months average a quarter and three
    quarters of the way (-0.1, +0.1), then +0.2."""
    return [-0.2 if t < s else -0.1 if t == s else 0.1 if t == s + 1 else 0.2
            for t in range(months)]


@pytest.mark.parametrize("recovery, s, want", [
    # July 2026 (month 15): positive for good from August 2026 (16). FY2026 (months
    # 12-23) = -0.6 - 0.1 + 0.1 + 1.4 = +0.8; CY2026 (months 9-20) = -1.2 - 0.1 + 0.1
    # + 0.8 = -0.4: the fiscal and for-good readings say yes, the calendar one no.
    ("2026-07", 15, {"fcf_positive.FY2026": 1, "fcf_positive.CY2026": 0,
                     "fcf_positive_for_good_by.CY2026": 1, "fcf_positive.FY2025": 0,
                     "fcf_positive.CY2027": 1, "fcf_positive_for_good_by.CY2025": 0}),
    # December 2026 (month 20): positive for good from January 2027 (21); FY2026 =
    # -1.6 - 0.1 + 0.1 + 0.4 = -1.2; every 2026 reading says no, every 2027 one yes.
    ("2026-12", 20, {"fcf_positive.FY2026": 0, "fcf_positive.CY2026": 0,
                     "fcf_positive_for_good_by.CY2026": 0, "fcf_positive.FY2027": 1,
                     "fcf_positive.CY2027": 1, "fcf_positive_for_good_by.CY2027": 1}),
])
def test_cash_positive_readings_on_a_hand_worked_path(write_yaml, recovery, s, want):
    res = go(write_yaml, base(36, burn=-2.4, steady=2.4, recovery=recovery,
                              recovery_months=2))
    fcf = step_path(s)
    np.testing.assert_allclose(np.diff(res.cash[0], prepend=10.0), fcf, atol=1e-12)
    out = res.outcomes()
    for name, value in want.items():
        assert out[name][0] == value, name
    # the sums behind them, by hand: FY = April-March, CY = January-December
    for y, (a, b) in {"FY2025": (0, 12), "FY2026": (12, 24), "FY2027": (24, 36)}.items():
        assert out[f"fcf_positive.{y}"][0] == (sum(fcf[a:b]) > 0)
    assert out["fcf_positive.CY2026"][0] == (sum(fcf[9:21]) > 0)
    assert out["fcf_positive_month"][0] == s + 1
    # calendar years wholly inside the horizon (April 2025 - March 2028) are 2026, 2027;
    # "for good by December" needs only December inside it
    names = set(out)
    assert {"fcf_positive.CY2026", "fcf_positive.CY2027"} <= names
    assert "fcf_positive.CY2025" not in names and "fcf_positive.CY2028" not in names
    assert {f"fcf_positive_for_good_by.CY{y}" for y in (2025, 2026, 2027)} <= names
    cp = summarise(res)["cash_positive"]
    assert cp["fiscal_year"]["FY2026"]["p"] == want.get("fcf_positive.FY2026")
    assert cp["calendar_year"]["CY2026"]["p"] == want["fcf_positive.CY2026"]
    assert cp["for_good_by_december"]["CY2026"]["p"] == want[
        "fcf_positive_for_good_by.CY2026"]


def test_for_good_by_december_agrees_with_fcf_positive_month_and_implies_next_year(
        write_yaml):
    sc = base(36, burn=-2.4, steady=2.4, recovery_months=6)
    sc["operations"]["recovery_start"] = dist("uniform", {"min": "2025-10", "max": "2027-06"},
                                              "date")
    sc["operations"]["burn"] = dist("uniform", {"min": -4.0, "max": -1.0}, "USD bn/yr")
    res = go(write_yaml, sc, draws=400)
    out = res.outcomes()
    for y, dec in ((2025, 8), (2026, 20), (2027, 32)):
        np.testing.assert_array_equal(out[f"fcf_positive_for_good_by.CY{y}"],
                                      out["fcf_positive_month"] <= dec)
    good = out["fcf_positive_for_good_by.CY2026"] == 1
    assert 0 < good.mean() < 1
    assert (out["fcf_positive.CY2027"][good] == 1).all()
    assert (out["fcf_positive.FY2027"][good] == 1).all()
    # the year readings do not imply it: some draws are positive over 2027 but not for good
    assert (out["fcf_positive.CY2027"][~good] == 1).any()


def test_cash_positive_in_the_registry_and_the_run_output(write_yaml):
    names = [r["name"] for r in catalogue()]
    for fam in ("fcf_positive.<FY>", "fcf_positive.<CY>", "fcf_positive_for_good_by.<CY>",
                "core_flow.<FY>", "fcf_before_one_offs.<FY>"):
        assert fam in names
    assert "calendar" in kind_of("fcf_positive.CY2026").description
    assert "fiscal" in kind_of("fcf_positive.FY2026").description
    assert kind_of("fcf_positive_for_good_by.CY2026").kind == "probability"
    path = write_yaml(base(36, burn=-2.4, steady=2.4, recovery="2026-07", recovery_months=2))
    r = runner.invoke(app, ["run", str(path), "-n", "20", "--seed", "1"])
    assert r.exit_code == 0, r.output
    assert "Cash positive readings" in r.output
    assert "FY2026: 100.0%" in r.output and "CY2026: 0.0%" in r.output
    assert "Dec 2026: 100.0%" in r.output and "CY2027: 100.0%" in r.output
    r = runner.invoke(app, ["run", str(path), "-n", "20", "--seed", "1", "--json"])
    s = json.loads(r.stdout)
    assert s["cash_positive"]["calendar_year"]["CY2026"]["p"] == 0.0
    assert s["outcomes"]["fcf_positive_for_good_by.CY2026"]["p"] == 1.0


# --- 2. erosion of the steady flow by late launches ---------------------------------

def programme(target: str, launch: str) -> dict:
    return {"title": target, "target": target, "launch": q(launch, "date"),
            "dev_start": q("2025-01", "date"), "dev_cost": q(0.0, "USD bn"),
            "margin": q(0.0, "USD bn/yr"), "ramp_months": q(1, "months")}


def eroded(late_a: str = "2026-01", names: list[str] | None = None) -> dict:
    """Steady 1.2/yr from the start; 'a' targets 2025-10 and launches ``late_a``, 'b'
    targets 2025-12 and launches early (2025-11)."""
    ero = {"per_month_late": q(0.24, "USD bn/yr", "each month of delay costs 0.24/yr"),
           "cap_months": q(6, "months", "delay beyond half a year adds nothing")}
    if names is not None:
        ero["programmes"] = names
    sc = base(burn=1.2, steady=1.2, programmes={"a": programme("2025-10", late_a),
                                                "b": programme("2025-12", "2025-11")})
    sc["operations"]["erosion"] = ero
    return sc


@pytest.mark.parametrize("late_a, names, avg", [
    ("2026-01", None, 1.5),        # a: 3 months late, b: on time -> mean 1.5
    ("2026-01", ["a"], 3.0),       # only a counts
    ("2027-10", None, 6.0),        # a: 24 months late -> mean 12, capped at 6
])
def test_erosion_lowers_the_steady_flow_by_months_late(write_yaml, late_a, names, avg):
    res = go(write_yaml, eroded(late_a, names))
    erosion = 0.24 * avg                                     # USD bn/yr off the steady 1.2
    want = 10.0 + np.cumsum(np.full(12, (1.2 - erosion) / 12))
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    b = res.finance.bridge
    np.testing.assert_allclose(b["erosion"], -erosion, atol=1e-12)
    np.testing.assert_allclose(b["operations"], 1.2, atol=1e-12)
    np.testing.assert_allclose(res.outcomes()["core_flow.FY2025"], 1.2 - erosion, atol=1e-12)


def test_erosion_follows_the_recovery_ramp_and_counts_a_cancellation_as_the_cap(
        write_yaml):
    sc = eroded()
    sc["operations"].update(burn=q(-1.2, "USD bn/yr"), recovery_start=q("2025-07", "date"),
                            recovery_months=q(6, "months"))
    res = go(write_yaml, sc)
    r = np.clip((np.arange(12) + 0.5 - 3) / 6, 0, 1)       # linear over whole months
    core = (-1.2 + (1.2 - 0.36 + 1.2) * r) / 12              # recovers to 1.2 - 0.36
    np.testing.assert_allclose(np.diff(res.cash[0], prepend=10.0), core, atol=1e-12)
    loaded = load_scenario(write_yaml(eroded()))
    v = Draws.over(loaded.scenario, {"operations.erosion.cap_months": np.array([6.0, 6.0])})
    got = mean_months_late(loaded.scenario, v, 2, {"a": np.array([np.inf, 9.0]),
                                                   "b": np.array([7.0, 10.5])})
    np.testing.assert_allclose(got, [(6.0 + 0.0) / 2, (3.0 + 2.5) / 2])


def test_erosion_is_optional_named_inputs_and_zero_when_absent(write_yaml):
    sc = eroded()
    names = {i.name for i in collect(load_scenario(write_yaml(sc)).scenario)}
    assert {"operations.erosion.per_month_late", "operations.erosion.cap_months"} <= names
    del sc["operations"]["erosion"]
    res = go(write_yaml, sc)
    np.testing.assert_allclose(res.finance.bridge["erosion"], 0.0)
    sc["operations"]["erosion"] = {**eroded()["operations"]["erosion"], "programmes": ["x"]}
    with pytest.raises(InputError, match="unknown programme 'x'"):
        load_scenario(write_yaml(sc))


# --- 3. a takeover: the exchange consideration; support that comes with the deal ------

def valued(p_close: float, price: dict | None = None, **extra) -> dict:
    price = price if price is not None else q(20.0, "USD per share")
    sc = base(burn=1.2, steady=1.2, **extra)
    sc["value"] = {"discount_rate": q(0.10, "fraction"),
                   "terminal": {"method": "growth", "growth": q(0.02, "fraction")},
                   "shares": q(2e9, "count")}
    sc["deal"] = {"partner": "Acquirer", "terms": "share exchange",
                  "probability": q(p_close, "probability"), "close": q("2025-09", "date"),
                  "exchange": {"ratio": q(0.5, "ratio", "half an acquirer share each"),
                               "acquirer_price": price}}
    return sc


def test_value_per_share_is_the_exchange_consideration_when_the_deal_closes(write_yaml):
    closed = go(write_yaml, valued(1.0)).outcomes()
    np.testing.assert_allclose(closed["value_per_share"], 0.5 * 20.0, rtol=1e-12)
    np.testing.assert_allclose(closed["equity_value"], 0.5 * 20.0 * 2.0, rtol=1e-12)
    # collapsed: the standalone value (Gordon terminal value, as in test_finance)
    res = go(write_yaml, valued(0.0))
    disc = 1.1 ** -1
    equity = disc * (1.2 * 1.02 / 0.08 + 11.2)
    np.testing.assert_allclose(res.outcomes()["value_per_share"], equity / 2.0, rtol=1e-12)
    s = summarise(res)["value"]["exchange"]
    assert "exchange consideration" in s["closed_draws"] and s["p_closed"] == 0.0
    # a yen price converts at the spot rate; reported in yen it is the yen figure
    yen = valued(1.0, q(3000.0, "JPY per share"), fx={"JPY": {"spot": q(150.0, "JPY per USD")}})
    np.testing.assert_allclose(go(write_yaml, yen).outcomes()["value_per_share"], 10.0)
    in_yen = go(write_yaml, yen, currency="JPY").outcomes()
    np.testing.assert_allclose(in_yen["value_per_share"], 1500.0, rtol=1e-12)


def test_exchange_needs_the_share_count(write_yaml):
    sc = valued(1.0)
    del sc["value"]["shares"]
    with pytest.raises(InputError, match="value.shares"):
        load_scenario(write_yaml(sc))


@pytest.mark.parametrize("p_close", [1.0, 0.0])
def test_a_credit_line_on_deal_exists_from_the_close_only_if_it_closes(write_yaml, p_close):
    line = {"size": q(5.0, "USD bn"), "maturity": q("2027-01", "date"),
            "rate": q(0.06, "fraction"), "fee": q(0.012, "fraction"),
            "draw_below": q(0.5, "USD bn"), "on_deal": True}
    deal = {"partner": "Acquirer", "terms": "support", "probability": q(p_close, "probability"),
            "close": q("2025-07", "date")}
    res = go(write_yaml, base(deal=deal, credit_lines={"support": line}))
    if p_close:
        # from month 3 undrawn 5; its fee 5 x 0.012 / 12 = 0.005 is paid from month 4
        cash = [10.0 - 0.005 * max(t - 3, 0) for t in range(12)]
        liq = [c + (5.0 if t >= 3 else 0.0) for t, c in enumerate(cash)]
    else:
        cash = liq = [10.0] * 12
    np.testing.assert_allclose(res.cash[0], cash, atol=1e-12)
    np.testing.assert_allclose(res.liquidity[0], liq, atol=1e-12)


# --- 4. what a collapse costs: line items from the collapse -------------------------

def test_collapse_costs_one_off_and_yearly_from_the_collapse(write_yaml):
    deal = {"partner": "P", "terms": "t", "probability": q(0.0, "probability"),
            "close": q("2025-07", "date")}
    items = {"break_fee": {"amount": q(-0.5, "USD bn"), "when": "deal_collapses"},
             "lost_buying": {"amount": q(-1.2, "USD bn/yr"), "when": "deal_collapses",
                             "duration": q(6, "months")}}
    res = go(write_yaml, base(deal=deal, items=items))
    flows = [(-0.5 if t == 3 else 0.0) + (-0.1 if 3 <= t <= 8 else 0.0) for t in range(12)]
    np.testing.assert_allclose(res.cash[0], 10.0 + np.cumsum(flows), atol=1e-12)
    deal["probability"] = q(1.0, "probability")
    np.testing.assert_allclose(go(write_yaml, base(deal=deal, items=items)).cash, 10.0)


# --- 5. checks before the run -----------------------------------------------------

def checked(**checks) -> dict:
    """Core 1.2/yr; restructuring 0.6 over six months; a one-off -0.3 and a yearly -0.24
    item: FY2025 core flow 1.2, FCF before one-offs 1.2 - 0.24 = 0.96, FCF 0.06."""
    sc = base(burn=1.2, steady=1.2,
              restructuring={"plants": {"cost": q(0.6, "USD bn"), "start": q("2025-06", "date"),
                                        "months": q(6, "months")}},
              items={"fine": {"amount": q(-0.3, "USD bn"), "start": q("2025-06", "date")},
                     "tariff": {"amount": q(-0.24, "USD bn/yr")}})
    sc["checks"] = {k: {"title": k, "assumption": "the source's range", **c}
                    for k, c in checks.items()}
    return sc


GOOD = {"core": {"measure": "core_flow.FY2025", "at_least": 1.1, "at_most": 1.3},
        "underlying": {"measure": "fcf_before_one_offs.FY2025", "at_least": 0.9,
                       "at_most": 1.0}}
BAD = {"measure": "fcf.FY2025", "at_least": 0.5, "unit": "USD bn"}


def test_checks_measure_the_pilot_in_closed_form(write_yaml):
    loaded = load_scenario(write_yaml(checked(**GOOD, headline=BAD)))
    results = {r.name: r for r in run_checks(loaded, draws=50)}
    for name, value in (("core", 1.2), ("underlying", 0.96), ("headline", 0.06)):
        r = results[name]
        # (a yearly item ramps in over 1e-9 months: 1e-11 off in its first month)
        assert r.p5 == pytest.approx(value, abs=1e-9)
        assert r.p95 == pytest.approx(value, abs=1e-9)
    assert results["core"].passed and results["underlying"].passed
    assert not results["headline"].passed and results["headline"].share_found == 0.0
    text = (loaded.file).read_text().splitlines()
    assert text[results["headline"].line - 1].strip() == "headline:"
    assert "checks.headline" in str(failures(list(results.values())))


def test_check_share_is_the_share_of_draws_inside_the_bound(write_yaml):
    sc = checked(half={"measure": "core_flow.FY2025", "at_least": 1.0, "share": 0.4})
    sc["operations"]["burn"] = dist("uniform", {"min": 0.0, "max": 2.0}, "USD bn/yr")
    sc["operations"]["recovery_start"] = q("2030-01", "date")  # core flow = burn
    path = write_yaml(sc)
    (r,) = run_checks(load_scenario(path), draws=400, seed=5)
    pilot = run(load_scenario(path).scenario, RunSettings(draws=400, seed=5,
                                                          keep_inputs=True))
    burn = pilot.values["operations.burn"]
    assert r.share_found == pytest.approx((burn >= 1.0).mean())
    assert r.p50 == pytest.approx(np.percentile(burn, 50))
    assert r.passed == ((burn >= 1.0).mean() >= 0.4)


def test_sim_run_stops_on_a_failed_check_and_validate_prints_them(write_yaml):
    path = write_yaml(checked(**GOOD, headline=BAD))
    line = path.read_text().splitlines().index("  headline:") + 1
    r = runner.invoke(app, ["run", str(path), "-n", "20"])
    assert r.exit_code == 2
    bad = [x for x in r.output.splitlines() if "checks." in x]
    assert len(bad) == 1 and f"{path}:{line}: checks.headline: fcf.FY2025 at least 0.5" in bad[0]
    assert "0.0% of 2,000 pilot draws" in bad[0] and "Traceback" not in r.output
    assert runner.invoke(app, ["run", str(path), "-n", "20", "--no-checks"]).exit_code == 0
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert sum(x.lstrip().startswith("pass") for x in r.output.splitlines()) == 2
    assert sum(x.lstrip().startswith("FAIL") for x in r.output.splitlines()) == 1
    ok = write_yaml(checked(**GOOD), "ok.yaml")
    r = runner.invoke(app, ["run", str(ok), "-n", "20", "--json"])
    assert r.exit_code == 0, r.output
    assert [c["name"] for c in json.loads(r.stdout)["checks"]] == ["core", "underlying"]


@pytest.mark.parametrize("check, msg", [
    ({"measure": "fcf.FY2031", "at_least": 0.0}, "FY2031 is not in the horizon"),
    ({"measure": "ebit.FY2025", "at_least": 0.0}, "is not one of"),
    ({"measure": "fcf.FY2025"}, "at_least"),
    ({"measure": "fcf.FY2025", "at_least": 0.0, "unit": "JPY bn"}, "fx.JPY.spot"),
])
def test_bad_checks_are_refused(write_yaml, check, msg):
    with pytest.raises(InputError, match=msg.replace(".", r"\.")):
        load_scenario(write_yaml(checked(x=check)))
