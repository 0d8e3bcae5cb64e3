"""The scenario format of the launch schedule: development, resources, milestones, risks.

Each programme runs through four phases in order (design, engineering,
validation, industrialisation) from its ``dev_start``. The phases split the
development cycle by their shares; the cycle is the option's
``development.cycle`` unless the programme gives its own. A phase may hold a
shared resource (engineering capacity, a plant line), may wait for milestones
(a battery supply, the software platform, the partner deal) before it starts,
and may suffer risk events (probability x delay) while it runs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simcore.scenario.quantity import Fraction, Months, Probability, Sourced, Strict, When

PHASES = ("design", "engineering", "validation", "industrialisation")
Phase = Literal["design", "engineering", "validation", "industrialisation"]
DEAL = "deal"


class PhaseShares(Strict):
    """Share of the development cycle each phase takes (normalised to sum to 1)."""

    design: Fraction
    engineering: Fraction
    validation: Fraction
    industrialisation: Fraction


class Development(Strict):
    cycle: Months = Field(description="months from development start to start of production")
    phases: PhaseShares


class Resource(Sourced):
    capacity: int = Field(ge=1, le=1000, description="programmes it serves at once")
    title: str | None = None


class Milestone(Strict):
    """An event programmes wait for: available from ``at`` (and the deal's close)."""

    title: str | None = None
    at: When
    requires_deal: bool = Field(False, description="only if the partner deal closes, and "
                                                   "not before it does")


class Risk(Strict):
    phase: Phase
    probability: Probability
    delay: Months
    title: str | None = None


class Schedule(Strict):
    """How a programme runs: its cycle, what each phase holds and waits for, its risks."""

    cycle: Months | None = Field(None, description="this programme's own cycle (default: "
                                                   "development.cycle)")
    uses: dict[Phase, str] = Field(default_factory=dict, description="phase -> resource")
    needs: dict[Phase, list[str]] = Field(
        default_factory=dict, description="phase -> milestones (or 'deal') it waits for")
    on_collapse: Literal["cancel", "fallback"] = Field(
        "cancel", description="if a need fails because the deal collapses: cancel the "
                              "programme, or go on after 'fallback_delay' months")
    fallback_delay: Months | None = None
    risks: dict[str, Risk] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fallback(self) -> Schedule:
        if self.on_collapse == "fallback" and self.fallback_delay is None:
            raise ValueError("on_collapse: fallback needs 'fallback_delay' (months)")
        return self
