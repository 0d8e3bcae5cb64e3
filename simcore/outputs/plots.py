"""The charts' former home, kept for callers that import it: everything is in
:mod:`simcore.outputs.charts`.

``compare_launches(summaries, path)`` is :func:`~simcore.outputs.charts.on_time_grid`
with the first option as the baseline. The old overlay of median cash paths
(``compare_fans``) is gone: :func:`~simcore.outputs.charts.difference_fans` (per-draw
arrays) replaces it.
"""

from __future__ import annotations

from pathlib import Path

from simcore.outputs.charts import (
    MissingExtra,
    available,
    compare_charts,
    difference_fans,
    ecdf_overlay,
    fan_chart,
    floor_band,
    gantt,
    on_time_grid,
    tornado_chart,
    waterfall,
)

__all__ = ["MissingExtra", "available", "compare_charts", "compare_launches",
           "difference_fans", "ecdf_overlay", "fan_chart", "floor_band", "gantt",
           "on_time_grid", "tornado_chart", "waterfall"]


def compare_launches(summaries: dict[str, dict], path: Path) -> Path:
    """P(on time) by programme and option, against the first option."""
    return on_time_grid(summaries, next(iter(summaries)), path)
