"""Tidy tables of a run: one row per draw (every outcome), or per draw and month.

Both come from the same arrays as every other view, so a new outcome in the
registry appears here with no change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simcore.errors import SimError
from simcore.outcomes.registry import Thresholds, evaluate
from simcore.timeline import month_labels

if TYPE_CHECKING:
    from simcore.experiments.result import RunResult


def per_draw(res: RunResult, thresholds: Thresholds | None) -> dict[str, np.ndarray]:
    """Columns of the per-draw table: ``draw`` then every outcome."""
    return {"draw": np.arange(res.draws), **evaluate(res, thresholds)}


def per_draw_month(res: RunResult) -> dict[str, np.ndarray]:
    """Columns of the per-(draw, month) table: draw, month (ISO), cash (USD bn)."""
    n, months = res.cash.shape
    labels = np.array(month_labels(res.scenario.start, months))
    return {"draw": np.repeat(np.arange(n), months), "month": np.tile(labels, n),
            "cash": res.cash.ravel()}


def to_pandas(res: RunResult, monthly: bool, thresholds: Thresholds | None):
    try:
        import pandas as pd
    except ImportError:
        raise SimError("to_pandas needs pandas: pip install -e '.[all]'") from None
    cols = per_draw_month(res) if monthly else per_draw(res, thresholds)
    return pd.DataFrame(cols)
