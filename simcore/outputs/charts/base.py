"""What every chart shares: the matplotlib import, figures, month dates, colours, names.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` (no pyplot, no global
state, no backend switch): a figure is built, saved to a path and dropped.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simcore.errors import SimError
from simcore.timeline import parse_month

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 110
BASELINE = "#000000"
# Okabe-Ito (colour-blind safe) without its yellow, then two more: up to 8 options
# besides the baseline get distinct colours
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F")
FAN_OUTER, FAN_INNER, FAN_LINE = "#c6dbef", "#6baed6", "#08306b"
FLOOR = "#cb181d"
BLOCK = 12   # months per block when a statistic is taken over draws


class MissingExtra(SimError):
    """An optional package a feature needs is not installed."""


def figure(width: float, height: float) -> Figure:
    """A new figure of ``width`` x ``height`` inches with constrained layout.

    Raises :class:`MissingExtra` without matplotlib (the ``plot`` extra)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtra("charts need matplotlib: pip install -e '.[plot]'") from None
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def available() -> bool:
    """Whether matplotlib is installed (charts can be drawn)."""
    try:
        figure(1, 1)
    except MissingExtra:
        return False
    return True


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (the format from its suffix, PNG for ``.png``), every
    text on it :func:`visible`."""
    from simcore.outputs.charts.visible import visible_texts

    path = Path(path)
    visible_texts(fig)
    fig.savefig(path)
    return path


def visible(text: str) -> str:
    """``text`` with each control or other non-printable character (an escape sequence's
    ESC, a bell, a bidi override) written as its escape (``\\x1b``); line breaks kept. No
    font has a glyph for them: drawn raw they are boxes, and matplotlib's 'Glyph
    missing' warning would print them raw on the terminal."""
    return "\n".join("".join(ch if ch.isprintable() else
                             ch.encode("unicode_escape").decode("ascii") for ch in line)
                     for line in text.split("\n"))


def month_dates(start: str | tuple[int, int], x: Sequence[float] | np.ndarray) -> np.ndarray:
    """Matplotlib date numbers of month positions ``x`` counted from the first day of
    ``start`` (``'2025-04'``): 0 is 1 April 2025, 1.5 is mid-May. Positions must be
    finite."""
    from matplotlib import dates as mdates

    year, month = parse_month(start) if isinstance(start, str) else start
    x = np.asarray(x, float)
    if x.size == 0:
        return x
    lo, hi = int(np.floor(x.min())), int(np.floor(x.max())) + 1
    ks = np.arange(lo, hi + 1)
    firsts = [dt.date(year + (month - 1 + int(k)) // 12, (month - 1 + int(k)) % 12 + 1, 1)
              for k in ks]
    nums = np.asarray(mdates.date2num(firsts), float)
    return np.interp(x, ks, nums)


def month_position(start: str | tuple[int, int], label: str) -> int:
    """Months from ``start`` to ``label`` (both ``'YYYY-MM'``)."""
    y0, m0 = parse_month(start) if isinstance(start, str) else start
    y, m = parse_month(label)
    return (y - y0) * 12 + (m - m0)


def date_axis(ax: Axes, which: str = "x") -> None:
    """Dates on ``ax``'s ``which`` axis, chosen from its current limits: over two years
    or more a labelled tick each April (the fiscal year's start) and a minor tick each
    quarter; over less, a labelled tick every month or few."""
    from matplotlib import dates as mdates

    axis = ax.xaxis if which == "x" else ax.yaxis
    lo, hi = ax.get_xlim() if which == "x" else ax.get_ylim()
    months = (hi - lo) / 30.44
    if months >= 24:
        axis.set_major_locator(mdates.MonthLocator(bymonth=4))
        axis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    else:
        axis.set_major_locator(mdates.MonthLocator(interval=max(1, round(months / 8))))
        axis.set_minor_locator(mdates.MonthLocator())
    axis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def colours(options: Sequence[str], baseline: str | None) -> dict[str, str]:
    """One colour per option, the baseline black; stable in the options' order."""
    others = [o for o in options if o != baseline]
    out = {o: PALETTE[k % len(PALETTE)] for k, o in enumerate(others)}
    if baseline is not None:
        out[baseline] = BASELINE
    return out


def humanise(name: str) -> str:
    """``'items.nmac_dividends'`` -> ``'Nmac dividends'``: the last part, words, capital."""
    text = name.split(".")[-1].replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def wrap(text: str, width: int = 32, lines: int = 2) -> str:
    """``text`` on at most ``lines`` lines of ``width`` characters (ellipsis if cut)."""
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder="…"))


def column_stats(block: Callable[[slice], np.ndarray], columns: int,
                 qs: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Percentiles ``qs`` (0-100) and the mean over rows of a (rows, columns) array
    given ``block(slice)`` -> its columns in that slice. Works a year of columns at a
    time, so an array derived from the draws (a difference, a converted floor) never
    exists whole. Returns ``(len(qs), columns)`` and ``(columns,)``."""
    pct, mean = np.empty((len(qs), columns)), np.empty(columns)
    for a in range(0, columns, BLOCK):
        part = np.asarray(block(slice(a, min(a + BLOCK, columns))), float)
        pct[:, a:a + part.shape[1]] = np.percentile(part, qs, axis=0)
        mean[a:a + part.shape[1]] = part.mean(axis=0)
    return pct, mean
