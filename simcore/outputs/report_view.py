"""The report's tables as rows of display text: numbers formatted once, here.

Each function takes the plain data of :mod:`.report_data` and returns lists of
dicts of strings the template lays out. Keys the comparison gained later
(``diff_mean_ci``, ``p_better``, ``ranks``, ``conditional``, ``materiality``) are
read with ``.get`` and fall back to the older ones (``diff_mean``, ``p_beats``,
``ranking``), so the page renders from either.
"""

from __future__ import annotations

from simcore.outputs.report_data import ReportData

PCT_KINDS = ("probability", "share")
NEVER = "never"


def value(kind: str, stat: dict) -> str:
    """The option's central value: a probability; the mean of a share (0 in most draws,
    as dilution often is: the mean says more); else the P50."""
    if kind == "probability":
        return f"{stat['p']:.1%}"
    if kind == "month":
        return str(stat.get("p50") or NEVER)
    if kind == "share":
        return "n/a" if stat.get("mean") is None else f"{stat['mean']:.1%}"
    return "n/a" if stat.get("p50") is None else f"{stat['p50']:.2f}"


def _signed(kind: str, x: float | None) -> str:
    if x is None:
        return "n/a"
    if kind in PCT_KINDS:
        return f"{100 * x:+.1f}"
    return f"{x:+.1f}" if kind == "month" else f"{x:+.2f}"


def delta_unit(kind: str) -> str:
    return {"probability": " pt", "share": " pt", "month": " mo"}.get(kind, "")


def delta(kind: str, pair: dict) -> str:
    """``Δ +0.14`` (``Δ +2.7 pt``, ``Δ +1.0 mo``): the mean paired difference from the
    baseline (points for probabilities and shares, months for months); ``same in every
    draw`` when every paired difference is zero."""
    mean = pair.get("diff_mean")
    if mean is None:
        return "Δ n/a"
    if same(pair):
        return "same in every draw"
    return f"Δ {_signed(kind, mean)}{delta_unit(kind)}"


def same(pair: dict) -> bool:
    """Is the option equal to the baseline in every draw (all paired differences 0)?"""
    return all(pair.get(k) == 0 for k in ("diff_p5", "diff_p95", "diff_mean")) and \
        pair.get("diff_mean_ci") in (None, [0, 0], [0.0, 0.0])


def interval(kind: str, pair: dict) -> str:
    """``[+0.12, +0.16]``: the 95% interval of the mean difference, in :func:`delta`'s
    unit (empty when the comparison has none)."""
    ci = pair.get("diff_mean_ci")
    if pair.get("diff_mean") is None or not ci or None in ci or same(pair):
        return ""
    return f"[{_signed(kind, ci[0])}, {_signed(kind, ci[1])}]"


def odds(pair: dict) -> str:
    """How sure: better / worse than the baseline by more than the materiality, or
    (older comparisons) the share of draws in which the option is strictly better."""
    if same(pair):
        return ""
    if pair.get("p_better") is not None:
        return f"better {pair['p_better']:.0%} · worse {pair['p_worse']:.0%}"
    if pair.get("p_beats") is not None:
        return f"beats baseline in {pair['p_beats']:.0%}"
    return ""


def tone(rec: dict, pair: dict) -> str:
    """``good``/``bad`` when the option is better/worse than the baseline on average by
    at least the outcome's materiality and the 95% interval of the mean difference lies
    wholly on that side of zero; else empty (a difference too small or too unsure)."""
    ci, mean = pair.get("diff_mean_ci"), pair.get("diff_mean")
    if rec.get("direction") not in ("higher", "lower") or not ci or None in ci or mean is None:
        return ""
    sign = 1 if rec["direction"] == "higher" else -1
    lo, hi = sorted((sign * ci[0], sign * ci[1]))
    if abs(mean) < (rec.get("materiality") or 0.0) or same(pair):
        return ""
    return "good" if lo > 0 else ("bad" if hi < 0 else "")


def _rank(cmp: dict, metric: str, option: str) -> str:
    if len(cmp["options"]) < 2:
        return ""
    ranks = cmp.get("ranks", {}).get(metric)
    if ranks is not None:
        return "" if ranks.get(option) is None else f"#{ranks[option]}"
    order = cmp.get("ranking", {}).get(metric)
    return f"#{order.index(option) + 1}" if order and option in order else ""


def columns(data: ReportData) -> list[dict]:
    """The decision table's headline outcomes: label, unit and materiality."""
    out = []
    for name in data.headline:
        rec = data.comparison["outcomes"][name]
        unit = {"probability": "probability", "share": "share, mean"}.get(rec["kind"],
                                                                          rec["unit"])
        out.append({"name": name, "label": rec["label"], "unit": unit,
                    "direction": {"higher": "higher better", "lower": "lower better"}
                    .get(rec.get("direction") or "", ""),
                    "materiality": _materiality(rec)})
    return out


def _materiality(rec: dict) -> str:
    m = rec.get("materiality")
    if m is None:
        return ""
    if rec["kind"] in PCT_KINDS:
        return f"material > {100 * m:g} pt"
    return f"material > {m:g}{delta_unit(rec['kind'])}"


def decision_rows(data: ReportData) -> list[dict]:
    """Options as rows (baseline first), one cell per headline outcome."""
    cmp = data.comparison
    base = cmp["baseline"]
    order = [base, *(o for o in cmp["options"] if o != base)]
    titles = {s["name"]: s["title"] for s in data.scenarios}
    return [{"option": opt, "title": titles.get(opt, ""), "is_base": opt == base,
             "cells": [_cell(cmp, m, opt) for m in data.headline]} for opt in order]


def _cell(cmp: dict, metric: str, option: str) -> dict:
    stat = cmp["metrics"][metric].get(option)
    rec = cmp["outcomes"][metric]
    if stat is None:
        return {"metric": metric, "value": "-", "rank": "", "delta": "", "ci": "",
                "odds": "", "tone": ""}
    cell = {"metric": metric, "value": value(rec["kind"], stat),
            "rank": _rank(cmp, metric, option), "delta": "", "ci": "", "odds": "", "tone": ""}
    pair = cmp.get("paired", {}).get(metric, {}).get(option)
    if option != cmp["baseline"] and pair is not None and len(cmp["options"]) > 1:
        cell.update(delta=delta(rec["kind"], pair), ci=interval(rec["kind"], pair),
                    odds=odds(pair), tone=tone(rec, pair))
    return cell


def conditional_rows(data: ReportData) -> list[dict]:
    """Each option with a deal, split by whether it closed or collapsed: the share of
    draws and each headline outcome's value and difference from the baseline."""
    cmp, rows = data.comparison, []
    several = len(cmp["options"]) > 1   # one option: its own baseline, no difference
    for option, split in (cmp.get("conditional") or {}).items():
        for case in ("closed", "collapsed"):
            part = split.get(case) or {}
            cells = [_split_cell(cmp["outcomes"][m], (part.get("metrics") or {}).get(m),
                                 several) for m in data.headline]
            share = part.get("share")
            rows.append({"option": option, "case": case, "cells": cells,
                         "share": "-" if share is None else f"{share:.0%}"})
    return rows


def _split_cell(rec: dict, stat: dict | None, several: bool) -> dict:
    """A cell of the closed / collapsed split: the value and, against a baseline, the
    mean difference in the same draws."""
    cell = {"value": "-", "delta": "", "ci": "", "tone": ""}
    if stat is not None:
        cell["value"] = value(rec["kind"], stat)
        if several:
            cell.update(delta=delta(rec["kind"], stat), ci=interval(rec["kind"], stat),
                        tone=tone(rec, stat))
    return cell


def option_rows(data: ReportData) -> list[dict]:
    """The options: title, description, file, and the deal's partner and P(close)."""
    deals = data.comparison.get("deals", {})
    base = data.comparison["baseline"]
    rows = []
    for s in sorted(data.scenarios, key=lambda s: s["name"] != base):
        deal = deals.get(s["name"]) or {}
        rows.append({**s, "is_base": s["name"] == data.comparison["baseline"],
                     "partner": (s["deal"] or {}).get("partner", ""),
                     "terms": (s["deal"] or {}).get("terms", ""),
                     "p_close": "" if deal.get("p_close") is None
                     else f"{deal['p_close']:.0%}",
                     "p_close_input": _input_for(data, "deal.probability", s["name"]),
                     "close_month": deal.get("close_month_p50") or ""})
    return rows


def _input_for(data: ReportData, path: str, option: str) -> str:
    """The distribution ``option`` gives the input at ``path`` (empty when it has none)."""
    for r in data.inputs:
        if r["path"] == path and option in r["options"]:
            return r["distribution"]
    return ""
