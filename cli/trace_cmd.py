"""``sim trace SCENARIO``: every input with its distribution and its source."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import guarded, out, print_json


@guarded
def trace(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of records"),
) -> None:
    """Show each input after 'extends' is resolved: value or distribution, and its source."""
    from simcore.provenance.trace import trace_records
    from simcore.scenario.loader import load_scenario

    loaded = load_scenario(scenario)
    records = trace_records(loaded)
    if json_out:
        print_json(records)
        return
    table = Table(title=f"{loaded.scenario.name}: {len(records)} inputs")
    for col in ("input", "distribution", "unit", "source", "where"):
        table.add_column(col, overflow="fold")
    for r in records:
        if "fact" in r:
            src = f"{r['fact']['id']} ({r['fact']['source'][:3]}, {r['fact']['reliability']}):" \
                  f" \"{r['fact']['locator']}\""
        else:
            src = f"assumption: {r['assumption']}"
        table.add_row(r["path"], r["distribution"], r["unit"], src, r["defined_in"])
    out.print(table)
