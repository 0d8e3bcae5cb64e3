"""The report's supporting tables as display rows: launches, the cash bridge, the top
drivers, every input with its source, and the run manifest."""

from __future__ import annotations

from simcore.outputs.report_data import ReportData

TORNADO_ROWS = 12
BRIDGE_TINY = 5e-4   # USD bn: a component this small in every option is left out


def launch_rows(data: ReportData) -> list[dict]:
    """One row per programme and distinct result: options whose launch figures are the
    same share a row (``options`` lists them), programmes in the order the options list
    them, the baseline first."""
    programmes: dict[str, str] = {}
    for s in data.summaries.values():
        for name, r in s.get("launches", {}).items():
            programmes.setdefault(name, r.get("title") or name)
    rows = []
    for prog, title in programmes.items():
        groups: dict[str, dict] = {}
        for option in _options(data):
            r = data.summaries[option].get("launches", {}).get(prog)
            if r is not None:
                cells = _launch_cells(r)
                key = repr(sorted(cells.items()))
                groups.setdefault(key, {**cells, "options": []})["options"].append(option)
        for k, group in enumerate(groups.values()):
            rows.append({"programme": prog, "title": title, "first": k == 0, **group,
                         "options": _option_list(data, group["options"])})
    return rows


def _option_list(data: ReportData, names: list[str]) -> str:
    every = data.comparison["options"]
    return "all options" if len(every) > 1 and set(names) == set(every) else ", ".join(names)


def _launch_cells(r: dict) -> dict:
    top = (r.get("drivers") or [{}])[0]
    delay = r.get("mean_delay_months")
    return {"target": r.get("target") or "-",
            "p10": r["p10"] or "never", "p50": r["p50"] or "never", "p90": r["p90"] or "never",
            "on_time": "-" if r.get("p_on_time") is None else f"{r['p_on_time']:.0%}",
            "delay": "-" if delay is None else f"{delay:+.1f} mo",
            "cancelled": f"{r.get('p_cancelled') or 0:.0%}",
            "driver": f"{top['driver']} ({top['p_main']:.0%})" if top.get("p_main") else "-"}


def _options(data: ReportData) -> list[str]:
    """The options, baseline first."""
    base = data.comparison["baseline"]
    return [base, *(o for o in data.comparison["options"] if o != base)]


def bridge_table(data: ReportData) -> dict:
    """The cash bridge, components as rows and options as columns (mean over draws)."""
    options = _options(data)
    bridges = {o: data.summaries[o]["bridge"] for o in options}
    names: list[str] = []
    for b in bridges.values():
        names += [k for k in b["components"] if k not in names]
    shown = [k for k in names
             if any(abs(b["components"].get(k, 0.0)) >= BRIDGE_TINY for b in bridges.values())]
    rows = [{"label": "opening cash", "cells": [f"{bridges[o]['opening']:.2f}"
                                                for o in options], "total": True}]
    rows += [{"label": k.replace("items.", "item: ").replace("_", " "), "total": False,
              "cells": ["-" if k not in bridges[o]["components"]
                        else f"{bridges[o]['components'][k]:+.2f}" for o in options]}
             for k in shown]
    rows.append({"label": "ending cash", "cells": [f"{bridges[o]['ending']:.2f}"
                                                   for o in options], "total": True})
    return {"options": options, "unit": next(iter(bridges.values()))["unit"], "rows": rows}


def tornado_rows(rows: list[dict], top: int = TORNADO_ROWS) -> list[dict]:
    """The largest swings: the input held low and high (as read: a date, a number with
    its unit, happens or not) and the metric there."""
    out = []
    for r in rows[:top]:
        labels = r.get("labels") or [f"{r['input_low']:.4g}", f"{r['input_high']:.4g}"]
        out.append({"input": r["input"], "low_at": labels[0], "high_at": labels[1],
                    "low": _num(r["low"]), "high": _num(r["high"]), "swing": _num(r["swing"])})
    return out


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def sobol_table(data: ReportData, option: str) -> dict:
    """Share of each outcome's variance by basis of the inputs: S (the group alone) and
    ST (with its interactions)."""
    sob = data.sobol[option]
    groups = list(sob["groups"])
    rows = []
    for metric, recs in sob["metrics"].items():
        by = {r["group"]: r for r in recs}
        label = data.comparison["outcomes"].get(metric, {}).get("label", metric)
        rows.append({"metric": label, "cells": [_sobol_cell(by.get(g)) for g in groups]})
    return {"option": option, "evaluations": f"{sob['evaluations']:,}",
            "groups": [f"{g} ({len(sob['groups'][g])})" for g in groups], "rows": rows}


def _sobol_cell(r: dict | None) -> str:
    if r is None or r["S"] is None or r["ST"] is None:
        return "-"
    return f"S {max(r['S'], 0.0):.2f} · ST {r['ST']:.2f}"


def input_rows(data: ReportData) -> list[dict]:
    """Every input of every option with its distribution and source: the facts (id,
    source file, locator, publication date) and the stated judgement or derivation."""
    rows = []
    for r in data.inputs:
        rows.append({"path": r["path"], "distribution": r["distribution"],
                     "unit": r.get("unit") or "", "basis": r["basis"],
                     "defined_in": r.get("defined_in", ""),
                     "options": _option_list(data, r["options"]),
                     "facts": [_fact(f) for f in r.get("facts", [])],
                     "assumption": r.get("assumption") or "", "note": r.get("note") or ""})
    return rows


def _fact(f: dict) -> dict:
    source = str(f.get("source") or "")
    where = f"row {f['locator']}" if source.endswith(".md") else f"“{f['locator']}”"
    return {"id": f["id"], "source": source, "locator": where, "says": f.get("says") or "",
            "published": f.get("published") or "unknown",
            "reliability": f.get("reliability") or ""}


def basis_counts(data: ReportData) -> dict[str, int]:
    """How many of the listed inputs rest on each basis."""
    out = {"fact": 0, "derived": 0, "judgement": 0}
    for r in data.inputs:
        out[r["basis"]] = out.get(r["basis"], 0) + 1
    return out


def manifest_rows(data: ReportData) -> list[dict]:
    """Per option: the scenario file, its resolved SHA-256, seed, draws, sampler,
    replicates, currency and version."""
    rows = []
    for option in _options(data):
        m = data.summaries[option]["manifest"]
        rows.append({"option": option, "file": m.get("scenario_file") or "",
                     "sha256": m.get("scenario_sha256") or "", "seed": str(m["seed"]),
                     "draws": f"{m['draws']:,}", "sampler": m.get("sampler", ""),
                     "replicates": str(m.get("replicates", "")),
                     "currency": m.get("currency", ""), "version": m.get("version", "")})
    return rows


def settings_rows(data: ReportData) -> list[tuple[str, str]]:
    """The report's own settings: what was run beyond the comparison."""
    s = data.settings
    tornado = "not run" if not s.tornado_draws else (
        f"{s.metric}, {s.tornado_draws:,} draws per point, "
        + ("every option" if s.tornado_all else "the baseline"))
    sobol = "not run" if not s.sobol_n else f"N = {s.sobol_n}, grouped by basis"
    return [("draws per option", f"{s.draws:,}"), ("seed", str(s.seed)),
            ("baseline", data.comparison["baseline"]),
            ("currency", data.comparison.get("currency", "")),
            ("tornado", tornado), ("Sobol indices", sobol),
            ("what-ifs applied", "; ".join(data.comparison.get("what_if", [])) or "none"),
            *((k, v) for k, v in data.versions.items())]
