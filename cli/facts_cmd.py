"""``sim facts``: list the fact registry in ``seeds/``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import guarded, out, print_json
from simcore.errors import InputError, Problem


@guarded
def facts(
    source: str | None = typer.Option(None, "--source", help="only facts from this article "
                                      "file (e.g. 001_89bef3748c36b1f1.txt, or just 001)"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of records"),
    seeds: Path | None = typer.Option(None, "--seeds", help="the seeds folder (default: the "
                                      "project's)"),
) -> None:
    """List the facts extracted from the source articles, with their locators."""
    from simcore.provenance.facts import fact_record, load_facts

    registry = load_facts(seeds)
    rows = list(registry.values())
    if source is not None:
        names = sorted({f.source for f in rows})
        rows = [f for f in rows if str(f.source).startswith(source)]
        if not rows:
            raise InputError(Problem(f"no facts from '{source}'; sources are: "
                                     + ", ".join(names), path="--source"))
    if json_out:
        print_json([fact_record(f) for f in rows])
        return
    table = Table(title=f"{len(rows)} facts", show_lines=False)
    for col in ("id", "value", "unit", "kind", "as of", "source", "trust", "locator"):
        table.add_column(col, overflow="fold")
    for f in rows:
        value = "-".join(map(str, f.value)) if isinstance(f.value, tuple) else str(f.value)
        table.add_row(f.id, value, f.unit, f.kind, f.as_of, str(f.source)[:3],
                      str(f.reliability), f'"{f.locator}"')
    out.print(table)
