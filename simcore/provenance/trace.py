"""Provenance of every input: where each number of a scenario comes from, on what basis."""

from __future__ import annotations

from simcore.scenario.loader import Loaded
from simcore.scenario.quantity import Quantity, Sourced, sourced
from simcore.scenario.yamlio import parse_dotted


def trace_records(loaded: Loaded) -> list[dict]:
    """One record per sourced item (inputs, resources, correlations, targets): ``path``,
    ``distribution``, ``unit``, ``defined_in``, ``basis`` (fact, derived or judgement),
    ``facts`` (id, source, locator, as_of, published, reliability, says), and the
    ``assumption`` (why, for a judgement) and ``note`` (how, for a derived number)."""
    sc = loaded.scenario
    out = []
    for path, item in sourced(sc):
        file, line = loaded.document.where(parse_dotted(path))
        rec: dict = {"path": path, **_what(item, sc.start), "defined_in": f"{file.name}:{line}",
                     "basis": item.basis_of,
                     "facts": [_fact(loaded.facts[f]) for f in item.facts
                               if f in loaded.facts]}
        if item.assumption is not None:
            rec["assumption"] = item.assumption
        if item.note:
            rec["note"] = item.note
        out.append(rec)
    return out


def _fact(f) -> dict:
    rec = {"id": f.id, "source": f.source, "locator": f.locator, "as_of": f.as_of,
           "reliability": f.reliability, "says": f.says}
    label = getattr(f, "published_label", None)
    rec["published"] = label() if callable(label) else label
    return rec


def _what(item: Sourced, start: tuple[int, int]) -> dict:
    """The item's kind, distribution (or what it states) and unit."""
    if isinstance(item, Quantity):
        return {"kind": item.kind, "distribution": item.to_dist(start).describe() + _dates(item),
                "unit": item.unit}
    fields = {k: v for k, v in item.model_dump(exclude_none=True).items()
              if k not in ("basis", "fact", "assumption", "note") and not isinstance(v, dict)}
    text = ", ".join(f"{k} {v}" for k, v in fields.items())
    return {"kind": type(item).__name__.lower(), "distribution": text, "unit": ""}


def _dates(q: Quantity) -> str:
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
