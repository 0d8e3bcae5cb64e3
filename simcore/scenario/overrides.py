"""Set values in a scenario by dotted path, for sweeps and scripts.

A path names a place in the resolved scenario document: a quantity
(``deal.probability``: the number replaces its distribution with ``fixed``,
keeping its unit) or a value inside one (``operations.burn.pert.max``).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from simcore.errors import InputError, Problem
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.scenario.quantity import DIST_KEYS
from simcore.scenario.validation import validate
from simcore.scenario.yamlio import Document, PathKey, dotted, parse_dotted

Value = float | str


def parse_values(text: str, what: str = "--param") -> list[Value]:
    """``'1,2,3'`` -> [1, 2, 3]; ``'1.5:3.5:5'`` -> 5 values from 1.5 to 3.5; dates stay text."""
    text = text.strip()
    if not text:
        raise InputError(Problem("no values given", path=what))
    parts = text.split(":")
    if len(parts) == 3 and all(_is_number(p) for p in parts):
        lo, hi, n = float(parts[0]), float(parts[1]), parts[2]
        if not n.isdigit() or int(n) < 2:
            raise InputError(Problem(f"a range lo:hi:n needs a whole number n >= 2, got '{n}'",
                                     path=what))
        return [round(float(x), 12) for x in np.linspace(lo, hi, int(n))]
    return [float(v) if _is_number(v) else v.strip() for v in text.split(",")]


def parse_assignment(text: str) -> tuple[str, list[Value]]:
    """``'PATH=V1,V2'`` -> (path, values)."""
    if "=" not in text:
        raise InputError(Problem(f"expected PATH=V1,V2,... or PATH=lo:hi:n, got '{text}'",
                                 path="--param"))
    path, values = text.split("=", 1)
    return path.strip(), parse_values(values)


def parse_assignments(items: list[str]) -> list[tuple[str, list[Value]]]:
    """Each ``--param`` ``'PATH=V1,V2'`` -> (path, values); a path given twice is refused."""
    params = [parse_assignment(text) for text in items]
    once_each([(path, ",".join(map(shown, values))) for path, values in params], "--param")
    return params


def once_each(paths: list[tuple[str, str]], what: str) -> None:
    """Refuse a path given twice (``paths``: (path, its value as typed)): the second would
    silently replace the first."""
    seen: dict[PathKey | str, str] = {}
    for path, value in paths:
        try:
            key: PathKey | str = parse_dotted(path)
        except InputError:
            key = path   # a bad path is reported where it is applied
        if key in seen:
            raise InputError(Problem(
                f"'{path}' is given twice ({seen[key]} and {value}); give each path once"
                + (f" (several values: {path}={seen[key]},{value})" if what == "--param"
                   else ""), path=what))
        seen[key] = value


def _is_number(text: str) -> bool:
    try:
        return np.isfinite(float(text))
    except ValueError:
        return False


def set_value(data: dict, path: str, value: Value) -> dict:
    """A copy of ``data`` with ``value`` at ``path`` (see the module's doc)."""
    out = copy.deepcopy(data)
    parts = parse_dotted(path)
    node: Any = out
    for depth, part in enumerate(parts[:-1]):
        node = _child(node, part, parts[:depth + 1], path)
    last = parts[-1]
    target = _child(node, last, parts, path)
    if isinstance(target, dict) and any(k in target for k in DIST_KEYS):
        node[last] = {"fixed": value, "unit": target.get("unit"),
                      "assumption": f"set to {value} by a sweep or override"}
    elif isinstance(target, dict | list):
        raise InputError(Problem(f"'{path}' is a section, not a value; name a quantity or a "
                                 "number inside one", path=path))
    else:
        node[last] = value
    return out


def _child(node: Any, part, so_far, path: str) -> Any:
    if isinstance(node, dict) and part in node:
        return node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    where = dotted(so_far[:-1]) or "the top level"
    shown = f"[{part}]" if isinstance(part, int) else f"'{part}'"
    raise InputError(Problem(f"no {shown} under {where} ({_there(node, part, where)})",
                             path=path))


def _there(node: Any, part: str | int, where: str) -> str:
    """What there is at a place a path goes through, for the message of a wrong path."""
    if isinstance(node, dict):
        return f"there: {', '.join(map(str, node))}" if node else "it is empty"
    if isinstance(node, list):
        if not node:
            return "an empty list"
        items = "[0]" if len(node) == 1 else f"[0] to [{len(node) - 1}]"
        if isinstance(part, int):
            return f"a list of {len(node)}: {items}"
        return f"a list of {len(node)}: name an item by its index, e.g. {where}[0]"
    value = f"'{node}'" if isinstance(node, str) else shown(node)
    return f"it is a value, {value[:60]}{'...' if len(value) > 60 else ''}, not a section"


def with_overrides(loaded: Loaded, overrides: dict[str, Value]) -> Scenario:
    """The scenario with ``overrides`` applied and validated again."""
    if not overrides:
        return loaded.scenario
    data = loaded.document.data
    for path, value in overrides.items():
        data = set_value(data, path, value)
    doc = Document(loaded.file, data, loaded.document.lines, loaded.document.origins)
    try:
        return validate(doc, Scenario, context={"facts": loaded.facts})
    except InputError as exc:
        given = {path: f"the override {path}={shown(value)}"
                 for path, value in overrides.items()}
        raise InputError([blamed(p, given) for p in exc.problems]) from None


def shown(value: Any) -> str:
    """A value as a user would have typed it (``5``, not ``5.0``)."""
    return f"{value:.12g}" if isinstance(value, float) else str(value)


def blamed(p: Problem, given: dict[str, str]) -> Problem:
    """``p`` saying where its value came from when an override (``given``: dotted path
    -> what set it) set that value or one inside it: the file's line holds the value
    the override replaced, not the bad one."""
    for path, source in given.items():
        if p.path and (path == p.path or path.startswith(p.path + ".")
                       or p.path.startswith(path + ".")):
            return Problem(f"{p.message} (the value comes from {source}; the line holds "
                           "the one it replaced)", p.file, p.line, p.path)
    return p
