"""Options several commands share, declared once (``Annotated`` types for typer)."""

from __future__ import annotations

from typing import Annotated

import typer

Seed = Annotated[int, typer.Option("--seed", "-s", min=0, help="random seed")]
Force = Annotated[bool, typer.Option("--force", help="replace an --out folder sim wrote")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar, no table")]
JsonOut = Annotated[bool, typer.Option("--json", help="print the JSON only")]


def _workers(value: int) -> int:
    """--workers within the bound every command shares (4 per CPU, at most 256)."""
    from simcore.errors import InputError
    from simcore.experiments.executors import check_workers

    try:
        return check_workers(value)
    except InputError as exc:
        raise typer.BadParameter(exc.problems[0].message) from None


Workers = Annotated[int, typer.Option(
    "--workers", min=0, callback=_workers,
    help="local worker processes (at most 4 per CPU, and 256; never more than tasks)")]
Scheduler = Annotated[str | None, typer.Option(
    "--scheduler", help="address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786")]
Sets = Annotated[list[str], typer.Option(
    "--set", help="PATH=VALUE: set a value (in every option that has PATH); repeatable")]
Case = Annotated[str | None, typer.Option(
    "--case", help="a named case (cases/NAME.yaml, or a file) applied to every scenario")]
Materiality = Annotated[list[str], typer.Option(
    "--materiality", help="OUTCOME=VALUE or KIND=VALUE (amount, price, share, month, "
    "probability): a difference no larger is not a win; repeatable")]
Floor = Annotated[float | None, typer.Option(
    "--floor", help="liquidity floor in the unit of the scenario's floor (default: its own)")]
PointDraws = Annotated[int, typer.Option(
    "--draws", "-n", min=1, max=50_000_000, help="draws per point")]
