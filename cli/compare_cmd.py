"""``sim compare SCENARIO...``: options side by side on common random numbers."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import err, guarded, out, print_json
from cli.options import (
    Case,
    Floor,
    Force,
    JsonOut,
    Materiality,
    Quiet,
    Scheduler,
    Seed,
    Sets,
    Workers,
)
from cli.progress import LazyProgress
from cli.run_cmd import CurrencyChoice
from cli.text import printable
from cli.what_ifs import load_options
from simcore.errors import InputError, Problem


@guarded
def compare_cmd(
    scenarios: list[Path] = typer.Argument(..., help="scenario YAML files (two or more)"),
    draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=10_000_000),
    seed: Seed = 20250401,
    baseline: str | None = typer.Option(None, "--baseline", help="option name to compare "
                                        "against (default: standalone if given, else the "
                                        "first file's)"),
    floor: Floor = None,
    currency: CurrencyChoice = typer.Option(CurrencyChoice.USD, "--currency",
                                            help="report money in this currency (each "
                                            "scenario's fx paths convert it)"),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder for compare.json, "
                                        "compare.csv and charts"),
    force: Force = False,
    json_out: JsonOut = False,
    quiet: Quiet = False,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    materiality: Materiality = [],  # noqa: B006 (typer reads the default, never mutates it)
    set_: Sets = [],  # noqa: B006
    case: Case = None,
) -> None:
    """Run every option on the same draws: the decision table (mean difference from the
    baseline with its interval, P(better by more than the materiality), ranks), the
    split by deal closed / collapsed, regret."""
    from simcore.analysis.compare import comparison_dict
    from simcore.analysis.decision import parse_materiality
    from simcore.experiments.runner import RunSettings
    from simcore.outputs.folders import check_target

    if len(scenarios) < 2:
        raise InputError(Problem("give two or more scenarios to compare (sim run runs one)",
                                 path="sim compare"))
    given = parse_materiality(materiality)
    loaded, what_if = load_options(scenarios, set_, case)
    if out_dir is not None:
        check_target(out_dir, force)
    settings = RunSettings(draws=draws, seed=seed, floor=floor, currency=currency.value)
    result = _compared(loaded, settings, baseline, given, (workers, scheduler),
                       quiet or json_out)
    data = comparison_dict(result)
    if what_if:
        data["what_if"] = what_if
    _shown(data, result, out_dir, force, json_out, quiet)


def _shown(data: dict, result, out_dir: Path | None, force: bool, json_out: bool,
           quiet: bool) -> None:
    """The comparison on the terminal (JSON or the decision table), and the files."""
    if json_out:
        print_json(data)
    elif not quiet:
        from cli.compare_table import print_decision

        print_decision(data)
    if out_dir is not None:
        _write(out_dir, force, data, result, json_out)


def _compared(loaded: list, settings, baseline: str | None, materiality: dict,
              where: tuple[int, str | None], hide: bool):
    """The comparison, run through the executor ``where`` (workers, scheduler) names."""
    from simcore.analysis.compare import compare
    from simcore.experiments.executors import make_executor

    executor = make_executor(*where)
    try:
        with LazyProgress(len(loaded), "options", hide) as bar:
            return compare(loaded, settings, baseline, progress=bar, executor=executor,
                           materiality=materiality)
    finally:
        executor.close()


def _write(out_dir: Path, force: bool, data: dict, result, json_out: bool) -> None:
    """compare.json, compare.csv and the charts, into ``out_dir`` atomically."""
    from simcore.analysis.compare import comparison_csv
    from simcore.outputs import plots
    from simcore.outputs.files import write_json
    from simcore.outputs.folders import atomic_folder, write_each, writing

    with atomic_folder(out_dir, force, "sim compare") as tmp:
        write_each(tmp, out_dir, {
            "compare.json": lambda p: write_json(p, data),
            "compare.csv": lambda p: p.write_text(comparison_csv(data), encoding="utf-8")})
        if plots.available():   # compare_cash, compare_distributions, compare_launches
            with writing(f"the charts in {out_dir}", whole=True):
                plots.compare_charts(result, tmp)
        elif not json_out:
            err.print("note: charts skipped: install the plot extra (pip install -e "
                      "'.[plot]')")
    if not json_out:
        out.print(f"wrote compare.json, compare.csv and charts to {printable(out_dir)}",
                  markup=False)
