"""The scenario's pre-run checks on the command line (``sim run``, ``sim validate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli.common import err, out
from cli.text import printable

if TYPE_CHECKING:
    from simcore.analysis.checks import CheckResult
    from simcore.scenario.loader import Loaded


def print_checks(results: list[CheckResult], indent: str = "  ") -> None:
    """One line per check: pass or FAIL, the measure, the bound and the share found."""
    for r in results:
        mark = "pass" if r.passed else "FAIL"
        where = "" if r.passed else r.where()
        out.print(printable(f"{indent}{mark}  {where}{r.line_text()}"), markup=False,
                  highlight=False)


def pre_run_checks(loaded: Loaded, skip: bool, show: bool) -> list[dict] | None:
    """Run the scenario's checks on a pilot run before the main run; raise the failed ones
    (exit 2, one line each). None when skipped or there are none."""
    from simcore.analysis.checks import PILOT_DRAWS, failures, run_checks

    if not loaded.scenario.checks:
        return None
    if skip:
        if show:
            err.print(f"note: {len(loaded.scenario.checks)} checks skipped (--no-checks)")
        return None
    results = run_checks(loaded)
    problem = failures(results)
    if problem is not None:
        raise problem
    if show:
        out.print(f"checks ({PILOT_DRAWS:,}-draw pilot): {len(results)} of {len(results)} pass",
                  markup=False)
        print_checks(results)
    return [r.to_dict() for r in results]
