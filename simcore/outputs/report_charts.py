"""The report's charts: drawn by the public functions of :mod:`simcore.outputs.plots`
into a scratch folder and read back as base64 ``data:`` URIs, so the page carries its
images inline.

A chart whose drawing function this version of ``plots`` lacks is not drawn; the
page says so in its place instead.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simcore.outputs.report_data import ReportData


@dataclass(frozen=True)
class Chart:
    """One image of the page (``uri``), or the reason it is missing (``note``)."""

    title: str
    caption: str
    uri: str = ""
    note: str = ""


class ChartMaker:
    """Draws charts into ``folder`` by the name of a :mod:`plots` function."""

    def __init__(self, folder: Path):
        from simcore.outputs import plots

        self.plots, self.folder, self.count = plots, Path(folder), 0

    def draw(self, function: str, args: tuple, title: str, caption: str,
             **options: object) -> Chart:
        """``plots.<function>(*args, path, **options)`` as an inline PNG."""
        fn: Callable | None = getattr(self.plots, function, None)
        if fn is None:
            return Chart(title, caption, note=f"not drawn: this version of simcore has no "
                                              f"plots.{function}")
        self.count += 1
        path = self.folder / f"chart_{self.count:03d}.png"
        fn(*args, path, **options)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return Chart(title, caption, uri=f"data:image/png;base64,{data}")

    def floor(self, data: ReportData, option: str) -> dict | None:
        """The floor band of an option's run, when ``plots`` can compute it."""
        band = getattr(self.plots, "floor_band", None)
        if band is None or data.result is None:
            return None
        return band(data.result.results[option])


def options(data: ReportData) -> list[str]:
    """The options, baseline first."""
    base = data.comparison["baseline"]
    return [base, *(o for o in data.comparison["options"] if o != base)]


def charts(data: ReportData, folder: Path) -> dict[str, list[Chart]]:
    """The charts of each section of the page: ``decision``, ``cash``, ``launches``,
    ``bridge`` and ``drivers``."""
    make = ChartMaker(folder)
    return {"decision": _distributions(make, data), "cash": _cash(make, data),
            "launches": _launches(make, data),
            "bridge": [make.draw("waterfall", (data.summaries[o],),
                                 f"{o}: cash bridge", "mean contribution of each component "
                                 "over the horizon, from opening to ending cash")
                       for o in options(data)],
            "drivers": [_tornado(make, data, o, rows) for o, rows in data.tornado.items()
                        if rows]}


def _distributions(make: ChartMaker, data: ReportData) -> list[Chart]:
    if data.result is None or not data.headline:
        return []
    outcomes = [{"name": n, "label": data.comparison["outcomes"][n]["label"],
                 "unit": data.comparison["outcomes"][n]["unit"],
                 "direction": data.comparison["outcomes"][n].get("direction") or "none"}
                for n in data.headline
                if data.comparison["outcomes"][n]["kind"] != "probability"]   # 0/1 per draw
    values = {o: data.result.values[o] for o in options(data)}
    return [make.draw("ecdf_overlay", (values, outcomes, data.comparison["baseline"]),
                      "Distributions of the headline outcomes",
                      "share of draws at or below each value, per option; the baseline "
                      "black")]


def _cash(make: ChartMaker, data: ReportData) -> list[Chart]:
    out = []
    base = data.comparison["baseline"]
    if data.result is not None and len(data.comparison["options"]) > 1:
        cash = data.summaries[base]["cash"]
        out.append(make.draw("difference_fans",
                             ({o: data.result.results[o].cash for o in options(data)},
                              base, cash["months"][0], cash["unit"]),
                             f"Cash difference from {base}",
                             "per option, the per-draw difference in month-end cash from "
                             "the baseline on common random numbers: P5-P95 and P25-P75 "
                             "bands, the median and the mean"))
    for o in options(data):
        out.append(make.draw("fan_chart", (data.summaries[o],), f"{o}: cash",
                             "P5-P95 and P25-P75 of month-end cash, the median path and the "
                             "liquidity floor", floor=make.floor(data, o)))
    return out


def _launches(make: ChartMaker, data: ReportData) -> list[Chart]:
    """P(on time) by programme and option, the baseline's Gantt, and the Gantt of each
    option whose launches differ from the baseline's."""
    opts = [o for o in options(data) if data.summaries[o].get("launches")]
    if not opts:
        return []
    out = []
    if len(opts) > 1:
        out.append(make.draw("on_time_grid", ({o: data.summaries[o] for o in opts},
                                              opts[0]),
                             "P(on time) by programme and option",
                             "each cell's probability of the start of production being on "
                             "time, coloured by its change from the baseline"))
    first = data.summaries[opts[0]]["launches"]
    for o in opts:
        if o == opts[0] or data.summaries[o]["launches"] != first:
            out.append(make.draw("gantt", (data.summaries[o],), f"{o}: start of production",
                                 "P10-P90 bar and median of each programme's start of "
                                 "production against its announced window"))
    return out


def _tornado(make: ChartMaker, data: ReportData, option: str, rows: list[dict]) -> Chart:
    s = data.settings
    cash = data.summaries[option]["cash"]
    sweep = {"tornado": rows, "tornado_metric": s.metric, "scenario": option,
             "draws": s.tornado_draws, "currency": data.comparison.get("currency", "USD"),
             "start": cash["months"][0]}
    return make.draw("tornado_chart", (sweep,), f"{option}: what moves {s.metric}",
                     f"each input held at its P10 and at its P90 (an event: does not "
                     f"happen / happens) while the others stay random; "
                     f"{s.tornado_draws:,} draws per point")
