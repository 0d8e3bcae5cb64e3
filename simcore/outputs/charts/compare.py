"""Options against the baseline: the per-draw cash difference over time (one panel per
option) and the distributions of the headline outcomes (cumulative, overlaid).

Options run on common random numbers (:mod:`simcore.analysis.compare`), so draw ``i``
of two options sees the same world and their difference in that draw is the option's
doing. The chart functions take plain arrays; :func:`compare_charts` takes a
:class:`~simcore.analysis.compare.Comparison` and writes every compare chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simcore.errors import InputError, Problem
from simcore.outputs.charts.base import (
    FAN_INNER,
    FAN_LINE,
    FAN_OUTER,
    colours,
    column_stats,
    date_axis,
    figure,
    month_dates,
    save,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from simcore.analysis.compare import Comparison

QS = (5, 25, 50, 75, 95)
HEADLINES = ("min_liquidity", "min_cash", "ending_cash", "value_per_share")
ECDF_POINTS = 2001   # most points drawn per curve; exact ECDF values at those points


def difference_stats(option: np.ndarray, baseline: np.ndarray) -> dict[str, np.ndarray]:
    """Per month, percentiles ``p5 p25 p50 p75 p95`` and the ``mean`` over draws of
    ``option - baseline`` (two (draws, months) arrays on the same draws), a year of
    months at a time."""
    if option.shape != baseline.shape:
        raise InputError(Problem(f"cash arrays differ in shape: {option.shape} against "
                                 f"the baseline's {baseline.shape}; the difference needs "
                                 "the same draws and months", path="cash"))
    pct, mean = column_stats(lambda s: option[:, s] - baseline[:, s], option.shape[1], QS)
    return {**{f"p{q}": pct[k] for k, q in enumerate(QS)}, "mean": mean}


def difference_fans_figure(cash: Mapping[str, np.ndarray], baseline: str, start: str,
                           unit: str) -> Figure:
    """Small multiples, one panel per option but the baseline: the fan of the per-draw
    difference in month-end cash from the baseline (P5-P95 and P25-P75 bands, the
    median, the mean dashed), on shared axes, dates on x. ``cash`` maps each option to
    its (draws, months) cash in ``unit``; months count from ``start`` (``'2025-04'``)."""
    others = [o for o in cash if o != baseline]
    ncols = min(3, max(1, len(others)))
    nrows = math.ceil(len(others) / ncols) if others else 1
    fig = figure(4.0 * ncols + 0.6, 2.7 * nrows + 1.3)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, sharey=True,
                                      squeeze=False)).ravel()
    months = cash[baseline].shape[1]
    x = month_dates(start, np.arange(1, months + 1))
    for ax, name in zip(axes, others, strict=False):
        _difference_panel(ax, x, name, difference_stats(cash[name], cash[baseline]))
    for ax in axes[len(others):]:
        ax.set_axis_off()
    for ax in axes[::ncols]:
        ax.set_ylabel(f"cash \N{MINUS SIGN} {baseline}\n{unit}", fontsize=8)
    date_axis(axes[0])
    for ax in axes[:len(others)]:
        ax.tick_params(axis="x", labelsize=7, labelbottom=True)
    _difference_legend(fig, axes[0])
    fig.suptitle(f"Month-end cash, each option less {baseline}\nin the same draw "
                 f"({cash[baseline].shape[0]:,} draws, common random numbers)",
                 fontweight="bold", fontsize=10 if ncols == 1 else 12)
    return fig


def _difference_panel(ax: Axes, x: np.ndarray, name: str, st: dict[str, np.ndarray]) -> None:
    ax.fill_between(x, st["p5"], st["p95"], color=FAN_OUTER, label="P5-P95", gid="p5_p95")
    ax.fill_between(x, st["p25"], st["p75"], color=FAN_INNER, label="P25-P75",
                    gid="p25_p75")
    ax.plot(x, st["p50"], color=FAN_LINE, lw=1.8, label="median", gid="median")
    ax.plot(x, st["mean"], color="#d94801", lw=1.4, ls="--", label="mean", gid="mean")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_title(name, fontsize=9, fontweight="bold", loc="left")
    ax.text(0.99, 0.04, f"at the end: mean {st['mean'][-1]:+.2f}, "
            f"P5 {st['p5'][-1]:+.2f}, P95 {st['p95'][-1]:+.2f}", transform=ax.transAxes,
            ha="right", fontsize=7, color="#333333")
    ax.grid(alpha=0.3)


def _difference_legend(fig: Figure, ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8,
               frameon=False)


def difference_fans(cash: Mapping[str, np.ndarray], baseline: str, start: str, unit: str,
                    path: Path) -> Path:
    """Write :func:`difference_fans_figure` to ``path`` (PNG); returns ``path``."""
    return save(difference_fans_figure(cash, baseline, start, unit), path)


def ecdf_points(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The empirical cumulative distribution of the finite ``values``: sorted values and
    the share of all draws at or below each; at most :data:`ECDF_POINTS` of them (every
    k-th value, the extremes kept), exact where drawn."""
    v = np.sort(np.asarray(values, float))
    n = v.size
    v = v[np.isfinite(v)]
    idx = np.unique(np.linspace(0, v.size - 1, min(v.size, ECDF_POINTS)).round().astype(int))
    return v[idx], (idx + 1) / max(n, 1)


def ecdf_figure(values: Mapping[str, Mapping[str, np.ndarray]], outcomes: Sequence[dict],
                baseline: str) -> Figure:
    """One panel per outcome: each option's cumulative distribution over draws (share of
    draws at or below x), the baseline black and thick, one legend for all panels.
    ``values`` maps option -> outcome name -> per-draw values; ``outcomes`` are records
    with ``name``, ``label``, ``unit`` and ``direction`` ('higher', 'lower', 'none');
    an option without an outcome is left out of that panel."""
    ncols = min(2, max(1, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols) if outcomes else 1
    fig = figure(5.2 * ncols + 0.8, 3.4 * nrows + 1.4)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False, sharey=True)).ravel()
    col = colours(list(values), baseline)
    for ax, rec in zip(axes, outcomes, strict=False):
        _ecdf_panel(ax, values, rec, baseline, col)
    for ax in axes[len(outcomes):]:
        ax.set_axis_off()
    for ax in axes[::ncols]:
        ax.set_ylabel("share of draws at or below")
    fig.legend(*_legend_entries(axes), loc="outside right upper", fontsize=8, frameon=False)
    draws = len(next(iter(next(iter(values.values())).values()), []))
    fig.suptitle(f"Distribution of the headline outcomes by option ({draws:,} draws)",
                 fontweight="bold")
    return fig


def _ecdf_panel(ax: Axes, values: Mapping[str, Mapping[str, np.ndarray]], rec: dict,
                baseline: str, col: dict[str, str]) -> None:
    order = [o for o in values if o != baseline] + [baseline]   # the baseline on top
    for o in order:
        if rec["name"] not in values[o]:
            continue
        x, y = ecdf_points(values[o][rec["name"]])
        is_base = o == baseline
        ax.step(x, y, where="post", color=col[o], lw=2.6 if is_base else 1.5,
                ls="-" if is_base or list(values).index(o) % 2 else "--",
                zorder=3 if is_base else 2, label=f"{o} (baseline)" if is_base else o,
                gid=f"ecdf:{rec['name']}:{o}")
    better = {"higher": "; right is better", "lower": "; left is better"}.get(
        rec.get("direction", "none"), "")
    ax.set_title(f"{rec['label'][:1].upper()}{rec['label'][1:]}{better}", fontsize=9)
    ax.set_xlabel(f"{rec['unit']} (axis: the options' P0.5 to P99.5)", fontsize=8)
    lo, hi = _view([values[o][rec["name"]] for o in order if rec["name"] in values[o]])
    if hi > lo:
        ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
    ax.set_ylim(0, 1.01)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.grid(alpha=0.3)


def _view(arrays: Sequence[np.ndarray]) -> tuple[float, float]:
    """The lowest P0.5 and the highest P99.5 of the finite values of the arrays: the
    x range that shows every option's bulk without one draw's extreme squeezing it."""
    ends = [np.quantile(x[np.isfinite(x)], [0.005, 0.995]) for a in arrays
            if (x := np.asarray(a, float))[np.isfinite(x)].size]
    if not ends:
        return 0.0, 0.0
    return float(min(e[0] for e in ends)), float(max(e[1] for e in ends))


def _legend_entries(axes: Sequence[Axes]) -> tuple[list, list[str]]:
    """Every option once, the baseline first (it is drawn last, on top)."""
    found: dict[str, object] = {}
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            found.setdefault(label, h)
    labels = sorted(found, key=lambda k: not k.endswith("(baseline)"))
    return [found[k] for k in labels], labels


def ecdf_overlay(values: Mapping[str, Mapping[str, np.ndarray]], outcomes: Sequence[dict],
                 baseline: str, path: Path) -> Path:
    """Write :func:`ecdf_figure` to ``path`` (PNG); returns ``path``."""
    return save(ecdf_figure(values, outcomes, baseline), path)


def headline_records(cmp: Comparison) -> list[dict]:
    """The outcomes :func:`ecdf_figure` shows for a comparison (those of
    :data:`HEADLINES` some option has), as records with the report currency's unit."""
    currency = cmp.results[cmp.baseline].currency
    present = [n for n in HEADLINES if any(n in v for v in cmp.values.values())]
    return [{"name": n, "label": cmp.outcomes[n].label, "unit": cmp.outcomes[n].unit_in(currency),
             "direction": cmp.outcomes[n].direction} for n in present if n in cmp.outcomes]


def compare_charts(cmp: Comparison, folder: Path) -> list[Path]:
    """Write every compare chart into ``folder``: ``compare_cash.png`` (the cash difference
    from the baseline, :func:`difference_fans`), ``compare_distributions.png``
    (:func:`ecdf_overlay`) and, when an option has launches, ``compare_launches.png``
    (:func:`~simcore.outputs.charts.launches.on_time_grid`). Returns the paths written.

    Raises :class:`~simcore.errors.InputError` when the options' timelines differ."""
    from simcore.outputs.charts.launches import on_time_grid

    folder, base = Path(folder), cmp.baseline
    months = {o: tuple(s["cash"]["months"]) for o, s in cmp.summaries.items()}
    odd = [o for o in months if months[o] != months[base]]
    if odd:
        raise InputError(Problem(f"'{odd[0]}' runs over other months than '{base}' "
                                 f"({months[odd[0]][0]}.. against {months[base][0]}..); "
                                 "the compare charts need one timeline", path="timeline"))
    cash_unit = cmp.summaries[base]["cash"]["unit"]
    paths = [difference_fans({o: cmp.results[o].cash for o in cmp.options}, base,
                             months[base][0], cash_unit, folder / "compare_cash.png"),
             ecdf_overlay({o: cmp.values[o] for o in cmp.options}, headline_records(cmp),
                          base, folder / "compare_distributions.png")]
    if any(s.get("launches") for s in cmp.summaries.values()):
        paths.append(on_time_grid(cmp.summaries, base, folder / "compare_launches.png"))
    return paths
