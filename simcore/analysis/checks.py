"""Pre-run reconciliation: the scenario's ``checks`` against a pilot run.

A check bounds a measure that a source also bounds (``fcf.<FY>``,
``fcf_before_one_offs.<FY>``, ``core_flow.<FY>``: the registry outcomes of those
names, in the check's currency), so the model's total is reconciled to the source
before the run, not after it. :func:`run_checks` runs a pilot simulation through the
normal runner (``draws`` draws, ``seed``, one run per currency the checks use) and
gives, per check, the measure's P5/P50/P95 and the share of draws inside the bound;
the check passes when that share is at least the check's ``share``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from simcore.errors import InputError, Problem
from simcore.experiments.runner import RunResult, RunSettings, run
from simcore.outcomes.registry import lookup
from simcore.scenario.case_spec import Check
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario

PILOT_DRAWS, PILOT_SEED = 2000, 0


@dataclass(frozen=True)
class CheckResult:
    """One check on the pilot run."""

    name: str
    title: str
    measure: str
    bound: str
    unit: str
    share_required: float
    share_found: float
    p5: float
    p50: float
    p95: float
    draws: int
    source: str
    file: str | None = None
    line: int | None = None

    @property
    def passed(self) -> bool:
        return self.share_found >= self.share_required

    def to_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}

    def where(self) -> str:
        return f"{self.file}:{self.line}: " if self.line else (
            f"{self.file}: " if self.file else "")

    def line_text(self) -> str:
        """One line: the measure, the bound, the share found, the percentiles."""
        return (f"checks.{self.name}: {self.measure} {self.bound} in {self.share_found:.1%} "
                f"of {self.draws:,} pilot draws (needs {self.share_required:.0%}; P5/P50/P95 "
                f"{self.p5:.2f} / {self.p50:.2f} / {self.p95:.2f} {self.unit})")


def run_checks(scenario: Loaded | Scenario, draws: int = PILOT_DRAWS,
               seed: int = PILOT_SEED) -> list[CheckResult]:
    """Every check of ``scenario`` on a pilot run, in the order written."""
    loaded = scenario if isinstance(scenario, Loaded) else None
    sc = loaded.scenario if loaded is not None else scenario
    runs: dict[str, RunResult] = {}
    out = []
    for name, check in sc.checks.items():
        cur = check.currency
        if cur not in runs:
            runs[cur] = run(sc, RunSettings(draws=draws, seed=seed, currency=cur))
        out.append(_result(name, check, runs[cur], loaded))
    return out


def _result(name: str, c: Check, res: RunResult, loaded: Loaded | None) -> CheckResult:
    x = lookup(c.measure, res).values(res)
    ok = np.ones(len(x), bool)
    if c.at_least is not None:
        ok &= x >= c.at_least
    if c.at_most is not None:
        ok &= x <= c.at_most
    p5, p50, p95 = (float(v) for v in np.percentile(x, (5, 50, 95)))
    file, line = (loaded.document.where(("checks", name)) if loaded is not None
                  else (None, None))
    return CheckResult(name, c.title, c.measure, c.bound(), c.unit, c.share,
                       float(ok.mean()), p5, p50, p95, len(x), _source(c),
                       None if file is None else str(file), line)


def _source(c: Check) -> str:
    if c.fact is None:
        return f"assumption: {c.assumption}"
    return "fact " + (c.fact if isinstance(c.fact, str) else ", ".join(c.fact))


def failures(results: list[CheckResult]) -> InputError | None:
    """The failed checks as one problem each (``file:line: checks.<name>: ...``)."""
    bad = [r for r in results if not r.passed]
    if not bad:
        return None
    return InputError([Problem(f"{r.measure} {r.bound} in {r.share_found:.1%} of {r.draws:,} "
                               f"pilot draws, needs {r.share_required:.0%} (P5/P50/P95 "
                               f"{r.p5:.2f} / {r.p50:.2f} / {r.p95:.2f} {r.unit}); the "
                               "model does not reconcile to the source (--no-checks runs "
                               "anyway)", Path(r.file) if r.file else None, r.line,
                               f"checks.{r.name}") for r in bad])
