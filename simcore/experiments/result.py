"""The per-draw results of a run held in memory: :class:`RunResult`.

Analysis reads a run through a few accessors that a run kept on disk
(:class:`simcore.experiments.stream.StoredRun`) has too: a month's column of cash
or liquidity (:meth:`RunResult.cash_at`), the cash fan (:meth:`RunResult.cash_fan`),
the floor in the report currency (:meth:`RunResult.floor_block`) and one outcome's
values (:meth:`RunResult.outcome`, :meth:`RunResult.outcome_values`). The arrays
themselves (``cash``, ``liquidity``, ...) exist only in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from simcore.experiments.settings import RunSettings
from simcore.outcomes.registry import (
    Outcome,
    Thresholds,
    evaluate,
    floor_path,
    lookup,
    outcomes_for,
)
from simcore.scenario.model import Scenario
from simcore.uncertainties import inputs as inputs_mod
from simcore.uncertainties.sampling import replicate_bounds


@dataclass
class Finance:
    """Per-draw results of the financial core (report currency, bn)."""

    opening: np.ndarray                  # (draws,) opening cash
    bridge: dict[str, np.ndarray]        # component -> (draws,) total over the horizon
    fy_end: list[int]                    # month index of each fiscal year's end (or last)
    debt_fy: np.ndarray                  # (draws, fiscal years) borrowings at each FY end
    interest_paid: np.ndarray            # (draws,) coupons, line interest and fees paid
    liquidity: np.ndarray | None = None  # (draws, months); None: no credit lines
    floor_fx: np.ndarray | None = None   # (draws, months) report units per floor unit
    value: dict[str, np.ndarray] = field(default_factory=dict)
    # per draw, by period (simcore.cash.periods): FCF per full calendar year, and the
    # core flow and the one-offs per fiscal year
    cy: list[int] = field(default_factory=list)
    fcf_cy: np.ndarray | None = None
    core_fy: np.ndarray | None = None
    one_offs_fy: np.ndarray | None = None


@dataclass
class RunResult:
    """Per-draw outcomes of one scenario run (arrays over draws)."""

    scenario: Scenario
    settings: RunSettings
    inputs: list[inputs_mod.Input]
    cash: np.ndarray                     # (draws, months) USD bn
    fcf_fy: np.ndarray                   # (draws, fiscal years) USD bn
    fy: list[int]                        # fiscal year of each fcf_fy column
    fy_months: list[int]                 # months of each fiscal year inside the horizon
    floor_draws: np.ndarray              # (draws,) sampled floor, in the floor's unit
    fcf_positive: np.ndarray             # (draws,) month index, NaN if never
    ending_net_debt: np.ndarray          # (draws,)
    deal_closed: np.ndarray | None = None
    deal_month: np.ndarray | None = None
    dilution: np.ndarray | None = None
    launches: dict[str, np.ndarray] = field(default_factory=dict)
    drivers: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    correlations: list[dict] = field(default_factory=list)
    finance: Finance | None = None
    # programme -> (draws,) latest on-time start of production, a month index
    # (simcore.schedule.targets.target_sop); scheduled programmes with a target only
    targets: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def liquidity(self) -> np.ndarray:
        """Cash plus undrawn credit lines, (draws, months); cash when there are none."""
        f = self.finance
        return self.cash if f is None or f.liquidity is None else f.liquidity

    @property
    def draws(self) -> int:
        return self.cash.shape[0]

    def outcomes(self, thresholds: Thresholds | None = None) -> dict[str, np.ndarray]:
        """Every registered outcome per draw (see :mod:`simcore.outcomes.registry`)."""
        return evaluate(self, thresholds)

    def to_pandas(self, monthly: bool = False, thresholds: Thresholds | None = None):
        """One row per draw with every outcome, or with ``monthly`` one row per draw and
        month with cash (the ``all`` extra's pandas)."""
        from simcore.outcomes.tidy import to_pandas

        return to_pandas(self, monthly, thresholds)

    @property
    def replicates(self) -> np.ndarray:
        return replicate_bounds(self.draws)

    @property
    def months(self) -> int:
        return self.cash.shape[1]

    @property
    def fy_end(self) -> list[int]:
        """Month index of each fiscal year's end (or the horizon's last month)."""
        return self.finance.fy_end

    def cash_at(self, t: int) -> np.ndarray:
        """Cash at the end of month ``t``, (draws,)."""
        return self.cash[:, t]

    def liquidity_at(self, t: int) -> np.ndarray:
        """Liquidity at the end of month ``t`` (a fiscal year's end), (draws,)."""
        return self.liquidity[:, t]

    def fcf_at(self, j: int) -> np.ndarray:
        """Free cash flow in fiscal year ``self.fy[j]``, (draws,)."""
        return self.fcf_fy[:, j]

    def cash_fan(self, ps: Sequence[float]) -> np.ndarray:
        """Percentiles ``ps`` of cash in each month, (len(ps), months)."""
        return np.percentile(self.cash, ps, axis=0)

    def floor_block(self, thresholds: Thresholds, months: slice) -> np.ndarray:
        """The floor in the report currency in ``months``, (draws, those months)."""
        path = floor_path(self, thresholds)
        return np.broadcast_to(path, (self.draws, self.months))[:, months]

    def outcome(self, name: str, thresholds: Thresholds | None = None) -> np.ndarray:
        """One outcome's per-draw values (``thresholds`` default to the run's)."""
        return lookup(name, self).values(self, thresholds)

    def outcome_values(self, thresholds: Thresholds | None = None
                       ) -> dict[str, tuple[Outcome, np.ndarray]]:
        """Every outcome with its per-draw values, by name, evaluated once."""
        return {o.name: (o, o.values(self, thresholds)) for o in outcomes_for(self)}
