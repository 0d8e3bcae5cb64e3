"""Charts (the ``plot`` extra: matplotlib), drawn from plain data.

Each chart has a ``*_figure`` function that builds a :class:`matplotlib.figure.Figure`
(for tests and for embedding) and a function without the suffix that writes it to a
path (PNG for ``.png``) and returns the path. Without matplotlib they raise
:class:`MissingExtra`; :func:`available` says whether it is installed.

* one run (:mod:`.cash`, :mod:`.launches`): :func:`fan_chart` (cash fan against the
  floor, with :func:`floor_band`), :func:`waterfall` (the cash bridge), :func:`gantt`;
* options (:mod:`.compare`, :mod:`.launches`): :func:`difference_fans` (per-draw cash
  difference from the baseline), :func:`ecdf_overlay` (headline outcomes' distributions),
  :func:`on_time_grid` (P(on time) by programme and option); :func:`compare_charts`
  writes all three for a :class:`~simcore.analysis.compare.Comparison`;
* sensitivity (:mod:`.tornado`): :func:`tornado_chart`.
"""

from simcore.outputs.charts.base import MissingExtra, available
from simcore.outputs.charts.cash import (
    fan_chart,
    fan_chart_figure,
    floor_band,
    waterfall,
    waterfall_figure,
)
from simcore.outputs.charts.compare import (
    compare_charts,
    difference_fans,
    difference_fans_figure,
    ecdf_figure,
    ecdf_overlay,
    headline_records,
)
from simcore.outputs.charts.launches import (
    gantt,
    gantt_figure,
    on_time_grid,
    on_time_grid_figure,
)
from simcore.outputs.charts.tornado import tornado_chart, tornado_figure

__all__ = [
    "MissingExtra", "available", "compare_charts", "difference_fans",
    "difference_fans_figure", "ecdf_figure", "ecdf_overlay", "fan_chart", "fan_chart_figure",
    "floor_band", "gantt", "gantt_figure", "headline_records", "on_time_grid",
    "on_time_grid_figure", "tornado_chart", "tornado_figure", "waterfall", "waterfall_figure",
]
