"""``report.html``: one self-contained page an analyst can email.

The page is rendered from the Jinja2 template ``templates/report.html.j2`` (with
autoescaping on: scenario text is never markup) out of the rows of
:mod:`.report_view` and :mod:`.report_tables` and the charts of
:mod:`.report_charts`. Styles are inline, images are ``data:`` URIs, there is no
script, and the page's Content-Security-Policy forbids any request, so it opens
offline and never fetches anything. Needs the ``report`` extra (Jinja2 and
matplotlib).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from simcore.errors import SimError
from simcore.outputs import report_tables as tables
from simcore.outputs import report_view as view
from simcore.outputs.report_data import ReportData

TEMPLATE = "report.html.j2"
EXTRAS = ("jinja2", "matplotlib")
INSTALL = "pip install -e '.[report]'"


class MissingReportExtra(SimError):
    """Jinja2 or matplotlib, which the report needs, is not installed."""


def missing_extras() -> list[str]:
    """The packages of the ``report`` extra that cannot be imported."""
    import importlib

    missing = []
    for name in EXTRAS:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def _environment():
    try:
        import jinja2
    except ImportError:
        raise MissingReportExtra(f"sim report needs Jinja2: {INSTALL}") from None
    return jinja2.Environment(loader=jinja2.PackageLoader("simcore.outputs", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined, finalize=_visible)


def _visible(value: object) -> object:
    """Text on the page with control characters as escapes (``\\x1b``), as on the charts:
    a raw escape sequence is invalid HTML, and reaches a terminal that shows the file."""
    from simcore.outputs.charts.base import visible

    return visible(value) if type(value) is str else value


def context(data: ReportData, charts: dict) -> dict:
    """Everything the template reads."""
    cmp = data.comparison
    return {"title": _title(data), "question": question(data),
            "several": len(cmp["options"]) > 1, "baseline": cmp["baseline"],
            "draws": f"{cmp['draws']:,}", "seed": cmp["seed"],
            "currency": cmp.get("currency", "USD"),
            "options": view.option_rows(data), "columns": view.columns(data),
            "decision": view.decision_rows(data),
            "conditional": view.conditional_rows(data),
            "launches": tables.launch_rows(data), "bridge": tables.bridge_table(data),
            "tornado": {o: tables.tornado_rows(rows) for o, rows in data.tornado.items()},
            "metric": data.settings.metric,
            "metric_label": cmp["outcomes"].get(data.settings.metric, {}).get("label", ""),
            "sobol": [tables.sobol_table(data, o) for o in data.sobol],
            "inputs": tables.input_rows(data), "basis_counts": tables.basis_counts(data),
            "manifest": tables.manifest_rows(data), "settings": tables.settings_rows(data),
            "charts": charts}


def _title(data: ReportData) -> str:
    if len(data.scenarios) == 1:
        return data.scenarios[0]["title"]
    return f"{len(data.scenarios)} options against {data.comparison['baseline']}"


def question(data: ReportData) -> str:
    """The question the page answers, in one sentence."""
    first = data.scenarios[0]
    when = f" (knowledge date {first['as_of']})" if first.get("as_of") else ""
    if len(data.scenarios) == 1:
        return (f"What happens to cash, liquidity and launches under '{first['title']}' "
                f"over {first['months']} months from {first['start']}{when}?")
    names = ", ".join(s["name"] for s in data.scenarios)
    return (f"Which of these options ({names}) should be chosen over the baseline "
            f"'{data.comparison['baseline']}': which does best on the outcomes below, by how "
            f"much, how sure is it, and what drives the answer? Horizon: {first['months']} "
            f"months from {first['start']}{when}.")


def render(data: ReportData, charts: dict) -> str:
    """The page as HTML text."""
    return _environment().get_template(TEMPLATE).render(**context(data, charts))


def write_report(folder: Path, data: ReportData, force: bool = False) -> list[str]:
    """``report.html`` and ``compare.json`` into ``folder``, atomically (see
    :func:`simcore.outputs.folders.atomic_folder`); returns the names written."""
    from simcore.outputs.files import write_json
    from simcore.outputs.folders import MARKER, atomic_folder, write_each
    from simcore.outputs.report_charts import charts

    _environment()   # fail before drawing when Jinja2 is missing
    with tempfile.TemporaryDirectory(prefix="sim-report-") as scratch:
        page = render(data, charts(data, Path(scratch)))
    with atomic_folder(folder, force, "sim report") as tmp:
        write_each(tmp, folder, {
            "report.html": lambda p: p.write_text(page, encoding="utf-8"),
            "compare.json": lambda p: write_json(p, data.comparison)})
        return sorted(p.name for p in tmp.iterdir() if p.name != MARKER)
