"""One option's cash: the fan chart against the floor, and the cash bridge as a waterfall.

Both read a run summary (:func:`simcore.analysis.summary.summarise`); the fan chart
also takes the floor in the report currency month by month (:func:`floor_band`),
because a floor set in another currency (yen) moves with each draw's exchange rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simcore.outputs.charts.base import (
    FAN_INNER,
    FAN_LINE,
    FAN_OUTER,
    FLOOR,
    column_stats,
    date_axis,
    figure,
    humanise,
    month_dates,
    save,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from simcore.experiments.result import RunResult
    from simcore.outcomes.registry import Thresholds

# bridge components that are financing (principal, equity, asset sales); the others and
# interest make free cash flow
FINANCING = ("asset_sales", "equity", "debt_raised", "debt_repaid", "credit_lines")
SMALL = 5e-4   # bridge components smaller than this (bn) are pooled as "other"


def floor_band(res: RunResult, thresholds: Thresholds | None = None) -> dict:
    """The liquidity floor in the run's report currency in each month (``p5``, ``p50``,
    ``p95`` over draws: a yen floor moves with each draw's exchange rate) and
    ``breached_by``: the share of draws whose cash has been below the floor at some
    month end up to and including each month (its last value is P(breach))."""
    from simcore.outcomes.registry import Thresholds

    t = thresholds if thresholds is not None else Thresholds(res.settings.floor)
    draws, months = res.draws, res.months
    pct, _ = column_stats(lambda s: res.floor_block(t, s), months, (5, 50, 95))
    first = res.outcome("first_breach_month", t)
    hits = np.bincount(first[np.isfinite(first)].astype(int), minlength=months)
    return {"unit": f"{res.currency} bn", "p5": pct[0].tolist(), "p50": pct[1].tolist(),
            "p95": pct[2].tolist(), "breached_by": (np.cumsum(hits) / draws).tolist()}


def fan_chart_figure(summary: dict, floor: dict | None = None) -> Figure:
    """Cash at each month end (P5-P95 and P25-P75 bands, the median), the floor in the
    same currency (``floor`` from :func:`floor_band`; else the summary's floor when it is
    in the cash's unit) and, below, the share of draws that have breached it so far."""
    cash = summary["cash"]
    fig = figure(10, 6.5 if floor else 5.2)
    if floor:
        ax, low = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    else:
        ax, low = fig.subplots(), None
    x = month_dates(cash["months"][0], np.arange(1, len(cash["months"]) + 1))
    ax.fill_between(x, cash["p5"], cash["p95"], color=FAN_OUTER, label="P5-P95", gid="p5_p95")
    ax.fill_between(x, cash["p25"], cash["p75"], color=FAN_INNER, label="P25-P75",
                    gid="p25_p75")
    ax.plot(x, cash["p50"], color=FAN_LINE, lw=2, label="median", gid="median")
    _floor_lines(ax, x, cash, floor)
    ax.set_ylabel(f"cash, {cash['unit']}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.set_title(f"Cash at month end, {summary['draws']:,} draws: P(below the floor in some "
                 f"month) = {cash['p_breach']:.1%}", fontsize=10)
    fig.suptitle(summary["title"], fontweight="bold")
    if low is not None:
        _breach_panel(low, x, floor["breached_by"])
    date_axis(low if low is not None else ax)
    return fig


def _floor_lines(ax: Axes, x: np.ndarray, cash: dict, floor: dict | None) -> None:
    unit = cash.get("floor_unit", cash["unit"])
    if floor:
        varies = not np.allclose(floor["p5"], floor["p95"])
        how = (f" = {cash['floor']:g} {unit} at each draw's rate (median)"
               if unit != floor["unit"] else " (median over draws)" if varies
               else f" {cash['floor']:g} {unit}")
        ax.plot(x, floor["p50"], color=FLOOR, ls="--", lw=1.5, gid="floor",
                label=f"floor{how}")
        if varies:
            ax.plot(x, floor["p5"], color=FLOOR, ls=":", lw=1, gid="floor_p5",
                    label="floor P5, P95")
            ax.plot(x, floor["p95"], color=FLOOR, ls=":", lw=1, gid="floor_p95")
    elif unit == cash["unit"]:
        ax.axhline(cash["floor"], color=FLOOR, ls="--", lw=1.5, gid="floor",
                   label=f"floor {cash['floor']:g} {unit}")
    else:
        ax.text(0.99, 0.02, f"floor {cash['floor']:g} {unit}: not on this {cash['unit']} "
                "axis", transform=ax.transAxes, ha="right", fontsize=8, color=FLOOR)


def _breach_panel(ax: Axes, x: np.ndarray, breached_by: list[float]) -> None:
    ax.step(x, breached_by, where="post", color=FLOOR, lw=1.8, gid="breached_by")
    ax.fill_between(x, 0, breached_by, step="post", color=FLOOR, alpha=0.15)
    ax.set_ylim(0, max(0.05, 1.15 * max(breached_by, default=0)))
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylabel("draws below\nthe floor so far", fontsize=8)
    ax.annotate(f"{breached_by[-1]:.1%}", (x[-1], breached_by[-1]), xytext=(-4, 4),
                textcoords="offset points", ha="right", fontsize=8, color=FLOOR)
    ax.grid(alpha=0.3)


def fan_chart(summary: dict, path: Path, floor: dict | None = None) -> Path:
    """Write :func:`fan_chart_figure` to ``path`` (PNG); returns ``path``."""
    return save(fan_chart_figure(summary, floor), path)


def bridge_steps(bridge: dict) -> list[tuple[str, str, float, float]]:
    """The waterfall's bars as ``(kind, label, left, width)``, top to bottom: the opening,
    each component (pooling those below 0.0005 bn as "other"), a subtotal before the
    financing components when there are both kinds, the ending. Components start where
    the one before ended, so the opening plus the components' widths is the ending."""
    comps = bridge["components"]
    shown = {k: x for k, x in comps.items() if abs(x) >= SMALL}
    other = sum(x for k, x in comps.items() if k not in shown)
    steps = [("total", "Opening cash", 0.0, bridge["opening"])]
    level = bridge["opening"]
    operating = [k for k in shown if k.split(".")[0] not in FINANCING]
    for k in (*operating, "", *(k for k in shown if k not in operating)):
        if not k:
            if operating and len(operating) < len(shown):
                steps.append(("subtotal", "Subtotal before financing", 0.0, level))
            continue
        steps.append(("step", humanise(k), level, shown[k]))
        level += shown[k]
    if abs(other) >= 1e-9:
        steps.append(("step", "Other (each < 0.0005)", level, other))
    steps.append(("total", "Ending cash", 0.0, bridge["ending"]))
    return steps


def waterfall_figure(summary: dict) -> Figure:
    """The cash bridge as a horizontal waterfall: opening cash, each component's mean
    contribution over the horizon (green adds, red takes away, the amount at the bar's
    end), a subtotal before financing, the ending cash; in the bridge's unit."""
    b, months = summary["bridge"], summary["cash"]["months"]
    steps = bridge_steps(b)
    fig = figure(10, 0.32 * len(steps) + 1.6)
    ax = fig.subplots()
    colour = {"total": FAN_LINE, "subtotal": "#6baed6"}
    for y, (kind, label, left, width) in enumerate(steps):
        c = colour.get(kind, "#41ab5d" if width >= 0 else "#cb181d")
        ax.barh(y, width, left=left, color=c, height=0.65, gid=f"{kind}:{label}")
        text = f"{width:.2f}" if kind != "step" else f"{width:+.2f}"
        end = left + max(width, 0)
        ax.annotate(text, (end, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
        if y + 1 < len(steps) and steps[y + 1][0] == "step":
            ax.plot([left + width] * 2, [y, y + 1], color="grey", lw=0.6)
    ax.set_yticks(range(len(steps)), [s[1] for s in steps], fontsize=9)
    for tick, s in zip(ax.get_yticklabels(), steps, strict=True):
        tick.set_fontweight("bold" if s[0] != "step" else "normal")
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ends = [v for _, _, left, width in steps for v in (left, left + width)]
    lo, hi = min(0.0, *ends), max(0.0, *ends)
    ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.1 * (hi - lo))
    ax.set_xlabel(f"cash, {b['unit']} (mean over {summary['draws']:,} draws)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Cash bridge from the start of {months[0]} to the end of {months[-1]}: "
                 f"{b['opening']:.2f} to {b['ending']:.2f} {b['unit']}", fontsize=10)
    fig.suptitle(summary["title"], fontweight="bold")
    return fig


def waterfall(summary: dict, path: Path) -> Path:
    """Write :func:`waterfall_figure` to ``path`` (PNG); returns ``path``."""
    return save(waterfall_figure(summary), path)
