"""``sim sweep SCENARIO``: one-at-a-time values, tornado, break-even, Sobol indices."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import typer
from rich.table import Table

from cli.common import err, guarded, out, print_json
from cli.progress import LazyProgress
from simcore.errors import InputError, Problem


@guarded
def sweep(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    param: list[str] = typer.Option([], "--param", "-p", help="PATH=V1,V2,... or "
                                    "PATH=lo:hi:n; repeat for a grid"),
    tornado_: bool = typer.Option(False, "--tornado", help="swing each uncertain input "
                                  "from its P10 to its P90"),
    metric: str = typer.Option("ending_cash", "--metric", help="outcome for --tornado and "
                               "--breakeven: any name sim outcomes lists (min_cash, "
                               "ending_cash, breach, launch.<programme>, ...)"),
    breakeven_path: str | None = typer.Option(None, "--breakeven", help="PATH to bisect "
                                              "for the break-even value"),
    versus: Path | None = typer.Option(None, "--versus", help="baseline scenario file for "
                                       "--breakeven"),
    value_range: str | None = typer.Option(None, "--range", help="LO:HI for --breakeven "
                                           "(default: the input's P1 to P99)"),
    sobol_n: int | None = typer.Option(None, "--sobol", min=2, help="Sobol indices with N "
                                       "base samples (a power of 2)"),
    by: str | None = typer.Option(None, "--by", help="with --sobol: group the inputs; "
                                  "'basis' gives the share of each headline outcome's "
                                  "variance from fact, derived and judgement inputs"),
    draws: int = typer.Option(2000, "--draws", "-n", min=1, help="draws per point"),
    seed: int = typer.Option(20250401, "--seed", "-s", min=0),
    workers: int = typer.Option(0, "--workers", min=0, help="local worker processes"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="address of a running "
                                         "Dask scheduler, e.g. tcp://127.0.0.1:8786"),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder: points/ as they "
                                        "finish, sweep.json, sweep.csv, tornado.png"),
    resume: bool = typer.Option(False, "--resume", help="skip points already in --out"),
    force: bool = typer.Option(False, "--force", help="start --out afresh"),
    json_out: bool = typer.Option(False, "--json", help="print sweep.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Sweep inputs on common random numbers and rank what moves the answer."""
    from simcore.experiments.executors import make_executor
    from simcore.experiments.runner import RunSettings
    from simcore.scenario.loader import load_scenario
    from simcore.scenario.overrides import parse_assignment

    loaded = load_scenario(scenario)
    params = [parse_assignment(p) for p in param]
    if not (params or tornado_ or breakeven_path or sobol_n):
        raise InputError(Problem("nothing to do: give --param, --tornado, --breakeven or "
                                 "--sobol", path="sim sweep"))
    if out_dir is not None:
        _prepare(out_dir, resume, force)
    settings = RunSettings(draws=draws, seed=seed)
    data: dict = {"scenario": loaded.scenario.name, "draws": draws, "seed": seed}
    executor = make_executor(workers, scheduler)
    with contextlib.closing(executor):
        _executed(data, loaded, params, settings, executor, out_dir, resume, tornado_, metric,
                  quiet or json_out)
    if by is not None and (by != "basis" or not sobol_n):
        raise InputError(Problem(f"--by takes 'basis', with --sobol N (got '{by}')",
                                 path="--by"))
    _analysed(data, loaded, settings, metric, breakeven_path, versus, value_range, sobol_n,
              by)
    _report(data, out_dir, json_out, quiet)


def _report(data: dict, out_dir: Path | None, json_out: bool, quiet: bool) -> None:
    if json_out:
        print_json(data)
    elif not quiet:
        _print(data)
    if out_dir is not None:
        _write(out_dir, data, json_out)


def _prepare(out_dir: Path, resume: bool, force: bool) -> None:
    """Refuse an --out sim may not write; with --force, clear a folder sim wrote."""
    from simcore.outputs.folders import check_target, is_sim_folder, remove_sim_folder

    if resume:
        if out_dir.is_dir() and any(out_dir.iterdir()) and not is_sim_folder(out_dir):
            raise InputError(Problem("--resume refused: this folder was not written by sim",
                                     out_dir))
        return
    check_target(out_dir, force)
    if force and out_dir.exists() and any(out_dir.iterdir()):
        remove_sim_folder(out_dir)


def _analysed(data: dict, loaded, settings, metric: str, path: str | None,
              versus: Path | None, value_range: str | None, sobol_n: int | None,
              by: str | None = None) -> None:
    """Break-even and Sobol indices (in this process), into ``data``."""
    from simcore.analysis.sensitivity import breakeven, sobol
    from simcore.scenario.loader import load_scenario

    if path:
        if versus is None:
            raise InputError(Problem("--breakeven needs --versus BASELINE_FILE",
                                     path="--versus"))
        lo, hi = _range(loaded, path, value_range)
        data["breakeven"] = breakeven(loaded, path, lo, hi, load_scenario(versus).scenario,
                                      settings, metric)
    if sobol_n and by == "basis":
        data["sobol"] = sobol(loaded.scenario, sobol_n, settings,
                              headline_metrics(loaded.scenario), by="basis")
    elif sobol_n:
        data["sobol"] = sobol(loaded.scenario, sobol_n, settings,
                              ["min_cash", "ending_cash", "fcf_positive_month"])


def _executed(data: dict, loaded, params, settings, executor, out_dir: Path | None,
              resume: bool, tornado_: bool, metric: str, quiet: bool) -> None:
    """The grid and the tornado, through the executor, into ``data``."""
    from simcore.analysis.sensitivity import tornado
    from simcore.analysis.sweep import run_sweep

    if params:
        with LazyProgress(1, "points", quiet) as bar:
            res = run_sweep(loaded, params, settings, executor, out_dir, resume,
                            progress=lambda d, t: _tick(bar, d, t))
        data.update(res.to_dict())
        data["skipped"] = res.skipped
    if tornado_:
        with LazyProgress(1, "tornado", quiet) as bar:
            data["tornado"] = tornado(loaded, settings, metric, executor,
                                      progress=lambda d, t: _tick(bar, d, t))
        data["tornado_metric"] = metric


def _tick(bar, done: int, total: int) -> None:
    bar.total = total
    bar(done)


def _range(loaded, path: str, text: str | None) -> tuple[float, float]:
    import numpy as np

    from simcore.scenario.overrides import parse_values
    from simcore.scenario.quantity import Quantity

    if text is not None:
        vals = parse_values(text.replace(":", ","), "--range")
        if len(vals) != 2 or not all(isinstance(v, float) for v in vals) or vals[0] >= vals[1]:
            raise InputError(Problem(f"expected LO:HI with LO < HI, got '{text}'",
                                     path="--range"))
        return vals[0], vals[1]
    node = loaded.document.data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and node.get("unit") == "probability":
        return 0.0, 1.0
    if isinstance(node, dict):
        q = Quantity.model_validate(node)
        d = q.to_dist(loaded.scenario.start)
        lo, hi = (float(x) for x in d.ppf(np.array([0.01, 0.99])))
        if lo < hi:
            return lo, hi
    raise InputError(Problem(f"give --range LO:HI for '{path}' (it has no spread to "
                             "default to)", path="--range"))


def _print(data: dict) -> None:
    if data.get("points"):
        t = Table(title=f"Sweep of {data['scenario']} ({data['draws']:,} draws per point, "
                        "common random numbers; USD bn; every metric in --json and sweep.csv)")
        params = list(data["points"][0]["params"])
        shown = [(k, h) for k, h in SHOWN if k in data["points"][0]["metrics"]]
        for p in params:
            t.add_column(p, justify="right", overflow="fold")
        for _, header in shown:
            t.add_column(header, justify="right")
        for p in data["points"]:
            t.add_row(*(_fmt(p["params"][k]) for k in params),
                      *(_fmt(p["metrics"].get(k), pct=k.startswith("p_"))
                        for k, _ in shown))
        out.print(t)
    if data.get("tornado"):
        t = Table(title=f"Tornado: {data['tornado_metric']} with each input at its P10 and "
                        f"P90 (others random); base {data['tornado'][0]['base']}")
        for col in ("input", "held at (P10)", "held at (P90)", "metric then", "metric then",
                    "swing"):
            t.add_column(col, justify="right" if col != "input" else "left",
                         overflow="fold")
        for r in data["tornado"]:
            t.add_row(r["input"], r["labels"][0], r["labels"][1],
                      _fmt(r["low"]), _fmt(r["high"]), _fmt(r["swing"]))
        out.print(t)
    if data.get("breakeven"):
        b = data["breakeven"]
        verdict = (f"break-even at {b['path']} = {b['value']:.6g}" if b["value"] is not None
                   else b.get("note", "no break-even"))
        out.print(f"[bold]Break-even[/] of {data['scenario']} against {b['versus']} on "
                  f"{b['metric']} over {b['range']}: {verdict} (mean paired edge "
                  f"{b['edge_at_low']} at the low end, {b['edge_at_high']} at the high end)")
    if data.get("sobol", {}).get("by") == "basis":
        _print_by_basis(data["sobol"])
    elif data.get("sobol"):
        for metric, rows in data["sobol"]["metrics"].items():
            t = Table(title=f"Sobol indices of {metric} ({data['sobol']['evaluations']:,} "
                            "model evaluations; 95% intervals)")
            for col in ("input", "S1", "S1 95%", "ST", "ST 95%"):
                t.add_column(col, justify="right" if col != "input" else "left")
            for r in rows[:15]:
                t.add_row(r["input"], _fmt(r["S1"]), f"[{_fmt(r['S1_ci'][0])}, "
                          f"{_fmt(r['S1_ci'][1])}]", _fmt(r["ST"]),
                          f"[{_fmt(r['ST_ci'][0])}, {_fmt(r['ST_ci'][1])}]")
            out.print(t)


def headline_metrics(sc) -> list[str]:
    """The outcomes a committee reads first, those the scenario can give."""
    out = ["min_cash", "breach", "ending_cash", "fcf_positive_month"]
    if sc.credit_lines:
        out += ["min_liquidity", "liquidity_breach"]
    if sc.value is not None:
        out += ["value_per_share" if sc.value.shares is not None else "equity_value"]
    return out


def _print_by_basis(sob: dict) -> None:
    t = Table(title=f"Share of variance by basis ({sob['evaluations']:,} model evaluations; "
                    "S: the group alone, ST: with its interactions; 95% intervals)")
    t.add_column("outcome")
    for g, names in sob["groups"].items():
        t.add_column(f"{g} ({len(names)})", justify="right")
    for metric, rows in sob["metrics"].items():
        cells = {r["group"]: f"S {_fmt(r['S'])} [{_fmt(r['S_ci'][0])}, {_fmt(r['S_ci'][1])}]"
                 f"\nST {_fmt(r['ST'])} [{_fmt(r['ST_ci'][0])}, {_fmt(r['ST_ci'][1])}]"
                 for r in rows}
        t.add_row(metric, *(cells.get(g, "") for g in sob["groups"]))
    out.print(t)


SHOWN = (("min_cash_p50", "min cash P50"), ("min_cash_p5", "min cash P5"),
         ("p_breach", "P(below floor)"), ("fcf_positive_month_p50", "FCF > 0 from (P50)"),
         ("ending_cash_p50", "ending cash P50"), ("net_debt_ending_p50", "net debt P50"),
         ("p_deal_closed", "P(deal closes)"))


def _fmt(x, pct: bool = False) -> str:
    if x is None:
        return "-"
    if pct and isinstance(x, float):
        return f"{x:.1%}"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def sweep_csv(data: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    points = data.get("points") or []
    if points:
        keys = list(points[0]["params"]) + list(points[0]["metrics"])
        w.writerow(keys)
        for p in points:
            row = {**p["params"], **p["metrics"]}
            w.writerow(["" if row.get(k) is None else row[k] for k in keys])
    return buf.getvalue()


def _write(folder: Path, data: dict, quiet: bool) -> None:
    from simcore.outputs import plots
    from simcore.outputs.files import write_json
    from simcore.outputs.folders import write_marker

    folder.mkdir(parents=True, exist_ok=True)
    write_marker(folder, "sim sweep")
    tmp = folder / ".sweep.json.tmp"
    write_json(tmp, data)
    tmp.replace(folder / "sweep.json")
    if data.get("points"):
        (folder / ".sweep.csv.tmp").write_text(sweep_csv(data), encoding="utf-8")
        (folder / ".sweep.csv.tmp").replace(folder / "sweep.csv")
    if data.get("tornado"):
        if plots.available():
            plots.tornado_chart(data, folder / "tornado.png")
        elif not quiet:
            err.print("note: tornado.png skipped: install the plot extra")
    if not quiet:
        out.print(f"wrote {', '.join(sorted(p.name for p in folder.iterdir()))} to {folder}",
                  markup=False)



