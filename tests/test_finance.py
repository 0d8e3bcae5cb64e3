"""The financial core against cash paths worked by hand: a bond ladder, a failed issue
retried, a refinancing under stress, a credit line, a yen line item, value."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SCENARIOS, by_hand, q
from typer.testing import CliRunner

from cli.app import app
from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import Thresholds
from simcore.scenario.loader import load_scenario

runner = CliRunner()


def base(months: int = 12, cash: float = 10.0, **extra) -> dict:
    """Nothing happens but what ``extra`` adds: flat operations, no capex."""
    return by_hand(months, cash, **extra)


def go(write_yaml, sc: dict, draws: int = 2, **settings):
    return run(load_scenario(write_yaml(sc)).scenario,
               RunSettings(draws=draws, seed=3, **settings))


def bond(p, c, maturity, **kw) -> dict:
    return {"principal": q(p, "USD bn"), "coupon": q(c, "fraction"),
            "maturity": q(maturity, "date"), **kw}


def test_bond_ladder_month_by_month(write_yaml):
    ladder = {"a": bond(1.5, 0.04, "2025-07"), "b": bond(2.5, 0.06, "2026-01"),
              "c": bond(1.2, 0.05, "2026-02", repayment="amortising")}
    res = go(write_yaml, base(debt=ladder))
    cash, debt, paid = 10.0, [], 0.0
    want = []
    for t in range(12):
        # a: 1.5 outstanding to month 2, repaid in month 3 (July); coupon on last month's
        a_before, a_now = 1.5 * (t - 1 < 3), 1.5 * (t < 3)
        b_before, b_now = 2.5 * (t - 1 < 9), 2.5 * (t < 9)
        # c: 1.2 in 11 equal instalments in months 0..10 (to February 2026)
        c_before = 1.2 * max(10 - (t - 1), 0) / 11 if t > 0 else 1.2
        c_now = 1.2 * max(10 - t, 0) / 11
        coupons = 0.04 / 12 * a_before + 0.06 / 12 * b_before + 0.05 / 12 * c_before
        principal = (a_now - a_before) + (b_now - b_before) + (c_now - c_before)
        cash += principal - coupons
        paid += coupons
        want.append(cash)
        debt.append(a_now + b_now + c_now)
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    np.testing.assert_allclose(res.finance.debt_fy[0], [debt[11]], atol=1e-12)
    np.testing.assert_allclose(res.finance.interest_paid, paid, atol=1e-12)
    out = res.outcomes()
    np.testing.assert_allclose(out["net_debt.FY2025"], debt[11] - want[11], atol=1e-12)
    b = res.finance.bridge
    np.testing.assert_allclose(b["debt_repaid"], -(1.5 + 2.5 + 1.2), atol=1e-12)
    np.testing.assert_allclose(b["interest_paid"], -paid, atol=1e-12)


def test_failed_issue_is_retried_later_at_a_higher_coupon(write_yaml):
    issue = {"principal": q(2.0, "USD bn"), "coupon": q(0.05, "fraction"),
             "issue": q("2025-05", "date"), "maturity": q(6, "months"),
             "probability": q(0.0, "probability"),
             "retry": {"after": q(3, "months"), "probability": q(1.0, "probability"),
                       "spread": q(0.02, "fraction"), "attempts": 2}}
    res = go(write_yaml, base(debt={"new": issue}))
    want, cash = [], 10.0
    for t in range(12):
        # first attempt (month 1) fails; the retry 3 months on (month 4) places it at 7%
        flow = (2.0 if t == 4 else 0.0) - (2.0 if t == 10 else 0.0)
        flow -= 2.0 * 0.07 / 12 if 5 <= t <= 10 else 0.0
        cash += flow
        want.append(cash)
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    # with no retry, the money never comes
    issue.pop("retry")
    np.testing.assert_allclose(go(write_yaml, base(debt={"new": issue})).cash, 10.0)


@pytest.mark.parametrize("weak_below, rolled", [(100.0, True), (0.0, True), (0.0, False)])
def test_refinancing_at_maturity_with_a_stress_step(write_yaml, weak_below, rolled):
    refi = {"probability": q(1.0 if rolled else 0.0, "probability"),
            "coupon": q(0.08, "fraction"), "tenor": q(4, "months"),
            "stress_below": q(weak_below, "USD bn"), "stress_spread": q(0.03, "fraction")}
    res = go(write_yaml, base(debt={"r": bond(3.0, 0.04, "2025-09", refinance=refi)}))
    coupon = 0.08 + (0.03 if weak_below > 10 else 0.0)   # liquidity is about 10
    want, cash = [], 10.0
    for t in range(12):
        flow = -3.0 * 0.04 / 12 if t <= 5 else 0.0      # old bond, due in month 5
        if rolled:
            flow -= 3.0 * coupon / 12 if 6 <= t <= 9 else 0.0
            flow -= 3.0 if t == 9 else 0.0              # new tranche due 4 months on
        else:
            flow -= 3.0 if t == 5 else 0.0
        cash += flow
        want.append(cash)
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    b = res.finance.bridge
    np.testing.assert_allclose(b["debt_raised"], 3.0 if rolled else 0.0, atol=1e-12)


def test_credit_line_drawn_and_repaid(write_yaml):
    items = {"loss": {"amount": q(-3.0, "USD bn"), "start": q("2025-06", "date")},
             "gain": {"amount": q(4.0, "USD bn"), "start": q("2025-10", "date")}}
    line = {"size": q(5.0, "USD bn"), "maturity": q("2027-01", "date"),
            "rate": q(0.06, "fraction"), "fee": q(0.01, "fraction"),
            "draw_below": q(0.5, "USD bn")}
    res = go(write_yaml, base(cash=1.0, items=items, credit_lines={"rcf": line}))
    before = [1.0, 1.0, -2.0, -2.0, -2.0, -2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    # month by month: pay last month's interest (6% drawn) and fee (1% undrawn), then
    # draw what cash after them lacks of 0.5
    cost, drawn, want, liq = 0.0, [], [], []
    for t in range(12):
        if t > 0:
            cost += 0.06 / 12 * drawn[t - 1] + 0.01 / 12 * (5.0 - drawn[t - 1])
        drawn.append(min(5.0, max(0.0, 0.5 - (before[t] - cost))))
        want.append(before[t] + drawn[t] - cost)
        liq.append(want[-1] + 5.0 - drawn[t])
    assert all(d > 2.5 for d in drawn[2:6]) and drawn[6] == 0.0   # drawn, then repaid
    assert want[2:6] == pytest.approx([0.5] * 4, abs=1e-12)       # held at the level
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    np.testing.assert_allclose(res.liquidity[0], liq, atol=1e-12)
    out = res.outcomes()
    assert out["breach"][0] == 1.0 and out["liquidity_breach"][0] == 0.0
    np.testing.assert_allclose(out["min_liquidity"], min(liq), atol=1e-12)
    np.testing.assert_allclose(out["interest_paid"], cost, atol=1e-12)
    np.testing.assert_allclose(res.finance.debt_fy[0, 0], drawn[11], atol=1e-12)


def jpy(spot: float = 150.0, drift: float | None = None) -> dict:
    fx = {"spot": q(spot, "JPY per USD")}
    if drift is not None:
        fx["drift"] = q(drift, "fraction")
    return {"JPY": fx}


def test_yen_line_item_at_a_fixed_rate(write_yaml):
    item = {"tariff": {"amount": q(-300.0, "JPY bn/yr"), "start": q("2025-07", "date"),
                       "duration": q(6, "months")}}
    sc = base(fx=jpy(), items=item)
    sc["balance"]["opening_cash"] = q(1500.0, "JPY bn")
    res = go(write_yaml, sc)
    monthly = [-300.0 / 150.0 / 12 if 3 <= t <= 8 else 0.0 for t in range(12)]
    want = 10.0 + np.cumsum(monthly)
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    np.testing.assert_allclose(res.fcf_fy[0, 0], sum(monthly), atol=1e-12)
    in_yen = go(write_yaml, sc, currency="JPY")
    np.testing.assert_allclose(in_yen.cash[0], 150.0 * want, atol=1e-9)
    b = in_yen.finance.bridge
    np.testing.assert_allclose(b["items.tariff"], -150.0, atol=1e-9)
    np.testing.assert_allclose(b["fx_translation"], 0.0, atol=1e-9)


def test_drifting_rate_converts_each_month_and_the_floor(write_yaml):
    item = {"cost": {"amount": q(-240.0, "JPY bn/yr")}}
    sc = base(fx=jpy(100.0, 0.12), items=item)
    sc["floor"] = q(900.0, "JPY bn")
    res = go(write_yaml, sc)
    rate = 100.0 * np.exp(0.12 * np.arange(12) / 12)
    want = 10.0 + np.cumsum(-20.0 / rate)
    np.testing.assert_allclose(res.cash[0], want, atol=1e-12)
    # the floor of 900 JPY bn is 9 USD bn at the start and less as the yen weakens:
    # first crossed in month 8 (at a fixed 9 USD bn it would be month 5)
    first = res.outcomes()["first_breach_month"][0]
    assert first == next(t for t in range(12) if want[t] < 900.0 / rate[t]) == 8
    assert res.outcomes(Thresholds(floor=2000.0))["first_breach_month"][0] == 0


def test_line_item_conditions_and_weights(write_yaml):
    deal = {"partner": "P", "terms": "t", "probability": q(0.0, "probability"),
            "close": q("2025-06", "date")}
    items = {"break_fee": {"amount": q(-0.6, "USD bn"), "when": "deal_collapses",
                           "start": q(1, "months"), "weights": [1, 2, 3]},
             "hedge": {"amount": q(-1.2, "USD bn/yr"), "when": "event",
                       "probability": q(1.0, "probability"), "weights": [2, 0, 1]},
             "jv_dividend": {"amount": q(0.5, "USD bn"), "when": "deal_closes",
                             "fcf": False}}
    res = go(write_yaml, base(deal=deal, items=items))
    fee = [0.0] * 12
    fee[3], fee[4], fee[5] = -0.1, -0.2, -0.3                 # collapse in month 2, +1
    hedge = [-0.1 * [2, 0, 1][t % 3] for t in range(12)]      # weights scaled to mean 1
    np.testing.assert_allclose(res.cash[0], 10.0 + np.cumsum(np.add(fee, hedge)), atol=1e-12)
    b = res.finance.bridge
    np.testing.assert_allclose(b["items.jv_dividend"], 0.0)
    np.testing.assert_allclose(b["items.break_fee"], -0.6, atol=1e-12)


def valued(method: str = "growth", **extra) -> dict:
    terminal = {"method": method, **({"growth": q(0.02, "fraction")} if method == "growth"
                                     else {"multiple": q(8.0, "ratio")})}
    sc = base(value={"discount_rate": q(0.10, "fraction"), "terminal": terminal,
                     "shares": q(2e9, "count")}, **extra)
    sc["operations"]["burn"] = q(1.2, "USD bn/yr")
    sc["operations"]["steady"] = q(1.2, "USD bn/yr")
    return sc


@pytest.mark.parametrize("method", ["growth", "multiple"])
def test_terminal_value_against_the_gordon_formula(write_yaml, method):
    res = go(write_yaml, valued(method))
    disc = 1.1 ** (-(np.arange(12) + 1) / 12)
    tv = 1.2 * 1.02 / (0.10 - 0.02) if method == "growth" else 8.0 * 1.2
    ev = (0.1 * disc).sum() + disc[-1] * tv
    equity = disc[-1] * (tv + 11.2)                           # cash 10 + 1.2, no debt
    out = res.outcomes()
    np.testing.assert_allclose(out["enterprise_value"], ev, rtol=1e-12)
    np.testing.assert_allclose(out["equity_value"], equity, rtol=1e-12)
    np.testing.assert_allclose(out["value_per_share"], equity / 2.0, rtol=1e-12)


def test_equity_at_a_discount_dilutes_and_a_convertible_converts(write_yaml):
    fin = {"placing": {"kind": "equity", "amount": q(1.0, "USD bn"),
                       "at": q("2025-06", "date"), "probability": q(1.0, "probability"),
                       "discount": q(0.1, "fraction")}}
    sc = valued(financing=fin)
    sc["balance"]["market_value"] = q(9.0, "USD bn")
    res = go(write_yaml, sc)
    d = 1.0 / (1.0 + 9.0 * 0.9)
    disc = 1.1 ** -1
    equity = disc * (1.2 * 1.02 / 0.08 + 12.2)
    np.testing.assert_allclose(res.dilution, d, rtol=1e-12)
    np.testing.assert_allclose(res.outcomes()["equity_value"], equity * (1 - d), rtol=1e-12)
    for price, converts in ((1.0, True), (50.0, False)):
        pref = {"kind": "preferred", "principal": q(1.0, "USD bn"),
                "coupon": q(0.12, "fraction"), "maturity": q("2031-03", "date"),
                "pik": True, "conversion": {"price": q(price, "USD per share")}}
        res = go(write_yaml, valued(debt={"pref": pref}))
        claim = 1.01 ** 12                                    # accreted over 12 months
        common = 1.2 * 1.02 / 0.08 + 11.2                     # PIK: no cash coupon
        shares = 2.0 + (claim / price if converts else 0.0)   # bn
        value = common if converts else common - claim
        np.testing.assert_allclose(res.outcomes()["value_per_share"],
                                   disc * value / shares, rtol=1e-12)


def test_a_flow_item_dated_before_the_start_runs_from_the_start(write_yaml):
    """An item written per year that began before the timeline is ongoing: it runs from
    month 0 (only a one-off dated before the start is refused)."""
    sc = base(items={"x": {"amount": q(-1.2, "USD bn/yr"), "start": q("2025-01", "date")}})
    res = go(write_yaml, sc)
    np.testing.assert_allclose(res.finance.bridge["items.x"], -1.2, rtol=1e-9)


def test_interest_on_cash_compounds_monthly(write_yaml):
    sc = base()
    sc["balance"]["cash_rate"] = q(0.06, "fraction")
    res = go(write_yaml, sc)
    np.testing.assert_allclose(res.cash[0], 10.0 * 1.005 ** np.arange(1, 13), rtol=1e-12)
    np.testing.assert_allclose(res.finance.bridge["interest_earned"],
                               10.0 * (1.005 ** 12 - 1), rtol=1e-12)


@pytest.mark.parametrize("bad, msg", [
    ({"items": {"x": {"amount": q(-1.0, "JPY bn")}}}, "fx.JPY.spot"),
    ({"items": {"x": {"amount": q(-1.0, "USD bn"), "when": "launch",
                      "programme": "nope"}}}, "unknown programme 'nope'"),
    ({"debt": {"x": bond(1.0, 0.05, "2026-01", probability=q(0.5, "probability"))}},
     "belong to a new issue"),
    ({"items": {"x": {"amount": q(-1.0, "USD bn"), "start": q("2025-01", "date")}}},
     "items.x.start: is 2025-01, before the timeline's start 2025-04; a one-off item before "
     "the start would be paid in the first month"),
])
def test_bad_finance_input_names_the_entry(write_yaml, bad, msg):
    from simcore.errors import InputError

    with pytest.raises(InputError, match=msg.replace(".", r"\.")):
        load_scenario(write_yaml(base(**bad)))


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bridge_identity_on_every_bundled_scenario(path):
    r = runner.invoke(app, ["run", str(path), "-n", "300", "--seed", "5", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    b = s["bridge"]
    assert b["opening"] + sum(b["components"].values()) == pytest.approx(b["ending"],
                                                                        abs=1e-9)
    assert b["opening"] == pytest.approx(s["outcomes"]["ending_cash"]["mean"]
                                         - sum(b["components"].values()), abs=1e-5)
    assert {"liquidity", "debt", "value"} <= set(s)


def test_report_currency_needs_a_rate(write_yaml):
    r = runner.invoke(app, ["run", str(write_yaml(base())), "-n", "10", "--currency", "JPY"])
    assert r.exit_code == 2
    assert "fx.JPY.spot" in r.output and "Traceback" not in r.output


def test_a_yen_line_holds_cash_at_its_yen_level_as_the_rate_drifts(write_yaml):
    """draw_below 900 JPY bn at a drifting rate: the line keeps cash at 900 JPY bn in
    every month (not at 9 USD bn, the level at the opening rate)."""
    item = {"cost": {"amount": q(-2400.0, "JPY bn/yr")}}
    line = {"size": q(5000.0, "JPY bn"), "maturity": q("2030-01", "date"),
            "rate": q(0.0, "fraction"), "fee": q(0.0, "fraction"),
            "draw_below": q(900.0, "JPY bn")}
    sc = base(fx=jpy(100.0, 0.12), items=item, credit_lines={"yen": line})
    sc["balance"]["opening_cash"] = q(1000.0, "JPY bn")
    res = go(write_yaml, sc, currency="JPY")
    before = 1000.0 - 200.0 * np.arange(1, 13)          # yen cash without the line
    np.testing.assert_allclose(res.cash[0], np.maximum(before, 900.0), atol=1e-9)
    usd = go(write_yaml, sc)
    rate = 100.0 * np.exp(0.12 * np.arange(12) / 12)
    np.testing.assert_allclose(usd.cash[0], np.maximum(before, 900.0) / rate, atol=1e-12)
