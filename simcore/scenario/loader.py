"""Load a scenario file: resolve ``extends``, apply overrides, validate.

``extends: base.yaml`` deep-merges this file over its base: mappings merge key
by key, anything else (numbers, lists, whole distributions) is replaced, and a
``null`` removes the key it names. A missing base or a cycle is an error.
"""

from __future__ import annotations

import copy
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simcore.errors import InputError, Problem
from simcore.provenance.facts import Fact, default_seeds_dir, load_facts
from simcore.scenario.model import Scenario
from simcore.scenario.quantity import DIST_KEYS
from simcore.scenario.validation import validate
from simcore.scenario.yamlio import Document, PathKey, load_yaml, parse_dotted

MAX_EXTENDS = 20


@dataclass
class Loaded:
    """A validated scenario with what it was made from."""

    scenario: Scenario
    file: Path
    document: Document
    facts: dict[str, Fact]
    files: list[Path] = field(default_factory=list)



ROOT_MARKERS = ("pyproject.toml", ".git")


def project_root(file: Path) -> Path:
    """The scenario's project: the nearest folder at or above the scenario's own that
    holds ``pyproject.toml`` or ``.git``, else the scenario's own folder. ``extends``
    and the fact registry resolve inside it."""
    folder = Path(file).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / m).exists() for m in ROOT_MARKERS):
            return candidate
    return folder


def find_seeds(file: Path) -> Path:
    """``seeds/`` in the scenario's project root (:func:`project_root`), else the
    package's own registry; a ``seeds/`` folder elsewhere above the scenario is ignored."""
    seeds = project_root(file) / "seeds"
    return seeds if seeds.is_dir() else default_seeds_dir()


def load_scenario(file: str | Path, *, seeds_dir: Path | None = None,
                  facts: dict[str, Fact] | None = None) -> Loaded:
    """Load, resolve and validate one scenario file.

    Raises :class:`InputError` with ``file:line: path: message`` problems.
    """
    file = Path(file)
    doc, files = resolve(file)
    if facts is None:
        facts = load_facts(seeds_dir or find_seeds(file))
    scenario = validate(doc, Scenario, context={"facts": facts})
    _check_provenance(scenario, doc, facts)
    _check_correlations(scenario, doc, files)
    return Loaded(scenario, file, doc, facts, files)


def _check_provenance(scenario: Scenario, doc: Document, facts: dict[str, Fact]) -> None:
    """Facts published after the knowledge date, and fact bases the fact does not support."""
    from simcore.provenance.basis import check_provenance

    problems = check_provenance(scenario, facts)
    if problems:
        raise InputError([Problem(p.message, *doc.where(_fact_path(doc, p.path)), p.path)
                          for p in problems])


def _fact_path(doc: Document, path: str | None) -> PathKey:
    """The line of the input's ``fact`` key when it has one, else of the input."""
    key = parse_dotted(path or "")
    return (*key, "fact") if (*key, "fact") in doc.lines else key


def _check_correlations(scenario: Scenario, doc: Document, files: list[Path]) -> None:
    """Unknown or fixed inputs or an impossible matrix, reported with file and line."""
    from simcore.uncertainties.inputs import collect, correlation_matrix

    try:
        correlation_matrix(scenario, [i.name for i in collect(scenario)])
        fixed = _fixed_where_correlated(scenario, doc, files)
        if fixed:
            raise InputError(fixed)
    except InputError as exc:
        raise InputError([Problem(p.message, *doc.where(parse_dotted(p.path)), p.path)
                          for p in exc.problems]) from None


def _fixed_where_correlated(scenario: Scenario, doc: Document, files: list[Path]
                            ) -> list[Problem]:
    """A correlation naming an input fixed in its own file or in a base of it. An option
    that fixes an input its base correlates holds it fixed, as a sweep does: the pair is
    left out."""
    from simcore.uncertainties.inputs import fixed_correlated

    order = {f.resolve(): i for i, f in enumerate(files)}

    def rank(path: PathKey) -> int:
        return order.get(Path(doc.where(path)[0]).resolve(), len(files))

    return [Problem(f"'{name}' is fixed ({name}.fixed), so it cannot be correlated; give "
                    "it a distribution, or drop it from this correlation",
                    path=f"correlations[{k}].inputs[{j}]")
            for k, j, name in fixed_correlated(scenario)
            if rank(("correlations", k)) >= rank((*parse_dotted(name), "fixed"))]


def resolve(file: Path, chain: tuple[Path, ...] = (), root: Path | None = None
            ) -> tuple[Document, list[Path]]:
    """The merged document of ``file`` and its bases, and the files read (base first).

    Every base must lie inside ``root`` (default: the project root of ``file``).
    """
    if len(chain) > MAX_EXTENDS:
        raise InputError(Problem(f"'extends' chain deeper than {MAX_EXTENDS}", file))
    doc = load_yaml(file, what="scenario file")   # refuses loops, folders, FIFOs first
    real = file.resolve()
    root = project_root(file) if root is None else root
    if real in chain:
        names = " -> ".join(p.name for p in (*chain, real))
        raise InputError(Problem(f"the bases make a cycle: {names}", chain[-1],
                                 _extends_line(chain[-1]), "extends"))
    for path in doc.lines:
        doc.origins[path] = file
    base_name = doc.data.get("extends")
    if base_name is None:
        return doc, [file]
    base_file = _base_file(file, doc, base_name, root)
    base, files = resolve(base_file, (*chain, real), root)
    data = deep_merge(base.data, doc.data)
    # the base's lines of what this file replaced or removed go: a key missing from a
    # quantity this file writes whole is reported at this file's line, not the base's
    kept = [p for p in base.lines if _present(data, p)]
    merged = Document(file, data, {p: base.lines[p] for p in kept},
                      {p: base.origins[p] for p in kept if p in base.origins})
    for path, line in doc.lines.items():
        merged.lines[path] = line
        merged.origins[path] = file
    return merged, [*files, file]


def _present(data: Any, path: PathKey) -> bool:
    """Whether ``path`` (keys and indices) leads to a value in ``data``."""
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


def _base_file(file: Path, doc: Document, base_name: object, root: Path) -> Path:
    """The base ``extends`` names, refused (unread) at the ``extends`` line when the name
    is not a file name, or the file is missing, outside ``root`` or not a regular file."""
    def refuse(message: str) -> InputError:
        return InputError(Problem(message, file, doc.line_of(("extends",)), "extends"))

    if not isinstance(base_name, str) or not base_name.strip():
        raise refuse("'extends' takes the file name of a base scenario")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in base_name):
        raise refuse(f"base scenario '{_escaped(base_name)}' has a control character in its "
                     "name; write the base's file name")
    if len(base_name) > 255:
        raise refuse(f"base scenario '{base_name[:40]}...' has a name of {len(base_name)} "
                     "characters; write the base's file name")
    base_file = file.parent / base_name
    try:
        inside = base_file.resolve().is_relative_to(root)
    except (OSError, RuntimeError):   # a symlink loop: refused below
        inside = True
    if not inside:
        raise refuse(f"base scenario '{base_name}' is outside the scenario's project "
                     f"({root}: the nearest folder holding pyproject.toml or .git, else the "
                     "scenario's own folder); a base must be inside it")
    why = _not_a_file(base_file)
    if why:
        raise refuse(f"base scenario '{base_name}' {why}")
    return base_file


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a scenario file (None: it is a regular file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return f"not found (looked for {path})" if not path.is_symlink() else (
            f"is a symbolic link to nothing ({path})")
    except OSError as exc:
        why = "a symbolic link loop" if exc.errno == errno.ELOOP else exc.strerror
        return f"cannot be read ({path}): {why}"
    if stat.S_ISDIR(mode):
        return f"is a folder ({path}); expected a scenario file"
    if not stat.S_ISREG(mode):
        return f"is not a regular file (a FIFO, socket or device: {path}); expected a " \
               "scenario file"
    return None


def _escaped(text: str) -> str:
    """``text`` with control characters (and any beyond ASCII) as escapes."""
    return text.encode("unicode_escape").decode("ascii")


def _extends_line(file: Path) -> int | None:
    for i, text in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if text.startswith("extends:"):
            return i
    return None


def deep_merge(base: Any, over: Any) -> Any:
    """``over`` merged into ``base``: mappings key by key, ``None`` deletes, else replace.

    A distribution (a mapping with a distribution key) replaces the base's whole, so
    overriding ``pert`` with ``fixed`` does not leave both.
    """
    if not (isinstance(base, dict) and isinstance(over, dict)) or _is_quantity(over):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif key in out:
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _is_quantity(node: Any) -> bool:
    return isinstance(node, dict) and any(k in node for k in DIST_KEYS)


def set_path(data: dict, path: PathKey, value: Any) -> dict:
    """A copy of ``data`` with ``value`` at ``path``; a number at a quantity sets ``fixed``."""
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            raise KeyError(part)
        node = node[part]
    last = path[-1]
    if not isinstance(node, dict) or last not in node:
        raise KeyError(last)
    node[last] = value
    return out
