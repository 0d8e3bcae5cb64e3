"""Numbers as a scenario writes them: a number where a number is expected.

pydantic's lax mode reads ``true`` as 1 and the quoted text ``"600"`` as 600. A
scenario that writes either most likely means something else (a flag, a text), so
both are refused in one line (``expected a number, got true``). Ints and floats
stay accepted; a flag takes only ``true`` or ``false`` (not 1, not ``"yes"``). Every
number and flag of the scenario models is one of :data:`Real`, :data:`Whole`,
:data:`NumOrText` and :data:`Flag` (checked in the tests). An unquoted ``3.7e9``,
which YAML 1.1 reads as text, is made a number when the file is read
(:mod:`simcore.scenario.yamlio`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

NUMBER_TEXT = re.compile(r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")


def shown(v: Any) -> str:
    """A value as the scenario wrote it, for a message."""
    if isinstance(v, bool):
        return str(v).lower()
    if v is None:
        return "null (nothing)"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list | tuple):
        return "a list"
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, dt.date):
        return v.isoformat()
    return repr(v)


def _refuse(v: Any, what: str = "a number") -> PydanticCustomError:
    quoted = "; write it without quotes" if isinstance(v, str) else ""
    text = " the text" if isinstance(v, str) else ""
    return PydanticCustomError("number", "expected {what}, got{text} {got}{quoted}",
                               {"what": what, "text": text, "got": shown(v),
                                "quoted": quoted})


def _number(v: Any) -> Any:
    """An int or a float; not a boolean, not text."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        if isinstance(v, str) and not NUMBER_TEXT.match(v.strip()):
            raise PydanticCustomError("number", "expected a number, got {got}",
                                      {"got": shown(v)})
        raise _refuse(v)
    return v


def _number_or_text(v: Any) -> Any:
    """An int, a float or a text that is not a number (an ISO year-month, checked where
    the unit is known); not a boolean, not a number in quotes."""
    if isinstance(v, str) and not NUMBER_TEXT.match(v.strip()):
        return v
    if isinstance(v, dict | list | tuple):
        raise _refuse(v, "a number (or a date like '2026-04' where the unit is date)")
    return _number(v)


def _whole(v: Any) -> Any:
    """Not a boolean, not a number in quotes; other text is left to pydantic's message."""
    if isinstance(v, bool) or (isinstance(v, str) and NUMBER_TEXT.match(v.strip())):
        raise _refuse(v, "a whole number")
    return v


def _flag(v: Any) -> Any:
    """true or false only: not 1, not the text 'yes' (pydantic's lax mode reads both)."""
    if not isinstance(v, bool):
        raise PydanticCustomError("flag", "expected true or false, got {got}", {"got": shown(v)})
    return v


def pair(what: str) -> BeforeValidator:
    """A list of exactly two (``what`` says which, e.g. ``[low, high]``), said in one line
    (pydantic says 'required field is missing' for one, 'at most 2 items' for three)."""

    def check(v: Any) -> Any:
        if isinstance(v, list | tuple) and len(v) != 2:
            n = "none" if not v else f"{len(v)}: [{', '.join(shown(x) for x in v)}]"
            raise PydanticCustomError("pair", "expected two values {what}; got {n}",
                                      {"what": what, "n": n})
        return v

    return BeforeValidator(check)


Real = Annotated[float, BeforeValidator(_number)]
NumOrText = Annotated[float | str, BeforeValidator(_number_or_text)]
Whole = Annotated[int, BeforeValidator(_whole)]
Flag = Annotated[bool, BeforeValidator(_flag)]
