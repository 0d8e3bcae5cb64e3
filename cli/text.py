"""User text on the terminal: printed literally, never interpreted.

A title, a plant name or a path may hold rich markup (``[bold]``, ``[/]``) or
control characters (a terminal escape sequence, a bidi override, a newline).
:func:`printable` shows control characters as Python escapes (``\\x1b``), and
:func:`literal` also escapes markup, for text printed where markup is read.
"""

from __future__ import annotations

from rich.markup import escape


def printable(text: object) -> str:
    """``text`` with every non-printable character written as its escape (``\\x1b``)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


def literal(text: object) -> str:
    """``text`` printable and with rich markup escaped, for markup contexts."""
    return escape(printable(text))


def chart_safe(data: object) -> object:
    """A copy of ``data`` whose strings print literally on a matplotlib chart: control
    characters escaped (newlines kept) and ``$`` escaped, so that a title with a dollar
    sign is not read as mathtext (an unbalanced one fails the chart after the run)."""
    if isinstance(data, str):
        return "\n".join(printable(part) for part in data.split("\n")).replace("$", r"\$")
    if isinstance(data, dict):
        return {k: chart_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(chart_safe(v) for v in data)
    return data


def is_number(text: str) -> bool:
    """Does ``text`` read as a number (``-900``, ``1e5``, ``nan``)?"""
    try:
        float(text)
    except ValueError:
        return False
    return True
