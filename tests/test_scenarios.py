"""The bundled scenarios: they run, options change only what their deal changes, and
every input has a source and a basis (fact, derived or judgement).

An option ``extends`` the standalone baseline. Its resolved inputs are diffed against
standalone's: every path it changes or adds must lie under a prefix listed for it in
``ALLOWED``, so an option cannot silently move the baseline's unrelated inputs. A new
option must be listed there too (see scenarios/README.md, "How to write a ninth option").
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIOS

from simcore.api import simulate
from simcore.provenance.trace import trace_records
from simcore.scenario.loader import Loaded, load_scenario
from simcore.scenario.yamlio import parse_dotted
from simcore.uncertainties.inputs import quantities

BASELINE = "standalone"
FILES = sorted(SCENARIOS.glob("*.yaml"))
OPTIONS = [p for p in FILES if p.stem != BASELINE]

# Per option: the path prefixes (dotted, ending in '.') it may change or add.
ALLOWED: dict[str, tuple[str, ...]] = {
    "honda": ("deal.", "milestones.us_battery_supply.", "items.alliance_talks_collapse.",
              "items.light_partnership_cools."),
    "honda_mitsubishi": ("deal.", "milestones.us_battery_supply.",
                         "items.alliance_talks_collapse.", "items.light_partnership_cools."),
    "honda_control": ("deal.", "milestones.us_battery_supply.",
                      "credit_lines.honda_group_facility.", "items.control_refinancing_saving.",
                      "items.control_rationalisation.", "items.control_talks_collapse.",
                      "items.light_partnership_ends."),
    "foxconn": ("deal.", "financing.foxconn_plant_sale.", "items.foxconn_closure_cost_avoided.",
                "items.foxconn_collapse_sunk_costs.", "items.foxconn_collapse_closure_delay.",
                "programmes.foxconn_ev.", "correlations.1."),
    "tesla": ("deal.", "financing.tesla_investment.", "items.tesla_collapse_sunk_costs.",
              "correlations.1.", "correlations.2.", "correlations.3."),
    "kkr": ("deal.", "debt.kkr_preferred.", "items.kkr_fees.", "items.kkr_collapse_sunk_costs.",
            "items.kkr_collapse_funding_cost."),
    "tech_partner": ("deal.", "items.tech_collapse_sunk_costs.", "items.tech_collapse_catch_up."),
    "foxconn_kkr": ("deal.", "financing.foxconn_plant_sale.", "items.foxconn_closure_cost_avoided.",
                    "items.foxconn_collapse_sunk_costs.", "items.foxconn_collapse_closure_delay.",
                    "programmes.foxconn_ev.", "correlations.1.", "debt.kkr_preferred.",
                    "items.kkr_fees.", "items.kkr_collapse_sunk_costs.",
                    "items.kkr_collapse_funding_cost."),
}
# Fields that name the option rather than model anything.
LABELS = ("name.", "title.", "description.", "extends.")

EXPECTED = {BASELINE, *ALLOWED}
PROGRAMMES = {"sentra", "leaf", "rogue_phev", "rogue_epower", "india_mpv", "india_compact_suv",
              "juke_ev", "canton_ev"}


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def load(path: Path) -> Loaded:
    return load_scenario(path)


def inputs_of(path: Path) -> dict:
    """Resolved inputs: dotted path -> Quantity."""
    return dict(quantities(load(path).scenario))


def flat(value, prefix: str = "") -> dict[str, object]:
    """A nested dump as dotted path -> leaf value (lists keep their index)."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(flat(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(flat(item, f"{prefix}{i}."))
        return out or {prefix: []}
    return {prefix: value}


def changed(base: dict, other: dict) -> set[str]:
    """Paths added, removed or different between two flat mappings."""
    return {k for k in base.keys() | other.keys() if base.get(k, object()) != other.get(k)}


def outside(paths: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(p for p in paths if not (p + ".").startswith(prefixes))


def own_inputs(loaded: Loaded) -> list[tuple[str, object]]:
    """Inputs whose quantity is written in the scenario file itself (not a base)."""
    me = loaded.file.resolve()
    return [(path, q) for path, q in quantities(loaded.scenario)
            if loaded.document.where(parse_dotted(path))[0].resolve() == me]


def test_the_expected_scenarios_are_bundled():
    assert set(ids(FILES)) == EXPECTED, "list a new option in ALLOWED with its prefixes"


# (a) every bundled scenario validates and runs


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_runs_with_finite_cash_percentiles(path: Path):
    sim = simulate(path, draws=200, seed=1)
    cash = sim.summary["cash"]
    assert sim.summary["scenario"] == path.stem
    for key in ("p5", "p10", "p25", "p50", "p75", "p90", "p95"):
        assert len(cash[key]) == sim.loaded.scenario.timeline.months
        assert all(math.isfinite(x) for x in cash[key]), key
    for block in (cash["min"], cash["ending"], cash["net_debt_ending"]):
        assert all(math.isfinite(block[k]) for k in ("p5", "p50", "p95"))
    assert cash["p5"][-1] <= cash["p50"][-1] <= cash["p95"][-1]
    for fy in cash["fcf_by_fy"].values():
        assert all(math.isfinite(fy[k]) for k in ("p10", "p50", "p90"))


def test_baseline_has_every_announced_programme_and_no_deal():
    sc = load(SCENARIOS / f"{BASELINE}.yaml").scenario
    assert sc.deal is None
    assert set(sc.programmes) == PROGRAMMES
    res = simulate(SCENARIOS / f"{BASELINE}.yaml", draws=500, seed=1).result
    for name, prog in sc.programmes.items():
        assert prog.schedule is not None, name        # the schedule engine sets the launch
        assert prog.schedule.stands is not None, name  # from where it stood in March 2025
        assert prog.target is not None and prog.target.facts, name   # a sourced window
        last = prog.target.window[1]
        target = (int(last[:4]) - sc.start[0]) * 12 + int(last[5:7]) - sc.start[1]
        launch = res.launches[name]
        # around the window's end: launches slip, but not by years
        assert np.quantile(launch, 0.1) <= target + 3, name
        assert target - 12 <= np.median(launch) <= target + 12, name


@pytest.mark.parametrize("path", OPTIONS, ids=ids(OPTIONS))
def test_option_states_its_deal(path: Path):
    loaded = load(path)
    deal = loaded.scenario.deal
    assert deal is not None and deal.partner.strip() and deal.terms.strip()
    files = [f.name for f in loaded.files]
    assert files[0] == f"{BASELINE}.yaml", files
    p = deal.probability.to_dist(loaded.scenario.start)
    assert 0.0 < float(p.ppf(0.5)) < 1.0


@pytest.mark.parametrize("path", OPTIONS, ids=ids(OPTIONS))
def test_deals_that_may_collapse_show_it(path: Path):
    """Some draws close the deal, some do not; the run reports the closing rate."""
    sim = simulate(path, draws=2000, seed=1)
    p_close = sim.summary["deal"]["p_close"]
    assert 0.02 < p_close < 0.9, p_close


# (b) an option changes only what its deal changes


@pytest.mark.parametrize("path", OPTIONS, ids=ids(OPTIONS))
def test_option_changes_only_allowed_inputs(path: Path):
    base = inputs_of(SCENARIOS / f"{BASELINE}.yaml")
    mine = inputs_of(path)
    diff = {k for k in base.keys() | mine.keys() if base.get(k) != mine.get(k)}
    assert diff, "the option changes nothing"
    bad = outside(diff, ALLOWED[path.stem])
    assert not bad, f"{path.name} changes inputs outside {ALLOWED[path.stem]}: {bad}"
    assert not set(base) - set(mine), "an option must not delete baseline inputs"


@pytest.mark.parametrize("path", OPTIONS, ids=ids(OPTIONS))
def test_option_changes_nothing_else(path: Path):
    """The same check over the whole resolved scenario, not only its quantities:
    timeline, programme targets and plants, financing kinds, correlations."""
    base = flat(load(SCENARIOS / f"{BASELINE}.yaml").scenario.model_dump(mode="json"))
    mine = flat(load(path).scenario.model_dump(mode="json"))
    bad = outside(changed(base, mine), ALLOWED[path.stem] + LABELS)
    assert not bad, f"{path.name} changes {bad}"


def test_allowed_check_catches_a_stray_override(tmp_path: Path):
    """An option that moves a baseline input outside its prefixes is caught."""
    for f in (f"{BASELINE}.yaml", "honda.yaml"):
        (tmp_path / f).write_text((SCENARIOS / f).read_text(encoding="utf-8"),
                                  encoding="utf-8")
    stray = tmp_path / "honda_stray.yaml"
    stray.write_text("extends: honda.yaml\nname: honda_stray\ntitle: t\n"
                     "operations:\n  steady:\n    fixed: 2.0\n    unit: USD bn/yr\n"
                     "    assumption: a stray change\n", encoding="utf-8")
    base = inputs_of(tmp_path / f"{BASELINE}.yaml")
    mine = inputs_of(stray)
    diff = {k for k in base.keys() | mine.keys() if base.get(k) != mine.get(k)}
    assert outside(diff, ALLOWED["honda"]) == ["operations.steady"]


# (c) provenance


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_every_input_has_a_source(path: Path):
    loaded = load(path)
    records = trace_records(loaded)
    assert records
    for rec in records:
        assert rec["basis"] in ("fact", "derived", "judgement"), rec["path"]
        for fact in rec["facts"]:
            assert fact["id"] in loaded.facts and fact["locator"].strip()
        if rec["basis"] == "judgement":
            assert rec["assumption"].strip() and "\n" not in rec["assumption"].strip()
        else:
            assert rec["facts"], rec["path"]


@pytest.mark.parametrize("path", OPTIONS, ids=ids(OPTIONS))
def test_own_inputs_are_those_the_file_writes(path: Path):
    """Sanity of the 'defined in' attribution: own inputs are the changed ones."""
    loaded = load(path)
    parent = SCENARIOS / loaded.files[-2].name
    base = inputs_of(parent)
    mine = dict(quantities(loaded.scenario))
    own = {p for p, _ in own_inputs(loaded)}
    assert own == {k for k in mine if base.get(k) != mine[k]}
