"""The Nissan case's additions to the scenario format: erosion of the steady core flow
by late launches, the exchange consideration of a takeover, and pre-run checks.

* ``operations.erosion``: the steady core flow (``operations.steady``) is lowered by
  ``per_month_late`` (USD bn/yr per month) times the average months late of the listed
  programmes, capped at ``cap_months`` (a cancelled programme counts as the cap).
* ``deal.exchange``: when the deal closes, existing holders receive ``ratio`` acquirer
  shares per share, each worth ``acquirer_price``.
* ``checks.<name>``: a bound on a measure of a pilot run (free cash flow, free cash
  flow before one-offs, core flow in a fiscal year) that a share of draws must meet
  before the main run; the reconciliation of the model to a source's figure.

Cross-references (programme names, fiscal years in the horizon, ``value.shares``) are
checked by :func:`check_case` once the whole scenario is read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from simcore.scenario.bounded import Duration, Factor, Price
from simcore.scenario.numbers import Real
from simcore.scenario.quantity import MoneyRate, Sourced, Strict
from simcore.timeline import fiscal_years

if TYPE_CHECKING:
    from simcore.scenario.model import Scenario

MEASURES = ("fcf", "fcf_before_one_offs", "core_flow")
_MEASURE = re.compile(r"^(fcf|fcf_before_one_offs|core_flow)\.FY(\d{4})$")


class Erosion(Strict):
    """Late launches lower the level the core flow recovers to."""

    programmes: list[str] | None = Field(
        None, description="programmes whose lateness counts (default: every programme with "
                          "a target)")
    per_month_late: MoneyRate = Field(description="USD bn/yr off the steady core flow per "
                                                  "month of average delay")
    cap_months: Duration = Field(description="the average delay counts up to this many months; "
                                           "a cancelled programme counts as this many")


class Exchange(Strict):
    """A takeover's consideration: acquirer shares for each existing share."""

    ratio: Factor = Field(description="acquirer shares received per existing share")
    acquirer_price: Price = Field(description="acquirer's share price at the close")


class Check(Sourced):
    """A bound a source puts on a measure, checked on a pilot run before the main run."""

    title: str
    measure: str = Field(description="fcf.<FY>, fcf_before_one_offs.<FY> or core_flow.<FY>")
    at_least: Real | None = None
    at_most: Real | None = None
    unit: Literal["USD bn", "JPY bn", "EUR bn"] = "USD bn"
    share: Real = Field(0.9, gt=0, le=1, description="share of pilot draws that must meet "
                                                      "the bound")

    @field_validator("measure")
    @classmethod
    def _measure(cls, v: str) -> str:
        if not _MEASURE.match(v):
            raise ValueError(f"measure '{v}' is not one of fcf.<FY>, fcf_before_one_offs.<FY>, "
                             "core_flow.<FY> (e.g. fcf_before_one_offs.FY2026)")
        return v

    @model_validator(mode="after")
    def _bounds(self) -> Check:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give 'at_least', 'at_most' or both")
        if self.at_least is not None and self.at_most is not None and \
                self.at_least > self.at_most:
            raise ValueError(f"at_least ({self.at_least:g}) is above at_most "
                             f"({self.at_most:g})")
        return self

    @property
    def currency(self) -> str:
        return self.unit.split()[0]

    @property
    def fiscal_year(self) -> int:
        return int(self.measure.rsplit(".FY", 1)[1])

    def bound(self) -> str:
        lo, hi = self.at_least, self.at_most
        if lo is not None and hi is not None:
            return f"between {lo:g} and {hi:g} {self.unit}"
        return f"at least {lo:g} {self.unit}" if lo is not None else f"at most {hi:g} {self.unit}"


def check_case(sc: Scenario) -> None:
    """Raise ValueError naming the first case entry that refers to something missing."""
    ero = sc.operations.erosion
    for name in (ero.programmes or []) if ero is not None else []:
        if name not in sc.programmes:
            raise ValueError(f"operations.erosion.programmes: unknown programme '{name}' "
                             f"(programmes: {', '.join(sc.programmes) or 'none'})")
    if sc.deal is not None and sc.deal.exchange is not None and (
            sc.value is None or sc.value.shares is None):
        raise ValueError("deal.exchange: needs value.shares (the existing share count) to "
                         "value the consideration")
    for k, line in sc.credit_lines.items():
        if line.on_deal and sc.deal is None:
            raise ValueError(f"credit_lines.{k}.on_deal: the scenario has no deal")
    years = set(fiscal_years(sc.start, sc.timeline.months).tolist())
    for k, c in sc.checks.items():
        if c.fiscal_year not in years:
            raise ValueError(f"checks.{k}.measure: FY{c.fiscal_year} is not in the horizon "
                             f"(FY{min(years)} to FY{max(years)})")
        if c.currency != "USD" and c.currency not in sc.fx:
            raise ValueError(f"checks.{k}.unit: in {c.currency}, but the scenario gives no "
                             f"rate; add fx.{c.currency}.spot")
