"""The CLI's read-only commands: ``sim facts``, ``sim schema``, ``sim trace``, and the
fact registry's locators checked against the source articles."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from cli.app import app

ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
ARTICLE_FILES = sorted(p.name for p in ARTICLES.glob("*.txt"))
# The research digest 005 is a source too; its locators are row numbers (tests/test_facts.py)
DIGEST = "005_nissan_known_2025Q1.md"
SOURCE_FILES = sorted([*ARTICLE_FILES, DIGEST])
# The articles live beside the checkout (../shared/seeds), as in CI; elsewhere the
# tests that read them are skipped, but never under CI, where they must run.
needs_articles = pytest.mark.skipif(
    not ARTICLE_FILES and not os.environ.get("CI"),
    reason="the source articles (../shared/seeds) are not beside this checkout")
STANDALONE = SCENARIOS / "standalone.yaml"
ONE_SOURCE = "002_71ce4eca6ef83de3.txt"
RECORD_KEYS = {"id", "source", "locator", "value", "unit"}

runner = CliRunner()


def fold(text: str) -> str:
    """Typographic quotes to straight ones, runs of whitespace to one space."""
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'),
                            ("\u201d", '"')):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


def article(name: str) -> str:
    return fold((ARTICLES / name).read_text(encoding="utf-8"))


def invoke(*args: str, **kw):
    result = runner.invoke(app, list(args), **kw)
    assert "Traceback" not in result.output
    return result


def ok_json(*args: str):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- sim facts -------------------------------------------------------------------


def test_facts_table():
    result = invoke("facts", env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    n = len(ok_json("facts", "--json"))
    text = fold(result.output)
    assert f"{n} facts" in text
    for col in ("id", "value", "unit", "kind", "source", "locator"):
        assert col in text
    assert "core_cash_burn_usd_bn" in text


@needs_articles
def test_facts_json_records():
    records = ok_json("facts", "--json")
    assert isinstance(records, list) and records
    for rec in records:
        assert isinstance(rec, dict)
        assert RECORD_KEYS <= rec.keys(), rec
    assert {r["source"] for r in records} == set(SOURCE_FILES)


@pytest.mark.parametrize("source", [ONE_SOURCE, Path(ONE_SOURCE).stem])
def test_facts_source_filter(source: str):
    everything = ok_json("facts", "--json")
    records = ok_json("facts", "--json", "--source", source)
    assert records
    assert {r["source"] for r in records} == {ONE_SOURCE}
    assert len(records) == sum(r["source"] == ONE_SOURCE for r in everything)


def test_facts_unknown_source_exits_2():
    result = invoke("facts", "--source", "999_nothing.txt")
    assert result.exit_code == 2
    assert not result.stdout.strip()
    text = fold(result.stderr)
    assert text.startswith("error: ")
    assert "no facts from '999_nothing.txt'" in text
    assert ONE_SOURCE in text  # it lists the sources there are


# --- the fact registry ---------------------------------------------------------


@needs_articles
def test_articles_are_there():
    assert len(ARTICLE_FILES) == 5, ARTICLE_FILES


@needs_articles
def test_fact_registry():
    records = ok_json("facts", "--json")
    assert len(records) >= 30
    assert {r["source"] for r in records} == set(SOURCE_FILES)  # every source covered
    texts = {name: article(name) for name in ARTICLE_FILES}
    for rec in (r for r in records if r["source"] != DIGEST):
        words = len(rec["locator"].split())
        assert words <= 15, f"{rec['id']}: locator has {words} words"
        assert fold(rec["locator"]) in texts[rec["source"]], (
            f"{rec['id']}: locator {rec['locator']!r} not found in {rec['source']}")


@needs_articles
def test_fact_ids_unique_across_seed_files():
    ids: list[str] = []
    for file in sorted((ROOT / "seeds").glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert data["source"] in SOURCE_FILES, file.name
        ids += [f["id"] for f in data["facts"]]
    assert len(ids) >= 30
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, dupes
    assert sorted(ids) == sorted(r["id"] for r in ok_json("facts", "--json"))


# --- sim schema ----------------------------------------------------------------


def test_schema_is_json_schema():
    schema = ok_json("schema")
    assert isinstance(schema, dict)
    props = schema["properties"]
    assert "operations" in props and "balance" in props
    assert {"operations", "balance"} <= set(schema.get("required", []))
    assert schema["$schema"].startswith("https://json-schema.org/")


# --- sim trace -----------------------------------------------------------------


def check_trace_records(records: list) -> None:
    """Every record has a basis that its fields bear out, and every cited fact is found
    in its source: an article's locator phrase in its text, a digest row by its number."""
    assert isinstance(records, list) and records
    for rec in records:
        assert rec["path"]
        assert rec["basis"] in ("fact", "derived", "judgement"), rec
        if rec["basis"] == "judgement":
            assert rec["assumption"].strip(), rec
        else:
            assert rec["facts"], rec
        if rec["basis"] == "derived":
            assert rec["note"].strip(), rec
        for fact in rec["facts"]:
            check_locator(fact)
    paths = [r["path"] for r in records]
    assert len(paths) == len(set(paths))


def check_locator(fact: dict) -> None:
    source = ARTICLES / fact["source"]
    assert source.is_file(), fact
    if source.suffix == ".md":   # the digest: the locator is a row number
        assert f"| {fact['locator']} |" in source.read_text(encoding="utf-8"), fact
    else:
        assert fold(fact["locator"]) in article(fact["source"]), fact


@needs_articles
def test_trace_json():
    records = ok_json("trace", str(STANDALONE), "--json")
    check_trace_records(records)
    paths = {r["path"] for r in records}
    assert "operations.burn" in paths
    assert {"floor", "balance.opening_cash", "debt.usd_2025.coupon"} <= paths
    for rec in records:
        assert rec["defined_in"].startswith("standalone.yaml:"), rec


def test_trace_table():
    result = invoke("trace", str(STANDALONE), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "operations.burn" in fold(result.output)


# --- extends -------------------------------------------------------------------

OPTION = """\
extends: standalone.yaml
name: option
title: An option with a flat burn and no asset sales
operations:
  burn:
    fixed: -2.0
    unit: USD bn/yr
    assumption: a flat burn, for the test
financing:
  chennai_sale: null
"""


@needs_articles
def test_extends_override_and_removal(tmp_path: Path):
    (tmp_path / "standalone.yaml").write_text(STANDALONE.read_text(encoding="utf-8"),
                                              encoding="utf-8")
    option = tmp_path / "option.yaml"
    option.write_text(OPTION, encoding="utf-8")

    base = {r["path"]: r for r in ok_json("trace", str(tmp_path / "standalone.yaml"), "--json")}
    records = ok_json("trace", str(option), "--json")
    check_trace_records(records)
    got = {r["path"]: r for r in records}

    burn = got["operations.burn"]
    assert burn["kind"] == "fixed"
    assert burn["distribution"] == "fixed -2"
    assert burn["assumption"] == "a flat burn, for the test"
    assert burn["basis"] == "judgement" and burn["facts"] == []
    assert burn["defined_in"] == "option.yaml:5"

    # null removes the named entry; everything else is the base's, defined in it
    assert not [p for p in got if p.startswith("financing.chennai_sale.")]
    assert any(p.startswith("financing.chennai_sale.") for p in base)
    expected = {p: r for p, r in base.items()
                if p != "operations.burn" and not p.startswith("financing.chennai_sale.")}
    assert set(got) - {"operations.burn"} == set(expected)
    for path, rec in expected.items():
        assert got[path] == rec, path
        assert rec["defined_in"].startswith("standalone.yaml:"), rec


def test_extends_validates(tmp_path: Path):
    (tmp_path / "standalone.yaml").write_text(STANDALONE.read_text(encoding="utf-8"),
                                              encoding="utf-8")
    option = tmp_path / "option.yaml"
    option.write_text(OPTION, encoding="utf-8")
    result = invoke("validate", str(option))
    assert result.exit_code == 0, result.output
    assert "option: An option with a flat burn" in fold(result.output)


def test_cli_import_leaves_heavy_packages_alone():
    """Start-up: importing the CLI (what every command pays) loads no scipy, matplotlib,
    dask, pandas, Jinja2 or the report's modules; scipy comes only once a distribution
    is evaluated."""
    import subprocess
    import sys

    code = ("import sys, cli.app, simcore.scenario.loader; "
            "print(' '.join(m for m in ('scipy', 'matplotlib', 'dask', 'pandas', "
            "'distributed', 'jinja2', 'simcore.outputs.html_report', "
            "'simcore.outputs.report_data') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, check=True)
    assert r.stdout.strip() == ""


def test_z95_is_scipys_normal_quantile():
    from scipy import stats

    from simcore.uncertainties.distributions import Z95

    assert Z95 == float(stats.norm.ppf(0.95))
