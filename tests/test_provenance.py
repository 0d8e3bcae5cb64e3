"""Honest provenance: every input's basis, the knowledge date, and whether a cited fact
supports the number it is cited for."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCENARIOS

from simcore.errors import InputError
from simcore.provenance.basis import check_provenance, fact_span, scale
from simcore.provenance.facts import load_facts
from simcore.scenario.loader import load_scenario
from simcore.scenario.quantity import sourced

FACTS = load_facts()
AS_OF = "2025-03-31"

# A small scenario whose inputs cite digest rows; {as_of} and {cash} are filled per test.
TEMPLATE = """\
name: prov
title: provenance test
{as_of}
timeline: {{start: 2025-04, months: 12}}
floor: {{fixed: 600, unit: JPY bn, basis: judgement, assumption: a test floor}}
balance:
  opening_cash:
{cash}
operations:
  burn: {{fixed: -100, unit: JPY bn/yr, basis: judgement, assumption: a test burn}}
  steady: {{fixed: 0, unit: JPY bn/yr, basis: judgement, assumption: a test level}}
  recovery_start: {{fixed: 2025-10, unit: date, basis: judgement, assumption: a test date}}
  recovery_months: {{fixed: 6, unit: months, basis: judgement, assumption: a test ramp}}
capex:
  base:
    fixed: 28
    unit: JPY bn/yr
    basis: derived
    fact: [lfp_project_total_jpy_bn, lfp_project_subsidy_jpy_bn]
    note: (153.3 - 55.7) / 3.5
fx:
  JPY:
    spot: {{fixed: 150, unit: JPY per USD, basis: judgement, assumption: a test rate}}
debt:
  usd_2025:
    principal: {{fixed: 1.5, unit: USD bn, basis: fact, fact: bond_usd_2025_3522}}
    coupon: {{fixed: 0.03522, unit: fraction, basis: fact, fact: bond_usd_2025_3522}}
    maturity: {{fixed: 2025-09, unit: date, basis: fact, fact: bond_usd_2025_3522}}
"""
CASH_FACT = """\
    fixed: 1400
    unit: JPY bn
    basis: fact
    fact: auto_cash_sep2024_jpy_tn"""


def write(tmp_path: Path, cash: str = CASH_FACT, as_of: str = f"as_of: {AS_OF}") -> Path:
    file = tmp_path / "prov.yaml"
    file.write_text(TEMPLATE.format(cash=cash, as_of=as_of), encoding="utf-8")
    return file


def messages(file: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_scenario(file, facts=FACTS)
    return [str(p) for p in err.value.problems]


def test_supported_facts_pass(tmp_path: Path):
    # 1.4 JPY tn is 1400 JPY bn (3.15); the bond's 3.522% and 2025-09-17 are in its words
    loaded = load_scenario(write(tmp_path), facts=FACTS)
    bases = {path: item.basis_of for path, item in sourced(loaded.scenario)}
    assert bases["balance.opening_cash"] == "fact"
    assert bases["capex.base"] == "derived"
    assert bases["floor"] == "judgement"


@pytest.mark.parametrize("value, ok", [(1400, True), (1405, True), (1420, False), (1150, False)])
def test_a_fact_basis_needs_the_number_in_the_source(tmp_path: Path, value: float, ok: bool):
    # 0.5% rounding tolerance around 1,400: 1,405 passes, 1,420 does not
    cash = CASH_FACT.replace("fixed: 1400", f"fixed: {value}")
    if ok:
        load_scenario(write(tmp_path, cash), facts=FACTS)
        return
    msgs = messages(write(tmp_path, cash))
    assert len(msgs) == 1
    assert "prov.yaml:11: balance.opening_cash: basis fact, but the number is not in the " \
           "source: 'auto_cash_sep2024_jpy_tn' says 1.4 JPY tn" in msgs[0]


def test_a_range_must_meet_the_fact(tmp_path: Path):
    inside = "    pert: {min: 900, mode: 1150, max: 1400}\n    unit: JPY bn\n    basis: fact\n" \
             "    fact: auto_cash_sep2024_jpy_tn"
    load_scenario(write(tmp_path, inside), facts=FACTS)
    below = inside.replace("max: 1400", "max: 1300")
    assert "outside this input's range [900, 1300] JPY bn" in messages(write(tmp_path, below))[0]


def test_wrong_unit_and_text_facts_are_refused(tmp_path: Path):
    months = "    fixed: 1400\n    unit: JPY bn\n    basis: fact\n    fact: dev_cycle_legacy_months"
    assert "'dev_cycle_legacy_months' is in months, this input in JPY bn" in \
        messages(write(tmp_path, months))[0]
    text = "    fixed: 1400\n    unit: JPY bn\n    basis: fact\n    fact: moodys_rating_feb2025"
    assert "'moodys_rating_feb2025' is in rating" in messages(write(tmp_path, text))[0]


def test_derived_needs_how_and_judgement_needs_why(tmp_path: Path):
    derived = "    fixed: 1150\n    unit: JPY bn\n    basis: derived\n" \
              "    fact: auto_cash_sep2024_jpy_tn"
    assert "basis derived needs a 'note'" in messages(write(tmp_path, derived))[0]
    judged = "    fixed: 1150\n    unit: JPY bn\n    basis: judgement\n" \
             "    fact: auto_cash_sep2024_jpy_tn"
    assert "basis judgement needs 'assumption: <why>'" in messages(write(tmp_path, judged))[0]
    fine = judged + "\n    assumption: the second half loses some cash"
    load_scenario(write(tmp_path, fine), facts=FACTS)


def test_a_fact_published_after_as_of_is_refused(tmp_path: Path):
    # article 001 is from spring 2025: it may postdate 31 March 2025
    cash = "    fixed: 1150\n    unit: JPY bn\n    basis: judgement\n" \
           "    fact: core_cash_burn_usd_bn\n    assumption: context only"
    msgs = messages(write(tmp_path, cash))
    assert len(msgs) == 1
    assert "prov.yaml:11: balance.opening_cash: cites fact 'core_cash_burn_usd_bn', published " \
           "between 2025-03-20 and 2025-06-20, after the scenario's as_of 2025-03-31" in msgs[0]
    # a day earlier than a dated fact is refused too; without as_of nothing is checked
    early = write(tmp_path, as_of="as_of: 2024-11-20")   # 3.15 was published 2024-11-21
    assert any("'auto_cash_sep2024_jpy_tn', published 2024-11-21" in m for m in messages(early))
    load_scenario(write(tmp_path, cash, as_of=""), facts=FACTS)


def test_undated_digest_rows_rest_on_the_digest_cutoff(tmp_path: Path):
    # U9 has no visible date; the digest says nothing in it is later than 2025-03-31
    cash = "    fixed: 250\n    unit: JPY bn\n    basis: fact\n" \
           "    fact: facility_jpy_committed_jpy_bn"
    load_scenario(write(tmp_path, cash), facts=FACTS)
    msgs = messages(write(tmp_path, cash, as_of="as_of: 2025-03-30"))
    assert any("facility_jpy_committed_jpy_bn', published 2025-03-31" in m for m in msgs)


def test_scale_and_span():
    assert scale("USD m", "USD bn") == pytest.approx(1e-3)
    assert scale("JPY tn", "JPY bn/yr") == 1000
    assert scale("percent", "probability") == 0.01
    assert scale("USD m", "JPY bn") is None
    fact = FACTS["leaf3_us_launch"]          # "2025-09"
    assert fact_span(fact, "date", (2025, 4)) == (5.0, 5.0)
    assert fact_span(FACTS["sentra_redesign_na_launch"], "date", (2025, 4)) == (-3.0, 8.0)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_scenarios_state_a_basis_everywhere(path: Path):
    """Every sourced item of every bundled scenario says its basis in so many words, and
    the scenario knows only what was published by 31 March 2025."""
    loaded = load_scenario(path)
    assert str(loaded.scenario.as_of) == AS_OF
    missing = [p for p, item in sourced(loaded.scenario) if item.basis is None]
    assert not missing, f"{path.name}: no explicit basis at {missing}"
    assert check_provenance(loaded.scenario, loaded.facts) == []
