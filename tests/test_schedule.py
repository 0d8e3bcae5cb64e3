"""The launch schedule against hand-worked plans, SimPy's event log, and the fast engine."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import dist, q
from test_cash_model import fixed_scenario

from simcore.analysis.summary import summarise
from simcore.experiments.runner import RunSettings, run
from simcore.scenario.loader import load_scenario
from simcore.schedule.batch import schedule_batch
from simcore.schedule.fast import run_fast
from simcore.schedule.plan import build_plan
from simcore.schedule.simpy_model import run_simpy, simulate_draw
from simcore.uncertainties.inputs import collect
from simcore.uncertainties.sampling import UniformSource, sample


def plan_scenario(programmes: dict, resources: dict | None = None, deal: dict | None = None,
                  milestones: dict | None = None, cycle: float = 20) -> dict:
    data = fixed_scenario(1.0)
    data["timeline"]["months"] = 60
    data.pop("deal")
    if deal is not None:
        data["deal"] = deal
    data["development"] = {"cycle": q(cycle, "months"), "phases": {
        p: q(0.25, "fraction") for p in ("design", "engineering", "validation",
                                         "industrialisation")}}
    data["resources"] = resources or {}
    data["milestones"] = milestones or {}
    data["programmes"] = {}
    for name, (start, sched) in programmes.items():
        data["programmes"][name] = {
            "title": name, "target": "2026-12", "dev_start": q(start, "date"),
            "dev_cost": q(0.2, "USD bn"), "margin": q(0.6, "USD bn/yr"),
            "ramp_months": q(3, "months"), "schedule": sched}
    return data


def launches(write_yaml, data, draws=4, engine="fast") -> dict[str, np.ndarray]:
    res = run(load_scenario(write_yaml(data)).scenario,
              RunSettings(draws=draws, seed=2, engine=engine))
    return res.launches


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_fixed_durations_without_contention(write_yaml, engine):
    data = plan_scenario({"a": ("2025-04", {}), "b": ("2025-07", {"cycle": q(32, "months")})},
                         cycle=40)
    got = launches(write_yaml, data, engine=engine)
    assert np.all(got["a"] == 40.0)             # 2025-04 + 40 months = 2028-08
    assert np.all(got["b"] == 3.0 + 32.0)       # own cycle: 2025-07 + 32 = 2028-03


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_two_programmes_queue_for_one_line(write_yaml, engine):
    """Phases of 5 months; both need the single line for industrialisation.

    a: industrialisation wanted at 15, gets it at 15, launches at 20.
    b: starts at 2, wants the line at 17, waits until a frees it at 20, launches at 25.
    c: starts at 4, wants it at 19, queues behind b, gets it at 25, launches at 30.
    """
    line = {"line": {"capacity": 1, "assumption": "one plant line"}}
    uses = {"uses": {"industrialisation": "line"}}
    data = plan_scenario({"a": ("2025-04", uses), "b": ("2025-06", uses),
                          "c": ("2025-08", uses)}, resources=line)
    got = launches(write_yaml, data, engine=engine)
    assert (got["a"][0], got["b"][0], got["c"][0]) == (20.0, 25.0, 30.0)
    line["line"]["capacity"] = 2    # b no longer waits; c waits for a until 20
    got = launches(write_yaml, data, engine=engine)
    assert (got["a"][0], got["b"][0], got["c"][0]) == (20.0, 22.0, 25.0)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_certain_risk_shifts_launch_by_its_delay(write_yaml, engine):
    risk = {"risks": {"recall": {"phase": "validation", "probability": q(1.0, "probability"),
                                 "delay": q(3, "months")}}}
    base = launches(write_yaml, plan_scenario({"a": ("2025-04", {})}), engine=engine)
    hit = launches(write_yaml, plan_scenario({"a": ("2025-04", risk)}), engine=engine)
    np.testing.assert_array_equal(hit["a"] - base["a"], 3.0)


def test_deal_collapses_as_often_as_its_probability(write_yaml):
    deal = {"partner": "P", "terms": "t", "probability": q(0.3, "probability"),
            "close": dist("uniform", {"min": "2025-06", "max": "2026-06"}, "date")}
    data = plan_scenario({"a": ("2025-04", {"needs": {"engineering": ["deal"]}})}, deal=deal)
    n = 20_000
    res = run(load_scenario(write_yaml(data)).scenario, RunSettings(draws=n, seed=4))
    collapsed = 1 - res.deal_closed.mean()
    assert abs(collapsed - 0.7) < 3 * np.sqrt(0.7 * 0.3 / n)
    # A programme that needs the deal is cancelled exactly when the deal collapses.
    np.testing.assert_array_equal(~np.isfinite(res.launches["a"]), ~res.deal_closed)
    s = summarise(res)
    assert s["launches"]["a"]["p_cancelled"] == pytest.approx(collapsed, abs=1e-6)
    assert s["deal"]["p_close"] == pytest.approx(res.deal_closed.mean(), abs=1e-6)


def test_exact_event_log_of_a_small_plan(write_yaml):
    deal = {"partner": "P", "terms": "t", "probability": q(1.0, "probability"),
            "close": q("2025-10", "date"), "cycle_factor": q(0.5, "ratio")}
    line = {"line": {"capacity": 1, "assumption": "one line"}}
    risk = {"late": {"phase": "validation", "probability": q(1.0, "probability"),
                     "delay": q(2, "months")}}
    data = plan_scenario({
        "a": ("2025-04", {"uses": {"industrialisation": "line"}}),
        "b": ("2025-05", {"uses": {"industrialisation": "line"},
                          "needs": {"engineering": ["deal"]}, "risks": risk}),
        "c": ("2025-11", {}),
    }, resources=line, deal=deal)
    sc = load_scenario(write_yaml(data)).scenario
    found = collect(sc)
    v = sample(found, UniformSource(1, 1), 0, 1)
    _, log = simulate_draw(build_plan(sc, v), 0)
    # Phases are 5 months; the deal closes at 6 and halves the phases of programmes
    # whose development starts after it: only c's (2.5 months each, from 7).
    # b: design 1-6; engineering (it needs the deal) 6-11; validation 11-16, then a
    # 2-month risk event. a: design 0-5, engineering 5-10, validation 10-15, takes the
    # line at 15 and launches at 20; b wants the line at 18, queues until 20, launches
    # at 25. c: 7-9.5-12-14.5-17.
    assert log == [
        (0.0, "a", "development starts"), (0.0, "a", "design starts"),
        (1.0, "b", "development starts"), (1.0, "b", "design starts"),
        (5.0, "a", "engineering starts"),
        (6.0, "deal", "closed"),
        (6.0, "b", "engineering starts"),
        (7.0, "c", "development starts"), (7.0, "c", "design starts"),
        (9.5, "c", "engineering starts"),
        (10.0, "a", "validation starts"),
        (11.0, "b", "validation starts"),
        (12.0, "c", "validation starts"),
        (14.5, "c", "industrialisation starts"),
        (15.0, "a", "industrialisation starts"),
        (16.0, "b", "risk event in validation: +2"),
        (17.0, "c", "start of production"),
        (20.0, "a", "start of production"),
        (20.0, "b", "industrialisation starts"),
        (25.0, "b", "start of production"),
    ]


def random_plan_scenario() -> dict:
    """Contention on two resources, a deal that may collapse, a fallback, risks."""
    pert = lambda lo, mo, hi: dist("pert", {"min": lo, "mode": mo, "max": hi}, "months")  # noqa: E731
    deal = {"partner": "P", "terms": "t", "probability": q(0.6, "probability"),
            "close": dist("triangular", {"min": "2025-06", "mode": "2025-12",
                                         "max": "2026-12"}, "date"),
            "cycle_factor": dist("uniform", {"min": 0.7, "max": 1.1}, "ratio")}
    resources = {"eng": {"capacity": 2, "assumption": "t"},
                 "line": {"capacity": 1, "assumption": "t"}}
    milestones = {"battery": {"at": dist("uniform", {"min": "2026-06", "max": "2027-06"},
                                         "date"), "requires_deal": True},
                  "software": {"at": q("2026-01", "date")}}
    risk = {"r1": {"phase": "validation", "probability": q(0.4, "probability"),
                   "delay": pert(1, 3, 8)}}
    progs = {
        "a": ("2025-04", {"uses": {"design": "eng", "engineering": "eng",
                                   "industrialisation": "line"}, "risks": risk}),
        "b": ("2025-05", {"uses": {"engineering": "eng", "industrialisation": "line"},
                          "needs": {"industrialisation": ["battery"]},
                          "on_collapse": "fallback", "fallback_delay": pert(3, 6, 12)}),
        "c": ("2025-06", {"uses": {"engineering": "eng", "industrialisation": "line"},
                          "needs": {"validation": ["deal", "software"]}, "risks": risk}),
        "d": ("2025-04", {"uses": {"design": "eng", "engineering": "eng"},
                          "cycle": pert(15, 20, 30)}),
    }
    data = plan_scenario(progs, resources=resources, deal=deal, milestones=milestones)
    data["development"]["cycle"] = pert(14, 18, 30)
    return data


def test_fast_engine_equals_simpy_draw_for_draw(write_yaml):
    sc = load_scenario(write_yaml(random_plan_scenario())).scenario
    found = collect(sc)
    v = sample(found, UniformSource(7, 400), 0, 400)
    plan = build_plan(sc, v)
    fast, ref = run_fast(plan), run_simpy(plan)
    for field in ("launch", "stop", "cancelled", "begin", "need_wait", "queue_wait",
                  "length", "risk", "pre_wait"):
        np.testing.assert_allclose(getattr(fast, field), getattr(ref, field), rtol=0,
                                   atol=1e-9, err_msg=field)
    # The case exercises what it claims to: queues, cancellations, fallbacks, risks.
    assert (ref.queue_wait > 0).any() and ref.cancelled.any() and (ref.risk > 0).any()
    assert np.isfinite(ref.launch[~plan.closed, 1]).all()   # b falls back, never cancelled


def test_delay_equals_sum_of_drivers(write_yaml):
    sc = load_scenario(write_yaml(random_plan_scenario())).scenario
    v = sample(collect(sc), UniformSource(3, 300), 0, 300)
    batch = schedule_batch(sc, v)
    for name in sc.scheduled:
        launch = batch.launch[name]
        ok = np.isfinite(launch)
        target = 20.0  # every programme's target is 2026-12, month 20 from 2025-04
        np.testing.assert_allclose(batch.drivers[name][ok].sum(axis=1), launch[ok] - target,
                                   atol=1e-9)


def test_resource_and_correlation_facts_must_exist(write_yaml):
    from simcore.errors import InputError

    data = plan_scenario({"a": ("2025-04", {"uses": {"design": "eng"}})},
                         resources={"eng": {"capacity": 1, "fact": "no_such_fact"}})
    with pytest.raises(InputError, match=r"resources\.eng: unknown fact id 'no_such_fact'"):
        load_scenario(write_yaml(data))
    data = plan_scenario({"a": ("2025-04", {})})
    data["correlations"] = [{"inputs": ["capex.base", "floor"], "rho": 0.3,
                             "fact": "dev_cycle_legacy_month"}]
    with pytest.raises(InputError, match="did you mean 'dev_cycle_legacy_months'"):
        load_scenario(write_yaml(data))


def test_milestones_are_processes_in_the_simpy_log(write_yaml):
    """Each milestone is a SimPy process: met at the later of its date and the close, lost
    at a collapse; its log entry lands exactly there."""
    sc = load_scenario(write_yaml(random_plan_scenario())).scenario
    v = sample(collect(sc), UniformSource(7, 60), 0, 60)
    plan = build_plan(sc, v)
    battery = plan.milestones.index("battery")
    seen = set()
    for i in range(plan.draws):
        _, log = simulate_draw(plan, i)
        entries = [(t, what) for t, who, what in log if who == "battery"]
        if plan.closed[i]:
            when = max(plan.ms_at[i, battery], plan.deal_time[i])
            assert entries == [(pytest.approx(when), "milestone met")]
        else:
            assert entries == [(pytest.approx(plan.deal_time[i]),
                                "milestone lost: the deal collapsed")]
        software = [t for t, who, what in log if who == "software"]
        assert software == [pytest.approx(max(plan.ms_at[i, 1], 0.0))]
        seen.add(bool(plan.closed[i]))
    assert seen == {True, False}


def test_a_need_for_a_deal_the_scenario_lacks_is_never_met(write_yaml):
    milestones = {"cells": {"at": q("2025-06", "date"), "requires_deal": True}}
    data = plan_scenario({"a": ("2025-04", {"needs": {"engineering": ["cells"]}})},
                         milestones=milestones)
    sc = load_scenario(write_yaml(data)).scenario
    v = sample(collect(sc), UniformSource(1, 3), 0, 3)
    plan = build_plan(sc, v)
    fast, ref = run_fast(plan), run_simpy(plan)
    assert np.isinf(ref.launch).all() and not ref.cancelled.any()
    for field in ("launch", "stop", "cancelled", "begin", "need_wait"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(ref, field), field)
