"""The tornado: how far the metric moves as each input goes from its P10 to its P90.

Reads the ``tornado`` rows of ``sim sweep --tornado`` (:func:`simcore.analysis.
sensitivity.tornado`): per input its dotted path, the metric with the input held low
and high, the base (every input random), the input's unit and the held values as an
analyst reads them. The metric is the registry's outcome: an amount or probability
as its mean, a month as its median month index, which the chart shows as a date.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simcore.outputs.charts.base import date_axis, figure, month_dates, save, wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LOW, HIGH = "#fb6a4a", "#2171b5"
LOW_TEXT, HIGH_TEXT = "#a50f15", "#08306b"   # the values, darker than their bars
SKIPPED = {"schedule", "risks", "occurs", "stands"}


def input_label(path: str) -> str:
    """A reader's name for an input path: ``'operations.burn'`` -> ``'Operations: burn'``,
    ``'programmes.leaf.schedule.risks.port_validation.occurs'`` -> ``'Leaf: port
    validation'``, ``'debt.usd_2027.refinance.occurs'`` -> ``'Debt: usd 2027, refinance'``."""
    parts = [p for p in path.split(".") if p not in SKIPPED]
    if parts[0] == "programmes" and len(parts) > 1:
        parts = parts[1:]
    head, rest = parts[0].replace("_", " "), [p.replace("_", " ") for p in parts[1:]]
    head = head[:1].upper() + head[1:]
    return f"{head}: {', '.join(rest)}" if rest else head


def metric_info(name: str, currency: str = "USD") -> dict:
    """Label, unit and kind of the tornado's metric from the outcome registry (the name
    itself, no unit and kind ``amount`` when the registry does not know it)."""
    from simcore.errors import InputError
    from simcore.outcomes.registry import kind_of

    try:
        o = kind_of(name)
    except InputError:
        return {"label": name, "unit": "", "kind": "amount"}
    label = o.label if not o.key or o.label.endswith(o.key) else f"{o.label} {o.key}"
    return {"label": label, "unit": o.unit_in(currency), "kind": o.kind}


class _Scale:
    """Metric values to the x axis and to text: dates for months, else numbers."""

    def __init__(self, kind: str, unit: str, start: str | None, edge: bool):
        self.kind, self.unit, self.edge = kind, unit, edge
        self.dates = kind == "month" and start is not None and not edge
        self.start = start

    def x(self, v: float) -> float:
        return float(month_dates(self.start, [v])[0]) if self.dates else v

    def text(self, v: float | None) -> str:
        if v is None or not np.isfinite(v):
            return "never"
        if self.dates:
            from matplotlib import dates as mdates

            return mdates.num2date(self.x(v)).strftime("%b %Y")
        if self.kind in ("probability", "share"):
            return f"{v:+.1%}" if self.edge else f"{v:.1%}"
        if self.kind == "month":
            return f"{v:+.1f} mo" if self.edge else f"month {v:.1f}"
        return f"{v:+.2f}" if self.edge else f"{v:.2f}"


def tornado_figure(data: dict, top: int = 15, start: str | None = None) -> Figure:
    """The ``top`` inputs by swing, largest on top: a bar from the base value (black line,
    every input random) to the metric with the input at its P10 (red) and at its P90
    (blue; for an event: does not happen / happens), the metric's value at each bar's
    end; each input's name in words and the two values it was held at. Month metrics are
    drawn as dates when ``start`` (``'2025-04'``; default ``data['start']``) is known."""
    moving = [r for r in data["tornado"] if r.get("swing")]
    rows = moving[:top] or data["tornado"][:1]
    info = metric_info(data["tornado_metric"], data.get("currency", "USD"))
    versus = data.get("tornado_versus") or data.get("versus")
    scale = _Scale(info["kind"], info["unit"], start or data.get("start"), bool(versus))
    base = rows[0]["base"]
    fig = figure(10.5, 0.52 * len(rows) + 2.0)
    ax = fig.subplots()
    for y, r in enumerate(rows):
        _tornado_row(ax, y, r, scale)
    ax.axvline(scale.x(base), color="black", lw=1.2, gid="base",
               label=f"base {scale.text(base)}{_suffix(info)} (every input random)")
    ax.set_yticks(range(len(rows)), [f"{wrap(input_label(r['input']), 44, 1)}\n{_held(r)}"
                                     for r in rows], fontsize=7.5)
    ax.invert_yaxis()
    ax.margins(x=0.12)
    if scale.dates:
        date_axis(ax)
    _tornado_text(fig, ax, data, info, versus)
    rest, still = len(data["tornado"]) - len(rows), len(data["tornado"]) - len(moving)
    if rest:
        note = (f"{rest} more inputs do not move it" if rest == still else
                f"{rest} more inputs move it less ({still} not at all)")
        ax.text(0.0, -0.9 / (len(rows) + 1), note, transform=ax.transAxes, fontsize=7.5,
                color="#555555", va="top")
    return fig


def _suffix(info: dict) -> str:
    return f" {info['unit']}" if info["kind"] in ("amount", "price") else ""


def _held(r: dict) -> str:
    """The two values an input was held at, as the sweep labelled them."""
    if r.get("event"):
        return "event: does not happen / happens"
    return f"P10 {r['labels'][0]}, P90 {r['labels'][1]}"


def _tornado_row(ax: Axes, y: int, r: dict, scale: _Scale) -> None:
    b = scale.x(r["base"])
    ends = {k: scale.x(r[k]) for k in ("low", "high")
            if r[k] is not None and np.isfinite(r[k])}
    # both ends on one side of the base: the nearer one's value goes on the other side
    one_side = len(ends) == 2 and (min(ends.values()) >= b or max(ends.values()) <= b)
    near = min(ends, key=lambda k: abs(ends[k] - b)) if one_side else None
    far_right = one_side and max(ends.values()) > b
    for key, colour, ink, what in (
            ("low", LOW, LOW_TEXT, "input at P10 (event: does not happen)"),
            ("high", HIGH, HIGH_TEXT, "input at P90 (event: happens)")):
        if key not in ends:
            continue
        ax.barh(y, ends[key] - b, left=b, color=colour, height=0.6,
                gid=f"{key}:{r['input']}", label=what if y == 0 else None)
        right = (not far_right) if key == near else ends[key] >= b
        ax.annotate(scale.text(r[key]), (ends[key] if key != near else b, y),
                    xytext=(3 if right else -3, 0), textcoords="offset points",
                    va="center", fontsize=7, color=ink, ha="left" if right else "right")


def _tornado_text(fig: Figure, ax: Axes, data: dict, info: dict, versus: str | None) -> None:
    how = "median month" if info["kind"] == "month" else "mean"
    unit = f", {info['unit']}" if info["kind"] in ("amount", "price") else ""
    if info["kind"] == "month" and versus:
        unit = ", months"
    name = data["scenario"]
    what = f"{info['label']}, {name} less {versus}" if versus else info["label"]
    ax.set_xlabel(f"{what}{unit} ({how} over {data['draws']:,} draws)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3,
               fontsize=8, frameon=False)
    ax.set_title("Each input held at its P10 and at its P90 while the others stay random; "
                 "largest swing on top", fontsize=9)
    title = (f"{name}: what moves its edge over {versus} in {info['label']}" if versus
             else f"{name}: what moves {info['label']}")
    fig.suptitle(title, fontweight="bold")


def tornado_chart(data: dict, path: Path, top: int = 15, start: str | None = None) -> Path:
    """Write :func:`tornado_figure` to ``path`` (PNG); returns ``path``."""
    return save(tornado_figure(data, top, start), path)
