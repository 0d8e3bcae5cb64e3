"""Where sweep points run: in this process, in local processes, or on a Dask cluster.

Every executor maps a picklable top-level function over tasks and yields
``(index, result)`` as each finishes. The model does not know which one runs
it; each point carries its own seed, so results do not depend on the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from simcore.errors import InputError, Problem, RunError


class InProcess:
    name = "in-process"

    def imap(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, Any]]:
        for i, task in enumerate(tasks):
            yield i, fn(task)

    def close(self) -> None:
        """Nothing to release."""


class Processes:
    """Local worker processes (concurrent.futures)."""

    def __init__(self, workers: int):
        self.name = f"{workers} local processes"
        self.pool = ProcessPoolExecutor(max_workers=workers)

    def imap(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, Any]]:
        futures = {self.pool.submit(fn, t): i for i, t in enumerate(tasks)}
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskExecutor:
    """A running Dask distributed scheduler (the ``distributed`` extra)."""

    def __init__(self, scheduler: Any):
        try:
            from distributed import Client
        except ImportError:
            raise InputError(Problem("--scheduler needs Dask: pip install -e "
                                     "'.[distributed]'")) from None
        try:
            self.client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise RunError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        self.name = f"dask at {self.client.scheduler.address}"

    def imap(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as dask_completed

        futures = self.client.map(fn, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            yield index[fut.key], fut.result()

    def close(self) -> None:
        self.client.close()


def make_executor(workers: int = 0, scheduler: Any = None):
    """In-process (workers 0 or 1), local processes, or Dask when ``scheduler`` is given."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers and workers > 1:
        return Processes(workers)
    return InProcess()
