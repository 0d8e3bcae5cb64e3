"""Launches: one option's start-of-production Gantt, and P(on time) across options.

Both read the ``launches`` section of run summaries: per programme its ``title``, the
announced ``target`` (``'2025-04..2025-12 (market +1 m)'`` for a window of arrival in
the market, ``'2026-12'`` for a legacy start-of-production month), ``target_sop`` (the
latest on-time start of production, median over draws), P10/P50/P90 start-of-production
months (``None``: after the horizon), ``p_on_time`` and ``p_cancelled``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simcore.outputs.charts.base import (
    FAN_INNER,
    FAN_LINE,
    date_axis,
    figure,
    humanise,
    month_dates,
    month_position,
    save,
    wrap,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WINDOW = "#fdd49e"
_WINDOW = re.compile(r"^(\d{4}-\d{2})(?:\.\.(\d{4}-\d{2}))?")
_LAG = re.compile(r"market \+([\d.]+)(?:-([\d.]+))? m")


def display_name(name: str, record: dict) -> str:
    """A programme's name as a reader wants it: its ``title``, else its key in words."""
    return record.get("title") or humanise(name)


def target_window(start: str, record: dict) -> tuple[float, float] | None:
    """The announced window as month positions from ``start`` (first day of its first
    month, first day after its last); a legacy target is its one month; None without."""
    m = _WINDOW.match(record.get("target") or "")
    if m is None:
        return None
    first, last = m.group(1), m.group(2) or m.group(1)
    return float(month_position(start, first)), float(month_position(start, last) + 1)


def deadline(start: str, record: dict) -> float | None:
    """The latest on-time start of production as a month position from ``start``: the
    window's end less the middle of its lag to market (``'(market +2.5-3.5 m)'``: 3), or
    the end of a legacy target's month; else the end of ``target_sop``'s month; None
    without a target."""
    window = target_window(start, record)
    lag = _LAG.search(record.get("target") or "")
    if window is not None and lag is not None:
        return window[1] - (float(lag.group(1)) + float(lag.group(2) or lag.group(1))) / 2
    if window is not None and ".." not in record["target"]:
        return window[1]
    sop = record.get("target_sop")
    return None if not sop else month_position(start, sop) + 1.0


def _span(start: str, horizon: int, record: dict) -> tuple[float, float, float] | None:
    """P10 start, P90 end and P50 middle as month positions; P90 or P50 after the horizon
    sit at its end; None when even the P10 is after it."""
    if record.get("p10") is None:
        return None

    def at(key: str, offset: float) -> float:
        label = record.get(key)
        return horizon if label is None else month_position(start, label) + offset

    return at("p10", 0.0), at("p90", 1.0), at("p50", 0.5)


def gantt_figure(summary: dict) -> Figure:
    """Per programme (titles, top to bottom as the scenario lists them): the announced
    window (shaded), the latest on-time start of production (black tick), the P10-P90 of
    the start of production (bar) and its median (dot), dates on the x axis, and
    P(on time) and P(cancelled) at the right."""
    months = summary["cash"]["months"]
    start, horizon = months[0], len(months)
    rows = list(summary["launches"].items())
    fig = figure(11, 0.55 * len(rows) + 2.0)
    ax = fig.subplots()
    for y, (name, r) in enumerate(rows):
        _gantt_row(ax, start, horizon, y, name, r)
    ax.set_yticks(range(len(rows)), [wrap(display_name(n, r), 36) for n, r in rows],
                  fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.9)
    ax.text(1.01, -0.75, "on time", transform=ax.get_yaxis_transform(), fontsize=8,
            fontweight="bold")
    ax.axvline(month_dates(start, [horizon])[0], color="grey", lw=0.8, ls=":")
    ax.grid(axis="x", alpha=0.3)
    date_axis(ax)
    ax.set_title(f"Start of production, {summary['draws']:,} draws", fontsize=10)
    fig.suptitle(summary["title"], fontweight="bold")
    _gantt_legend(fig)
    return fig


def _gantt_row(ax: Axes, start: str, horizon: int, y: int, name: str, r: dict) -> None:
    window = target_window(start, r)
    if window is not None:
        lo, hi = month_dates(start, window)
        ax.barh(y, hi - lo, left=lo, height=0.86, color=WINDOW, gid=f"window:{name}")
    due = deadline(start, r)
    if due is not None:
        t = month_dates(start, [due])[0]
        ax.plot([t, t], [y - 0.38, y + 0.38], color="black", lw=2, gid=f"deadline:{name}")
    span = _span(start, horizon, r)
    if span is not None:
        lo, hi, mid = month_dates(start, span)
        ax.barh(y, max(hi - lo, 8.0), left=lo, height=0.4, color=FAN_INNER,
                gid=f"launch:{name}")
        if r.get("p50") is not None:
            ax.plot([mid], [y], "o", color=FAN_LINE, ms=6, gid=f"median:{name}")
    ax.text(1.01, y, _status(r), transform=ax.get_yaxis_transform(), va="center",
            fontsize=8)


def _status(r: dict) -> str:
    parts = [] if r.get("p_on_time") is None else [f"{r['p_on_time']:.0%}"]
    if r.get("target") is None:
        parts.append("no target")
    if r.get("p_cancelled"):
        parts.append(f"cancelled {r['p_cancelled']:.0%}")
    if r.get("p90") is None and r.get("p10") is not None:
        parts.append("P90 after horizon")
    return "\n".join(parts)


def _gantt_legend(fig: Figure) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=WINDOW, label="announced window (arrival in the market)"),
               Line2D([], [], color="black", lw=2,
                      label="latest on-time start of production (median lag)"),
               Patch(color=FAN_INNER, label="start of production P10-P90"),
               Line2D([], [], marker="o", color=FAN_LINE, ls="", label="median")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8,
               frameon=False)


def gantt(summary: dict, path: Path) -> Path:
    """Write :func:`gantt_figure` to ``path`` (PNG); returns ``path``."""
    return save(gantt_figure(summary), path)


def on_time_table(summaries: dict[str, dict], options: list[str]
                  ) -> tuple[list[str], list[str], np.ndarray]:
    """Programme keys (in first-seen order), their display names, and P(on time) as a
    (programmes, options) array: NaN where the option lacks the programme or it has no
    target."""
    progs: dict[str, str] = {}
    for o in options:
        for name, r in summaries[o].get("launches", {}).items():
            progs.setdefault(name, display_name(name, r))
    table = np.full((len(progs), len(options)), np.nan)
    for j, o in enumerate(options):
        launches = summaries[o].get("launches", {})
        for i, name in enumerate(progs):
            p = launches.get(name, {}).get("p_on_time")
            table[i, j] = np.nan if p is None else p
    return list(progs), list(progs.values()), table


def on_time_grid_figure(summaries: dict[str, dict], baseline: str) -> Figure:
    """P(start of production on time) per programme (rows) and option (columns, the
    baseline first): each cell's probability, coloured by its change from the baseline
    in percentage points (white: the same); grey where the option lacks the programme
    or the programme has no announced target."""
    options = [baseline, *(o for o in summaries if o != baseline)]
    keys, names, table = on_time_table(summaries, options)
    diff = 100 * (table - table[:, :1])
    reach = max(5.0, float(np.nanmax(np.abs(diff), initial=0.0)))
    fig = figure(0.95 * len(options) + 4.2, 0.42 * len(keys) + 2.2)
    ax = fig.subplots()
    shown = np.ma.masked_invalid(np.where(np.isnan(table), np.nan, diff))
    from matplotlib import colormaps

    cmap = colormaps["RdBu"].with_extremes(bad="#d9d9d9")
    im = ax.imshow(shown, cmap=cmap, vmin=-reach, vmax=reach, aspect="auto", gid="grid")
    for (i, j), p in np.ndenumerate(table):
        ax.text(j, i, _cell(keys[i], options[j], p, diff[i, j], summaries, j == 0),
                ha="center", va="center", fontsize=7.5, gid=f"cell:{keys[i]}:{options[j]}",
                fontweight="bold" if j == 0 else "normal")
    ax.set_xticks(range(len(options)), [f"{o}\n(baseline)" if o == baseline else o
                                        for o in options], rotation=30, ha="right",
                  fontsize=8)
    ax.set_yticks(range(len(keys)), [wrap(n, 34) for n in names], fontsize=8)
    ax.set_xticks(np.arange(len(options)) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(keys)) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    fig.colorbar(im, ax=ax, shrink=0.8, label=f"change from {baseline}, points")
    ax.set_title(f"Each cell: P(on time); below it and in colour, the change\nfrom {baseline} "
                 "when 0.5 pt or more; grey: no such programme or no target", fontsize=8)
    fig.suptitle("P(start of production on time), by programme and option",
                 fontweight="bold")
    return fig


def _cell(key: str, option: str, p: float, diff: float, summaries: dict[str, dict],
          base: bool) -> str:
    if key not in summaries[option].get("launches", {}):
        return "-"
    if np.isnan(p):
        cancelled = summaries[option]["launches"][key].get("p_cancelled") or 0.0
        return "no target" + (f"\ncancelled {cancelled:.0%}" if cancelled else "")
    if base or abs(diff) < 0.5:
        return f"{p:.0%}"
    return f"{p:.0%}\n{diff:+.1f} pt"


def on_time_grid(summaries: dict[str, dict], baseline: str, path: Path) -> Path:
    """Write :func:`on_time_grid_figure` to ``path`` (PNG); returns ``path``."""
    return save(on_time_grid_figure(summaries, baseline), path)
