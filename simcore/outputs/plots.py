"""Charts (the ``plot`` extra: matplotlib). Import fails with a clear message without it."""

from __future__ import annotations

from pathlib import Path

from simcore.errors import SimError
from simcore.timeline import month_index, parse_month


class MissingExtra(SimError):
    """An optional package a feature needs is not installed."""


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtra("charts need matplotlib: pip install -e '.[plot]'") from None
    return plt


def available() -> bool:
    try:
        _pyplot()
    except MissingExtra:
        return False
    return True


def fan_chart(summary: dict, path: Path) -> None:
    """Cash percentile bands per month, the floor and the median path, annotated."""
    plt = _pyplot()
    cash = summary["cash"]
    x = range(len(cash["months"]))
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    ax.fill_between(x, cash["p5"], cash["p95"], color="#9ecae1", alpha=0.6, label="P5-P95")
    ax.fill_between(x, cash["p25"], cash["p75"], color="#4292c6", alpha=0.6, label="P25-P75")
    ax.plot(x, cash["p50"], color="#08306b", lw=2, label="median")
    if cash.get("floor_unit", cash["unit"]) == cash["unit"]:   # else: not on this axis
        ax.axhline(cash["floor"], color="#cb181d", ls="--", lw=1.2,
                   label=f"floor {cash['floor']:g}")
    i_min = min(range(len(cash["p50"])), key=lambda i: cash["p50"][i])
    ax.annotate(f"median path's low {cash['p50'][i_min]:.1f} ({cash['months'][i_min]}); "
                f"per-draw minimum P50 {cash['min']['p50']:.1f}",
                (i_min, cash["p50"][i_min]), xytext=(10, -30), textcoords="offset points",
                arrowprops={"arrowstyle": "->"})
    ax.set_title(f"{summary['title']}: cash, {summary['draws']:,} draws "
                 f"(P(below floor) = {cash['p_breach']:.1%})")
    ax.set_ylabel(f"cash, {cash['unit']}")
    ticks = [i for i, m in enumerate(cash["months"]) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{cash['months'][i][:4]}" for i in ticks])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def waterfall(summary: dict, path: Path) -> None:
    """The cash bridge: opening cash, each component's mean contribution, ending cash."""
    plt = _pyplot()
    b = summary["bridge"]
    parts = [(k, x) for k, x in b["components"].items() if abs(x) >= 5e-4]
    fig, ax = plt.subplots(figsize=(max(8, 1.0 * len(parts) + 3), 5.5), dpi=110)
    ax.bar(0, b["opening"], color="#4292c6")
    level = b["opening"]
    pad = 0.01 * max(abs(b["opening"]), abs(b["ending"]), 1e-9)
    for i, (_name, x) in enumerate(parts, start=1):
        ax.bar(i, x, bottom=level, color="#41ab5d" if x >= 0 else "#cb181d")
        ax.text(i, level + max(x, 0) + pad, f"{x:+.2f}", ha="center", fontsize=8)
        level += x
    ax.bar(len(parts) + 1, b["ending"], color="#08306b")
    names = ["opening", *(k.replace("items.", "").replace("_", " ") for k, _ in parts),
             "ending"]
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel(f"cash, {b['unit']}")
    ax.set_title(f"{summary['title']}: cash bridge, mean of {summary['draws']:,} draws "
                 f"({b['opening']:.1f} to {b['ending']:.1f})")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def target_month(start: tuple[int, int], r: dict) -> int | None:
    """A launch record's latest on-time start of production as a month index (a window
    target's ``target_sop``, a legacy target's month); None without a target."""
    label = r.get("target_sop") or r.get("target")
    try:
        return month_index(start, label)
    except ValueError:
        return None


def gantt(summary: dict, path: Path) -> None:
    """P10-P90 bars of each programme's start of production, the P50, and its target."""
    plt = _pyplot()
    start = parse_month(summary["cash"]["months"][0])
    horizon = len(summary["cash"]["months"])
    rows = list(summary["launches"].items())
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(rows) + 1.8), dpi=110)
    for y, (_, r) in enumerate(reversed(rows)):
        def at(key, r=r):
            return month_index(start, r[key]) if r[key] else horizon

        lo, mid, hi = at("p10"), at("p50"), at("p90")
        ax.barh(y, max(hi - lo, 0.4), left=lo, color="#6baed6", height=0.5)
        ax.plot([mid], [y], "o", color="#08306b")
        tgt = target_month(start, r)
        if tgt is not None:
            ax.plot([tgt], [y], "D", color="#cb181d", ms=7)
            ax.text(hi + 0.7, y, f"on time {r['p_on_time']:.0%}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [n for n, _ in reversed(rows)])
    ticks = [i for i, m in enumerate(summary["cash"]["months"]) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{summary['cash']['months'][i][:4]}" for i in ticks])
    tgts = [t for _, r in rows if (t := target_month(start, r)) is not None]
    ax.set_xlim(min(0, *tgts) - 1, horizon + 8)
    ax.plot([], [], "s", color="#6baed6", label="P10-P90")
    ax.plot([], [], "o", color="#08306b", label="P50")
    ax.plot([], [], "D", color="#cb181d", label="announced")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{summary['title']}: start of production, {summary['draws']:,} draws")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


COLOURS = ("#08519c", "#cb181d", "#238b45", "#6a51a3", "#d94801", "#525252", "#ce1256",
           "#0c7c82")


def compare_fans(summaries: dict[str, dict], path: Path) -> None:
    """Each option's median cash path and P5-P95 band, overlaid."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    floor = None
    for k, (name, s) in enumerate(summaries.items()):
        cash = s["cash"]
        x = range(len(cash["months"]))
        colour = COLOURS[k % len(COLOURS)]
        if k == 0:   # one band (the first option's) keeps the chart readable
            ax.fill_between(x, cash["p5"], cash["p95"], color=colour, alpha=0.12,
                            label=f"{name} P5-P95")
        ax.plot(x, cash["p50"], color=colour, lw=2, ls=("-", "--", ":", "-.")[k // 8 % 4],
                label=f"{name} P50")
        floor, months = cash["floor"], cash["months"]
    if cash.get("floor_unit", cash["unit"]) == cash["unit"]:
        ax.axhline(floor, color="black", ls="--", lw=1, label=f"floor {floor:g}")
    ticks = [i for i, m in enumerate(months) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{months[i][:4]}" for i in ticks])
    ax.set_ylabel(f"cash, {cash['unit']}")
    ax.set_title("Cash by option (median paths), common random numbers")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def compare_launches(summaries: dict[str, dict], path: Path) -> None:
    """Per programme, each option's P10-P90 launch bar and P50, against the target."""
    plt = _pyplot()
    first = next(iter(summaries.values()))
    start = parse_month(first["cash"]["months"][0])
    horizon = len(first["cash"]["months"])
    progs = list(first.get("launches", {}))
    n = len(summaries)
    fig, ax = plt.subplots(figsize=(10, 0.35 * n * len(progs) + 2), dpi=110)
    for j, prog in enumerate(progs):
        for k, (name, s) in enumerate(summaries.items()):
            r = s.get("launches", {}).get(prog)
            if r is None:
                continue
            y = j * (n + 1) + k
            at = [month_index(start, r[q]) if r[q] else horizon for q in ("p10", "p50", "p90")]
            colour = COLOURS[k % len(COLOURS)]
            ax.barh(y, max(at[2] - at[0], 0.4), left=at[0], color=colour, alpha=0.5,
                    height=0.8, label=name if j == 0 else None)
            ax.plot([at[1]], [y], "o", color=colour, ms=4)
        tgt = target_month(start, first["launches"][prog])
        if tgt is not None:
            ax.plot([tgt, tgt], [j * (n + 1) - 0.5, j * (n + 1) + n - 0.5], color="black",
                    lw=2)
    ax.set_yticks([j * (n + 1) + (n - 1) / 2 for j in range(len(progs))], progs)
    ax.invert_yaxis()
    months = first["cash"]["months"]
    ticks = [i for i, m in enumerate(months) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{months[i][:4]}" for i in ticks])
    ax.set_title("Start of production by option (bar P10-P90, dot P50, black line: announced)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def tornado_chart(data: dict, path: Path, top: int = 15) -> None:
    """Bars from the metric at each input's P10 to its P90, largest swing on top."""
    plt = _pyplot()
    rows = data["tornado"][:top]
    base = rows[0]["base"]
    fig, ax = plt.subplots(figsize=(10, 0.4 * len(rows) + 1.6), dpi=110)
    for y, r in enumerate(reversed(rows)):
        lo, hi = r["low"], r["high"]
        ax.barh(y, hi - base, left=base, color="#2171b5", height=0.6,
                label="input at P90" if y == 0 else None)
        ax.barh(y, lo - base, left=base, color="#fb6a4a", height=0.6,
                label="input at P10" if y == 0 else None)
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(range(len(rows)), [r["input"] for r in reversed(rows)], fontsize=8)
    ax.set_xlabel(f"{data['tornado_metric']} (base {base:.3g})")
    ax.set_title(f"{data['scenario']}: tornado of {data['tornado_metric']}")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
