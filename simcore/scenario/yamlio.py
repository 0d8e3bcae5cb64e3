"""Safe YAML loading that keeps line numbers and refuses what safe_load lets by.

PyYAML's ``safe_load`` silently keeps the last of duplicate keys, expands
aliases without limit and nests without limit. Here the document is composed
into nodes with the safe loader, then built by hand so that each of those is
an error naming the file and line, and every value's line is remembered by its
path (a tuple of keys and indices) for later error messages.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from simcore.errors import InputError, Problem
from simcore.scenario.numbers import NUMBER_TEXT

MAX_BYTES = 5_000_000
MAX_DEPTH = 50
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A loaded YAML file: its data and the line of each value by path."""

    file: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    origins: dict[PathKey, Path] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        return self.where(path)[1]

    def where(self, path: PathKey) -> tuple[Path, int | None]:
        """The file and line of ``path`` (or of its nearest known ancestor)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.origins.get(path, self.file), self.lines[path]
            path = path[:-1]
        return self.file, self.lines.get(())


def read_text(file: Path, what: str = "file") -> str:
    """Read a UTF-8 text file, refusing missing, folder, binary or huge ones, and anything
    but a regular file (a FIFO would hang, a device never end)."""
    file = Path(file)
    raw = _read_regular(file, what)
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(f"{what} is over the limit of {MAX_BYTES} bytes", file))
    if b"\x00" in raw:
        raise InputError(Problem("binary content (a NUL byte); expected UTF-8 YAML text", file))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                    file, line)
        ) from None
    return text.removeprefix("\ufeff")


def _read_regular(file: Path, what: str) -> bytes:
    try:   # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(Problem(f"no such {what}", file)) from None
    except ValueError:   # a NUL byte in the name
        raise InputError(Problem(f"cannot read the {what}: its name has a NUL byte",
                                 Path(repr(str(file))[1:-1]))) from None
    except OSError as exc:
        why = "a symbolic link loop" if exc.errno == errno.ELOOP else exc.strerror
        raise InputError(Problem(f"cannot read the {what}: {why}", file)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError(Problem(f"expected a {what}, found a folder", file))
        raise InputError(Problem(f"not a regular file (a FIFO, socket or device); sim reads "
                                 f"a {what} only from a regular file", file))
    with os.fdopen(fd, "rb") as fh:
        return fh.read(MAX_BYTES + 1)


def load_yaml(file: Path, *, what: str = "file") -> Document:
    """Load one YAML file whose root must be a mapping.

    Raises :class:`InputError` for syntax errors, tabs used for indentation,
    duplicate keys, alias bombs, nesting deeper than ``MAX_DEPTH``, an empty
    file or a root that is not a mapping.
    """
    file = Path(file)
    text = read_text(file, what)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError(Problem(f"empty {what}; expected a YAML mapping", file))
    _check_depth(text, file)
    try:
        node = _compose(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:   # compose again in Python, whose messages we report
        try:
            node = _compose(text, yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            raise InputError(_syntax_problem(file, text, exc)) from None
        except yaml.YAMLError as exc:
            raise InputError(Problem(f"YAML error: {exc}", file)) from None
    if node is None:
        raise InputError(Problem(f"empty {what}; expected a YAML mapping", file))
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise InputError(
            Problem(f"the top level is {kind}; expected a mapping of keys to values", file,
                    node.start_mark.line + 1)
        )
    builder = _Builder(file, _tagged_collections(text))
    data = builder.build(node, (), 0)
    return Document(file, data, builder.lines)


_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken,
         yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _check_depth(text: str, file: Path) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` from the token stream, before composing:
    the composers recurse per level (Python's hits its recursion limit, libyaml's the C
    stack). A scanning error is left for the composer to report."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            depth += isinstance(token, _OPEN) - isinstance(token, _CLOSE)
            if depth > MAX_DEPTH + 1:
                raise InputError(Problem(f"nesting deeper than {MAX_DEPTH} levels", file,
                                         token.start_mark.line + 1))
    except yaml.YAMLError:
        return


def _compose(text: str, loader_class: type) -> yaml.Node | None:
    """The document's node tree (no construction: nothing is built from tags)."""
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _tagged_collections(text: str) -> dict[tuple[int, int], str]:
    """The tag written on a mapping or a list, by where (line, column) it starts, even
    the standard ``!!map`` and ``!!seq``: the composed node does not say whether its tag
    was written or implied."""
    if "!" not in text:
        return {}
    events = yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {(e.start_mark.line, e.start_mark.column): e.tag for e in events
            if isinstance(e, yaml.MappingStartEvent | yaml.SequenceStartEvent)
            and e.tag is not None}


def _syntax_problem(file: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    if line is not None:
        src = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
        if "\t" in src[: len(src) - len(src.lstrip())] or "'\\t'" in str(exc.problem):
            return Problem("a tab is used for indentation; YAML needs spaces", file, line)
    opened = ""
    if exc.context_mark is not None and exc.problem_mark is not None and (
            exc.context_mark.line != exc.problem_mark.line):
        opened = f" ({exc.context} on line {exc.context_mark.line + 1})"
    return Problem(f"YAML syntax error: {exc.problem}{opened}", file, line)


class _Builder:
    """Builds Python data from composed nodes, recording each value's line."""

    def __init__(self, file: Path, tagged: dict[tuple[int, int], str] | None = None):
        self.file = file
        self.tagged = tagged or {}
        self.lines: dict[PathKey, int] = {}
        self.count = 0
        self.constructor = yaml.SafeLoader("")
        self.merged: dict[int, int] = {}   # id of a mapping node -> its merged pairs

    def build(self, node: yaml.Node, path: PathKey, depth: int, key: bool = False) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise InputError(Problem(
                f"the document expands to more than {MAX_NODES} values (an alias bomb?)",
                self.file, line, dotted(path)))
        if depth > MAX_DEPTH:
            raise InputError(Problem(
                f"nesting deeper than {MAX_DEPTH} levels (or a recursive alias)",
                self.file, line, dotted(path[:4]) + "..."))
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._collection(node, path, depth)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:   # ValueError: an int of 5,000 digits
            why = str(getattr(exc, "problem", None) or exc).splitlines()[0]
            raise InputError(Problem(f"bad value: {why}", self.file, line,
                                     dotted(path))) from None
        if isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value):
            raise InputError(Problem("not valid Unicode text (a lone surrogate such as "
                                     "\\ud800); write the character itself", self.file, line,
                                     dotted(path)))
        odd = yaml11_oddity(node, value)
        if odd:
            raise InputError(Problem(odd, self.file, line, dotted(path)))
        if not key and _yaml12_float(node, value):
            return float(value)   # YAML 1.1 reads 3.7e9 (no dot, no exponent sign) as text
        return value

    def _collection(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        default = "map" if isinstance(node, yaml.MappingNode) else "seq"
        mark = node.start_mark
        if node.tag != f"tag:yaml.org,2002:{default}" or (mark.line, mark.column) in self.tagged:
            tag = self.tagged.get((mark.line, mark.column), node.tag)
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            what = "a mapping" if default == "map" else "a list"
            raise InputError(Problem(f"the tag {tag} is not supported on {what}; remove it",
                                     self.file, mark.line + 1, dotted(path)))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        return [self.build(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict:
        merged = self._flatten(node, path)
        out: dict = {}
        from_merge: set[str] = set()
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.build(key_node, path, depth + 1, key=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise InputError(Problem("keys must be plain text", self.file,
                                         key_node.start_mark.line + 1, dotted(path)))
            key = str(key) if not isinstance(key, str) else key
            kline = key_node.start_mark.line + 1
            if key in out and i >= merged and key not in from_merge:
                first = self.lines.get((*path, key))
                raise InputError(Problem(
                    f"duplicate key '{key}' (first at line {first}); each key may appear once",
                    self.file, kline, dotted(path)))
            if key in out:   # a key written here overrides the merged one (<<: *anchor)
                self._forget((*path, key))
            (from_merge.add if i < merged else from_merge.discard)(key)
            self.lines[(*path, key)] = kline
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _flatten(self, node: yaml.MappingNode, path: PathKey) -> int:
        """Resolve the merge keys (``<<: *anchor``) of ``node`` in place: the merged pairs
        come first, then those written in the mapping. Returns how many were merged."""
        if id(node) not in self.merged:   # an alias builds the same node again
            written = sum(k.tag != "tag:yaml.org,2002:merge" for k, _ in node.value)
            try:
                self.constructor.flatten_mapping(node)
            except yaml.YAMLError as exc:
                raise InputError(Problem(f"bad merge key (<<): {getattr(exc, 'problem', exc)}",
                                         self.file, node.start_mark.line + 1,
                                         dotted(path))) from None
            self.merged[id(node)] = len(node.value) - written
        return self.merged[id(node)]

    def _forget(self, path: PathKey) -> None:
        """Drop the lines recorded at and under ``path``."""
        n = len(path)
        for known in [p for p in self.lines if p[:n] == path]:
            del self.lines[known]


_INT, _FLOAT, _BOOL = (f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool"))


def yaml11_oddity(node: yaml.Node, value: Any) -> str | None:
    """Why a plain scalar that YAML 1.1 reads differently from YAML 1.2 (and from what
    a reader sees) is refused: ``010`` is 8, ``1:30`` is 90, ``1_000`` is 1000, ``on``
    is true. None when the scalar reads the same either way."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):  # "": libyaml
        return None
    text = node.value
    quote = f"or quote it ('{text}') for text"
    if node.tag in (_INT, _FLOAT) and ":" in text:
        return f"'{text}' is read by YAML 1.1 as the base-60 number {value:g}; write the " \
               f"number you mean, {quote}"
    if node.tag == _INT and re.match(r"^[-+]?0[0-9_]+$", text):
        return f"'{text}' is read by YAML 1.1 as the octal number {value}; write " \
               f"{text.lstrip('+-0') or '0'} for the decimal number, {quote}"
    if node.tag == _INT and re.match(r"^[-+]?0b", text):
        return f"'{text}' is read by YAML 1.1 as the binary number {value}; write it in " \
               f"decimal, {quote}"
    if node.tag in (_INT, _FLOAT) and "_" in text:
        return f"'{text}' is read by YAML 1.1 as {value:g}; write it without underscores, " \
               f"{quote}"
    if node.tag == _BOOL and text.lower() not in ("true", "false"):
        return f"'{text}' is read by YAML 1.1 as {str(value).lower()}; write " \
               f"{str(value).lower()}, {quote}"
    return None


def _yaml12_float(node: yaml.Node, value: Any) -> bool:
    """A plain (unquoted) scalar that YAML 1.1 reads as text and YAML 1.2, like a
    reader, as a number: ``3.7e9``, ``1e5``. A quoted ``"600"`` stays text."""
    return (isinstance(value, str) and isinstance(node, yaml.ScalarNode)
            and node.style in (None, "") and NUMBER_TEXT.match(value) is not None)


def dotted(path: PathKey) -> str:
    """``('a', 0, 'b')`` -> ``'a[0].b'``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_dotted(text: str) -> PathKey:
    """``'a[0].b'`` -> ``('a', 0, 'b')`` (the inverse of :func:`dotted`)."""
    out: list[str | int] = []
    for part in text.split("."):
        name, *idx = part.split("[")
        if not name and not (idx and out):
            raise _not_a_path(text, "an empty part")
        if name:
            out.append(name)
        for i in idx:
            if not (i.endswith("]") and i[:-1].isdigit()):
                raise _not_a_path(text, f"the index [{i} is not a whole number in brackets")
            out.append(int(i[:-1]))
    return tuple(out)


def _not_a_path(text: str, why: str) -> InputError:
    return InputError(Problem(f"expected a dotted path such as operations.burn.pert.min or "
                              f"correlations[0].rho, got '{text}' ({why})"))
