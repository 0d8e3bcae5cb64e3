"""What-ifs on loaded scenarios: ``--set PATH=VALUE`` and named cases.

A *case* is a YAML overlay that any scenario can take, e.g. ``cases/bear.yaml``::

    name: bear
    title: Bear case
    description: a deeper burn, a later recovery, harder refinancing
    set:
      operations.burn: {pert: {min: -900, mode: -650, max: -400}, unit: JPY bn/yr,
                        basis: judgement, assumption: ...}
      debt.*.refinance.probability: 0.6

Each entry of ``set`` (like each ``--set``) names a dotted path; ``*`` matches any
key at its level. A plain value replaces the quantity's distribution with ``fixed``
(keeping its unit) or the number inside a distribution it names; a mapping with a
unit replaces the whole quantity. An entry applies to every option that has the
path and is skipped by one that does not; an entry that no option has is an error.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from simcore.errors import InputError, Problem
from simcore.scenario.loader import Loaded
from simcore.scenario.model import Scenario
from simcore.scenario.overrides import blamed, once_each, parse_values, set_value, shown
from simcore.scenario.quantity import DIST_KEYS
from simcore.scenario.validation import validate
from simcore.scenario.yamlio import Document, PathKey, dotted, load_yaml, parse_dotted

CASE_KEYS = {"name", "title", "description", "set"}


@dataclass
class Case:
    """A named overlay: where it came from and its entries (path -> value)."""

    name: str
    file: Path | None
    title: str = ""
    entries: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int | None] = field(default_factory=dict)


def parse_sets(items: list[str], what: str = "--set") -> Case:
    """``['deal.probability=0.5']`` as a case without a file."""
    entries = {}
    once_each([(p.strip(), v.strip()) for p, eq, v in (t.partition("=") for t in items)
               if eq], what)
    for text in items:
        path, eq, value = text.partition("=")
        if not eq or not path.strip():
            raise InputError(Problem(f"expected PATH=VALUE, got '{text}'", path=what))
        values = parse_values(value, what)
        if len(values) != 1:
            raise InputError(Problem(f"{what} takes one value, got '{value}' (a sweep "
                                     "takes several: sim sweep --param)", path=what))
        entries[path.strip()] = values[0]
    return Case("--set", None, "", entries)


def find_case(name: str, near: list[Path]) -> Path:
    """The case file for ``name``: a path to a YAML file, or ``cases/NAME.yaml`` beside
    the scenarios' folder, inside it, or in the current folder."""
    given = Path(name)
    if given.suffix in (".yaml", ".yml"):
        if given.exists() or given.is_symlink():   # a FIFO or a folder: read_text says so
            return given
        raise InputError(Problem(f"no case file '{name}'", path="--case"))
    places: list[Path] = []
    for file in near:
        places += [file.resolve().parent.parent / "cases", file.resolve().parent / "cases"]
    places.append(Path.cwd() / "cases")
    for folder in dict.fromkeys(places):
        if (folder / f"{name}.yaml").exists():
            return folder / f"{name}.yaml"
    raise InputError(Problem(f"no case '{name}': looked for {name}.yaml in "
                             f"{', '.join(str(p) for p in dict.fromkeys(places))}",
                             path="--case"))


def load_case(file: Path) -> Case:
    """Read and check a case file (``name``, ``title``, ``description``, ``set``)."""
    doc = load_yaml(file, what="case")
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("set"), dict) or not data["set"]:
        raise InputError(Problem("a case needs 'set': a mapping of PATH: VALUE", file,
                                 doc.line_of(("set",)) if isinstance(data, dict) else None,
                                 "set"))
    extra = sorted(set(data) - CASE_KEYS)
    if extra:
        raise InputError(Problem(f"unknown key '{extra[0]}' (allowed: "
                                 f"{', '.join(sorted(CASE_KEYS))})", file,
                                 doc.line_of((extra[0],)), extra[0]))
    for path, value in data["set"].items():
        if isinstance(value, dict) and "unit" not in value:
            raise InputError(Problem("a quantity needs its unit (or give a plain value)",
                                     file, doc.line_of(("set", path)), f"set.{path}"))
        if isinstance(value, list):
            raise InputError(Problem("expected a value or a quantity, not a list", file,
                                     doc.line_of(("set", path)), f"set.{path}"))
    return Case(str(data.get("name") or file.stem), file, str(data.get("title") or ""),
                dict(data["set"]), {p: doc.line_of(("set", p)) for p in data["set"]})


def expand(data: dict, path: str) -> list[PathKey]:
    """The concrete paths in ``data`` that ``path`` names (``*`` matches any key)."""
    found: list[PathKey] = [()]
    for part in parse_dotted(path):
        nxt = []
        for prefix in found:
            node = _at(data, prefix)
            if isinstance(node, dict):
                keys = [k for k in node if fnmatch.fnmatchcase(str(k), str(part))] \
                    if isinstance(part, str) and "*" in part else [k for k in node if k == part]
                nxt += [(*prefix, k) for k in keys]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                nxt.append((*prefix, part))
        found = nxt
    return found


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _put(data: dict, path: PathKey, value: Any) -> dict:
    """``value`` at ``path``: a quantity mapping replaces the node whole."""
    if isinstance(value, dict):
        import copy

        out = copy.deepcopy(data)
        _at(out, path[:-1])[path[-1]] = copy.deepcopy(value)
        return out
    return set_value(data, dotted(path), value)


def apply(loaded: Loaded, *cases: Case) -> tuple[Loaded, list[str]]:
    """``loaded`` with every case's entries that it has applied, validated again; and the
    entries (``case: path``) it had."""
    data, used, given = loaded.document.data, [], {}
    for case in cases:
        for path, value in case.entries.items():
            targets = expand(data, path)
            for target in targets:
                node = _at(data, target)
                if isinstance(node, dict) and not any(k in node for k in DIST_KEYS) \
                        and not isinstance(value, dict):
                    continue       # a wildcard matched a section: not a value
                data = _put(data, target, value)
                given[".".join(map(str, target))] = _source(case, path, value)
            if targets:
                used.append(f"{case.name}: {path}")
    if not used:
        return loaded, used
    doc = Document(loaded.file, data, loaded.document.lines, loaded.document.origins)
    try:
        scenario: Scenario = validate(doc, Scenario, context={"facts": loaded.facts})
    except InputError as exc:
        raise InputError([blamed(p, given) for p in exc.problems]) from None
    return replace(loaded, scenario=scenario, document=doc), used


def _source(case: Case, path: str, value: Any) -> str:
    if case.file is None:
        return f"{case.name} {path}={shown(value)}"
    line = case.lines.get(path)
    return f"the case {case.file}{f':{line}' if line else ''} (set.{path})"


def apply_to_all(options: list[Loaded], sets: Case, case: str | None
                 ) -> tuple[list[Loaded], list[str]]:
    """The options with ``case`` (a name or file) and then ``sets`` applied, and the
    entries applied (``case: path``); an entry no option has is an error naming it."""
    cases = [load_case(find_case(case, [o.file for o in options]))] if case else []
    cases.append(sets)
    out, used = [], set()
    for option in options:
        new, applied = apply(option, *cases)
        out.append(new)
        used.update(applied)
    for c in cases:
        for path in c.entries:
            if f"{c.name}: {path}" not in used:
                where = c.file if c.file else None
                raise InputError(Problem(f"no option has '{path}' (check the path with "
                                         "sim trace)", where, c.lines.get(path),
                                         path if c.file is None else f"set.{path}"))
    return out, [u for c in cases for u in (f"{c.name}: {p}" for p in c.entries)]
