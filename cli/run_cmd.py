"""``sim run SCENARIO``: Monte Carlo projection of one option."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cli.checks_report import pre_run_checks
from cli.common import err, guarded, out, print_json
from cli.options import Case, Floor, Force, JsonOut, Quiet, Seed, Sets
from cli.progress import LazyProgress
from cli.report import print_summary
from cli.text import chart_safe, printable
from cli.what_ifs import load_options
from simcore.experiments import DEFAULT_CHUNK


class SamplerChoice(StrEnum):
    mc = "mc"
    lhs = "lhs"


class CurrencyChoice(StrEnum):
    USD = "USD"
    JPY = "JPY"
    EUR = "EUR"


class StoreChoice(StrEnum):
    auto = "auto"
    memory = "memory"
    disk = "disk"


class EngineChoice(StrEnum):
    fast = "fast"
    simpy = "simpy"


@guarded
def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=50_000_000,
                              help="Monte Carlo draws"),
    seed: Seed = 20250401,
    sampler: SamplerChoice = typer.Option(SamplerChoice.mc, "--sampler",
                                          help="plain Monte Carlo or Latin hypercube"),
    floor: Floor = None,
    currency: CurrencyChoice = typer.Option(CurrencyChoice.USD, "--currency",
                                            help="report money in this currency (the "
                                            "scenario's fx paths convert it)"),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder to write "
                                        "summary.json, cash_percentiles.csv, draws.npz, "
                                        "launches.csv, fan_chart.png, gantt.png, "
                                        "bridge.png"),
    force: Force = False,
    json_out: JsonOut = False,
    quiet: Quiet = False,
    chunk: int = typer.Option(DEFAULT_CHUNK, "--chunk", min=1, help="draws per chunk "
                              "(memory; results do not depend on it)"),
    engine: EngineChoice = typer.Option(EngineChoice.fast, "--engine", help="schedule engine: "
                                        "vectorised, or SimPy (the reference; slower)"),
    store: StoreChoice = typer.Option(StoreChoice.auto, "--store", help="where per-draw "
                                      "results are kept: memory, disk (a temporary file in "
                                      "TMPDIR) or auto (disk above 1 GB); same results"),
    no_checks: bool = typer.Option(False, "--no-checks", help="run even if the scenario's "
                                   "checks fail (they run on a pilot before the run)"),
    set_: Sets = [],  # noqa: B006 (typer reads the default, never mutates it)
    case: Case = None,
) -> None:
    """Run one scenario and summarise cash, free cash flow and launches."""
    from simcore.api import simulate
    from simcore.experiments.runner import RunSettings
    from simcore.outputs.folders import check_target

    [loaded], what_if = load_options([scenario], set_, case)
    if out_dir is not None:
        check_target(out_dir, force)
    settings = RunSettings(draws=draws, seed=seed, sampler=sampler.value, floor=floor,
                           chunk=chunk, keep_inputs=out_dir is not None, engine=engine.value,
                           currency=currency.value, store=store.value)
    checks = pre_run_checks(loaded, no_checks, not (quiet or json_out))
    with LazyProgress(draws, f"{loaded.scenario.name}", quiet or json_out) as progress:
        sim = simulate(loaded, settings, progress=progress)
    try:
        sim.summary.update({"checks": checks} if checks is not None else {},
                           **({"what_if": what_if} if what_if else {}))
        _shown(sim, out_dir, force, json_out, quiet)
    finally:
        sim.close()


def _shown(sim, out_dir: Path | None, force: bool, json_out: bool, quiet: bool) -> None:
    """The summary on the terminal (JSON or tables), and the files in ``out_dir``."""
    if json_out:
        print_json(sim.summary)
    elif not quiet:
        print_summary(sim.summary)
    if out_dir is not None:
        _write(out_dir, sim, force, json_out)


def _write(out_dir: Path, sim, force: bool, json_out: bool) -> None:
    """The run's files and charts, into ``out_dir`` atomically."""
    from simcore.outputs import plots
    from simcore.outputs.files import write_run

    extra = {}
    shown = chart_safe(sim.summary)   # user text on the charts, literally
    if plots.available():
        extra["fan_chart.png"] = lambda p: plots.fan_chart(shown, p,
                                                           plots.floor_band(sim.result))
        extra["bridge.png"] = lambda p: plots.waterfall(shown, p)
        if sim.summary.get("launches"):
            extra["gantt.png"] = lambda p: plots.gantt(shown, p)
    elif not json_out:
        err.print("note: fan_chart.png, gantt.png and bridge.png skipped: install the plot extra "
                  "(pip install -e '.[plot]')")
    names = write_run(out_dir, sim.result, sim.summary, force, extra)
    if not json_out:
        out.print(printable(f"wrote {', '.join(names)} to {out_dir}"), markup=False)
