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
    ax.axhline(cash["floor"], color="#cb181d", ls="--", lw=1.2,
               label=f"floor {cash['floor']:g}")
    i_min = min(range(len(cash["p50"])), key=lambda i: cash["p50"][i])
    ax.annotate(f"median low {cash['p50'][i_min]:.1f} ({cash['months'][i_min]})",
                (i_min, cash["p50"][i_min]), xytext=(10, -30), textcoords="offset points",
                arrowprops={"arrowstyle": "->"})
    ax.set_title(f"{summary['title']}: cash, {summary['draws']:,} draws "
                 f"(P(below floor) = {cash['p_breach']:.1%})")
    ax.set_ylabel("cash, USD bn")
    ticks = [i for i, m in enumerate(cash["months"]) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{cash['months'][i][:4]}" for i in ticks])
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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
        tgt = month_index(start, r["target"])
        ax.plot([tgt], [y], "D", color="#cb181d", ms=7)
        ax.text(hi + 0.7, y, f"on time {r['p_on_time']:.0%}", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [n for n, _ in reversed(rows)])
    ticks = [i for i, m in enumerate(summary["cash"]["months"]) if m.endswith("-04")]
    ax.set_xticks(ticks, [f"FY{summary['cash']['months'][i][:4]}" for i in ticks])
    ax.set_xlim(min(0, *(month_index(start, r["target"]) for _, r in rows)) - 1, horizon + 8)
    ax.plot([], [], "s", color="#6baed6", label="P10-P90")
    ax.plot([], [], "o", color="#08306b", label="P50")
    ax.plot([], [], "D", color="#cb181d", label="announced")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"{summary['title']}: start of production, {summary['draws']:,} draws")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
