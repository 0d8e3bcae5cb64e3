"""Where experiments run: in this process, in local processes, or on a Dask cluster.

Every executor maps a picklable top-level function over tasks and yields
``(index, result)`` as each finishes. The model does not know which one runs
it; each task carries its own seed, so results do not depend on the choice.

In a worker, BLAS runs on one thread (the workers are the parallelism; two
workers each spinning two BLAS threads on two cores only contend), and a local
worker process exits on its own once its parent has died.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from simcore.errors import InputError, Problem, RunError


def _watch_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)   # the parent is gone: nobody will read our results


def _start_worker(parent: int) -> None:
    """Process-pool initializer: one BLAS thread, and exit when the parent dies."""
    pin_blas()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def pin_blas() -> None:
    """Limit BLAS and OpenMP thread pools in this process to one thread."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


class _Pinned:
    """``fn`` run with BLAS on one thread (for Dask workers, which we do not start)."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, task: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            return self.fn(task)


class InProcess:
    name = "in-process"

    def imap(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, Any]]:
        pinned = _Pinned(fn)   # the model's matrices are small: extra BLAS threads only spin
        for i, task in enumerate(tasks):
            yield i, pinned(task)

    def close(self) -> None:
        """Nothing to release."""


class Processes:
    """Local worker processes (concurrent.futures): at most ``workers``, and never more
    than a map has tasks (a pool is started at the first map, and again, larger, only
    for a later map with more tasks)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"{workers} local processes"
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The pool, of ``workers`` processes if none is running yet."""
        return self._pool if self._pool is not None else self._sized(self.workers)

    def _sized(self, tasks: int) -> ProcessPoolExecutor:
        want = max(1, min(self.workers, tasks))
        if self._pool is None or self._size < want:
            if self._pool is not None:
                self._pool.shutdown()
            self._pool = ProcessPoolExecutor(max_workers=want, initializer=_start_worker,
                                             initargs=(os.getpid(),))
            self._size = want
        return self._pool

    def imap(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, Any]]:
        if not tasks:
            return
        pool = self._sized(len(tasks))
        futures = {pool.submit(fn, t): i for i, t in enumerate(tasks)}
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


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

        futures = self.client.map(_Pinned(fn), list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            yield index[fut.key], fut.result()

    def close(self) -> None:
        self.client.close()


SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def check_scheduler(address: str) -> str:
    """``address`` if it is a Dask scheduler address (``[scheme://]host[:port]``), else
    an InputError naming what was expected."""
    from urllib.parse import urlsplit

    text = address.strip()
    url = urlsplit(text if "://" in text else f"tcp://{text}")
    try:
        port_ok = url.port is None or 0 < url.port < 65536
    except ValueError:
        port_ok = False
    if url.scheme not in SCHEMES or not url.hostname or not port_ok or \
            url.path not in ("", "/") or url.query or url.fragment or any(c.isspace()
                                                                         for c in text):
        raise InputError(Problem(f"'{address}' is not a scheduler address; expected "
                                 "[scheme://]host:port, e.g. tcp://127.0.0.1:8786 (schemes: "
                                 f"{', '.join(SCHEMES)})", path="--scheduler"))
    return text


MAX_WORKERS = min(256, 4 * (os.cpu_count() or 1))
"""Local worker processes at most: 4 per CPU (each is a whole Python with numpy), and
never over 256."""


def check_workers(workers: int) -> int:
    """``workers`` if it is a count of local processes sim starts (0 to
    :data:`MAX_WORKERS`), else an InputError saying the bound."""
    if not 0 <= workers <= MAX_WORKERS:
        raise InputError(Problem(f"expected 0 to {MAX_WORKERS} worker processes (at most 4 "
                                 f"per CPU, {os.cpu_count() or 1} here, and 256), got "
                                 f"{workers}", path="--workers"))
    return workers


def make_executor(workers: int = 0, scheduler: Any = None):
    """In-process (workers 0 or 1), local processes, or Dask when ``scheduler`` is given;
    ``workers`` over :data:`MAX_WORKERS` is refused."""
    check_workers(workers or 0)
    if isinstance(scheduler, str):
        scheduler = check_scheduler(scheduler)
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers and workers > 1:
        return Processes(workers)
    return InProcess()
