"""Charts draw what the numbers say: each figure's artists are checked against numbers
worked independently (numpy's per-month median of the per-draw difference, the share of
draws at or below a value, the bridge's identity, the announced window's dates)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import SCENARIOS

pytest.importorskip("matplotlib")

from matplotlib import dates as mdates  # noqa: E402

from simcore import api  # noqa: E402
from simcore.experiments.runner import RunSettings  # noqa: E402
from simcore.outputs import charts  # noqa: E402
from simcore.outputs.charts.base import column_stats  # noqa: E402
from simcore.outputs.charts.compare import ecdf_points  # noqa: E402
from simcore.outputs.charts.tornado import input_label  # noqa: E402


@pytest.fixture(scope="module")
def cmp():
    files = [SCENARIOS / f"{n}.yaml" for n in ("standalone", "foxconn", "kkr")]
    return api.compare(files, RunSettings(draws=300, seed=7))


def day(year: int, month: int, d: int = 1) -> float:
    return float(mdates.date2num(dt.date(year, month, d)))


def by_gid(artists, gid: str):
    found = [a for a in artists if a.get_gid() == gid]
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def panels(fig) -> dict:
    return {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_title(loc="left")}


def test_difference_fan_is_numpy_of_the_per_draw_difference(cmp):
    cash = {o: r.cash for o, r in cmp.results.items()}
    fig = charts.difference_fans_figure(cash, "standalone", "2025-04", "USD bn")
    axes = panels(fig)
    assert sorted(axes) == ["foxconn", "kkr"]          # one panel per non-baseline option
    for name, ax in axes.items():
        diff = cash[name] - cash["standalone"]
        median, mean = by_gid(ax.lines, "median"), by_gid(ax.lines, "mean")
        np.testing.assert_allclose(median.get_ydata(), np.median(diff, axis=0))
        np.testing.assert_allclose(mean.get_ydata(), diff.mean(axis=0))
        band = by_gid(ax.collections, "p5_p95").get_paths()[0].vertices[:, 1]
        assert np.isclose(band.min(), np.percentile(diff, 5, axis=0).min())
        assert np.isclose(band.max(), np.percentile(diff, 95, axis=0).max())
        # month-end cash: the first point is the end of April 2025, on a date axis
        assert median.get_xdata()[0] == day(2025, 5)
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.DateFormatter)


def test_percentiles_by_blocks_of_months_equal_the_whole():
    x = np.random.default_rng(3).normal(size=(101, 30))
    pct, mean = column_stats(lambda s: x[:, s], 30, (5, 50, 95))
    np.testing.assert_allclose(pct, np.percentile(x, (5, 50, 95), axis=0))
    np.testing.assert_allclose(mean, x.mean(axis=0))


def step_value(xs: np.ndarray, ys: np.ndarray, v: float) -> float:
    """The height of a 'post' step curve at ``v``."""
    k = np.searchsorted(xs, v, side="right") - 1
    return 0.0 if k < 0 else float(ys[k])


def test_ecdf_height_is_the_share_of_draws_at_or_below(cmp):
    records = charts.headline_records(cmp)
    assert [r["name"] for r in records][:3] == ["min_liquidity", "min_cash", "ending_cash"]
    fig = charts.ecdf_figure(cmp.values, records, "standalone")
    for ax in fig.axes:
        for line in ax.lines:
            _, name, option = line.get_gid().split(":")
            x = cmp.values[option][name]
            for v in np.quantile(x, [0.1, 0.37, 0.5, 0.9]):
                assert step_value(line.get_xdata(), line.get_ydata(), v) == \
                    pytest.approx(np.mean(x <= v))
    base = by_gid(fig.axes[0].lines, "ecdf:min_liquidity:standalone")
    other = by_gid(fig.axes[0].lines, "ecdf:min_liquidity:kkr")
    assert base.get_linewidth() > other.get_linewidth() and base.get_color() == "#000000"
    assert [t.get_text() for t in fig.legends[0].get_texts()][0] == "standalone (baseline)"


def test_ecdf_thinned_for_many_draws_stays_exact_where_drawn():
    x = np.random.default_rng(1).normal(size=50_000)
    xs, ys = ecdf_points(x)
    assert len(xs) <= 2001 and xs[0] == x.min() and xs[-1] == x.max()
    for k in (0, 17, 1000, len(xs) - 1):
        assert ys[k] == pytest.approx(np.mean(x <= xs[k]))


def test_waterfall_bars_add_up_to_ending_cash(cmp):
    summary = cmp.summaries["foxconn"]
    fig = charts.waterfall_figure(summary)
    ax = fig.axes[0]
    bars = {p.get_gid(): p for p in ax.patches}
    steps = [p for gid, p in bars.items() if gid.startswith("step:")]
    opening, ending = bars["total:Opening cash"], bars["total:Ending cash"]
    assert opening.get_width() == pytest.approx(summary["bridge"]["opening"])
    assert ending.get_width() == pytest.approx(summary["bridge"]["ending"])
    assert opening.get_width() + sum(p.get_width() for p in steps) == \
        pytest.approx(ending.get_width(), abs=1e-9)
    level = opening.get_width()
    for p in sorted(steps, key=lambda p: p.get_y()):   # each starts where the last ended
        assert p.get_x() == pytest.approx(level)
        level += p.get_width()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Subtotal before financing" in labels
    assert not any("_" in t or "." in t for t in labels)
    assert "USD bn" in ax.get_xlabel()


def test_gantt_has_one_bar_per_programme_its_title_and_window(cmp):
    summary = cmp.summaries["foxconn"]
    fig = charts.gantt_figure(summary)
    ax = fig.axes[0]
    launches = summary["launches"]
    names = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert names == [r["title"] for r in launches.values()]
    bars = {p.get_gid(): p for p in ax.patches}
    assert sorted(g for g in bars if g.startswith("launch:")) == \
        sorted(f"launch:{n}" for n, r in launches.items() if r["p10"] is not None)
    # sentra's announced window is 2025-04..2025-12 (arrival in the market): the shaded
    # bar runs from 1 April 2025 to 1 January 2026
    assert launches["sentra"]["target"].startswith("2025-04..2025-12")
    window = bars["window:sentra"]
    assert window.get_x() == day(2025, 4)
    assert window.get_x() + window.get_width() == pytest.approx(day(2026, 1))
    assert "window:foxconn_ev" not in bars                 # no target, no window
    y, m = map(int, launches["sentra"]["p10"].split("-"))
    assert bars["launch:sentra"].get_x() == day(y, m)      # P10 bar starts with its month
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.DateFormatter)


def test_fan_chart_draws_the_floor_in_the_report_currency(cmp):
    res, summary = cmp.results["foxconn"], cmp.summaries["foxconn"]
    assert summary["cash"]["floor_unit"] != summary["cash"]["unit"]   # a yen floor
    band = charts.floor_band(res)
    floor = res.floor_draws[:, None] * res.finance.floor_fx
    np.testing.assert_allclose(band["p50"], np.median(floor, axis=0))
    below = (res.cash < floor).any(axis=1).mean()
    assert band["breached_by"][-1] == pytest.approx(below)
    assert band["breached_by"][-1] == pytest.approx(summary["cash"]["p_breach"], abs=1e-6)
    fig = charts.fan_chart_figure(summary, band)
    top, low = fig.axes
    np.testing.assert_allclose(by_gid(top.lines, "floor").get_ydata(), band["p50"])
    np.testing.assert_allclose(by_gid(top.lines, "median").get_ydata(),
                               summary["cash"]["p50"])
    np.testing.assert_allclose(by_gid(low.lines, "breached_by").get_ydata(),
                               band["breached_by"])


def test_on_time_grid_shows_each_probability_and_its_change():
    def s(**p):
        return {"launches": {k: {"title": k.upper(), "p_on_time": v} for k, v in p.items()}}

    summaries = {"base": s(a=0.5, b=0.9), "x": s(a=0.75, b=0.9), "y": s(a=0.5)}
    fig = charts.on_time_grid_figure(summaries, "base")
    ax = fig.axes[0]
    cells = {t.get_gid(): t.get_text() for t in ax.texts}
    assert cells["cell:a:base"] == "50%" and cells["cell:a:x"] == "75%\n+25.0 pt"
    assert cells["cell:b:x"] == "90%" and cells["cell:b:y"] == "-"
    grid = ax.get_images()[0].get_array()
    assert grid[0, 1] == pytest.approx(25.0) and grid.mask[1, 2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]


def tornado_data(metric: str) -> dict:
    row = {"input": "programmes.leaf.schedule.stands.remaining", "low": 1.5, "high": 4.0,
           "swing": 2.5, "base": 3.0, "event": False, "unit": "months",
           "labels": ["1.5 months", "4 months"]}
    event = {**row, "input": "debt.usd_2027.refinance.occurs", "low": 2.5, "high": 3.5,
             "swing": 1.0, "event": True, "unit": "event",
             "labels": ["does not happen", "happens"]}
    still = {**row, "input": "operations.burn", "low": 3.0, "high": 3.0, "swing": 0.0}
    return {"scenario": "s", "draws": 10, "tornado_metric": metric, "start": "2025-04",
            "tornado": [row, event, still]}


def test_tornado_of_a_month_is_in_dates_with_its_base_marked():
    fig = charts.tornado_figure(tornado_data("launch.leaf"))
    ax = fig.axes[0]
    assert by_gid(ax.lines, "base").get_xdata()[0] == day(2025, 7)      # month 3.0
    low = by_gid(ax.patches, "low:programmes.leaf.schedule.stands.remaining")
    # month 1.5: half-way through May's 31 days
    assert low.get_x() + low.get_width() == pytest.approx(day(2025, 5) + 15.5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("Leaf: remaining\nP10 1.5 months")
    assert labels[1].startswith("Debt: usd 2027, refinance\nevent")
    assert len(labels) == 2                                 # the input that moves nothing
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.DateFormatter)
    assert "base Jul 2025" in fig.legends[0].get_texts()[0].get_text()


def test_tornado_of_an_amount_states_its_unit():
    fig = charts.tornado_figure(tornado_data("min_cash"))
    ax = fig.axes[0]
    assert "minimum cash, USD bn" in ax.get_xlabel()
    assert by_gid(ax.lines, "base").get_xdata()[0] == 3.0
    assert "base 3.00 USD bn" in fig.legends[0].get_texts()[0].get_text()


def test_input_labels_read_as_words():
    assert input_label("operations.burn") == "Operations: burn"
    assert input_label("programmes.leaf.schedule.risks.port_check.occurs") == \
        "Leaf: port check"
    assert input_label("balance.opening_cash") == "Balance: opening cash"


def test_compare_charts_write_pngs(cmp, tmp_path):
    paths = charts.compare_charts(cmp, tmp_path)
    assert [p.name for p in paths] == ["compare_cash.png", "compare_distributions.png",
                                       "compare_launches.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tornado_of_an_edge_reads_as_a_difference():
    data = {**tornado_data("launch.leaf"), "tornado_versus": "standalone"}
    fig = charts.tornado_figure(data)
    ax = fig.axes[0]
    assert "s less standalone, months" in ax.get_xlabel()   # a difference, not a date
    assert not isinstance(ax.xaxis.get_major_formatter(), mdates.DateFormatter)
    assert by_gid(ax.lines, "base").get_xdata()[0] == 3.0
    assert "edge over standalone" in fig.get_suptitle()
