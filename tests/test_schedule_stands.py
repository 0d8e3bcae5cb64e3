"""Programmes under way at the start, target windows, pre-series gates, partner
alternatives and the platform effect, against schedules worked by hand; the fast
engine against SimPy draw for draw with every feature on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import dist, q
from test_cash_model import fixed_scenario

from simcore.analysis.summary import summarise
from simcore.errors import InputError
from simcore.experiments.runner import RunSettings, run
from simcore.outcomes.registry import on_time
from simcore.scenario.loader import load_scenario
from simcore.schedule.batch import driver_names, schedule_batch
from simcore.schedule.fast import run_fast
from simcore.schedule.plan import build_plan
from simcore.schedule.simpy_model import run_simpy, simulate_draw
from simcore.schedule.targets import spend_plan, target_sop
from simcore.uncertainties.draws import Draws
from simcore.uncertainties.inputs import collect
from simcore.uncertainties.sampling import UniformSource, sample

FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ["fast", "simpy"]
FIELDS = ("launch", "stop", "cancelled", "begin", "need_wait", "queue_wait", "length", "risk",
          "pre_wait")


def scenario(programmes: dict, shares=(0.25, 0.25, 0.25, 0.25), resources=None, deal=None,
             milestones=None, cycle: float = 20) -> dict:
    """Sixty months from April 2025; ``programmes``: name -> its keys (dev_start or
    schedule.stands, schedule, target...)."""
    data = fixed_scenario(1.0)
    data["timeline"]["months"] = 60
    data.pop("deal")
    if deal is not None:
        data["deal"] = deal
    names = ("design", "engineering", "validation", "industrialisation")
    data["development"] = {"cycle": q(cycle, "months"),
                           "phases": {p: q(s, "fraction")
                                      for p, s in zip(names, shares, strict=True)}}
    data["resources"] = resources or {}
    data["milestones"] = milestones or {}
    data["programmes"] = {name: {"title": name, "target": "2026-12", "dev_cost": q(0.2, "USD bn"),
                                 "margin": q(0.0, "USD bn/yr"), "ramp_months": q(3, "months"),
                                 **spec} for name, spec in programmes.items()}
    return data


def starting(month: str, **sched) -> dict:
    return {"dev_start": q(month, "date"), "schedule": sched}


def standing(phase: str, remaining, **sched) -> dict:
    rem = remaining if isinstance(remaining, dict) else q(remaining, "months")
    return {"schedule": {"stands": {"phase": phase, "remaining": rem}, **sched}}


def line(capacity: int = 1) -> dict:
    return {"line": {"capacity": capacity, "assumption": "one plant line"}}


def deal(p: float, close: str = "2025-10", factor: float | None = None) -> dict:
    out = {"partner": "P", "terms": "t", "probability": q(p, "probability"),
           "close": q(close, "date")}
    if factor is not None:
        out["cycle_factor"] = q(factor, "ratio")
    return out


def timeline(write_yaml, data, engine="fast", draws=1):
    sc = load_scenario(write_yaml(data)).scenario
    v = sample(collect(sc), UniformSource(5, draws), 0, draws)
    plan = build_plan(sc, v)
    return sc, plan, (run_simpy(plan) if engine == "simpy" else run_fast(plan))


def by_name(sc, tl, field: str = "launch") -> dict[str, np.ndarray]:
    return {name: getattr(tl, field)[:, p] for p, name in enumerate(sc.scheduled)}


@pytest.mark.parametrize("engine", ENGINES)
def test_stands_splits_the_remaining_months_and_skips_earlier_phases(write_yaml, engine):
    """Validation with 10 months left, shares .25/.35/.25/.15: validation takes
    10 x .25/.40 = 6.25, industrialisation 3.75; launch at 10. The skipped design's
    resource, risk (+5) and the skipped engineering's need (2030) do not apply, so the
    other programme gets the engineering team at 0 without queueing."""
    eng = {"eng": {"capacity": 1, "assumption": "one team"}}
    later = {"late": {"at": q("2030-01", "date")}}
    risk = {"r": {"phase": "design", "probability": q(1.0, "probability"),
                  "delay": q(5, "months")}}
    data = scenario({"a": standing("validation", 10, uses={"design": "eng"}, risks=risk,
                                   needs={"engineering": ["late"]}),
                     "b": starting("2025-04", uses={"design": "eng"})},
                    shares=(0.25, 0.35, 0.25, 0.15), resources=eng, milestones=later)
    sc, plan, tl = timeline(write_yaml, data, engine)
    np.testing.assert_allclose(plan.duration[0, 0], [0, 0, 6.25, 3.75])
    np.testing.assert_allclose(tl.begin[0, 0], [np.nan, np.nan, 0.0, 6.25])
    assert tl.launch[0, 0] == pytest.approx(10.0)
    assert tl.queue_wait[0, 1, 0] == 0.0 and tl.launch[0, 1] == pytest.approx(20.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_no_queue_before_month_0_and_ties_at_0_in_programme_order(write_yaml, engine):
    """a (industrialisation, 4 left) and c (industrialisation, 3 left) both want the
    line at month 0: a, listed first, gets it 0-4; c queues 4 months and launches at 7.
    b (validation, 10 left: 5 + 5 with equal shares) wants it at 5, waits for c until
    7 and launches at 12."""
    uses = {"uses": {"industrialisation": "line"}}
    data = scenario({"a": standing("industrialisation", 4, **uses),
                     "b": standing("validation", 10, **uses),
                     "c": standing("industrialisation", 3, **uses)}, resources=line())
    sc, plan, tl = timeline(write_yaml, data, engine)
    got = by_name(sc, tl)
    assert (got["a"][0], got["b"][0], got["c"][0]) == pytest.approx((4.0, 12.0, 7.0))
    np.testing.assert_allclose(tl.queue_wait[0, :, 3], [0.0, 2.0, 4.0])
    assert np.nanmin(tl.begin) >= 0.0


def test_spend_rate_of_a_programme_under_way_and_of_a_window_target(write_yaml):
    """a: 1.2 still to spend over 6 months left (0.2 a month); a certain 2-month risk
    launches it at 8, so it spends 1.6. b: from 2025-04, window ending 2026-03 (month
    11), 2 months to market: on time by month 9, so 0.9 over 9 months (0.1 a month);
    its 12-month cycle spends 1.2. c: no target, 0.5 over its 10-month cycle: 0.5."""
    risk = {"r": {"phase": "industrialisation", "probability": q(1.0, "probability"),
                  "delay": q(2, "months")}}
    window = {"window": ["2026-01", "2026-03"], "to_market": q(2, "months"),
              "assumption": "a test window"}
    data = scenario({"a": {**standing("validation", 6, risks=risk), "dev_cost": q(1.2, "USD bn")},
                     "b": {**starting("2025-04", cycle=q(12, "months")), "target": window,
                           "dev_cost": q(0.9, "USD bn")},
                     "c": {**starting("2025-04", cycle=q(10, "months")), "target": None,
                           "dev_cost": q(0.5, "USD bn")}})
    sc = load_scenario(write_yaml(data)).scenario
    v = Draws.over(sc, sample(collect(sc), UniformSource(1, 1), 0, 1))
    assert [tuple(float(x[0]) for x in spend_plan(sc, k, v)) for k in "abc"] == [
        (0.0, 6.0), (0.0, 9.0), (0.0, 10.0)]
    res = run(sc, RunSettings(draws=2, seed=1))
    assert [res.launches[k][0] for k in "abc"] == pytest.approx([8.0, 12.0, 10.0])
    np.testing.assert_allclose(res.finance.bridge["programmes"], -(1.6 + 1.2 + 0.5), atol=1e-9)


def test_target_window_and_to_market_decide_on_time(write_yaml):
    """Window 2025-10..2025-12 (months 6-8) and 2 months to market: production by
    month 6 (part-way included) arrives by December. Launches at 6.5 and 7: on time and
    one month late. An uncertain lag moves the latest on-time month draw by draw; a
    programme without a target has no on-time outcome."""
    window = {"window": ["2025-10", "2025-12"], "to_market": q(2, "months"),
              "assumption": "a test window"}
    np.testing.assert_array_equal(on_time(np.array([6.0, 6.99, 7.0, np.inf]), 6.0),
                                  [True, True, False, False])
    data = scenario({"early": {**standing("industrialisation", 6.5), "target": window},
                     "late": {**standing("industrialisation", 7), "target": window},
                     "lagged": {**standing("industrialisation", 6.5), "target": {
                         **window, "to_market": dist("uniform", {"min": 1, "max": 3},
                                                     "months")}},
                     "none": {**standing("industrialisation", 7), "target": None}})
    sc = load_scenario(write_yaml(data)).scenario
    v = Draws.over(sc, sample(collect(sc), UniformSource(3, 4), 0, 4))
    np.testing.assert_array_equal(target_sop(sc, "early", v), 6.0)
    assert target_sop(sc, "none", v) is None
    res = run(sc, RunSettings(draws=400, seed=3, keep_inputs=True))
    np.testing.assert_array_equal(res.targets["early"], 6.0)
    lag = res.values["programmes.lagged.target.to_market"]
    np.testing.assert_allclose(res.targets["lagged"], 8.0 - lag)
    outcomes = res.outcomes()
    arrives = np.floor(6.5 + lag + 1e-9)                   # month the car reaches dealers
    np.testing.assert_array_equal(outcomes["on_time.lagged"], arrives <= 8)
    assert 0 < outcomes["on_time.lagged"].mean() < 1
    assert "on_time.none" not in outcomes and "none" not in res.targets
    s = summarise(res)["launches"]
    assert s["early"]["target"] == "2025-10..2025-12 (market +2 m)"
    assert s["early"]["target_sop"] == "2025-10" and s["early"]["p_on_time"] == 1.0
    assert s["late"]["p_on_time"] == 0.0 and s["late"]["mean_delay_months"] == 1.0
    assert s["lagged"]["target"].startswith("2025-10..2025-12 (market +1.2-2.8 m")
    assert s["none"]["target"] is None and s["none"]["p_on_time"] is None
    assert s["none"]["mean_delay_months"] is None


@pytest.mark.parametrize("engine", ENGINES)
def test_pre_series_gates_start_of_production_not_tooling(write_yaml, engine):
    """Phases of 5 months. a: industrialisation (tooling) starts at 15 as planned; cells
    come at 19 and 3 months of pre-series follow, so production starts at 22, not 20
    (2 months waiting for the cells). b wants a's line at 17 and waits until 22. c's
    cells come at 12: 12 + 3 is before its tooling ends, so it launches at 20."""
    cells = {"cells": {"at": q("2026-11", "date")}, "early": {"at": q("2026-04", "date")}}
    gated = {"uses": {"industrialisation": "line"}, "pre_series": q(3, "months"),
             "needs": {"pre_series": ["cells"]}}
    data = scenario({"a": starting("2025-04", **gated),
                     "b": starting("2025-06", uses={"industrialisation": "line"}),
                     "c": starting("2025-04", pre_series=q(3, "months"),
                                   needs={"pre_series": ["early"]})},
                    resources=line(), milestones=cells)
    sc, plan, tl = timeline(write_yaml, data, engine)
    got = by_name(sc, tl)
    assert (got["a"][0], got["b"][0], got["c"][0]) == pytest.approx((22.0, 27.0, 20.0))
    assert tl.begin[0, 0, 3] == 15.0 and tl.pre_wait[0, 0] == pytest.approx(2.0)
    assert tl.queue_wait[0, 1, 3] == pytest.approx(5.0)
    names = driver_names(sc, "a")
    assert names[-1] == "waiting for cells (pre-series)"
    v = sample(collect(sc), UniformSource(5, 1), 0, 1)
    batch = schedule_batch(sc, v, engine)
    assert batch.drivers["a"][0, -1] == pytest.approx(2.0)
    assert batch.drivers["a"][0].sum() == pytest.approx(22.0 - 20.0)   # target 2026-12
    if engine == "simpy":
        _, log = simulate_draw(plan, 0)
        assert (22.0, "a", "pre-series builds done") in log


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("p_deal", "met"), [
    (1.0, (21.0, 11.0, 17.0)),    # close at 17: min(at, max(with_deal, 17))
    (0.0, (31.0, 31.0, 27.0)),    # collapse at 17: max(at, 17 + 14); m3 has no restart
    (None, (27.0, 11.0, 27.0)),   # no deal: own sourcing at 'at'
])
def test_partner_alternative_and_collapse_restart(write_yaml, engine, p_deal, met):
    """m1: own cells at 27, the partner's at 21, 14 months to re-source after a
    collapse. m2: own at 11 (a close cannot make it later; a collapse paused it). m3:
    own at 27, partner's at 9 (not before the close at 17). Each gates a programme
    with 2 months of industrialisation left and 1 of pre-series: launch = met + 1."""
    ms = {"m1": ("2027-07", "2027-01", 14), "m2": ("2026-03", "2027-01", 14),
          "m3": ("2027-07", "2026-01", None)}
    milestones = {}
    for m, (at, wd, ac) in ms.items():
        milestones[m] = {"at": q(at, "date"), "with_deal": q(wd, "date")}
        if ac is not None:
            milestones[m]["after_collapse"] = q(ac, "months")
    progs = {f"p{m}": standing("industrialisation", 2, pre_series=q(1, "months"),
                               needs={"pre_series": [m]}) for m in ms}
    data = scenario(progs, milestones=milestones,
                    deal=None if p_deal is None else deal(p_deal, "2026-09"))
    sc, plan, tl = timeline(write_yaml, data, engine)
    np.testing.assert_allclose(tl.launch[0], np.array(met) + 1.0)
    if engine == "simpy":
        _, log = simulate_draw(plan, 0)
        assert [t for t, who, what in log if what == "milestone met"] == sorted(met)


@pytest.mark.parametrize("engine", ENGINES)
def test_cycle_factor_only_for_programmes_started_after_the_close(write_yaml, engine):
    """The deal closes at 6 and halves phases of 5 months, but only for b, which starts
    on the close: 6 + 10 = 16. a (from 0) and c (from 4, its later phases after the
    close) keep 20 months; d, under way, keeps its 15 months left. A collapse: b 26."""
    progs = {"a": starting("2025-04"), "b": starting("2025-10"), "c": starting("2025-08"),
             "d": standing("engineering", 15)}
    for p_deal, b in ((1.0, 16.0), (0.0, 26.0)):
        data = scenario(progs, deal=deal(p_deal, "2025-10", factor=0.5))
        sc, plan, tl = timeline(write_yaml, data, engine)
        np.testing.assert_allclose(tl.launch[0], [20.0, b, 24.0, 15.0])


def all_features() -> dict:
    """Stands, pre-series gates (fallback and cancel), partner alternatives, a deal that
    may collapse, a platform factor, queues on two resources, risks, window targets."""
    pert = lambda lo, mo, hi: dist("pert", {"min": lo, "mode": mo, "max": hi}, "months")  # noqa: E731
    uni = lambda lo, hi: dist("uniform", {"min": lo, "max": hi}, "date")  # noqa: E731
    d = {"partner": "P", "terms": "t", "probability": q(0.6, "probability"),
         "close": dist("triangular", {"min": "2025-06", "mode": "2025-12", "max": "2026-12"},
                       "date"), "cycle_factor": dist("uniform", {"min": 0.7, "max": 1.1}, "ratio")}
    ms = {"battery": {"at": uni("2026-06", "2027-06"), "requires_deal": True},
          "software": {"at": q("2026-01", "date")},
          "cells": {"at": uni("2026-01", "2027-06"), "with_deal": uni("2025-10", "2026-10"),
                    "after_collapse": pert(2, 6, 12)},
          "tools": {"at": uni("2025-06", "2026-12"), "after_collapse": pert(1, 3, 6)}}
    res = {"eng": {"capacity": 2, "assumption": "t"}, "line": {"capacity": 1, "assumption": "t"}}
    risk = {"r1": {"phase": "validation", "probability": q(0.4, "probability"),
                   "delay": pert(1, 3, 8)}}
    window = {"window": ["2026-10", "2026-12"], "to_market": pert(1, 2, 4), "assumption": "t"}
    progs = {
        "a": starting("2025-04", uses={"design": "eng", "engineering": "eng",
                                       "industrialisation": "line"}, risks=risk),
        "b": standing("engineering", pert(14, 18, 26), uses={"engineering": "eng",
                      "industrialisation": "line"}, needs={"pre_series": ["battery"]},
                      pre_series=pert(1, 2, 4), on_collapse="fallback",
                      fallback_delay=pert(3, 6, 12), risks=risk),
        "c": {**standing("validation", pert(6, 9, 14), uses={"industrialisation": "line"},
                         needs={"industrialisation": ["tools"], "pre_series": ["cells"]},
                         pre_series=pert(2, 3, 5)), "target": window},
        "d": starting("2025-06", uses={"engineering": "eng"},
                      needs={"validation": ["deal", "software"]}, risks=risk),
        "e": standing("industrialisation", pert(2, 4, 8), uses={"industrialisation": "line"},
                      needs={"pre_series": ["battery"]}, pre_series=q(2, "months")),
        "f": {**starting("2025-09", uses={"design": "eng", "engineering": "eng"},
                         cycle=pert(15, 20, 30)), "target": None},
    }
    data = scenario(progs, resources=res, deal=d, milestones=ms)
    data["development"]["cycle"] = pert(14, 18, 30)
    return data


def test_fast_engine_equals_simpy_with_every_feature(write_yaml):
    sc = load_scenario(write_yaml(all_features())).scenario
    v = sample(collect(sc), UniformSource(9, 400), 0, 400)
    plan = build_plan(sc, v)
    fast, ref = run_fast(plan), run_simpy(plan)
    for field in FIELDS:
        np.testing.assert_allclose(getattr(fast, field), getattr(ref, field), rtol=0,
                                   atol=1e-9, err_msg=field)
    e, b = sc.scheduled.index("e"), sc.scheduled.index("b")
    # The case exercises what it claims to: pre-series waits, a cancellation at the
    # pre-series gate while holding the line, fallbacks, queues, the platform factor.
    assert (ref.pre_wait > 0).any() and (ref.queue_wait > 0).any()
    np.testing.assert_array_equal(ref.cancelled[:, e], ~plan.closed)
    assert np.isfinite(ref.launch[:, b]).all()
    assert (plan.factor != 1).any() and (plan.factor[:, [b, e]] == 1).all()


def test_delay_is_the_sum_of_drivers_with_every_feature(write_yaml):
    sc = load_scenario(write_yaml(all_features())).scenario
    v = sample(collect(sc), UniformSource(3, 300), 0, 300)
    batch = schedule_batch(sc, v)
    nominal = {"f": v["programmes.f.schedule.cycle"] + 5.0}   # no target: its own plan
    for name in sc.scheduled:
        ok = np.isfinite(batch.launch[name])
        target = batch.targets.get(name, nominal.get(name))
        if target is None:
            continue
        np.testing.assert_allclose(batch.drivers[name][ok].sum(axis=1),
                                   batch.launch[name][ok] - np.broadcast_to(target, ok.shape)[ok],
                                   atol=1e-9, err_msg=name)
    np.testing.assert_allclose(batch.targets["c"], 20.0 - v["programmes.c.target.to_market"])


def test_new_inputs_are_named_by_their_paths(write_yaml):
    names = {i.name for i in collect(load_scenario(write_yaml(all_features())).scenario)}
    assert {"programmes.b.schedule.stands.remaining", "programmes.c.target.to_market",
            "programmes.b.schedule.pre_series", "milestones.cells.with_deal",
            "milestones.cells.after_collapse"} <= names
    assert "programmes.b.dev_start" not in names


def test_a_close_never_makes_the_canton_ev_later(write_yaml):
    """Common random numbers: the Honda-like option shares every input of the standalone
    one. Where the deal closes the Canton EV launches no later in any draw, so
    P(on time | close) >= standalone's; where it collapses, no earlier."""
    settings = RunSettings(draws=2000, seed=17)
    alone = run(load_scenario(FIXTURES / "canton_standalone.yaml").scenario, settings)
    honda = run(load_scenario(FIXTURES / "canton_honda.yaml").scenario, settings)
    closed = honda.deal_closed
    a, h = alone.launches["canton_ev"], honda.launches["canton_ev"]
    assert (h[closed] <= a[closed] + 1e-9).all() and (h[closed] < a[closed] - 1e-9).any()
    assert (h[~closed] >= a[~closed] - 1e-9).all()
    on_a = alone.outcomes()["on_time.canton_ev"]
    on_h = honda.outcomes()["on_time.canton_ev"]
    assert on_h[closed].mean() >= on_a[closed].mean()
    assert on_h[closed].mean() >= on_a.mean()
    # The platform factor reaches the new SUV (begun after the close), never the Canton EV.
    np.testing.assert_array_equal(honda.targets["canton_ev"], alone.targets["canton_ev"])


@pytest.mark.parametrize(("change", "message"), [
    ({"dev_start": q("2025-04", "date")}, "drop 'dev_start'"),
    ({"schedule": {"stands": {"phase": "design", "remaining": q(5, "months")},
                   "cycle": q(9, "months")}}, "drop 'cycle'"),
    ({"schedule": {"stands": {"phase": "design", "remaining": q(5, "months")},
                   "needs": {"pre_series": ["m"]}}}, "needs 'pre_series'"),
    ({"target": {"window": ["2026-01", "2026-03"], "to_market": q(2, "months")}},
     r"give (a|exactly one) source"),
    ({"target": {"window": ["2026-03", "2026-01"], "to_market": q(2, "months"),
                 "assumption": "t"}}, "is after"),
])
def test_bad_schedule_inputs_are_explained(write_yaml, change, message):
    data = scenario({"a": standing("design", 5)},
                    milestones={"m": {"at": q("2026-01", "date")}})
    data["programmes"]["a"].update(change)
    with pytest.raises(InputError, match=message):
        load_scenario(write_yaml(data))


def test_a_milestone_cannot_both_require_the_deal_and_have_an_alternative(write_yaml):
    data = scenario({"a": starting("2025-04")}, deal=deal(0.5), milestones={"m": {
        "at": q("2026-01", "date"), "requires_deal": True, "with_deal": q("2026-01", "date")}})
    with pytest.raises(InputError, match="one or the other"):
        load_scenario(write_yaml(data))
    data = scenario({"a": {"schedule": {}}})
    with pytest.raises(InputError, match="give 'dev_start'"):
        load_scenario(write_yaml(data))
