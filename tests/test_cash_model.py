"""The cash model against paths worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import q

from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import Thresholds
from simcore.scenario.loader import load_scenario


def fixed_scenario(deal_probability: float) -> dict:
    """Twelve months from April 2025, every input fixed."""
    return {
        "name": "hand", "title": "worked by hand",
        "timeline": {"start": "2025-04", "months": 12},
        "floor": q(9.5, "USD bn"),
        "balance": {"opening_cash": q(10.0, "USD bn"), "opening_debt": q(5.0, "USD bn"),
                    "market_value": q(9.0, "USD bn")},
        "operations": {"burn": q(-1.2, "USD bn/yr"), "steady": q(2.4, "USD bn/yr"),
                       "recovery_start": q("2025-07", "date"),
                       "recovery_months": q(6, "months")},
        "savings": {"cuts": {"run_rate": q(1.2, "USD bn/yr"), "start": q("2025-04", "date"),
                             "ramp_months": q(4, "months")}},
        "restructuring": {"closures": {"cost": q(0.6, "USD bn"), "start": q("2025-05", "date"),
                                       "months": q(3, "months")}},
        "capex": {"base": q(0.6, "USD bn/yr")},
        "financing": {
            "notes": {"kind": "debt", "amount": q(2.0, "USD bn"), "at": q("2025-06", "date"),
                      "probability": q(1.0, "probability"), "coupon": q(0.06, "fraction"),
                      "maturity": q(6, "months")},
            "shares": {"kind": "equity", "amount": q(1.0, "USD bn"),
                       "at": q("2025-10", "date"), "probability": q(1.0, "probability")},
            "disposal": {"kind": "asset_sale", "amount": q(3.0, "USD bn"),
                         "at": q("2025-05", "date"), "probability": q(0.0, "probability")},
        },
        "deal": {"partner": "P", "terms": "t", "probability": q(deal_probability, "probability"),
                 "close": q("2025-08", "date"),
                 "effects": {"synergy": {"annual": q(1.2, "USD bn/yr")},
                             "joint_buying": {"annual": q(-0.6, "USD bn/yr"), "start": "now",
                                              "on_collapse": "stop"}}},
        "programmes": {"car": {"title": "Car", "target": "2025-10",
                               "launch": q("2025-12", "date"), "dev_start": q("2025-04", "date"),
                               "dev_cost": q(0.6, "USD bn"), "margin": q(1.2, "USD bn/yr"),
                               "ramp_months": q(2, "months")}},
    }


def by_hand(deal_closes: bool) -> tuple[list[float], list[float]]:
    """Monthly free cash flow and cash, month by month, from the inputs above."""
    fcf, cash, c = [], [], 10.0
    for t in range(12):
        mid = t + 0.5  # every ramp here is linear across whole months: its mean is at mid
        core = -0.1 if t < 3 else (0.2 if t >= 9 else -0.1 + 0.3 * (mid - 3) / 6)
        savings = 0.1 * min(mid / 4, 1.0)
        restructuring = -0.2 if 1 <= t <= 3 else 0.0
        capex = -0.05
        dev = -0.1 if t < 8 else 0.0                    # 0.6 over the 6 planned months
        margin = 0.0 if t < 8 else 0.1 * min((mid - 8) / 2, 1.0)
        synergy = 0.1 if (deal_closes and t >= 4) else 0.0
        joint = -0.05 if (deal_closes or t < 4) else 0.0
        interest = -0.01 if 3 <= t <= 8 else 0.0        # 2.0 at 6% a year
        flow = core + savings + restructuring + capex + dev + margin + synergy + joint + interest
        principal = {2: 2.0, 6: 1.0, 8: -2.0}.get(t, 0.0)
        c += flow + principal
        fcf.append(flow)
        cash.append(c)
    return fcf, cash


@pytest.mark.parametrize("p_deal", [1.0, 0.0])
def test_fixed_scenario_matches_hand_worked_path(write_yaml, p_deal):
    loaded = load_scenario(write_yaml(fixed_scenario(p_deal)))
    res = run(loaded.scenario, RunSettings(draws=3, seed=1))
    fcf, cash = by_hand(p_deal == 1.0)
    for draw in range(3):
        np.testing.assert_allclose(res.cash[draw], cash, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.fcf_fy[:, 0], sum(fcf), atol=1e-9)
    # Debt: 5 opening, +2 from month 2 until repaid in month 8; net debt = debt - cash.
    np.testing.assert_allclose(res.ending_net_debt, 5.0 - cash[-1], atol=1e-9)
    assert res.dilution is not None
    np.testing.assert_allclose(res.dilution, 1.0 / (9.0 + 1.0), atol=1e-12)
    # The floor (9.5) is first crossed in the first month whose hand cash is below it.
    first = next(t for t, c in enumerate(cash) if c < 9.5)
    outcomes = res.outcomes()
    assert outcomes["first_breach_month"][0] == first
    assert outcomes["breach"][0] == 1.0
    # Re-analysed with another floor, without re-running: a floor below the whole hand
    # path is never breached; one just above its lowest month is first breached there.
    low = min(cash)
    assert res.outcomes(Thresholds(floor=low - 1e-6))["breach"].sum() == 0
    at = res.outcomes(Thresholds(floor=low + 1e-6))["first_breach_month"][0]
    assert at == next(t for t, c in enumerate(cash) if c < low + 1e-6)


def test_fcf_turns_positive_for_good(write_yaml):
    loaded = load_scenario(write_yaml(fixed_scenario(1.0)))
    res = run(loaded.scenario, RunSettings(draws=2, seed=1))
    fcf, _ = by_hand(True)
    expected = next(t for t in range(12) if all(f > 0 for f in fcf[t:]))
    assert res.fcf_positive[0] == expected


def test_late_launch_costs_cash(write_yaml):
    """A launch two months later spends two more months and earns two months less."""
    early = fixed_scenario(0.0)
    late = fixed_scenario(0.0)
    late["programmes"]["car"]["launch"] = q("2026-02", "date")
    r_early = run(load_scenario(write_yaml(early, "a.yaml")).scenario, RunSettings(draws=1))
    r_late = run(load_scenario(write_yaml(late, "b.yaml")).scenario, RunSettings(draws=1))
    # Months 8 and 9 keep spending 0.1 instead of earning 0.025 and 0.075;
    # months 10 and 11 earn 0.025 and 0.075 instead of 0.1 each.
    lost = (0.1 + 0.025) + (0.1 + 0.075) + (0.1 - 0.025) + (0.1 - 0.075)
    assert r_early.cash[0, -1] - r_late.cash[0, -1] == pytest.approx(lost, abs=1e-9)
