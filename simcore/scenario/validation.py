"""Validate loaded YAML against a pydantic model; errors as ``file:line: path: message``."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simcore.errors import InputError, Problem
from simcore.scenario.numbers import shown
from simcore.scenario.quantity import DIST_KEYS
from simcore.scenario.yamlio import Document, PathKey, dotted, parse_dotted

M = TypeVar("M", bound=BaseModel)

_PLAIN = {
    "missing": "required field is missing",
    "finite_number": "expected a finite number (not NaN or infinity)",
}


def validate(doc: Document, model: type[M], context: dict | None = None,
             data: Any = None) -> M:
    """Validate ``data`` (default: the document's data) as ``model``.

    Raises :class:`InputError` listing every problem with its line and field path.
    """
    payload = doc.data if data is None else data
    try:
        return model.model_validate(payload, context=context or {})
    except ValidationError as exc:
        raise InputError(problems_from(exc, doc, payload)) from None


def problems_from(exc: ValidationError, doc: Document, payload: Any) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        path = _data_path(payload, err["loc"], missing=err["type"] == "missing")
        if err["type"] == "unknown_key":
            path = (*path, err["ctx"]["key"])
        path, msg = _named_path(payload, path, _message(err))
        key = (dotted(path), msg)
        if key in seen:
            continue
        seen.add(key)
        file, line = doc.where(_line_path(err, payload, path))
        out.append(Problem(msg, file, line, dotted(path)))
    return _prefer_specific(out)


def _line_path(err: Any, payload: Any, path: PathKey) -> PathKey:
    """Where the line of a problem is read: an unknown fact id at its ``fact:`` line (or
    its item in a list of ids), else at the path's own line."""
    if err["type"] != "unknown_fact":
        return path
    cited = _at(payload, (*path, "fact"))
    if isinstance(cited, list) and err["ctx"]["fact"] in cited:
        return (*path, "fact", cited.index(err["ctx"]["fact"]))
    return (*path, "fact")


def _data_path(payload: Any, loc: tuple, missing: bool = False) -> PathKey:
    """Keep the parts of a pydantic ``loc`` that exist in the data: the user's own keys
    and indices, never a union's tag (``sourced-window``, ``function-after[...]``); and,
    for a missing required key (``missing``), its name."""
    path: list[str | int] = []
    node = payload
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif missing and isinstance(node, dict) and isinstance(part, str) and (
                part not in node and part == loc[-1]):
            path.append(part)  # a missing required key: name it
    return tuple(path)


_NAMED = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\]|\.\w+)*): (.+)$", re.S)


def _named_path(payload: Any, path: PathKey, msg: str) -> tuple[PathKey, str]:
    """A check of a whole model names the field it refers to ("financing.x.at: ..."):
    report it at that field (its line), not at the model's first line."""
    m = _NAMED.match(msg)
    if m is None or _is_quantity(_at(payload, path)):   # a quantity's own parameters
        return path, msg                                    # stay at the quantity
    full = (*path, *parse_dotted(m.group(1)))
    if _at(payload, full) is None:
        return path, msg
    return full, m.group(2)


def _at(payload: Any, path: PathKey) -> Any:
    node = payload
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _is_quantity(node: Any) -> bool:
    return isinstance(node, dict) and any(k in node for k in DIST_KEYS)


def _message(err: dict) -> str:
    kind = err["type"]
    if kind in _PLAIN:
        return _PLAIN[kind]
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if kind in _EXPECTED:   # in the scenario's words: no model or Python type names
        return f"expected {_EXPECTED[kind]}, got {shown(err.get('input'))}"
    if kind == "literal_error":
        msg = f"{msg}; got {shown(err.get('input'))}"
    return msg


_SECTION = "a mapping of keys to values (a section)"
_EXPECTED = {"model_type": _SECTION, "dict_type": _SECTION, "list_type": "a list",
             "tuple_type": "a list", "string_type": "text", "bool_type": "true or false",
             "int_type": "a whole number", "int_parsing": "a whole number",
             "int_from_float": "a whole number", "float_type": "a number",
             "float_parsing": "a number", "date_type": "an ISO date like '2025-03-31'"}


def _prefer_specific(problems: list[Problem]) -> list[Problem]:
    """A union reports one error per member; keep the one that says most.

    Drop a problem when a deeper path has one, and, at one path, drop the other union
    members' complaints when one says the number is not finite.
    """
    paths = {p.path for p in problems}
    finite = {p.path for p in problems if p.message == _PLAIN["finite_number"]}
    kept = [p for p in problems
            if not any(q != p.path and q.startswith(p.path + ".") for q in paths)
            or "missing" in p.message]
    kept = [p for p in kept if p.path not in finite or p.message == _PLAIN["finite_number"]]
    return kept or problems
