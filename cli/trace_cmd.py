"""``sim trace SCENARIO``: every input with its distribution and its source."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import guarded, out, print_json
from cli.text import literal


@guarded
def trace(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of records"),
) -> None:
    """Show each input after 'extends' is resolved: its distribution, basis (fact, derived,
    judgement) and source."""
    from simcore.provenance.trace import trace_records
    from simcore.scenario.loader import load_scenario

    loaded = load_scenario(scenario)
    records = trace_records(loaded)
    if json_out:
        print_json(records)
        return
    counts = {b: sum(r["basis"] == b for r in records) for b in ("fact", "derived", "judgement")}
    table = Table(title=f"{loaded.scenario.name}: {len(records)} inputs ("
                  + ", ".join(f"{n} {b}" for b, n in counts.items()) + ")")
    for col in ("input", "distribution", "unit", "basis", "source", "where"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(literal(r["path"]), literal(r["distribution"]), r["unit"], r["basis"],
                      literal(_source(r)), literal(r["defined_in"]))
    out.print(table)


def _source(r: dict) -> str:
    """The facts (id, article, reliability, locator), then the how or the why."""
    parts = []
    for f in r["facts"]:
        row = f" row {f['locator']}" if str(f["source"]).endswith(".md") else ""
        parts.append(f"{f['id']} ({str(f['source'])[:3]}{row}, {f['reliability']}, "
                     f"published {f['published']})")
    if r["basis"] == "judgement":
        parts.append(f"why: {r['assumption']}")
    elif r.get("note"):
        parts.append(f"how: {r['note']}")
    return "; ".join(parts)
