"""The scenario format of the launch schedule: development, resources, milestones, risks.

Each programme runs through four phases in order (design, engineering,
validation, industrialisation) from its ``dev_start``. The phases split the
development cycle by their shares; the cycle is the option's
``development.cycle`` unless the programme gives its own. A phase may hold a
shared resource (engineering capacity, a plant line), may wait for milestones
(a battery supply, the software platform, the partner deal) before it starts,
and may suffer risk events (probability x delay) while it runs.

A programme already under way at the timeline's start says where it stands
instead (``schedule.stands``): it starts at month 0 in that phase, the phases
before it are skipped (their resources, needs and risks do not apply) and the
``remaining`` months to start of production are split over the current and later
phases by their shares, renormalised. ``needs.pre_series`` gates only the
pre-series builds, the last ``pre_series`` months of industrialisation: start of
production is no earlier than the need plus ``pre_series``, while tooling goes on.

A programme's target (:class:`Target`) is a sourced window in which the car is
announced to arrive in its market, with the months from start of production to
arrival there; :mod:`simcore.schedule.targets` turns it into the latest on-time
start of production per draw.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simcore.scenario.bounded import Duration, Share, values_of
from simcore.scenario.numbers import Flag, Whole, pair
from simcore.scenario.plausible import IsoMonth
from simcore.scenario.quantity import Months, Probability, Sourced, Strict, When
from simcore.timeline import parse_month

PHASES = ("design", "engineering", "validation", "industrialisation")
Phase = Literal["design", "engineering", "validation", "industrialisation"]
DEAL = "deal"
Window = Annotated[tuple[IsoMonth, IsoMonth], pair("[first month, last month]")]
PRE_SERIES = "pre_series"


class PhaseShares(Strict):
    """Share of the development cycle each phase takes (normalised to sum to 1)."""

    design: Share
    engineering: Share
    validation: Share
    industrialisation: Share

    @model_validator(mode="after")
    def _some_work(self) -> PhaseShares:
        least = sum(values_of(getattr(self, p))[0] for p in PHASES)
        if least <= 0:
            raise ValueError(f"the phase shares can sum to {least:g}; they are normalised "
                             "to split the cycle, so their sum must stay above 0")
        return self


class Development(Strict):
    cycle: Duration = Field(description="months from development start to start of "
                                        "production")
    phases: PhaseShares


class Resource(Sourced):
    capacity: Whole = Field(ge=1, le=1000, description="programmes it serves at once")
    title: str | None = None


class Milestone(Strict):
    """An event programmes wait for: available from ``at`` (and the deal's close).

    ``with_deal``: if the deal closes, the partner's supply is an alternative, available
    from the later of ``with_deal`` and the close, so the milestone is met at
    ``min(at, max(with_deal, close))``, never later than without the deal.
    ``after_collapse``: if the deal collapses, own sourcing (paused during the talks)
    restarts and needs these months, so the milestone is met at
    ``max(at, collapse + after_collapse)``.
    """

    title: str | None = None
    at: When
    requires_deal: Flag = Field(False, description="only if the partner deal closes, and "
                                                   "not before it does")
    with_deal: When | None = Field(None, description="if the deal closes: the partner's "
                                   "supply, an alternative available from the later of "
                                   "this and the close")
    after_collapse: Months | None = Field(None, description="if the deal collapses: months "
                                          "from the collapse to re-sourcing")

    @model_validator(mode="after")
    def _alternatives(self) -> Milestone:
        if self.requires_deal and (self.with_deal is not None
                                   or self.after_collapse is not None):
            raise ValueError("'with_deal' and 'after_collapse' describe a milestone Nissan "
                             "can meet on its own; 'requires_deal: true' one it cannot: "
                             "give one or the other")
        return self


class Risk(Strict):
    phase: Phase
    probability: Probability
    delay: Months
    title: str | None = None


class Stands(Strict):
    """Where a programme under way stands at the timeline's start."""

    phase: Phase = Field(description="the phase it is in at the timeline's start")
    remaining: Months = Field(description="months from the timeline's start to start of "
                              "production, before risks, queues and gates")


class Target(Sourced):
    """An announced arrival in the market: a window, and the lag from production to it."""

    window: Window = Field(
        description="first and last month (ISO year-months) of the announced arrival in the "
                    "market")
    to_market: Months = Field(description="months from start of production to arrival in "
                              "the market")

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if parse_month(self.window[0]) > parse_month(self.window[1]):
            raise ValueError(f"window: {self.window[0]} is after {self.window[1]}; give "
                             "[first month, last month]")
        return self


class Schedule(Strict):
    """How a programme runs: its cycle, what each phase holds and waits for, its risks."""

    cycle: Duration | None = Field(None, description="this programme's own cycle (default: "
                                                   "development.cycle)")
    stands: Stands | None = Field(None, description="for a programme under way: its phase "
                                  "and the months left at the timeline's start")
    pre_series: Duration | None = Field(None, description="the last months of "
                                      "industrialisation, which build pre-series cars")
    uses: dict[Phase, str] = Field(default_factory=dict, description="phase -> resource")
    needs: dict[Phase | Literal["pre_series"], list[str]] = Field(
        default_factory=dict, description="phase (or pre_series) -> milestones (or 'deal') "
                                          "it waits for")
    on_collapse: Literal["cancel", "fallback"] = Field(
        "cancel", description="if a need fails because the deal collapses: cancel the "
                              "programme, or go on after 'fallback_delay' months")
    fallback_delay: Months | None = None
    risks: dict[str, Risk] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fallback(self) -> Schedule:
        if self.on_collapse == "fallback" and self.fallback_delay is None:
            raise ValueError("on_collapse: fallback needs 'fallback_delay' (months)")
        if PRE_SERIES in self.needs and self.pre_series is None:
            raise ValueError("needs.pre_series needs 'pre_series' (months of pre-series "
                             "builds at the end of industrialisation)")
        if self.stands is not None and self.cycle is not None:
            raise ValueError("with 'stands', 'stands.remaining' sets the months left: drop "
                             "'cycle'")
        return self

    @property
    def first_phase(self) -> int:
        """Index of the phase the programme starts in (0 unless it stands further on)."""
        return 0 if self.stands is None else PHASES.index(self.stands.phase)
