"""Rich tables of a run summary, as an analyst reads them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from cli.common import out
from cli.text import literal, printable


def _pm(block: dict, key: str) -> str:
    se = (block.get("se") or {}).get(key)
    return f"{block[key]:.2f}" + (f" ±{se:.2f}" if se is not None else "")


def print_summary(s: dict) -> None:
    cash = s["cash"]
    m = s["manifest"]
    out.print(f"[bold]{literal(s['title'])}[/] ({literal(s['scenario'])}): "
              f"{s['draws']:,} draws, seed {s['seed']}, {s['sampler']} sampler; "
              f"{s['cash']['unit']}; ± is the Monte Carlo standard error")
    if s.get("what_if"):
        out.print(Text(f"What-ifs applied: {printable('; '.join(s['what_if']))}"))
    t = Table(title="Cash at fiscal year end")
    for col in ("fiscal year", "month", "P5", "P50", "P95"):
        t.add_column(col, justify="right")
    for fy, b in cash["fy_end"].items():
        t.add_row(fy, b["month"], _pm(b, "p5"), _pm(b, "p50"), _pm(b, "p95"))
    out.print(t)

    t = Table(title="Free cash flow by fiscal year (excludes financing principal)")
    for col in ("fiscal year", "months", "P10", "P50", "P90"):
        t.add_column(col, justify="right")
    for fy, b in cash["fcf_by_fy"].items():
        t.add_row(fy, str(b["months"]), _pm(b, "p10"), _pm(b, "p50"), _pm(b, "p90"))
    out.print(t)

    print_headlines(s)
    if s.get("cash_positive"):
        print_cash_positive(s["cash_positive"])
    print_debt(s)
    print_bridge(s["bridge"])
    if s.get("launches"):
        print_launches(s["launches"])
    for c in s.get("correlations", []):
        out.print(f"rank correlation {literal(c['inputs'][0])} ~ {literal(c['inputs'][1])}: "
                  f"target {c['target']:+.2f}, achieved {c['achieved']:+.3f} "
                  f"({c['draws']:,} draws)")
    out.print(f"[dim]manifest: {literal(m['scenario_file'])} sha256 "
              f"{str(m['scenario_sha256'])[:12]}, seed {m['seed']}, {m['draws']:,} draws, "
              f"{m['sampler']}, {m['replicates']} replicates, simcore {m['version']}[/]")


# shown in the launch, FCF and debt tables
FAMILIES = ("launch.", "on_time.", "fcf.", "debt.", "net_debt.", "fcf_positive.",
            "fcf_positive_for_good_by.", "core_flow.", "fcf_before_one_offs.")
LIQUIDITY = ("min_liquidity", "min_liquidity_month", "liquidity_breach")
NEVER = {"min_cash_month": "-", "first_breach_month": "never", "fcf_positive_month":
         "not by horizon", "deal_month": "not closed"}


def _outcome_cell(name: str, r: dict) -> str:
    if r["kind"] == "probability":
        return f"{r['p']:.1%}" + (f" ±{r['se']:.1%}" if r.get("se") is not None else "")
    if r["kind"] == "share":
        return " / ".join(f"{r[k]:.1%}" for k in ("p5", "p50", "p95"))
    if r["kind"] == "month":
        return " / ".join(str(r[k] or NEVER.get(name, "never")) for k in ("p10", "p50", "p90"))
    if r["kind"] == "price":
        return " / ".join(_pm(r, k) for k in ("p10", "p50", "p90"))
    return " / ".join(_pm(r, k) for k in ("p5", "p50", "p95"))


def _outcome_label(r: dict) -> str:
    qs = {"probability": "P", "month": "P10 / P50 / P90", "price": "P10 / P50 / P90"}.get(
        r["kind"], "P5 / P50 / P95")
    unit = "" if r["kind"] in ("probability", "month", "share") else f", {r['unit']}"
    return f"{r['label']} {qs}{unit}" if qs != "P" else f"P({r['label']})"


def print_headlines(s: dict) -> None:
    """Every registered outcome but the per-programme and per-year ones, then the breach
    by fiscal year."""
    cash = s["cash"]
    t = Table(title=f"Headlines (floor {cash['floor']:g} {cash.get('floor_unit', 'USD bn')}; "
                    "every outcome: "
                    "sim outcomes)")
    t.add_column("outcome")
    t.add_column("value", justify="right")
    lines = bool(s["liquidity"]["credit_lines"])
    for name, r in s["outcomes"].items():
        if name.startswith(FAMILIES) or name in ("first_breach_month",
                                                 "first_liquidity_breach_month"):
            continue   # first breach: shown among the draws that breach, below
        if name in LIQUIDITY and not lines:
            continue   # without credit lines liquidity is cash: the cash rows say it
        t.add_row(literal(_outcome_label(r)), _outcome_cell(name, r))
        if name == "breach":
            t.add_row("  by the end of", ", ".join(f"{k} {v:.1%}"
                                                   for k, v in cash["breach_by_fy"].items()))
            if cash["p_breach"] > 0:
                fb = cash["first_breach_month"]
                t.add_row("  first breach P10 / P50 / P90 (draws that breach)",
                          " / ".join(str(fb[k] or "never") for k in ("p10", "p50", "p90")))
    if not lines:
        t.caption = "no credit lines: liquidity equals cash"
    out.print(t)


def print_cash_positive(cp: dict, years: tuple[int, ...] = (2026, 2027)) -> None:
    """The readings of "cash positive in <year>": P(FCF > 0) over the fiscal year, over
    the calendar year, and P(monthly FCF positive for good by December)."""
    kinds = ("fiscal_year", "calendar_year", "for_good_by_december")
    keys = {kind: {k[2:]: r for k, r in cp[kind].items()} for kind in kinds}
    shown = [str(y) for y in years if any(str(y) in keys[kind] for kind in kinds)] or \
        sorted({y for kind in kinds for y in keys[kind]})[:2]
    t = Table(title="Cash positive readings: P(free cash flow > 0), ± standard error")
    for col in ("year", "fiscal year (Apr-Mar)", "calendar year (Jan-Dec)",
                "for good by December"):
        t.add_column(col, justify="right")

    def cell(kind: str, y: str, name: str) -> str:
        r = keys[kind].get(y)
        if r is None:
            return "- (outside horizon)"
        se = f" ±{r['se']:.1%}" if r.get("se") is not None else ""
        return f"{name}{y}: {r['p']:.1%}{se}"

    for y in shown:
        t.add_row(y, cell("fiscal_year", y, "FY"), cell("calendar_year", y, "CY"),
                  cell("for_good_by_december", y, "Dec "))
    t.caption = "for good by December: FCF positive every month from then to the horizon"
    out.print(t)


def print_debt(s: dict) -> None:
    """Borrowings, net debt and liquidity at each fiscal year's end (P50 [P5, P95])."""
    d, liq = s["debt"], s["liquidity"]
    t = Table(title=f"Debt and liquidity at fiscal year end, P50 [P5, P95] ({d['unit']}; "
                    "liquidity: cash + undrawn lines)")
    for col in ("fiscal year", "debt", "net debt", "liquidity"):
        t.add_column(col, justify="right")

    def cell(b: dict) -> str:
        return f"{b['p50']:.2f} [{b['p5']:.2f}, {b['p95']:.2f}]"

    for fy, b in d["fy_end"].items():
        t.add_row(fy, cell(b), cell(d["net_debt_fy_end"][fy]), cell(liq["fy_end"][fy]))
    out.print(t)


def print_bridge(b: dict) -> None:
    """Opening cash, the mean contribution of each component, ending cash."""
    t = Table(title=f"Cash bridge: mean over draws, {b['unit']} (opening + components = "
                    "ending)")
    t.add_column("component")
    t.add_column("mean", justify="right")
    t.add_row("opening cash", f"{b['opening']:.2f}")
    for name, x in b["components"].items():
        if abs(x) >= 5e-4:
            t.add_row(literal(f"  {name.replace('_', ' ')}"), f"{x:+.2f}")
    t.add_row("[bold]ending cash[/]", f"[bold]{b['ending']:.2f}[/]")
    out.print(t)


def print_launches(launches: dict) -> None:
    t = Table(title="Launches: start of production (main driver: what added most delay, "
                    "share of draws)")
    for col in ("programme", "plant", "announced", "P10", "P50", "P90", "P(on time)",
                "mean delay", "cancelled", "main driver"):
        t.add_column(col, justify="left" if col in ("programme", "plant", "main driver")
                     else "right", overflow="fold",
                     min_width=36 if col == "main driver" else (17 if col == "programme"
                                                                 else None))
    for name, r in launches.items():
        top = r.get("drivers", [{}])[0]
        driver = f"{top['driver']} ({top['p_main']:.0%})" if top.get("p_main") else "-"
        delay = r["mean_delay_months"]
        t.add_row(literal(name), literal(r.get("plant") or "-"), literal(r["target"] or "-"),
                  *(str(r[k] or "never") for k in ("p10", "p50", "p90")),
                  "-" if r["p_on_time"] is None else f"{r['p_on_time']:.0%}",
                  "-" if delay is None else f"{delay:+.1f} mo",
                  f"{r['p_cancelled']:.0%}", literal(driver))
    out.print(t)
