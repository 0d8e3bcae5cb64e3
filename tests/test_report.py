"""``sim report``: the page's content checked against independent truth.

The report of two bundled options is parsed with the standard library's HTML parser
and compared with a separate ``api.compare`` run at the same seed (the decision
table's numbers, the manifest), with the scenarios' own inputs (every one listed
with its basis and facts), and with the rules of a self-contained page (no
network resource, every image an inline PNG).
"""

from __future__ import annotations

import base64
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SCENARIOS, by_hand, dist
from typer.testing import CliRunner

from cli.app import app

FILES = [SCENARIOS / "standalone.yaml", SCENARIOS / "foxconn.yaml"]
DRAWS, SEED = 300, 20250401
PCT = ("probability", "share")


class Page(HTMLParser):
    """The parts of report.html the tests read: every tag's attributes, the text of
    each decision-table cell and of each input row."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.cells: dict[tuple[str, str], str] = {}
        self.inputs: list[tuple[str, str, str]] = []     # path, basis, text
        self.ids: set[str] = set()
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if "data-outcome" in a or "data-path" in a:
            self._open.append((tag, a, []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, a, text = self._open.pop()
            joined = " ".join(" ".join(text).split())
            if "data-outcome" in a:
                self.cells[(a["data-option"], a["data-outcome"])] = joined
            else:
                self.inputs.append((a["data-path"], a["data-basis"], joined))


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Page]:
    out = tmp_path_factory.mktemp("report") / "two"
    r = invoke("report", *map(str, FILES), "-n", str(DRAWS), "--tornado-draws", "0",
               "--sobol", "32", "--out", str(out), "-q")   # the tornado: a one-input case below
    assert r.exit_code == 0, r.output
    return out, Page((out / "report.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def truth() -> dict:
    """The same comparison, run separately through the Python API."""
    from simcore import api
    from simcore.analysis.compare import comparison_dict

    return comparison_dict(api.compare(FILES, draws=DRAWS, seed=SEED))


def test_folder_holds_the_page_the_comparison_and_the_marker(report, truth):
    out, _ = report
    assert sorted(p.name for p in out.iterdir()) == ["compare.json", "report.html",
                                                     "sim-manifest.json"]
    assert json.loads((out / "sim-manifest.json").read_text())["command"] == "sim report"
    assert json.loads((out / "compare.json").read_text()) == json.loads(json.dumps(truth))


def test_every_section_is_there(report):
    _, page = report
    assert {"question", "options", "decision", "decision-table", "cash", "launches",
            "bridge", "drivers", "inputs", "manifest"} <= page.ids


def expected_value(kind: str, stat: dict) -> str:
    if kind == "probability":
        return f"{stat['p']:.1%}"
    if kind == "month":
        return stat["p50"] or "never"
    return f"{stat['mean']:.1%}" if kind == "share" else f"{stat['p50']:.2f}"


def expected_delta(kind: str, mean: float) -> str:
    return f"{100 * mean:+.1f} pt" if kind in PCT else (
        f"{mean:+.1f} mo" if kind == "month" else f"{mean:+.2f}")


def test_decision_table_numbers_are_the_comparisons(report, truth):
    _, page = report
    headline = truth.get("headline") or ["min_cash", "breach", "ending_cash"]
    assert {o for o, _ in page.cells} == {"standalone", "foxconn"}
    for metric in headline:
        kind = truth["outcomes"][metric]["kind"]
        for option in ("standalone", "foxconn"):
            text = page.cells[(option, metric)]
            assert text.startswith(expected_value(kind, truth["metrics"][metric][option])), \
                (metric, option, text)
        pair = truth["paired"][metric]["foxconn"]
        text = page.cells[("foxconn", metric)]
        if pair["diff_p5"] == pair["diff_p95"] == pair["diff_mean"] == 0:
            assert "same in every draw" in text
        else:
            assert f"Δ {expected_delta(kind, pair['diff_mean'])}" in text, (metric, text)
        assert "Δ" not in page.cells[("standalone", metric)]   # the baseline itself


def test_every_input_is_listed_with_its_basis_and_facts(report):
    from simcore.scenario.loader import load_scenario
    from simcore.uncertainties.inputs import collect

    _, page = report
    rows: dict[tuple[str, str], list[str]] = {}
    for path, basis, text in page.inputs:
        rows.setdefault((path, basis), []).append(text)
    for file in FILES:
        sc = load_scenario(file).scenario
        for i in collect(sc):
            if i.quantity is None:
                continue   # the model's own draws (events, exchange-rate steps)
            q = i.quantity
            texts = rows.get((i.name, q.basis_of))
            assert texts, f"{file.name}: {i.name} ({q.basis_of}) is not listed"
            assert any(all(f in t for f in q.facts) for t in texts), (i.name, q.facts)
            if q.basis_of == "judgement":
                assert any(" ".join(q.assumption.split()) in t for t in texts), i.name


def test_facts_show_source_and_publication_date(report):
    from simcore.scenario.loader import load_scenario

    _, page = report
    for file in FILES:
        loaded = load_scenario(file)
        cited = {f for _, item in _sourced(loaded.scenario) for f in item.facts}
        assert cited
        for fid in cited:
            fact = loaded.facts[fid]
            rows = [t for _, _, t in page.inputs if fid in t]
            assert rows, fid
            assert any(fact.source in t and f"published {fact.published_label}" in t
                       for t in rows), fid


def _sourced(sc):
    from simcore.scenario.quantity import sourced

    return sourced(sc)


def test_manifest_has_seed_draws_and_scenario_hashes(report, truth):
    from simcore import api

    _, page = report
    html_text = (report[0] / "report.html").read_text(encoding="utf-8")
    for file in FILES:
        sha = api.simulate(file, draws=10, seed=SEED).summary["manifest"]["scenario_sha256"]
        assert sha in html_text, file.name
    assert f"<td class=\"num\">{SEED}</td>" in html_text
    assert f"<td class=\"num\">{DRAWS:,}</td>" in html_text


def test_page_is_self_contained(report):
    _, page = report
    for tag, attrs in page.tags:
        for key in ("src", "href", "action", "poster", "data"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "file:")), (tag, key, value)
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
    images = [a["src"] for t, a in page.tags if t == "img"]
    assert len(images) >= 5
    for src in images:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def test_one_scenario_escapes_its_text(tmp_path, write_yaml):
    sc = by_hand(title="Cash <script>alert(1)</script> & more", months=12,
                 burn=-1.0, steady=1.0)
    sc["balance"]["opening_cash"] = dist("pert", {"min": 8, "mode": 10, "max": 12},
                                         "USD bn", "a <b>bold</b> guess")
    out = tmp_path / "one"
    r = invoke("report", str(write_yaml(sc)), "-n", "200", "--tornado-draws", "20",
               "--sobol", "0", "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>bold</b>" not in text
    assert "Cash &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text
    assert "a &lt;b&gt;bold&lt;/b&gt; guess" in text
    assert "Headline outcomes" in text and "Decision table" not in text
    page = Page(text)
    assert ("balance.opening_cash", "judgement") in {(p, b) for p, b, _ in page.inputs}
    assert '<td class="mono">balance.opening_cash</td>' in text   # the tornado's one input


def test_force_replaces_only_a_folder_sim_wrote(tmp_path, write_yaml):
    scenario = str(write_yaml(by_hand(months=6)))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    r = invoke("report", scenario, "-n", "50", "--out", str(mine), "--force")
    assert r.exit_code == 2 and "not written by sim" in r.output
    assert (mine / "notes.txt").read_text() == "keep me"
    out = tmp_path / "out"
    args = ["report", scenario, "-n", "50", "--tornado-draws", "0", "--sobol", "0",
            "--out", str(out), "-q"]
    assert invoke(*args).exit_code == 0
    assert invoke(*args).exit_code == 2          # exists: refused without --force
    assert invoke(*args, "--force").exit_code == 0
    assert (out / "report.html").is_file()


def test_without_the_extra_one_line_and_exit_2(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "jinja2", None)   # import jinja2 now fails
    r = invoke("report", str(FILES[0]), "--out", str(tmp_path / "r"))
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "pip install -e '.[report]'" in lines[0], r.output
    assert not (tmp_path / "r").exists()


def test_template_is_package_data():
    from importlib import resources

    folder = resources.files("simcore.outputs") / "templates"
    assert (folder / "report.html.j2").is_file() and (folder / "report.css").is_file()


def test_control_characters_are_drawn_and_shown_as_escapes(tmp_path, write_yaml, recwarn):
    """A title with an escape sequence and a bell: no 'Glyph missing' warning (which
    printed them raw on the terminal), and the page shows them as escapes."""
    sc = by_hand(title="Esc \x1b[31mred\x07 bell", months=12, burn=-1.0, steady=1.0)
    out = tmp_path / "esc"
    r = invoke("report", str(write_yaml(sc)), "-n", "200", "--tornado-draws", "20",
               "--sobol", "0", "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    assert "\x1b" not in r.output and "\x07" not in r.output
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "Esc \\x1b[31mred\\x07 bell" in text


def test_every_text_of_a_chart_is_saved_visible(tmp_path, recwarn):
    """Titles, legend labels and fixed tick labels (set again from their formatter when
    drawn) lose their control characters; line breaks stay."""
    from simcore.outputs.charts.base import figure, save

    fig = figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="line \x1b[1m")
    ax.set_yticks([0, 1], ["tick\u202e", "two\nlines"])
    ax.set_title("title \x07")
    ax.legend()
    fig.suptitle("sup \x1b")
    save(fig, tmp_path / "chart.png")
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    assert ax.get_title() == "title \\x07" and fig.get_suptitle() == "sup \\x1b"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tick\\u202e", "two\nlines"]


@pytest.mark.parametrize("args, message", [
    (["--sobol", "3"], "--sobol: takes a power of 2, got 3 (try 2)"),
    (["--metric", "nope"], "--metric: unknown outcome 'nope' for standalone"),
    (["--metric", "launch.nope", "--tornado-all"], "unknown outcome 'launch.nope'"),
    (["--baseline", "zz"], "is not one of the options"),
])
def test_options_that_would_fail_after_the_comparison_are_refused_before_it(
        tmp_path, monkeypatch, args, message):
    import simcore.analysis.compare as compare_mod

    def never(*a, **k):
        raise AssertionError("the comparison ran before the options were checked")

    monkeypatch.setattr(compare_mod, "compare", never)
    out = tmp_path / "out"
    r = invoke("report", *map(str, FILES), "-n", "50", "--out", str(out), "--quiet", *args)
    assert r.exit_code == 2 and message in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1 and not out.exists()
