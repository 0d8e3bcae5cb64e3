"""How a run is made: draws, seed, sampler, chunk size, floor, where draws are kept."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from simcore.errors import InputError, Problem
from simcore.experiments import DEFAULT_CHUNK
from simcore.uncertainties.sampling import Sampler


class RunSettings(BaseModel):
    """How to run: draws, seed, sampler, chunk size, floor override."""

    draws: int = Field(10_000, ge=1, le=50_000_000)
    seed: int = Field(20250401, ge=0)
    sampler: Sampler = "mc"
    chunk: int = Field(DEFAULT_CHUNK, ge=1)
    floor: float | None = Field(None, description="liquidity floor in the unit of the "
                                "scenario's floor, applied in analysis (default: the "
                                "scenario's); not used by the run")
    keep_inputs: bool = Field(False, description="keep every input's draws (for draws.npz)")
    engine: Literal["fast", "simpy"] = Field(
        "fast", description="schedule engine: vectorised, or SimPy (the reference)")
    currency: Literal["USD", "JPY", "EUR"] = Field(
        "USD", description="currency the results are reported in (JPY, EUR: the "
        "scenario's fx rate paths convert them)")
    pinned: dict[str, float] = Field(
        default_factory=dict, description="inputs held at one uniform quantile, e.g. "
        "{'operations.burn': 0.1} holds it at its P10 in every draw")
    store: Literal["auto", "memory", "disk"] = Field(
        "auto", description="where per-draw results are kept: in memory (every array "
        "at hand), on disk (a temporary file read one column at a time, for runs larger "
        "than memory; simcore.experiments.stream) or auto (disk when memory would pass "
        "simcore.experiments.memory.BUDGET); sim run only, other analyses keep memory")

    @field_validator("floor")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        # an InputError (not a ValueError) passes through pydantic: exit 2, one line
        if v is not None and not (math.isfinite(v) and v >= 0):
            raise InputError(Problem(f"expected a finite number, at least 0 (the cash to "
                                     f"keep; 0: cash runs out), got {v:g}", path="--floor"))
        return v
