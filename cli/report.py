"""Rich tables of a run summary, as an analyst reads them."""

from __future__ import annotations

from rich.table import Table

from cli.common import out


def _pm(block: dict, key: str) -> str:
    se = (block.get("se") or {}).get(key)
    return f"{block[key]:.2f}" + (f" ±{se:.2f}" if se is not None else "")


def print_summary(s: dict) -> None:
    cash = s["cash"]
    m = s["manifest"]
    out.print(f"[bold]{s['title']}[/] ({s['scenario']}): {s['draws']:,} draws, seed {s['seed']}, "
              f"{s['sampler']} sampler; USD bn; ± is the Monte Carlo standard error")
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

    mn = cash["min"]
    t = Table(title="Headlines", show_header=True)
    t.add_column("metric")
    t.add_column("value", justify="right")
    t.add_row("minimum cash P5 / P50 / P95",
              f"{_pm(mn, 'p5')} / {_pm(mn, 'p50')} / {_pm(mn, 'p95')}")
    t.add_row("month of the minimum P5 / P50 / P95",
              " / ".join(str(mn["month"][k]) for k in ("p5", "p50", "p95")))
    t.add_row(f"P(cash below the floor of {cash['floor']:g} USD bn)",
              f"{cash['p_breach']:.1%}" + (f" ±{cash['p_breach_se']:.1%}"
                                           if cash["p_breach_se"] is not None else ""))
    by = ", ".join(f"{k} {v:.1%}" for k, v in cash["breach_by_fy"].items())
    t.add_row("  by the end of", by)
    fb = cash["first_breach_month"]
    if cash["p_breach"] > 0:
        t.add_row("  first breach P10 / P50 / P90 (draws that breach)",
                  " / ".join(str(fb[k] or "never") for k in ("p10", "p50", "p90")))
    fp = cash["fcf_positive_month"]
    t.add_row("FCF turns positive for good P10 / P50 / P90",
              " / ".join(str(fp[k] or "not by horizon") for k in ("p10", "p50", "p90")))
    t.add_row("ending cash P5 / P50 / P95",
              " / ".join(_pm(cash["ending"], k) for k in ("p5", "p50", "p95")))
    t.add_row("ending net debt P5 / P50 / P95 (negative: net cash)",
              " / ".join(_pm(cash["net_debt_ending"], k) for k in ("p5", "p50", "p95")))
    if "deal" in s:
        d = s["deal"]
        t.add_row(f"deal with {d['partner']}: P(close)", f"{d['p_close']:.1%}")
        t.add_row("  close month P10 / P50 / P90",
                  " / ".join(str(d["close_month"][k] or "not closed")
                             for k in ("p10", "p50", "p90")))
    if "dilution" in s:
        t.add_row("equity dilution P10 / P50 / P90",
                  " / ".join(f"{s['dilution'][k]:.1%}" for k in ("p10", "p50", "p90")))
    out.print(t)
    if s.get("launches"):
        print_launches(s["launches"])
    for c in s.get("correlations", []):
        out.print(f"rank correlation {c['inputs'][0]} ~ {c['inputs'][1]}: target "
                  f"{c['target']:+.2f}, achieved {c['achieved']:+.3f} ({c['draws']:,} draws)")
    out.print(f"[dim]manifest: {m['scenario_file']} sha256 {str(m['scenario_sha256'])[:12]}, "
              f"seed {m['seed']}, {m['draws']:,} draws, {m['sampler']}, "
              f"{m['replicates']} replicates, simcore {m['version']}[/]")


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
        t.add_row(name, r.get("plant") or "-", r["target"], *(str(r[k] or "never")
                                                             for k in ("p10", "p50", "p90")),
                  f"{r['p_on_time']:.0%}", "-" if delay is None else f"{delay:+.1f} mo",
                  f"{r['p_cancelled']:.0%}", driver)
    out.print(t)
