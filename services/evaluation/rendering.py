"""Reports are drawn off the event loop, in a bounded pool of worker
processes: the HTML page (Jinja, in the reader's language) and its PDF (WeasyPrint).

Drawn on the loop, a buyer's portfolio PDF took 10.4 s, and for those 10 s
the service answered nothing, not even /health, and its NATS consumers
missed their ack wait. WeasyPrint is Python that holds the GIL, so a thread
would starve the loop as well: processes it is. A worker is started (spawn:
a fresh interpreter, nothing inherited from the loop's threads) at the first
report after the service starts and stays, warm, for the service's life,
in a session of its own at a lower CPU priority (nice 10) than the
service's process (see `_load`), and ends with it, killed or not. Starting
one costs about 0.1 s and loading WeasyPrint into it about 2.5 s (some
80 MiB), which the first report pays, as it did before.

At most `report_workers` reports are drawn at once and `report_queue` more
wait; one more is refused with 503 and a Retry-After from the recent drawing
times (shared.unavailable). Stopping the service stops the workers, a report
half drawn too (uvicorn has waited for its requests by then)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from services.evaluation import reports
from shared.logging import get_logger
from shared.unavailable import Unavailable

log = get_logger("reports")


WORKER_NICE = 10  # a worker's CPU priority below the service's (which answers, acks and projects)


def _load(service_pid: int) -> None:
    """A worker's start: a lower CPU priority than the service's own process,
    so that on a busy machine the event loop is served first, and WeasyPrint
    (Pango, fonts) loaded once, not per report. The worker opens a session
    of its own: where the kernel groups processes by session for fairness
    (autogroup, on by default in most Linux distributions), the workers' CPU
    would count against the service's share, and its loop would wait for the
    other sessions on a busy machine whatever the workers' nice value."""
    with contextlib.suppress(OSError):
        os.setsid()
    with contextlib.suppress(OSError), open("/proc/self/autogroup", "w") as group:  # noqa: PTH123
        group.write(str(WORKER_NICE))  # the new session's weight, where autogroup is on
    os.nice(WORKER_NICE)
    threading.Thread(target=_exit_with, args=(service_pid,), daemon=True, name="exit-with-service").start()
    import weasyprint  # noqa: F401


def _exit_with(service_pid: int) -> None:
    """A worker ends when its service does, however that ends (SIGKILL too: the
    pool's queues are no signal, the worker holds both ends of them)."""
    while os.getppid() == service_pid:
        time.sleep(1.0)
    os._exit(0)


def draw(fmt: str, data: dict[str, Any], **page: Any) -> str | bytes:
    """In a worker: the report's HTML, or its PDF."""
    text = reports.html(data, **page)
    return text if fmt == "html" else reports.pdf(text)


class Renderer:
    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.queue = queue
        self._pool: ProcessPoolExecutor | None = None
        self._drawing: set[Future] = set()  # submitted and not done: drawn or waiting for a worker
        self._seconds = 2.0  # a recent report's drawing time (moving average), for Retry-After
        self._closed = False

    @property
    def drawing(self) -> int:
        """Reports being drawn or waiting for a worker."""
        return len(self._drawing)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (none before the first report)."""
        return list(getattr(self._pool, "_processes", None) or {})

    async def render(self, fmt: str, data: dict[str, Any], **page: Any) -> str | bytes:
        """`draw` in a worker, awaited without holding the loop."""
        if self._closed:
            raise Unavailable("stopping", "the service is stopping; try again in a moment", 5)
        if len(self._drawing) >= self.workers + self.queue:
            wait = math.ceil(self._seconds * len(self._drawing) / self.workers)
            raise Unavailable("busy", f"{len(self._drawing)} reports are being drawn or wait for it; "
                              "try again later", max(1, wait))
        if self._pool is None:
            self._renewed()
        started = time.monotonic()
        try:
            future = self._pool.submit(draw, fmt, data, **page)  # type: ignore[union-attr]
        except BrokenProcessPool:
            future = self._renewed().submit(draw, fmt, data, **page)
        self._drawing.add(future)
        future.add_done_callback(self._drawing.discard)
        try:
            out = await asyncio.wrap_future(future)
        except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool for the next report
            if self._closed:
                raise Unavailable("stopping", "the service is stopping; try again in a moment", 5) from None
            log.error("reports.worker_lost", format=fmt)
            self._renewed()
            raise Unavailable("worker_lost", "the report's worker stopped while drawing it; try again", 5) from None
        self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - started)
        return out

    def _renewed(self) -> ProcessPoolExecutor:
        old, self._pool = self._pool, ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_load, initargs=(os.getpid(),))
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        return self._pool

    async def close(self) -> None:
        """Stop the workers, one drawing too, and wait until they are gone."""
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((pool._processes or {}).values())  # noqa: SLF001 - to stop one mid-report
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.terminate()
        await asyncio.to_thread(_joined, processes)


def _joined(processes: list[Any]) -> None:
    for p in processes:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join(1)
