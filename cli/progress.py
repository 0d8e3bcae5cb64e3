"""A progress bar on stderr that appears only once a job has run for a second."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from cli.common import err


class LazyProgress:
    """Call with the count done; shows a bar after ``delay`` seconds unless quiet."""

    def __init__(self, total: int, label: str, quiet: bool = False, delay: float = 1.0):
        self.total, self.label, self.quiet, self.delay = total, label, quiet, delay
        self.t0 = time.monotonic()
        self.bar: Progress | None = None
        self.task = None

    def __call__(self, done: int) -> None:
        if self.quiet:
            return
        if self.bar is None and time.monotonic() - self.t0 > self.delay and done < self.total:
            self.bar = Progress(TextColumn(self.label), BarColumn(),
                                TextColumn("{task.completed:,}/{task.total:,}"),
                                TimeRemainingColumn(), console=err, transient=True)
            self.task = self.bar.add_task(self.label, total=self.total)
            self.bar.start()
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __enter__(self) -> Callable[[int], None]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
