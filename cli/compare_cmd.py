"""``sim compare SCENARIO...``: options side by side on common random numbers."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import err, guarded, out, print_json
from cli.progress import LazyProgress
from cli.run_cmd import CurrencyChoice


@guarded
def compare_cmd(
    scenarios: list[Path] = typer.Argument(..., help="scenario YAML files (two or more)"),
    draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=10_000_000),
    seed: int = typer.Option(20250401, "--seed", "-s", min=0),
    baseline: str | None = typer.Option(None, "--baseline", help="option name to compare "
                                        "against (default: standalone if given, else the "
                                        "first file's)"),
    floor: float | None = typer.Option(None, "--floor", help="liquidity floor for every "
                                       "option, in the unit of the scenarios' floor"),
    currency: CurrencyChoice = typer.Option(CurrencyChoice.USD, "--currency",
                                            help="report money in this currency (each "
                                            "scenario's fx paths convert it)"),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder for compare.json, "
                                        "compare.csv and charts"),
    force: bool = typer.Option(False, "--force", help="replace an existing --out folder"),
    json_out: bool = typer.Option(False, "--json", help="print compare.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
    workers: int = typer.Option(0, "--workers", min=0, help="local worker processes (one "
                                "option each)"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="address of a running "
                                         "Dask scheduler, e.g. tcp://127.0.0.1:8786"),
) -> None:
    """Run every option on the same draws; paired differences, P(beats baseline), regret."""
    from simcore.analysis.compare import compare, comparison_dict
    from simcore.experiments.executors import make_executor
    from simcore.experiments.runner import RunSettings
    from simcore.outputs.folders import check_target
    from simcore.scenario.loader import load_scenario

    loaded = [load_scenario(p) for p in scenarios]
    if out_dir is not None:
        check_target(out_dir, force)
    settings = RunSettings(draws=draws, seed=seed, floor=floor, currency=currency.value)
    executor = make_executor(workers, scheduler)
    try:
        with LazyProgress(len(loaded), "options", quiet or json_out) as bar:
            result = compare(loaded, settings, baseline, progress=bar, executor=executor)
    finally:
        executor.close()
    data = comparison_dict(result)
    if json_out:
        print_json(data)
    elif not quiet:
        print_table(data)
    if out_dir is not None:
        _write(out_dir, force, data, result.summaries, json_out)


def _write(out_dir: Path, force: bool, data: dict, summaries: dict, json_out: bool) -> None:
    """compare.json, compare.csv and the charts, into ``out_dir`` atomically."""
    from simcore.analysis.compare import comparison_csv
    from simcore.outputs import plots
    from simcore.outputs.files import write_json
    from simcore.outputs.folders import atomic_folder

    with atomic_folder(out_dir, force, "sim compare") as tmp:
        write_json(tmp / "compare.json", data)
        (tmp / "compare.csv").write_text(comparison_csv(data), encoding="utf-8")
        if plots.available():
            plots.compare_fans(summaries, tmp / "compare_cash.png")
            if any("launches" in s for s in summaries.values()):
                plots.compare_launches(summaries, tmp / "compare_launches.png")
        elif not json_out:
            err.print("note: charts skipped: install the plot extra (pip install -e "
                      "'.[plot]')")
    if not json_out:
        out.print(f"wrote compare.json, compare.csv and charts to {out_dir}", markup=False)


def _shown(data: dict) -> list[str]:
    """The outcomes the table shows: all but the per-programme P(on time) and the per-year
    FCF and debt (those, like everything, are in --json and compare.csv)."""
    return [m for m in data["metrics"]
            if not m.startswith(("on_time.", "fcf.", "debt.", "net_debt.", "fcf_positive.",
                                 "fcf_positive_for_good_by.", "core_flow.",
                                 "fcf_before_one_offs."))]


def _value(kind: str, stat: dict) -> str:
    if kind == "probability":
        return f"{stat['p']:.1%}"
    if kind == "month":
        return str(stat["p50"] or "never")
    if kind == "share":
        return f"{stat['p50']:.1%}"
    return f"{stat['p50']:.2f}"


def _cell(kind: str, stat: dict, pair: dict | None, is_base: bool) -> str:
    text = _value(kind, stat)
    if pair is None or is_base:
        return text + (" (base)" if is_base else "")

    def f(x):
        return "n/a" if x is None else f"{x:+.2f}"

    beats = "" if pair["p_beats"] is None else f"\nbeats {pair['p_beats']:.0%}"
    if kind in ("probability", "share"):   # per-draw differences: the mean is the change
        mean = pair["diff_mean"]
        delta = "n/a" if mean is None else f"{100 * mean:+.1f} pt"
        return f"{text}\nΔ {delta}" + beats.replace("beats", "better in") + \
            (" of draws" if beats else "")
    unit = " mo" if kind == "month" else ""
    return (f"{text}\nΔ {f(pair['diff_p50'])}{unit} [{f(pair['diff_p5'])}, "
            f"{f(pair['diff_p95'])}]{beats}")


def print_table(data: dict) -> None:
    opts, base = data["options"], data["baseline"]
    out.print(f"[bold]{len(opts)} options on common random numbers[/]: {data['draws']:,} "
              f"draws, seed {data['seed']}; baseline [bold]{base}[/]. Each cell: the "
              "option's P50 (or probability), Δ the per-draw difference to the baseline "
              "(P50 [P5, P95]; for probabilities and shares, the change in points), and the "
              f"share of draws in which the option beats the baseline. {data['currency']} bn; "
              "months as mo. "
              "P(on time) and FCF by year: --json or compare.csv.")
    t = Table(show_lines=True)
    t.add_column("outcome")
    for o in opts:
        t.add_column(o, justify="right")
    for metric in _shown(data):
        per, rec = data["metrics"][metric], data["outcomes"][metric]
        row = [f"{rec['label']} ({rec['unit']})"]
        for o in opts:
            row.append("-" if o not in per else _cell(
                rec["kind"], per[o], data["paired"].get(metric, {}).get(o), o == base))
        t.add_row(*row)
    out.print(t)
    r = Table(title="Regret: per draw, how far each option falls short of the best option "
                    "in that draw (mean / P90)")
    r.add_column("outcome")
    for o in opts:
        r.add_column(o, justify="right")
    r.add_column("ranking (least regret first)")
    for metric in _shown(data):
        if metric not in data["regret"]:
            continue
        per, rec = data["regret"][metric], data["outcomes"][metric]
        r.add_row(rec["label"], *(f"{_fmt(rec['kind'], per[o]['mean'])} / "
                                  f"{_fmt(rec['kind'], per[o]['p90'])}"
                                  if o in per else "-" for o in opts),
                  "\n".join(f"{k + 1}. {o}" for k, o in enumerate(data["ranking"][metric])))
    out.print(r)


def _fmt(kind: str, x: float | None) -> str:
    if x is None:
        return "n/a"
    if kind in ("probability", "share"):
        return f"{x:.1%}"
    return f"{x:.1f} mo" if kind == "month" else f"{x:.2f}"
