"""``sim sweep SCENARIO``: one-at-a-time values, tornado, break-even, Sobol indices."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cli.common import err, guarded, out, print_json
from cli.options import Case, Force, JsonOut, PointDraws, Quiet, Scheduler, Seed, Sets, Workers
from cli.progress import LazyProgress
from cli.sweep_checks import (
    breakeven_span,
    check_request,
    check_unused,
    parsed_params,
    prepare,
    sobol_metrics,
)
from cli.text import chart_safe, literal, printable
from cli.what_ifs import load_options
from simcore.errors import RunError

if TYPE_CHECKING:
    from simcore.experiments.runner import RunSettings


@guarded
def sweep(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    param: list[str] = typer.Option([], "--param", "-p", help="PATH=V1,V2,... or "
                                    "PATH=lo:hi:n; repeat for a grid (at most 10,000 "
                                    "points, and 10^9 draws in all)"),
    tornado_: bool = typer.Option(False, "--tornado", help="swing each input P10 to P90"),
    metric: str = typer.Option("ending_cash", "--metric", help="outcome for --tornado and "
                               "--breakeven (any name sim outcomes lists)"),
    breakeven_path: str | None = typer.Option(None, "--breakeven", help="PATH to bisect"),
    versus: Path | None = typer.Option(None, "--versus", help="baseline scenario file: "
                                       "--breakeven and --tornado of the edge over it"),
    value_range: str | None = typer.Option(None, "--range", help="LO:HI for --breakeven, "
                                           "YYYY-MM:YYYY-MM for a date (default: the "
                                           "input's P1 to P99)"),
    sobol_n: int | None = typer.Option(None, "--sobol", min=2, max=2**20,
                                       help="Sobol indices with N base samples (a power of "
                                       "2)"),
    by: str | None = typer.Option(None, "--by", help="with --sobol: group the inputs; "
                                  "'basis' gives the share of each headline outcome's "
                                  "variance from fact, derived and judgement inputs"),
    draws: PointDraws = 2000,
    seed: Seed = 20250401,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="folder: points/ as they "
                                        "finish, sweep.json, sweep.csv, tornado.png"),
    resume: bool = typer.Option(False, "--resume", help="skip points already in --out"),
    force: Force = False,
    json_out: JsonOut = False,
    quiet: Quiet = False,
    set_: Sets = [],  # noqa: B006 (typer reads the default, never mutates it)
    case: Case = None,
) -> None:
    """Sweep inputs on common random numbers and rank what moves the answer."""
    check_unused(resume, out_dir, versus, tornado_, breakeven_path, value_range)
    loaded, baseline, applied = _loaded(scenario, versus, set_, case)
    params = parsed_params(param, draws)
    settings = _settings(draws, seed)
    check_request(bool(params or tornado_ or breakeven_path or sobol_n), by, sobol_n,
                  loaded.scenario, settings)
    span = breakeven_span(loaded, breakeven_path, baseline, value_range)
    if out_dir is not None:
        prepare(out_dir, resume, force)
    data: dict = {"scenario": loaded.scenario.name, "draws": draws, "seed": seed,
                  **({"what_if": applied} if applied else {})}
    _executed(data, loaded, params, settings, (workers, scheduler), out_dir, resume,
              tornado_ and metric, quiet or json_out, baseline)
    _analysed(data, loaded, settings, metric, breakeven_path, baseline, span, sobol_n, by)
    _report(data, out_dir, json_out, quiet)


def _settings(draws: int, seed: int) -> RunSettings:
    from simcore.experiments.runner import RunSettings

    return RunSettings(draws=draws, seed=seed)


def _loaded(scenario: Path, versus: Path | None, set_: list[str], case: str | None
            ) -> tuple:
    """The scenario (loaded), the baseline scenario (or None) and the what-ifs applied."""
    both, applied = load_options([scenario] + ([versus] if versus else []), set_, case)
    return both[0], (both[1].scenario if versus is not None else None), applied


@contextlib.contextmanager
def _kept_on_interrupt(out_dir: Path | None) -> Iterator[None]:
    """On Ctrl-C or SIGTERM, say what the sweep kept (exit 130); a run that fails (exit 1)
    says it too, after its cause."""
    try:
        yield
    except KeyboardInterrupt:
        raise _interrupted(out_dir) from None
    except RunError as exc:
        kept, points = _kept(out_dir)
        what = (f"{kept} finished points are kept in {points}: run again with --resume to "
                "go on") if kept else "no point was kept"
        raise RunError(f"{exc}; {what}") from exc


def _kept(out_dir: Path | None) -> tuple[int, Path | None]:
    """How many finished points ``out_dir`` holds, and where."""
    points = out_dir / "points" if out_dir is not None else None
    if points is None or not points.is_dir() or points.is_symlink():
        return 0, points
    return sum(p.is_file() and not p.is_symlink() for p in points.glob("*.json")), points


def _interrupted(out_dir: Path | None) -> typer.Exit:
    """Say what an interrupted sweep kept: the points already written, for --resume."""
    kept, points = _kept(out_dir)
    if kept:
        err.print(printable(f"interrupted; {kept} finished points are kept in {points}: run "
                            "again with --resume to go on"), markup=False, highlight=False)
    else:
        err.print("interrupted; nothing was written")
    return typer.Exit(130)


def _report(data: dict, out_dir: Path | None, json_out: bool, quiet: bool) -> None:
    """Print and write the sweep; a number that is not finite shows as null, as in
    summary.json (strict JSON has no NaN or Infinity)."""
    from simcore.analysis.sweep import finite_json

    data = finite_json(data)
    if json_out:
        print_json(data)
    elif not quiet:
        _print(data)
    if out_dir is not None:
        _write(out_dir, data, json_out or quiet)


def _analysed(data: dict, loaded, settings, metric: str, path: str | None,
              versus, span: tuple, sobol_n: int | None, by: str | None = None) -> None:
    """Break-even (against the ``versus`` scenario) and Sobol indices (in this process),
    into ``data``."""
    from simcore.analysis.sensitivity import breakeven, sobol

    if path:
        lo, hi = span
        data["breakeven"] = breakeven(loaded, path, lo, hi, versus, settings, metric)
    if sobol_n:
        data["sobol"] = sobol(loaded.scenario, sobol_n, settings,
                              sobol_metrics(loaded.scenario, by), by=by)


def _executed(data: dict, loaded, params, settings, where: tuple[int, str | None],
              out_dir: Path | None, resume: bool, tornado_metric: str | None, quiet: bool,
              versus=None) -> None:
    """The grid and the tornado of ``tornado_metric`` (of the edge over ``versus``, a
    scenario, when given), through the executor ``where`` names (workers, scheduler),
    into ``data``."""
    from simcore.experiments.executors import make_executor

    with _kept_on_interrupt(out_dir), contextlib.closing(make_executor(*where)) as executor:
        _executed_on(data, loaded, params, settings, executor, out_dir, resume,
                     tornado_metric, quiet, versus)


def _executed_on(data: dict, loaded, params, settings, executor, out_dir: Path | None,
                 resume: bool, tornado_metric: str | None, quiet: bool, versus) -> None:
    """:func:`_executed` on a running executor."""
    from simcore.analysis.sensitivity import tornado
    from simcore.analysis.sweep import run_sweep

    if params:
        with LazyProgress(1, "points", quiet) as bar:
            res = run_sweep(loaded, params, settings, executor, out_dir, resume,
                            progress=lambda d, t: _tick(bar, d, t))
        data.update(res.to_dict())
        data["skipped"] = res.skipped
        for name in res.unreadable:
            err.print(f"warning: points/{printable(name)} could not be read (corrupt, "
                      "truncated, or holding NaN or infinity); recomputed", markup=False,
                      highlight=False)
        if resume and out_dir is not None:
            err.print(res.resumed(), markup=False, highlight=False)
    if tornado_metric:
        with LazyProgress(1, "tornado", quiet) as bar:
            data["tornado"] = tornado(loaded, settings, tornado_metric, executor,
                                      progress=lambda d, t: _tick(bar, d, t), versus=versus)
        data["tornado_metric"] = tornado_metric
        data["start"] = f"{loaded.scenario.start[0]:04d}-{loaded.scenario.start[1]:02d}"
        if versus is not None:
            data["tornado_versus"] = versus.name


def _tick(bar, done: int, total: int) -> None:
    bar.total = total
    bar(done)


def _print(data: dict) -> None:
    if data.get("what_if"):
        out.print(f"What-ifs applied: {printable('; '.join(data['what_if']))}", markup=False,
                  highlight=False)
    if data.get("points"):
        t = Table(title=f"Sweep of {data['scenario']} ({data['draws']:,} draws per point, "
                        "common random numbers; USD bn; every metric in --json and sweep.csv)")
        params = list(data["points"][0]["params"])
        shown = [(k, h) for k, h in SHOWN if k in data["points"][0]["metrics"]]
        for p in params:
            t.add_column(literal(p), justify="right", overflow="fold")
        for _, header in shown:
            t.add_column(header, justify="right")
        for p in data["points"]:
            t.add_row(*(literal(_fmt(p["params"][k])) for k in params),
                      *(_fmt(p["metrics"].get(k), pct=k.startswith("p_"))
                        for k, _ in shown))
        out.print(t)
    if data.get("tornado"):
        what = data["tornado_metric"]
        if data.get("tornado_versus"):
            what = f"edge of {data['scenario']} over {data['tornado_versus']} in {what} " \
                   "(option minus baseline, mean per draw)"
        t = Table(title=f"Tornado: {what} with each input at its P10 and P90 (others "
                        f"random); base {data['tornado'][0]['base']}")
        for col in ("input", "held at (P10)", "held at (P90)", "metric then", "metric then",
                    "swing"):
            t.add_column(col, justify="right" if col != "input" else "left",
                         overflow="fold")
        for r in data["tornado"]:
            t.add_row(literal(r["input"]), literal(r["labels"][0]), literal(r["labels"][1]),
                      _fmt(r["low"]), _fmt(r["high"]), _fmt(r["swing"]))
        out.print(t)
    if data.get("breakeven"):
        _print_breakeven(data)
    if data.get("sobol", {}).get("by") == "basis":
        _print_by_basis(data["sobol"])
    elif data.get("sobol"):
        for metric, rows in data["sobol"]["metrics"].items():
            t = Table(title=f"Sobol indices of {metric} ({data['sobol']['evaluations']:,} "
                            "model evaluations; 95% intervals)")
            for col in ("input", "S1", "S1 95%", "ST", "ST 95%"):
                t.add_column(col, justify="right" if col != "input" else "left")
            for r in rows[:15]:
                t.add_row(literal(r["input"]), _fmt(r["S1"]), f"[{_fmt(r['S1_ci'][0])}, "
                          f"{_fmt(r['S1_ci'][1])}]", _fmt(r["ST"]),
                          f"[{_fmt(r['ST_ci'][0])}, {_fmt(r['ST_ci'][1])}]")
            out.print(t)


def _print_breakeven(data: dict) -> None:
    """The break-even line; user text (paths, names) printed literally."""
    b = data["breakeven"]
    value = b["value"] if not isinstance(b["value"], float) else f"{b['value']:.6g}"
    verdict = (f"break-even at {b['path']} = {value}" if b["value"] is not None
               else b.get("note", "no break-even"))
    if b.get("between"):
        verdict += f" (the edge turns between {b['between'][0]} and {b['between'][1]})"
    out.print(f"[bold]Break-even[/] of {literal(data['scenario'])} against "
              f"{literal(b['versus'])} on {literal(b['metric'])} over {_span(b['range'])}: "
              f"{literal(verdict)} (mean paired edge "
              f"{b['edge_at_low']} at the low end, {b['edge_at_high']} at the high end)")


def _span(span: list) -> str:
    return f"{span[0]} to {span[1]}" if isinstance(span[0], str) else str(span)


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
    from simcore.outputs.files import safe_row

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    points = data.get("points") or []
    if points:
        keys = list(points[0]["params"]) + list(points[0]["metrics"])
        w.writerow(safe_row(keys))
        for p in points:
            row = {**p["params"], **p["metrics"]}
            w.writerow(safe_row(["" if row.get(k) is None else row[k] for k in keys]))
    return buf.getvalue()


def _write(folder: Path, data: dict, quiet: bool) -> None:
    import json

    from simcore.analysis.sweep import FILES
    from simcore.outputs import plots
    from simcore.outputs.folders import (
        write_atomic,
        write_atomic_with,
        write_marker,
        writing,
    )
    from simcore.outputs.lock import acquire, release

    folder.mkdir(parents=True, exist_ok=True)
    acquire(folder)
    try:
        with writing(folder / "sim-manifest.json"):
            write_marker(folder, "sim sweep", FILES)
        with writing(folder / "sweep.json"):
            write_atomic(folder / "sweep.json",
                         json.dumps(data, indent=2, allow_nan=False) + "\n")
        if data.get("points"):
            with writing(folder / "sweep.csv"):
                write_atomic(folder / "sweep.csv", sweep_csv(data))
        if data.get("tornado"):
            if plots.available():
                shown = chart_safe(data)
                with writing(folder / "tornado.png"):
                    write_atomic_with(folder / "tornado.png",
                                      lambda p: plots.tornado_chart(shown, p))
            elif not quiet:
                err.print("note: tornado.png skipped: install the plot extra")
    finally:
        release(folder)
    if not quiet:
        out.print(printable(f"wrote {', '.join(sorted(p.name for p in folder.iterdir()))} to "
                            f"{folder}"), markup=False)



