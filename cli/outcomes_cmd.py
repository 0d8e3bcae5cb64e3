"""``sim outcomes``: every outcome a run measures per draw (the outcome registry)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import guarded, out, print_json


@guarded
def outcomes(
    scenario: Path | None = typer.Argument(None, help="a scenario: list its outcomes by "
                                           "name (launch.<programme> expanded)"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of records"),
) -> None:
    """List the outcomes: name, unit, kind, direction, description. Each works as
    --metric in sim sweep and appears in sim compare."""
    from simcore.outcomes.registry import catalogue, outcomes_for

    if scenario is None:
        records = catalogue()
    else:
        from simcore.experiments.runner import RunSettings, run
        from simcore.scenario.loader import load_scenario

        res = run(load_scenario(scenario).scenario, RunSettings(draws=1))
        records = [o.record() for o in outcomes_for(res)]
    if json_out:
        print_json(records)
        return
    table = Table(title=f"{len(records)} outcomes (more is better: direction 'higher')")
    for col in ("name", "unit", "direction", "description"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(r["name"], r["unit"], r["direction"], r["description"])
    out.print(table, markup=False)
