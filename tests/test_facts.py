"""The fact registry's publication dates and the research digest 005.

Spot values below were checked by hand against ../shared/seeds/005_nissan_known_2025Q1.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import ARTICLES, ROOT
from typer.testing import CliRunner

from cli.app import app
from cli.common import out
from simcore.errors import InputError
from simcore.provenance import pubdate
from simcore.provenance.facts import (
    ROW_LOCATOR,
    fact_record,
    load_facts,
    published_bounds,
    published_by,
    published_label,
)

D = dt.date
DIGEST = "005_nissan_known_2025Q1.md"
DIGEST_FACTS = 286
KNOWLEDGE_DATE = D(2025, 3, 31)
runner = CliRunner()

# every fact id of the five articles before the digest came: none may go (scenarios cite them)
ARTICLE_IDS = """
ceo_espinosa_start_date honda_merger_talks_collapse_date espinosa_open_to_honda_partnership
tech_firm_partnership_interest dev_cycle_legacy_months dev_cycle_target_months
sentra_redesign_na_launch leaf_nextgen_tesla_port canton_ev_production_start
juke_ev_europe_launch india_mpv_chennai_launch india_compact_suv_chennai_launch
funding_raise_asset_sales_debt_usd_bn market_cap_usd_bn core_cash_burn_usd_bn
cash_positive_target_year cash_vs_borrowings_ratio restructuring_capacity_and_job_cuts
foxconn_best_bet_opinion foxconn_mitsubishi_manufacturing_deal tesla_partnership_sought
tesla_talks_scope tesla_tieup_unconfirmed merger_failure_reason_culture
merger_announce_to_collapse_months honda_market_value_multiple honda_subsidiary_demand
fy_net_loss_projected job_cuts_thousands foxconn_collaboration_not_acquisition
foxconn_may_buy_renault_stake foxconn_contract_manufacturing_mih kkr_equity_or_debt
cost_reduction_usd_bn top_management_cut_pct share_price_vs_deal_announcement_pct
joint_procurement_motors_inverters joint_procurement_eaxles_next common_battery_specs_target
honda_lges_battery_supply_start joint_software_platform_earliest
software_platform_solo_cost_jpy_tn honda_nissan_combined_volume mitsubishi_annual_volume
alliance_scope_announcement_date cooperation_exploration_date nissan_mitsubishi_control_since
toyota_annual_volume capital_crossholdings_not_discussed hitachi_astemo_honda_stake_pct
""".split()


@pytest.fixture(scope="module")
def registry():
    return load_facts()


@pytest.fixture(scope="module")
def digest(registry):
    return {k: f for k, f in registry.items() if f.source == DIGEST}


# --- publication dates ------------------------------------------------------------


@pytest.mark.parametrize(("written", "earliest", "latest"), [
    ("2025-03-17", D(2025, 3, 17), D(2025, 3, 17)),
    ("2025-03", D(2025, 3, 1), D(2025, 3, 31)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2025", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025-03-01/2025-03-31", D(2025, 3, 1), D(2025, 3, 31)),
    ("2025-03/2025-06", D(2025, 3, 1), D(2025, 6, 30)),
    ("2025-02-12/2025-02", D(2025, 2, 12), D(2025, 2, 28)),
    ("2024/2025", D(2024, 1, 1), D(2025, 12, 31)),
    ("unknown", None, None),
])
def test_bounds_of_every_form(written, earliest, latest):
    assert pubdate.bounds(pubdate.normalize(written)) == (earliest, latest)


@pytest.mark.parametrize(("raw", "text"), [
    (None, "unknown"), ("Unknown", "unknown"), (D(2025, 2, 13), "2025-02-13"), (2025, "2025"),
    ("2025-02-13 / 2025-02-14", "2025-02-13/2025-02-14"),
])
def test_normalize_yaml_values(raw, text):
    assert pubdate.normalize(raw) == text


@pytest.mark.parametrize("bad", [
    "2025-13", "2025-02-30", "25-03", "2025/03/01", "2025-06/2025-03", "March 2025", "",
    "2025-03-01/", "2025-3", "1850", True, 3.5, ["2025"],
])
def test_malformed_dates_refused(bad):
    with pytest.raises(ValueError, match="2025|expected|range|month|year|calendar"):
        pubdate.normalize(bad)


def write_seed(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SEED = """\
source: 900_test.txt
outlet: test
published: "2025-02"
reliability: medium
facts:
  - id: inherits_file_date
    says: "Takes the file's date."
    value: 1
    unit: "USD bn"
    kind: point
    as_of: "2025-02"
    locator: "a verbatim phrase here"
  - id: own_date
    says: "Has its own date."
    value: 2
    unit: "USD bn"
    kind: point
    as_of: "2024-11"
    published: 2024-11-07
    locator: "another verbatim phrase"
  - id: unknown_date
    says: "Its date could not be seen."
    value: 3
    unit: "USD bn"
    kind: point
    as_of: "2024"
    published: null
    locator: "a third phrase"
    reliability: low
"""


def test_fact_date_overrides_file_date(tmp_path):
    write_seed(tmp_path, "900_test.yaml", SEED)
    facts = load_facts(tmp_path)
    assert published_bounds(facts["inherits_file_date"]) == (D(2025, 2, 1), D(2025, 2, 28))
    assert published_label(facts["inherits_file_date"]) == "2025-02"
    assert published_bounds(facts["own_date"]) == (D(2024, 11, 7), D(2024, 11, 7))
    assert published_bounds(facts["unknown_date"]) == (None, None)
    assert facts["unknown_date"].published_label == "unknown"
    assert published_by(facts["own_date"], D(2024, 11, 7))
    assert not published_by(facts["inherits_file_date"], D(2025, 2, 27))
    assert not published_by(facts["unknown_date"], D(2099, 1, 1))
    rec = fact_record(facts["inherits_file_date"])
    assert (rec["published"], rec["published_earliest"], rec["published_latest"]) == (
        "2025-02", "2025-02-01", "2025-02-28")
    json.dumps(rec)


def test_malformed_fact_date_names_file_line_field(tmp_path):
    path = write_seed(tmp_path, "900_test.yaml",
                      SEED.replace("published: 2024-11-07", 'published: "2024-11-31"'))
    with pytest.raises(InputError) as info:
        load_facts(tmp_path)
    line = SEED.splitlines().index("    published: 2024-11-07") + 1
    assert str(info.value) == (f"{path}:{line}: facts[1].published: '2024-11-31' is not a day "
                               "of the calendar")
    assert len(str(info.value).splitlines()) == 1


def test_malformed_file_date_names_file_line(tmp_path):
    path = write_seed(tmp_path, "900_test.yaml", SEED.replace('"2025-02"\nrel', '"Feb 2025"\nrel'))
    with pytest.raises(InputError) as info:
        load_facts(tmp_path)
    assert str(info.value).startswith(f"{path}:3: published: expected a publication date")


def test_row_locators_only_in_row_files(tmp_path):
    path = write_seed(tmp_path, "900_test.yaml",
                      SEED.replace('"another verbatim phrase"', '"3.10"'))
    with pytest.raises(InputError, match=rf"{path}:\d+: facts\[1\]\.locator: expected a "
                                         "verbatim phrase"):
        load_facts(tmp_path)
    rows = SEED.replace("facts:", "locators: row\nfacts:")
    path = write_seed(tmp_path, "900_test.yaml", rows.replace('"a third phrase"', '"U9"')
                      .replace('"a verbatim phrase here"', '"1.1"'))
    with pytest.raises(InputError, match=r"facts\[1\]\.locator: expected a row number"):
        load_facts(tmp_path)


# --- the five articles' dates (the "when" column of ../shared/seeds/README.md) ------------


@pytest.mark.parametrize(("prefix", "earliest", "latest"), [
    ("000", D(2025, 3, 1), D(2025, 3, 31)),
    ("001", D(2025, 3, 20), D(2025, 6, 20)),
    ("002", D(2025, 1, 1), D(2025, 12, 31)),
    ("003", D(2025, 2, 1), D(2025, 2, 28)),
    ("004", D(2024, 8, 1), D(2024, 8, 31)),
])
def test_article_dates(registry, prefix, earliest, latest):
    dates = {published_bounds(f) for f in registry.values() if f.source.startswith(prefix)}
    assert dates == {(earliest, latest)}


def test_article_fact_ids_kept(registry):
    assert set(ARTICLE_IDS) <= set(registry)
    assert len(ARTICLE_IDS) == 50


# --- the digest 005 -----------------------------------------------------------------


def test_digest_loads(digest):
    assert len(digest) == DIGEST_FACTS
    assert all(ROW_LOCATOR.match(f.locator) for f in digest.values())
    for f in digest.values():
        earliest, latest = published_bounds(f)
        if f.locator.startswith("U"):   # publication date not visible
            assert (earliest, latest, f.reliability) == (None, None, "low"), f.id
            assert f.as_of, f.id
        else:
            assert latest is not None and latest <= KNOWLEDGE_DATE, f.id
            assert f.reliability in ("high", "medium"), f.id
        if f.kind == "derived":
            assert "derived from" in f.says and f.reliability == "medium", f.id


@pytest.mark.skipif(not (ARTICLES / DIGEST).exists(), reason="../shared/seeds not here")
def test_every_digest_row_registered(digest):
    text = (ARTICLES / DIGEST).read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+\.\d+|U\d+) \|", text, re.M)
    assert len(rows) == len(set(rows)) == 178   # row numbers are unique locators
    assert {f.locator for f in digest.values()} == set(rows)


def by_row(digest, row: str) -> dict:
    return {f.id: f for f in digest.values() if f.locator == row}


@pytest.mark.parametrize(("fid", "row", "value", "unit", "published"), [
    ("auto_cash_sep2024_jpy_tn", "3.15", 1.4, "JPY tn", (D(2024, 11, 21), D(2024, 11, 21))),
    ("us_auto_tariff_section232_pct", "6.5", 25, "percent", (D(2025, 3, 26), D(2025, 3, 31))),
    ("us_auto_tariff_start_date", "6.5", "2025-04-03", "date", (D(2025, 3, 26), D(2025, 3, 31))),
    ("debt_maturities_2025_usd_bn", "3.10", 1.6, "USD bn", (D(2024, 11, 15),) * 2),
    ("debt_maturities_2026_usd_bn", "3.10", 5.6, "USD bn", (D(2024, 11, 15),) * 2),
    ("bond_usd_2025_3522", "3.1", 1500, "USD m", (D(2021, 6, 18), D(2022, 3, 31))),
    ("bond_eur_2026_2652", "3.5", 750, "EUR m", (D(2021, 6, 18), D(2022, 3, 31))),
    ("share_price_2025_03_12_high_jpy", "4.22", 444.8, "JPY per share",
     (D(2025, 3, 11), D(2025, 3, 12))),
    ("fx_assumption_fy2024_nov2024_jpy_per_usd", "2.11", 149, "JPY per USD",
     (D(2024, 11, 8),) * 2),
    ("fy2024_net_income_outlook_feb2025_jpy_bn", "1.15", -80, "JPY bn",
     (D(2025, 2, 13), D(2025, 2, 14))),
    ("rnaipl_stake_sold_to_renault_pct", "4.24", 51, "percent", (D(2025, 3, 31),) * 2),
    ("canton_esedan_start_date", "7.11", "2026-11", "date", (D(2024, 6, 17),) * 2),
    ("fx_assumption_fy2024_feb2025_jpy_per_usd", "U2", 152, "JPY per USD", (None, None)),
    ("renault_stake_total_feb2025_pct", "U3", 35.71, "percent", (None, None)),
    ("canton_adventure_ev_suv", "U12", "2027-12", "date", (None, None)),
])
def test_digest_spot_values(digest, fid, row, value, unit, published):
    f = digest[fid]
    assert (f.locator, f.value, f.unit, published_bounds(f)) == (row, value, unit, published)


def test_digest_credit_facilities(digest):
    u9 = by_row(digest, "U9")
    got = sorted((f.value, f.unit) for f in u9.values())
    assert got == [(2.5, "USD bn"), (250, "JPY bn"), (1720, "USD m"), (2000, "USD m"),
                   (2424, "USD m")]
    assert {f.published_label for f in u9.values()} == {"unknown"}


def test_digest_bond_ladder(digest):
    bonds = {f.locator: f for f in digest.values() if f.id.startswith("bond_")}
    assert sorted(bonds) == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"]
    assert "3.522%" in bonds["3.1"].says and "2025-09-17" in bonds["3.1"].says
    assert sum(f.value for f in digest.values()
               if f.unit == "USD m" and f.locator in ("3.1", "3.2", "3.3", "3.4")) == 8000


def test_fact_ids_unique_and_cover_both(registry):
    ids = [line.split(":", 1)[1].strip() for file in sorted((ROOT / "seeds").glob("*.yaml"))
           for line in file.read_text(encoding="utf-8").splitlines()
           if line.startswith("  - id:")]
    assert len(ids) == len(set(ids)) == len(registry) == 50 + DIGEST_FACTS


# --- sim facts ----------------------------------------------------------------------


def run(*args: str, **kw):
    result = runner.invoke(app, ["facts", *args], **kw)
    assert "Traceback" not in result.output
    return result


def test_cli_digest_json():
    result = run("--source", "005", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == DIGEST_FACTS
    rec = {r["id"]: r for r in records}
    cash = rec["auto_cash_sep2024_jpy_tn"]
    assert (cash["published"], cash["published_earliest"], cash["published_latest"],
            cash["locator"], cash["value"]) == ("2024-11-21", "2024-11-21", "2024-11-21",
                                                "3.15", 1.4)
    rcf = rec["facility_global_rcf_usd_bn"]
    assert (rcf["published"], rcf["published_earliest"], rcf["published_latest"]) == (
        "unknown", None, None)
    assert rec["mmc_stake_press_range_pct"]["value"] == [24, 30]


def test_cli_published_by():
    result = run("--source", "005", "--json", "--published-by", "2025-03-31")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    unknown = 58   # the section U facts
    assert len(records) == DIGEST_FACTS - unknown
    assert f"{unknown} facts left out" in result.stderr
    assert all(r["published_latest"] <= "2025-03-31" for r in records)
    early = json.loads(run("--json", "--published-by", "2024-12-31").stdout)
    assert early and all(r["published_latest"] <= "2024-12-31" for r in early)
    assert "auto_cash_sep2024_jpy_tn" in {r["id"] for r in early}
    assert "us_auto_tariff_section232_pct" not in {r["id"] for r in early}


def test_cli_published_by_bad_day():
    result = run("--published-by", "2025-13-01")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --published-by: expected a day YYYY-MM-DD")


def test_cli_table_fits_120_columns(monkeypatch):
    monkeypatch.setattr(out, "width", 120)   # the console is made at import, before env
    result = run("--published-by", "2025-03-31")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    header = next(line for line in lines if line.startswith("id "))
    for col in ("published", "trust", "locator", "source"):
        assert col in header
    assert "facts left out: published after 2025-03-31" in result.stdout


def test_fact_ids_print_whole_at_120_columns(monkeypatch):
    """Ids are copied into scenarios: at 120 columns none folds across lines."""
    from typer.testing import CliRunner

    from cli.app import app
    from cli.common import out

    monkeypatch.setattr(out, "width", 120)
    r = CliRunner().invoke(app, ["facts", "--source", "005"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(len(line) for line in lines) <= 120
    ids = {line.split()[0] for line in lines if line[:1].strip() and " " in line}
    from simcore.provenance.facts import default_seeds_dir, load_facts

    registry = load_facts(default_seeds_dir())
    longest = max((f for f in registry.values() if f.source.startswith("005")),
                  key=lambda f: len(f.id))
    assert longest.id in ids
