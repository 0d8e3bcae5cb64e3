"""``sim validate FILE...``: check scenario files; exit 0 when all are valid.

A scenario with ``checks`` also runs them on a pilot run and prints one line per
check (pass or FAIL); a failed check makes the exit code 2, as in ``sim run``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import EXIT_BAD_INPUT, err, guarded, out
from cli.text import printable
from simcore.errors import InputError

if TYPE_CHECKING:
    from simcore.scenario.loader import Loaded


@guarded
def validate(files: list[Path] = typer.Argument(..., help="scenario YAML files")) -> None:
    """Validate scenario files (extends resolved, facts checked); one line per problem."""
    from simcore.scenario.yamlio import load_yaml

    bad = 0
    for file in files:
        try:
            load_yaml(file, what="scenario file")   # a missing file is found before the
            from simcore.scenario.loader import load_scenario  # scenario model is built

            loaded = load_scenario(file)
        except InputError as exc:
            bad += 1
            for problem in exc.problems:
                err.print(f"error: {printable(problem)}", markup=False, highlight=False)
            continue
        n = len(loaded.scenario.programmes)
        out.print(printable(f"ok  {file}  ({loaded.scenario.name}: {loaded.scenario.title}; "
                            f"{n} programmes)"), markup=False, highlight=False)
        bad += _checks(loaded)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


def _checks(loaded: Loaded) -> int:
    """Run and print the scenario's checks; 1 when one fails."""
    if not loaded.scenario.checks:
        return 0
    from cli.checks_report import print_checks
    from simcore.analysis.checks import run_checks

    results = run_checks(loaded)
    print_checks(results)
    return int(any(not r.passed for r in results))
