"""The decision table of ``sim compare``: options as rows, headline outcomes as columns.

Each cell: the option's value (P50, or the probability), its rank by mean regret
(``#1``; ties share a rank), the mean paired difference from the baseline with its
95% interval, and the shares of draws in which the option is better (▲) or worse (▼)
than the baseline by more than the outcome's materiality. Below it, the options
with a deal split by whether the deal closed or collapsed. User text (option names)
is printed literally, never as markup.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from cli.common import out
from cli.text import printable

PCT_KINDS = ("probability", "share")
# Column headers short enough for nine options in 120 columns (labels otherwise).
SHORT = {"min_liquidity": "min liquidity", "min_cash": "min cash",
         "liquidity_breach": "liq. < floor", "breach": "cash < floor",
         "ending_cash": "ending cash", "value_per_share": "value/share",
         "equity_value": "equity value", "dilution": "dilution",
         "launches_on_time": "on time"}
UNIT = {"probability": "P", "share": "mean", "price": "/share"}


def _value(kind: str, stat: dict) -> str:
    """The option's central value, formatted as in the report (one formatter)."""
    from simcore.outputs.report_view import value

    return value(kind, stat)


def _delta(kind: str, pair: dict) -> str:
    """``+0.14±0.01`` (money, price), ``-1.9±0.7pt`` (probabilities and shares)."""
    mean, ci = pair.get("diff_mean"), pair.get("diff_mean_ci") or [None, None]
    if mean is None:
        return "Δ n/a"
    scale, unit = (100.0, "pt") if kind in PCT_KINDS else (1.0, "")
    half = None if None in ci else (ci[1] - ci[0]) / 2
    spread = "" if half is None else f"±{scale * half:.{1 if unit else 2}f}"
    return f"{scale * mean:+.{1 if unit else 2}f}{spread}{unit}"


def _odds(pair: dict) -> str:
    if pair.get("p_better") is None:
        return ""
    return f"▲{pair['p_better']:.0%} ▼{pair['p_worse']:.0%}"


def _cell(data: dict, metric: str, option: str) -> Text:
    stat = data["metrics"][metric].get(option)
    if stat is None:
        return Text("-")
    kind = data["outcomes"][metric]["kind"]
    rank = data.get("ranks", {}).get(metric, {}).get(option)
    head = _value(kind, stat) + ("" if rank is None else f" #{rank}")
    if option == data["baseline"]:
        return Text(f"{head}\nbaseline")
    pair = data["paired"].get(metric, {}).get(option, {})
    return Text(f"{head}\n{_delta(kind, pair)}\n{_odds(pair)}".rstrip())


def _header(data: dict, metric: str) -> str:
    rec = data["outcomes"][metric]
    unit = UNIT.get(rec["kind"], rec["unit"]).replace("/share", rec["unit"].split()[0]
                                                       + "/share")
    return f"{SHORT.get(metric, rec['label'])}\n{unit}"


def _table(data: dict, first: str) -> Table:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_lines=False, padding=(0, 1))
    width = max(len(first), 19, *(len(o) for o in data["options"]))
    t.add_column(first, no_wrap=True, min_width=width)
    for metric in data["headline"]:
        t.add_column(_header(data, metric), justify="right", no_wrap=True)
    return t


def decision_table(data: dict) -> Table:
    """Options as rows (baseline first), headline outcomes as columns."""
    t = _table(data, "option")
    base = data["baseline"]
    for option in [base, *(o for o in data["options"] if o != base)]:
        t.add_row(Text(printable(option)), *(_cell(data, m, option) for m in data["headline"]),
                  end_section=True)
    return t


def _materiality_note(data: dict) -> str:
    """``0.1 USD bn; 0.05 USD per share; 1 pt of shares; any change in probabilities``."""
    texts: list[str] = []
    for metric in data["headline"]:
        rec = data["outcomes"][metric]
        m, kind = rec["materiality"], rec["kind"]
        if kind == "probability":
            text = "any change in a probability" if m == 0 else f"{m:g} per draw"
        elif kind == "share":
            text = f"{100 * m:g} pt of a share"
        else:
            text = f"{m:g} {rec['unit']}"
        if text not in texts:
            texts.append(text)
    return "; ".join(texts)


def conditional_table(data: dict) -> Table | None:
    """The options with a deal, in the draws where it closed and where it collapsed."""
    if not data.get("conditional"):
        return None
    t = _table(data, "option: deal")
    for option, split in data["conditional"].items():
        for case in ("closed", "collapsed"):
            part = split[case]
            when = part.get("close_month", {}).get("p50") if case == "closed" else None
            label = f"{printable(option)}\n {case} {part['share']:.0%}" + (
                f" {when}" if when else "")
            cells = []
            for metric in data["headline"]:
                stat = part["metrics"].get(metric)
                if stat is None:
                    cells.append(Text("-"))
                    continue
                kind = data["outcomes"][metric]["kind"]
                cells.append(Text(f"{_value(kind, stat)}\n{_delta(kind, stat)}"))
            t.add_row(Text(label), *cells, end_section=case == "collapsed")
    return t


def print_decision(data: dict) -> None:
    """The decision table, the split by deal, and how to read them."""
    opts, base = data["options"], data["baseline"]
    out.print(Text(f"{len(opts)} options on common random numbers: {data['draws']:,} draws, "
                   f"seed {data['seed']}, money in {data['currency']}; baseline: {base}."))
    if data.get("what_if"):
        out.print(Text(f"What-ifs applied to every option that has the path: "
                       f"{printable('; '.join(data['what_if']))}"))
    out.print(Text(
        "Each cell: P50 (probabilities: P; shares: mean) and #rank by mean regret (regret: how\n"
        "far short of the best option in the same draw; regrets within the materiality tie);\n"
        f"mean per-draw difference from {base} ±95% interval (pt: points), so it need not\n"
        "equal the difference of the P50s;\n"
        "▲/▼: share of draws better/worse than the baseline by more than the materiality\n"
        f"({_materiality_note(data)}; --materiality)."))
    out.print(decision_table(data))
    cond = conditional_table(data)
    if cond is not None:
        out.print(Text("If the deal closes or collapses (share of draws, close month P50);\n"
                       "each cell: P50 (probabilities: P; shares: mean), and the mean "
                       f"difference from {base} in those draws:"))
        out.print(cond)
    out.print(Text("Every outcome (per programme, per year, regret): --json or compare.csv."))
