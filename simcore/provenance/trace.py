"""Provenance of every input: where each number of a scenario comes from."""

from __future__ import annotations

from simcore.scenario.loader import Loaded
from simcore.scenario.yamlio import parse_dotted
from simcore.uncertainties.inputs import quantities


def trace_records(loaded: Loaded) -> list[dict]:
    """One record per input: ``path``, ``distribution``, ``unit``, ``defined_in``, and
    ``fact`` (id, source, locator, as_of, reliability, says) or ``assumption``."""
    sc = loaded.scenario
    out = []
    for path, q in quantities(sc):
        file, line = loaded.document.where(parse_dotted(path))
        rec: dict = {"path": path, "kind": q.kind,
                     "distribution": q.to_dist(sc.start).describe() + _dates(q),
                     "unit": q.unit, "defined_in": f"{file.name}:{line}"}
        if q.fact is not None:
            f = loaded.facts[q.fact]
            rec["fact"] = {"id": f.id, "source": f.source, "locator": f.locator,
                           "as_of": f.as_of, "reliability": f.reliability, "says": f.says}
        else:
            rec["assumption"] = q.assumption
        if q.note:
            rec["note"] = q.note
        out.append(rec)
    return out


def _dates(q) -> str:
    """For date inputs, the written year-months (the distribution shows month offsets)."""
    if q.unit != "date":
        return ""
    spec = getattr(q, q.kind)
    if isinstance(spec, str):
        return f" ({spec})"
    if hasattr(spec, "model_dump"):
        vals = [v for v in spec.model_dump().values() if isinstance(v, str)]
        return f" ({' / '.join(vals)})" if vals else ""
    return ""
