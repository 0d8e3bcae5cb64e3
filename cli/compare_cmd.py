"""``sim compare SCENARIO...``: options side by side on common random numbers."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import err, guarded, out, print_json
from cli.progress import LazyProgress
from simcore.analysis.compare import compare, comparison_csv, comparison_dict, metric_for
from simcore.experiments.runner import RunSettings
from simcore.outputs import plots
from simcore.outputs.files import atomic_folder, check_target, write_json
from simcore.scenario.loader import load_scenario


@guarded
def compare_cmd(
    scenarios: list[Path] = typer.Argument(..., help="scenario YAML files (two or more)"),
    draws: int = typer.Option(10_000, "--draws", "-n", min=1, max=10_000_000),
    seed: int = typer.Option(20250401, "--seed", "-s", min=0),
    baseline: str | None = typer.Option(None, "--baseline", help="option name to compare "
                                        "against (default: standalone if given, else the "
                                        "first file's)"),
    floor: float | None = typer.Option(None, "--floor", help="liquidity floor, USD bn, for "
                                       "every option"),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder for compare.json, "
                                        "compare.csv and charts"),
    force: bool = typer.Option(False, "--force", help="replace an existing --out folder"),
    json_out: bool = typer.Option(False, "--json", help="print compare.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Run every option on the same draws; paired differences, P(beats baseline), regret."""
    loaded = [load_scenario(p) for p in scenarios]
    if out_dir is not None:
        check_target(out_dir, force)
    settings = RunSettings(draws=draws, seed=seed, floor=floor)
    with LazyProgress(draws * len(loaded), "options", quiet or json_out) as bar:
        result = compare(loaded, settings, baseline,
                         progress=lambda k, d: bar(k * draws + d))
    data = comparison_dict(result)
    if json_out:
        print_json(data)
    elif not quiet:
        print_table(data)
    if out_dir is not None:
        with atomic_folder(out_dir, force) as tmp:
            write_json(tmp / "compare.json", data)
            (tmp / "compare.csv").write_text(comparison_csv(data), encoding="utf-8")
            if plots.available():
                plots.compare_fans(result.summaries, tmp / "compare_cash.png")
                if any("launches" in s for s in result.summaries.values()):
                    plots.compare_launches(result.summaries, tmp / "compare_launches.png")
            elif not json_out:
                err.print("note: charts skipped: install the plot extra (pip install -e "
                          "'.[plot]')")
        if not json_out:
            out.print(f"wrote compare.json, compare.csv and charts to {out_dir}", markup=False)


def _cell(metric: str, stat: dict, pair: dict | None, is_base: bool) -> str:
    m = metric_for(metric)
    if m.kind == "probability":
        text = f"{stat['p']:.1%}"
    elif m.kind == "month":
        text = str(stat["p50"] or "never")
    else:
        text = f"{stat['p50']:.2f}"
    if pair is None or is_base:
        return text + (" (base)" if is_base else "")
    def f(x):
        return "n/a" if x is None else f"{x:+.2f}"

    if m.kind == "probability":   # a per-draw 0/1 difference: its mean is the change
        mean = pair["diff_mean"]
        delta = "n/a" if mean is None else f"{100 * mean:+.1f} pt"
        return f"{text}\nΔ {delta}\nbetter in {pair['p_beats']:.0%} of draws"
    unit = " mo" if m.kind == "month" else ""
    return (f"{text}\nΔ {f(pair['diff_p50'])}{unit} [{f(pair['diff_p5'])}, "
            f"{f(pair['diff_p95'])}]\nbeats {pair['p_beats']:.0%}")


def print_table(data: dict) -> None:
    opts, base = data["options"], data["baseline"]
    out.print(f"[bold]{len(opts)} options on common random numbers[/]: {data['draws']:,} "
              f"draws, seed {data['seed']}; baseline [bold]{base}[/]. Each cell: the "
              "option's P50 (or probability), Δ the per-draw difference to the baseline "
              "(P50 [P5, P95]; for probabilities, the change in points), and the share of "
              "draws in which the option beats the baseline. USD bn; months as mo.")
    t = Table(show_lines=True)
    t.add_column("metric")
    for o in opts:
        t.add_column(o, justify="right")
    for metric, per in data["metrics"].items():
        row = [metric_for(metric).title]
        for o in opts:
            if o not in per:
                row.append("-")
                continue
            row.append(_cell(metric, per[o], data["paired"].get(metric, {}).get(o),
                             o == base))
        t.add_row(*row)
    if data.get("deals"):
        t.add_row("deal closes", *(f"{data['deals'][o]['p_close']:.0%}" if o in data["deals"]
                                   else "-" for o in opts))
    out.print(t)
    r = Table(title="Regret: per draw, how far each option falls short of the best option "
                    "in that draw (mean / P90)")
    r.add_column("metric")
    for o in opts:
        r.add_column(o, justify="right")
    r.add_column("ranking (least regret first)")
    for metric, per in data["regret"].items():
        m = metric_for(metric)
        r.add_row(m.title, *(f"{_fmt(m, per[o]['mean'])} / {_fmt(m, per[o]['p90'])}"
                             if o in per else "-" for o in opts),
                  "\n".join(f"{k + 1}. {o}" for k, o in enumerate(data["ranking"][metric])))
    out.print(r)


def _fmt(m, x: float | None) -> str:
    if x is None:
        return "n/a"
    if m.kind == "probability":
        return f"{x:.1%}"
    return f"{x:.1f} mo" if m.kind == "month" else f"{x:.2f}"
