"""What every command shares: the consoles, error handling and exit codes.

Exit codes: 0 success, 1 a run that failed, 2 bad input or usage.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import typer
from rich.console import Console

from cli.text import printable
from simcore.errors import InputError, SimError

out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)
if not out.is_terminal and "COLUMNS" not in os.environ:
    out.width = 160   # piped or redirected: wide enough that tables do not fold
STATE = {"debug": False}

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn simcore errors into one line per problem on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _sigterm_interrupts():
                return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except InputError as exc:
            _report(exc, EXIT_BAD_INPUT)
        except SimError as exc:
            _report(exc, EXIT_FAILED)
        except OSError as exc:   # a full disk, a folder gone: the run failed, say why
            _report(exc, EXIT_FAILED)
        except MemoryError:   # a size the estimates let through: say so, not "internal"
            _report(SimError("not enough memory for this size; use fewer draws or samples"),
                    EXIT_FAILED)
        except KeyboardInterrupt:
            err.print("interrupted; nothing was written")
            raise typer.Exit(130) from None
        except Exception as exc:  # a bug: say so in one line, traceback with --debug
            if type(exc).__name__ == "ValidationError" and \
                    type(exc).__module__.startswith("pydantic"):   # settings out of range
                _report(_settings_problem(exc), EXIT_BAD_INPUT)
            _report(exc, EXIT_FAILED, prefix="internal error: ")

    return wrapper


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """During a command, SIGTERM is handled as Ctrl-C is: temporary folders are removed
    and the message says what was kept."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report(exc: BaseException, code: int, prefix: str = "error: ") -> None:
    if STATE["debug"]:
        traceback.print_exception(exc, file=sys.stderr)
    # one line per problem: a newline inside user text (a key, a path) is escaped by
    # printable, never allowed to start a line of its own
    lines = [str(p) for p in exc.problems] if isinstance(exc, InputError) else [str(exc)]
    for line in [ln for ln in lines if ln] or [type(exc).__name__]:
        err.print(f"{prefix}{printable(line)}", markup=False, highlight=False)
    raise typer.Exit(code)


def _settings_problem(exc: Exception) -> InputError:
    """A pydantic error on run settings as one line per field."""
    from simcore.errors import Problem

    errors = exc.errors()   # type: ignore[attr-defined]
    return InputError([Problem(e["msg"], path="--" + ".".join(map(str, e["loc"])))
                       for e in errors])


def print_json(data: object) -> None:
    """JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2) + "\n")
