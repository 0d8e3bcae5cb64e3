"""The memory a run needs, estimated before it starts, and refused when it cannot fit.

A run keeps per-draw arrays for analysis (:class:`simcore.experiments.runner.RunResult`):
monthly cash, and with credit lines liquidity, and with a floor in another currency
its conversion path; yearly free cash flow, debt and net debt; each programme's launch
and target; every input's draws with ``keep_inputs``. The summary then holds every
outcome per draw at once. On top comes one chunk's working set (every cash-flow
component, monthly). The estimate counts these in float64; measured peaks of the
standalone case (``benchmarks/bench_cash.py``) sit within a fifth of it.

A run kept on disk (:mod:`simcore.experiments.stream`) holds only a chunk's working
set and, while analysed, a few columns over draws at once (:data:`STREAM_PER_DRAW`);
``store="auto"`` keeps a run on disk when memory would pass :data:`BUDGET` or what is
free.
"""

from __future__ import annotations

import os

from simcore.errors import InputError, Problem
from simcore.scenario.model import Scenario

OUTCOMES_PER_DRAW = 120       # registry outcomes and family members evaluated together
COMPONENTS = 40               # cash-flow components of one chunk, monthly
BASE_BYTES = 300 * 2**20      # the interpreter, numpy, scipy, the scenario
BUDGET = 2**30                # a run kept in memory up to this; on disk above (auto)
# a stored run's analysis: a column, its copy being partitioned, a mask or two, and a
# programme's driver matrix (float32)
STREAM_PER_DRAW = 64


def estimate_bytes(sc: Scenario, draws: int, chunk: int, keep_inputs: bool = False,
                   inputs: int = 0) -> int:
    """Bytes a run of ``draws`` needs at its peak (see the module's doc)."""
    months = sc.timeline.months
    years = months // 12 + 2
    monthly = 1 + bool(sc.credit_lines) + bool(sc.fx)
    per_draw = 8 * (monthly * months + 4 * years + 2 * len(sc.programmes) + OUTCOMES_PER_DRAW
                    + (inputs if keep_inputs else 0))
    working = 8 * min(chunk, draws) * months * COMPONENTS
    return BASE_BYTES + draws * per_draw + working


def stream_bytes(sc: Scenario, draws: int, chunk: int) -> int:
    """Bytes a run kept on disk needs at its peak."""
    return BASE_BYTES + 8 * min(chunk, draws) * sc.timeline.months * COMPONENTS \
        + draws * STREAM_PER_DRAW


def on_disk(sc: Scenario, draws: int, chunk: int, store: str, keep_inputs: bool = False,
            inputs: int = 0) -> bool:
    """Whether a run keeps its draws on disk: asked for, or (``auto``) when memory would
    pass :data:`BUDGET` or what is free."""
    if store != "auto":
        return store == "disk"
    need = estimate_bytes(sc, draws, chunk, keep_inputs, inputs)
    free = available_bytes()
    return need > min(BUDGET, free if free is not None else BUDGET)


def check_stream_fits(sc: Scenario, draws: int, chunk: int) -> int:
    """The estimate for a run kept on disk; refused (one line, before computing) when it
    exceeds what is free."""
    need = stream_bytes(sc, draws, chunk)
    free = available_bytes()
    if free is not None and need > free:
        fixed = need - draws * STREAM_PER_DRAW      # a chunk's working set and the base
        fits = max(0, int((free - fixed) / STREAM_PER_DRAW))
        raise InputError(Problem(
            f"{draws:,} draws of {sc.name} need about {need / 2**30:.1f} GB even with the "
            f"draws on disk and {free / 2**30:.1f} GB is free; at most about {fits:,} "
            "draws fit (a smaller --chunk also helps)", path="--draws"))
    return need


def sobol_bytes(sc: Scenario, n: int, inputs: int, chunk: int, groups: int = 0,
                metrics: int = 3, resamples: int = 200) -> int:
    """Bytes Sobol indices with ``n`` base samples over ``inputs`` uniforms need at their
    peak. Plain indices (``groups`` 0) run the model once on A, B and A's ``inputs``
    pages with one column from B (``inputs x n`` draws), the design held twice (scipy's
    tile of the pages and its reshape); grouped indices run A, B and one page a group
    (``(2 + groups) x n`` draws) and keep a bootstrap index of ``resamples x n``.
    Measured: within a tenth for the standalone case (120 inputs, n 1,024 to 4,096)."""
    if groups:
        draws = (2 + groups) * n
        design = 8 * inputs * n * (2 + 2 * (2 + groups))
        extra = 8 * resamples * n + 16 * metrics * draws
    else:
        draws = inputs * n
        design = 8 * inputs * n * (2 + 2 * inputs)
        extra = 24 * metrics * (inputs + 2) * n   # outputs, centred, and their resamples
    return estimate_bytes(sc, max(draws, 1), chunk) + design + extra


def check_sobol_fits(sc: Scenario, n: int, inputs: int, chunk: int, groups: int = 0,
                     metrics: int = 3, available: int | None = None) -> int:
    """The estimate of :func:`sobol_bytes`; refused (one line, before any computing)
    when it exceeds what is free, with the largest power of 2 that fits."""
    need = sobol_bytes(sc, n, inputs, chunk, groups, metrics)
    free = available if available is not None else available_bytes()
    if free is None or need <= free:
        return need
    fits = n
    while fits > 2 and sobol_bytes(sc, fits, inputs, chunk, groups, metrics) > free:
        fits //= 2
    hint = (f"at most --sobol {fits} fits" if sobol_bytes(
        sc, fits, inputs, chunk, groups, metrics) <= free else "no --sobol size fits")
    raise InputError(Problem(
        f"{n:,} base samples over {inputs} inputs of {sc.name} need about "
        f"{need / 2**30:.1f} GB and {free / 2**30:.1f} GB is free; {hint}", path="--sobol"))


def available_bytes() -> int | None:
    """Memory a run can have now, or None when unknown: Linux's MemAvailable (free memory
    plus the page cache it can reclaim; free pages alone fall to a few hundred MB while
    files are being read, and a 0.3 GB run was refused), else the free pages."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(sc: Scenario, draws: int, chunk: int, keep_inputs: bool = False,
               inputs: int = 0, available: int | None = None, together: int = 1) -> int:
    """The estimate; refused (one line, before any computing) when it exceeds what is
    free, with the largest draw count that fits. ``together``: runs kept at once (the
    options of a comparison)."""
    need = together * estimate_bytes(sc, draws, chunk, keep_inputs, inputs)
    free = available if available is not None else available_bytes()
    if free is not None and need > free:
        per = (together * estimate_bytes(sc, draws + 1000, chunk, keep_inputs, inputs)
               - need) / 1000
        fits = max(0, int((free - (need - draws * per)) / per))
        who = sc.name if together == 1 else f"{together} options kept together"
        raise InputError(Problem(
            f"{draws:,} draws of {who} need about {need / 2**30:.1f} GB and "
            f"{free / 2**30:.1f} GB is free; at most about {fits:,} draws fit (the run "
            "keeps every draw for exact percentiles)", path="--draws"))
    return need
