"""Usage errors (a bad option value, an unknown option, a missing argument) as one line.

typer draws them as a boxed panel of several lines, under the usage; here each is one
line on stderr naming the command and the option, and the exit code is 2, as for
every other bad input: ``error: sim run: --draws: expected at least 1, got 0 (see 'sim
run --help')``. ``--help`` and ``sim`` alone (which shows the help) are unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

try:   # typer 0.29 carries its own click; older typers use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as click_errors

from cli.common import EXIT_BAD_INPUT, err
from cli.text import is_number, printable

_BOUNDS = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
           "greater_than": ("above", "gt"), "less_than": ("below", "lt")}
_KINDS = {"int_parsing": "a whole number", "int_type": "a whole number",
          "int_from_float": "a whole number", "float_parsing": "a number",
          "float_type": "a number", "bool_parsing": "true or false"}


class OneLineUsage(TyperGroup):
    """The ``sim`` group, reporting every usage error of its commands in one line."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        given = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(given, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:   # 'sim' alone: the help, as before
            from typer import rich_utils

            rich_utils.rich_format_error(exc)
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            where = exc.ctx.command_path if getattr(exc, "ctx", None) else \
                self._command_path(prog_name or "sim", given)
            err.print(f"error: {printable(usage_line(where, exc))}", markup=False,
                      highlight=False)
            sys.exit(EXIT_BAD_INPUT if isinstance(exc, click_errors.UsageError)
                     else exc.exit_code)
        except typer.Abort:
            err.print("aborted", markup=False, highlight=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def _command_path(self, prog: str, args: list[str]) -> str:
        """``sim run`` when the error came before the command's context was made."""
        name = next((a for a in args if a in self.commands), None)
        return f"{prog} {name}" if name else prog


def usage_line(where: str, exc: Exception) -> str:
    """``sim run: --draws: expected at least 1, got 0 (see 'sim run --help')``."""
    return f"{where}: {_message(exc)} (see '{where} --help')"


def _message(exc: Exception) -> str:
    param = getattr(exc, "param", None)
    name = _name(param) if param is not None else None
    cause = exc.__cause__
    if name and cause is not None and hasattr(cause, "errors"):
        return f"{name}: {_pydantic(cause.errors()[0])}"
    if name and type(exc) is click_errors.BadParameter:
        return f"{name}: {exc.message.rstrip('.')}"
    text = exc.format_message().rstrip(".")   # type: ignore[attr-defined]
    return text[:1].lower() + text[1:]


def _name(param: Any) -> str:
    """``--draws`` for an option, ``SCENARIO`` for an argument."""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if opts:
        return opts[0]
    return (getattr(param, "name", None) or "value").upper()


def _pydantic(e: dict) -> str:
    got = e.get("input")
    shown = repr(got) if isinstance(got, str) and not is_number(got) else str(got)
    kind = e.get("type", "")
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        return f"expected {word} {e.get('ctx', {}).get(key)}, got {shown}"
    if kind in _KINDS:
        return f"expected {_KINDS[kind]}, got {shown}"
    if kind == "value_error":
        return str(e.get("ctx", {}).get("error", e.get("msg", ""))).rstrip(".")
    return f"{e.get('msg', 'bad value').rstrip('.')}; got {shown}"
