"""Every text of a chart drawn :func:`~simcore.outputs.charts.base.visible`: control
characters as escapes, so no font lacks a glyph and no 'Glyph missing' warning prints
them raw on the terminal. Imported when a chart is saved (it needs matplotlib)."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import Formatter

from simcore.outputs.charts.base import visible


def visible_texts(fig: Figure) -> None:
    """Every text of ``fig`` (titles, labels, legends, annotations) visible, and every
    tick label, which its axis's formatter sets again when the figure is drawn."""
    for t in fig.findobj(Text):
        text = t.get_text()
        if isinstance(text, str) and visible(text) != text:
            t.set_text(visible(text))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not isinstance(axis.get_major_formatter(), VisibleFormatter):
                axis.set_major_formatter(VisibleFormatter(axis.get_major_formatter()))
            if not isinstance(axis.get_minor_formatter(), VisibleFormatter):
                axis.set_minor_formatter(VisibleFormatter(axis.get_minor_formatter()))


class VisibleFormatter(Formatter):
    """``inner``'s tick labels, visible."""

    def __init__(self, inner: Formatter):
        self.inner = inner

    def __call__(self, x: float, pos: int | None = None) -> str:
        return visible(str(self.inner(x, pos)))

    def format_ticks(self, values: Any) -> list[str]:
        return [visible(str(s)) for s in self.inner.format_ticks(values)]

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def get_offset(self) -> str:
        return visible(str(self.inner.get_offset()))

    def format_data(self, value: float) -> str:
        return visible(str(self.inner.format_data(value)))

    def format_data_short(self, value: float) -> str:
        return visible(str(self.inner.format_data_short(value)))
