"""The scenario format: what a YAML scenario may say, as pydantic models.

Money is in USD bn (flows in USD bn/yr), durations in months, dates as ISO
year-months. Every number is a :class:`~simcore.scenario.quantity.Quantity`, so every
number carries a distribution and a source. Named entries (financing events,
deal effects, programmes) are mappings, so an option that ``extends`` the
baseline overrides or adds entries by name.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from simcore.scenario.bounded import (
    Amount,
    Duration,
    Factor,
    FloorAmount,
    PositiveAmount,
    Rate,
    Share,
    Spending,
)
from simcore.scenario.case_spec import Check, Erosion, Exchange, check_case
from simcore.scenario.finance_refs import check_finance
from simcore.scenario.finance_spec import CreditLine, Fx, Instrument, LineItem, Value
from simcore.scenario.numbers import Flag, Real, Whole, pair
from simcore.scenario.plausible import LAST_MONTH, Day, IsoMonth
from simcore.scenario.quantity import (
    Money,
    MoneyRate,
    Months,
    Probability,
    Sourced,
    Strict,
    When,
)
from simcore.scenario.schedule_spec import (
    DEAL,
    Development,
    Milestone,
    Resource,
    Schedule,
    Target,
)
from simcore.scenario.timing import check_pairs, check_timing
from simcore.timeline import month_label, parse_month

NAME = r"^[a-z][a-z0-9_]*$"
InputPair = Annotated[tuple[str, str], pair("[input, input], e.g. [operations.burn, "
                                            "operations.steady]")]


# A programme's target: an ISO month (legacy: the announced start of production) or a
# sourced window of arrival in the market (schedule_spec.Target).
TargetSpec = Annotated[
    Annotated[IsoMonth, Tag("iso-month")] | Annotated[Target, Tag("sourced-window")],
    Discriminator(lambda v: "sourced-window" if isinstance(v, dict | Target) else "iso-month")]


class Timeline(Strict):
    start: IsoMonth = Field(description="first month, ISO year-month (fiscal years start in "
                                        "April)")
    months: Whole = Field(ge=1, le=600, description="horizon in months")

    @model_validator(mode="after")
    def _ends_in_range(self) -> Timeline:
        last = month_label(parse_month(self.start), self.months - 1)
        if last > LAST_MONTH:
            raise ValueError(f"months: the horizon's last month is {last}, beyond the "
                             f"plausible range for dates, which ends {LAST_MONTH}")
        return self


class Balance(Strict):
    opening_cash: Money = Field(description="cash at the start, USD bn")
    opening_debt: Money | None = Field(None, description="borrowings at the start outside "
                                       "the debt ladder: never due in the horizon, no coupon")
    market_value: PositiveAmount | None = Field(None, description="equity value, for "
                                                "dilution")
    cash_rate: Rate | None = Field(None, description="annual interest earned on cash; at "
                                   "least 0")


class Operations(Strict):
    """Core operating cash flow: burns at ``burn``, recovers linearly to ``steady``."""

    burn: MoneyRate = Field(description="core flow at the start, USD bn/yr (negative: a loss)")
    steady: MoneyRate = Field(description="core flow once recovered, USD bn/yr")
    recovery_start: When = Field(description="when the recovery begins")
    recovery_months: Months = Field(description="months from burn to steady flow")
    erosion: Erosion | None = Field(None, description="late launches lower the steady flow")


class Savings(Strict):
    run_rate: MoneyRate = Field(description="annual savings once fully ramped, as announced")
    realised: Share | None = Field(None, description="share of the announced run rate "
                                      "actually delivered (the realisation haircut)")
    start: When
    ramp_months: Months


class Restructuring(Strict):
    cost: Amount = Field(description="one-off cost of closures and severance, USD bn "
                                     "(positive)")
    start: When
    months: Duration = Field(description="months over which the cost is paid")


class Capex(Strict):
    base: Spending = Field(description="capital spending outside the launch programmes, "
                                        "USD bn/yr (positive)")


class Financing(Strict):
    """A financing event: cash arrives at ``at`` with probability ``probability``."""

    kind: Literal["asset_sale", "debt", "equity"]
    amount: Amount
    at: When = Field(description="when the cash arrives; months after the deal closes "
                                 "when on_deal is true")
    probability: Probability = Field(description="chance the event is executed at all")
    on_deal: Flag = Field(False, description="only if the partner deal closes, timed from it")
    discount: Share | None = Field(None, description="equity: issue price below market "
                                      "value per share (dilution prices it)")
    coupon: Rate | None = Field(None, description="debt: annual interest rate")
    maturity: Duration | None = Field(None, description="debt: months to repayment")
    label: str | None = None

    @model_validator(mode="after")
    def _debt_terms(self) -> Financing:
        if self.kind == "debt" and (self.coupon is None or self.maturity is None):
            raise ValueError("debt needs a 'coupon' (fraction per year) and a 'maturity' "
                             "(months)")
        if self.kind != "debt" and (self.coupon is not None or self.maturity is not None):
            raise ValueError(f"'coupon' and 'maturity' belong to debt, not {self.kind}")
        if self.discount is not None and self.kind != "equity":
            raise ValueError(f"'discount' belongs to equity, not {self.kind}")
        if self.on_deal and self.at.unit != "months":
            raise ValueError("with on_deal, 'at' is months after the deal closes (unit: months)")
        return self


class Effect(Strict):
    """A partner effect: a flow that starts with the deal (or now) and ramps in."""

    annual: MoneyRate = Field(description="flow at full effect, USD bn/yr (negative: a cost)")
    start: Literal["close", "now"] = Field(
        "close", description="'close': begins when the deal closes, never if it collapses; "
                             "'now': begins at the start of the timeline")
    delay: Months | None = Field(None, description="months after the start before it begins")
    ramp_months: Months | None = None
    duration: Duration | None = Field(None, description="months it lasts (default: to the "
                                      "end)")
    on_collapse: Literal["stop", "continue"] = Field(
        "stop", description="for start: now, what happens when the talks collapse")
    label: str | None = None


class Deal(Strict):
    """The partner deal: closes with ``probability`` at ``close``, else collapses then."""

    partner: str
    terms: str = Field(description="the deal in one or two lines")
    probability: Probability = Field(description="chance the deal closes at all")
    close: When = Field(description="when the talks end: the close, or the collapse")
    effects: dict[str, Effect] = Field(default_factory=dict)
    cycle_factor: Factor | None = Field(
        None, description="multiplies the duration of development phases that start after "
                          "the deal closes (below 1: a partner platform speeds them up)")
    exchange: Exchange | None = Field(
        None, description="takeover: existing holders receive acquirer shares at the close")

    @field_validator("effects")
    @classmethod
    def _names(cls, v: dict) -> dict:
        return _check_names(v, "effect")


class Programme(Strict):
    """A launch programme: it spends while in development and earns once launched."""

    title: str
    region: str | None = None
    plant: str | None = None
    target: TargetSpec | None = Field(
        None, description="announced start of production (ISO year-month), or {window, "
        "to_market, fact}: the announced arrival in the market; none: no on-time outcome")
    launch: When | None = Field(None, description="start of production as an input; leave "
                                "it out and give 'schedule' to have the schedule engine "
                                "set it")
    schedule: Schedule | None = None
    dev_start: When | None = Field(None, description="when development spending starts "
                                   "(not with schedule.stands: it starts at month 0)")
    dev_cost: Amount = Field(description="development spend at plan, USD bn (with "
                            "schedule.stands: still to come from the timeline's start); a "
                            "late launch keeps spending at the planned monthly rate")
    margin: MoneyRate = Field(description="contribution at full volume, USD bn/yr")
    ramp_months: Months = Field(description="months from launch to full volume")

    @model_validator(mode="after")
    def _one_launch(self) -> Programme:
        if self.launch is not None and self.schedule is not None:
            raise ValueError("give either 'launch' (a date input) or 'schedule' (the schedule "
                             "engine sets the launch), not both")
        if self.launch is None and self.schedule is None:
            raise ValueError("needs 'launch' (a date input) or 'schedule' (the schedule engine "
                             "sets the launch); neither is given")
        stands = self.schedule is not None and self.schedule.stands is not None
        if stands and self.dev_start is not None:
            raise ValueError("with schedule.stands the programme starts at the timeline's "
                             "start: drop 'dev_start'")
        if not stands and self.dev_start is None:
            raise ValueError("give 'dev_start' (when development starts), or "
                             "'schedule.stands' for a programme under way")
        if self.target is None and self.schedule is None:
            raise ValueError("a programme without a schedule needs a 'target'")
        return self


class Correlation(Sourced):
    inputs: InputPair = Field(description="two input paths, e.g. operations.burn")
    rho: Real = Field(ge=-1, le=1, description="Spearman rank correlation")

    @model_validator(mode="after")
    def _distinct(self) -> Correlation:
        if self.inputs[0] == self.inputs[1]:
            raise ValueError(f"an input cannot be correlated with itself ({self.inputs[0]})")
        return self


class Scenario(Strict):
    """A whole scenario after ``extends`` is resolved."""

    name: str = Field(pattern=NAME)
    title: str
    description: str | None = None
    extends: str | None = Field(None, description="base scenario file, relative to this one")
    as_of: Day | None = Field(None, description="knowledge date: the scenario may cite "
                                  "only facts published by then (ISO date)")
    timeline: Timeline
    floor: FloorAmount = Field(description="liquidity floor, USD bn (the CLI's --floor "
                               "overrides); at least 0")
    balance: Balance
    operations: Operations
    savings: dict[str, Savings] = Field(default_factory=dict)
    restructuring: dict[str, Restructuring] = Field(default_factory=dict)
    capex: Capex
    financing: dict[str, Financing] = Field(default_factory=dict)
    deal: Deal | None = None
    programmes: dict[str, Programme] = Field(default_factory=dict)
    development: Development | None = None
    resources: dict[str, Resource] = Field(default_factory=dict)
    milestones: dict[str, Milestone] = Field(default_factory=dict)
    correlations: list[Correlation] = Field(default_factory=list)
    fx: dict[Literal["JPY", "EUR"], Fx] = Field(default_factory=dict)
    debt: dict[str, Instrument] = Field(default_factory=dict)
    credit_lines: dict[str, CreditLine] = Field(default_factory=dict)
    items: dict[str, LineItem] = Field(default_factory=dict)
    value: Value | None = None
    checks: dict[str, Check] = Field(default_factory=dict, description="bounds a pilot run "
                                     "must meet before the main run")

    @model_validator(mode="after")
    def _finance_refs(self) -> Scenario:
        check_finance(self)
        check_case(self)
        check_timing(self)
        check_pairs(self)
        return self

    @model_validator(mode="after")
    def _schedule_refs(self) -> Scenario:
        for name, prog in self.programmes.items():
            sched = prog.schedule
            if sched is None:
                continue
            if sched.cycle is None and sched.stands is None and self.development is None:
                raise ValueError(f"programmes.{name}.schedule: no 'cycle' and no top-level "
                                 "'development.cycle' to use")
            for phase, res in sched.uses.items():
                if res not in self.resources:
                    raise ValueError(f"programmes.{name}.schedule.uses.{phase}: unknown "
                                     f"resource '{res}' (resources: "
                                     f"{', '.join(self.resources) or 'none'})")
            for phase, needs in sched.needs.items():
                for need in needs:
                    if need == DEAL and self.deal is None:
                        raise ValueError(f"programmes.{name}.schedule.needs.{phase}: needs "
                                         "'deal' but the scenario has no deal")
                    if need != DEAL and need not in self.milestones:
                        raise ValueError(f"programmes.{name}.schedule.needs.{phase}: unknown "
                                         f"milestone '{need}' (milestones: "
                                         f"{', '.join(self.milestones) or 'none'}, or 'deal')")
        return self

    @property
    def scheduled(self) -> list[str]:
        """Programmes whose launch the schedule engine sets."""
        return [k for k, p in self.programmes.items() if p.schedule is not None]

    @field_validator("savings", "restructuring", "financing", "programmes", "debt",
                     "credit_lines", "items", "checks")
    @classmethod
    def _names(cls, v: dict) -> dict:
        return _check_names(v, "entry")

    @property
    def start(self) -> tuple[int, int]:
        return parse_month(self.timeline.start)


def _check_names(v: dict, what: str) -> dict:
    for key in v:
        if not re.match(NAME, key):
            raise ValueError(f"{what} name '{key}' must be snake_case (a-z, 0-9, _)")
    return v
