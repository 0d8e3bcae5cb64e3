"""``sim facts``: list the fact registry in ``seeds/``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.table import Table

from cli.common import err, guarded, out, print_json
from cli.text import printable
from simcore.errors import InputError, Problem

if TYPE_CHECKING:
    from simcore.provenance.facts import Fact

# (header, width at 120 characters, widest) of the table's columns: a wider console
# widens id, value, as of and locator up to their widest
COLUMNS = (("id", 24, 42), ("value", 17, 40), ("unit", 9, 13), ("kind", 11, 11),
           ("as of", 12, 28), ("published", 11, 11), ("source", 6, 6), ("trust", 6, 6),
           ("locator", 16, 80))
NARROWEST = 120


@guarded
def facts(
    source: str | None = typer.Option(None, "--source", help="only facts from this source "
                                      "file (e.g. 001_89bef3748c36b1f1.txt, or just 001)"),
    published_by: str | None = typer.Option(
        None, "--published-by", metavar="YYYY-MM-DD",
        help="only facts surely published on or before this day (their latest possible "
             "publication day); facts with an unknown date are left out"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of records"),
    seeds: Path | None = typer.Option(None, "--seeds", help="the seeds folder (default: the "
                                      "project's)"),
) -> None:
    """List the facts extracted from the sources, with their publication dates and locators."""
    from simcore.provenance.facts import fact_record, load_facts
    from simcore.provenance.facts import published_by as surely_by

    rows = list(load_facts(seeds).values())
    if source is not None:
        rows = _from_source(rows, source)
    left_out = 0
    if published_by is not None:
        day = _day(published_by)
        kept = [f for f in rows if surely_by(f, day)]
        left_out, rows = len(rows) - len(kept), kept
    note = (f"{left_out} facts left out: published after {day.isoformat()} or on an unknown "
            "date" if published_by is not None else "")
    if json_out:
        if note:
            err.print(note, highlight=False)
        print_json([fact_record(f) for f in rows])
        return
    out.print(_table(rows, note), soft_wrap=False, markup=False)


def _from_source(rows: list[Fact], source: str) -> list[Fact]:
    names = sorted({str(f.source) for f in rows})
    kept = [f for f in rows if str(f.source).startswith(source)]
    if not kept:
        raise InputError(Problem(f"no facts from '{source}'; sources are: " + ", ".join(names),
                                 path="--source"))
    return kept


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(Problem(f"expected a day YYYY-MM-DD (e.g. 2025-03-31); got {text!r}",
                                 path="--published-by")) from None


def _table(rows: list[Fact], note: str) -> Table:
    table = Table(title=f"{len(rows)} facts", caption=note or None, box=box.SIMPLE_HEAD,
                  show_edge=False, padding=0, caption_justify="left")
    widths = _whole_ids(_widths(out.width), max((len(f.id) for f in rows), default=0))
    for (header, _, _), width in zip(COLUMNS, widths, strict=True):
        table.add_column(header, overflow="fold", width=width)
    for f in rows:
        table.add_row(*(printable(c) for c in (
            f.id, _value(f.value), f.unit, f.kind, f.as_of, f.published_label,
            str(f.source)[:3], str(f.reliability), f.locator)))
    return table


def _widths(console: int) -> list[int]:
    """Column widths: those for 120 characters, the spare width shared out in turn to
    the columns that can use it."""
    widths = [base for _, base, _ in COLUMNS]
    spare = console - NARROWEST
    while spare > 0 and any(w < most for w, (_, _, most) in zip(widths, COLUMNS, strict=True)):
        for i, (_, _, most) in enumerate(COLUMNS):
            if spare > 0 and widths[i] < most:
                widths[i] += 1
                spare -= 1
    return widths


def _whole_ids(widths: list[int], longest: int) -> list[int]:
    """Widen the id column to the longest id (ids are copied into scenarios, so they
    must not fold), taking the room from the locator, value and as-of columns."""
    need = min(longest, COLUMNS[0][2]) - widths[0]
    for i, least in ((8, 8), (1, 10), (4, 8)):        # locator, value, as of
        take = max(0, min(need, widths[i] - least))
        widths[i] -= take
        widths[0] += take
        need -= take
    return widths


def _value(value: float | tuple[float, float] | str) -> str:
    """A value as read: whole numbers without ``.0``, a range as ``low-high``."""
    if isinstance(value, tuple):
        return "-".join(_value(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
