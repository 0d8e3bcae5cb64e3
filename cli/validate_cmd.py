"""``sim validate FILE...``: check scenario files; exit 0 when all are valid."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import EXIT_BAD_INPUT, err, guarded, out
from simcore.errors import InputError


@guarded
def validate(files: list[Path] = typer.Argument(..., help="scenario YAML files")) -> None:
    """Validate scenario files (extends resolved, facts checked); one line per problem."""
    from simcore.scenario.loader import load_scenario

    bad = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except InputError as exc:
            bad += 1
            for problem in exc.problems:
                err.print(f"error: {problem}", markup=False, highlight=False)
            continue
        n = len(loaded.scenario.programmes)
        out.print(f"ok  {file}  ({loaded.scenario.name}: {loaded.scenario.title}; "
                  f"{n} programmes)", markup=False, highlight=False)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)
