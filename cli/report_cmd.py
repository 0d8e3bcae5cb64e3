"""``sim report SCENARIO... --out DIR``: one self-contained HTML page to share."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import EXIT_BAD_INPUT, err, guarded, out
from cli.options import Case, Floor, Force, Materiality, Quiet, Seed, Sets, Workers
from cli.progress import LazyProgress
from cli.text import printable
from cli.what_ifs import load_options


def _needs_extras() -> None:
    """One line and exit 2, before any work, when Jinja2 or matplotlib is missing."""
    from simcore.outputs.html_report import INSTALL, missing_extras

    missing = missing_extras()
    if missing:
        err.print(f"error: sim report needs {' and '.join(missing)}: {INSTALL}",
                  markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)


@guarded
def report(
    scenarios: list[Path] = typer.Argument(..., help="scenario YAML files (one or more)"),
    out_dir: Path = typer.Option(..., "--out", "-o", help="folder for report.html and "
                                 "compare.json"),
    draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=10_000_000,
                              help="Monte Carlo draws per option"),
    seed: Seed = 20250401,
    baseline: str | None = typer.Option(None, "--baseline", help="option to compare against "
                                        "(default: standalone if given, else the first)"),
    floor: Floor = None,
    metric: str = typer.Option("ending_cash", "--metric", help="outcome of the tornado "
                               "(any name 'sim outcomes' lists)"),
    tornado_draws: int = typer.Option(200, "--tornado-draws", min=0, help="draws per "
                                      "tornado point (0: no tornado)"),
    tornado_all: bool = typer.Option(False, "--tornado-all", help="a tornado for every "
                                     "option, not only the baseline"),
    sobol_n: int = typer.Option(256, "--sobol", min=0, help="Sobol base sample N (a power "
                                "of 2) of the share of variance by basis (0: none)"),
    workers: Workers = 0,
    force: Force = False,
    materiality: Materiality = [],  # noqa: B006 (typer reads the default, never mutates it)
    set_: Sets = [],  # noqa: B006
    case: Case = None,
    quiet: Quiet = False,
) -> None:
    """Compare the options and write report.html: the question and the options, the
    decision table, charts, launches, the cash bridge, the top drivers, every input
    with its source, and the run manifest. Needs the report extra (Jinja2, matplotlib)."""
    _needs_extras()
    from simcore.analysis.decision import parse_materiality
    from simcore.outputs.folders import check_target
    from simcore.outputs.html_report import write_report
    from simcore.outputs.report_data import ReportSettings, check_settings, collect

    given = parse_materiality(materiality)
    loaded, applied = load_options(scenarios, set_, case)
    check_target(out_dir, force)
    settings = ReportSettings(draws=draws, seed=seed, baseline=baseline, floor=floor,
                              metric=metric, tornado_draws=tornado_draws,
                              tornado_all=tornado_all, sobol_n=sobol_n, workers=workers,
                              materiality=given)
    check_settings(loaded, settings)
    with LazyProgress(settings.steps(len(loaded)), "report", quiet) as bar:
        data = collect(loaded, settings, progress=bar)
    if applied:
        data.comparison["what_if"] = applied
    write_report(out_dir, data, force)
    if not quiet:
        out.print(f"wrote report.html and compare.json to {printable(out_dir)}", markup=False,
                  highlight=False)
