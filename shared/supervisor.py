"""One supervisor for a service's background loops (the outbox relay, the
webhook dispatcher, the messaging start-up...).

A loop is a coroutine function. The supervisor runs it as a task; if the task
ends with an exception, or is cancelled by anything but the supervisor, or
returns while it should run for ever, the loop is *down*: one structured line
(`loop.died`: loop, error, restarts) is logged, and it is started again after
an exponential backoff (capped). While a loop is down, `/health` answers
`degraded` naming it. A loop's work on one record must not reach this far: a
loop parks a record that fails (see the relay, the dispatcher, the
projections); the supervisor is the net under bugs and surprises, so that no
exception ever ends a loop silently."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.logging import get_logger

log = get_logger("supervisor")

RUNNING, DOWN, DONE, STOPPED = "running", "down", "done", "stopped"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def describe(e: BaseException) -> str:
    """A short error text: the type, and the message's first 300 characters."""
    text = str(e).strip().replace("\n", " ")
    return f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__


@dataclass
class Loop:
    name: str
    run: Callable[[], Awaitable[Any]]
    once: bool  # a start-up task: returning is success, not death
    state: str = RUNNING
    error: str | None = None
    since: str = field(default_factory=_now)
    restarts: int = 0
    task: asyncio.Task[Any] | None = None  # the loop's own task (the one a test may kill)
    watcher: asyncio.Task[None] | None = None
    stopping: bool = False

    def view(self) -> dict[str, Any]:
        return {"state": self.state, "error": self.error, "since": self.since, "restarts": self.restarts}


class Supervisor:
    def __init__(self, *, backoff_s: float = 0.5, backoff_max_s: float = 30.0,
                 on_change: Callable[[Loop], None] | None = None) -> None:
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.loops: dict[str, Loop] = {}
        self.on_change = on_change  # metrics: called on every change of a loop's state

    def start(self, name: str, run: Callable[[], Awaitable[Any]], *, once: bool = False) -> Loop:
        """Run `run()` under supervision as the loop `name` (a name already
        running is an error: a loop has one task)."""
        old = self.loops.get(name)
        if old is not None and old.watcher is not None and not old.watcher.done():
            raise RuntimeError(f"loop {name} is already running")
        loop = Loop(name, run, once)
        self.loops[name] = loop
        loop.watcher = asyncio.create_task(self._watch(loop), name=f"supervise:{name}")
        self._changed(loop)
        return loop

    async def _watch(self, loop: Loop) -> None:
        failures = 0  # in a row: a loop that ran well for a while starts again from the shortest wait
        while True:
            loop.task = asyncio.create_task(loop.run(), name=loop.name)  # type: ignore[arg-type]
            started = time.monotonic()
            try:
                await asyncio.wait([loop.task])
            except asyncio.CancelledError:  # the supervisor itself is stopped
                loop.task.cancel()
                with suppress(BaseException):
                    await loop.task
                raise
            task = loop.task
            if loop.stopping:
                break
            if task.cancelled():
                error = "cancelled"
            elif task.exception() is not None:
                error = describe(task.exception())  # type: ignore[arg-type]
            elif loop.once:
                self._set(loop, DONE, None)
                return
            else:
                error = "returned while it should run"
            if time.monotonic() - started > self.backoff_max_s:
                failures = 0
            failures += 1
            loop.restarts += 1
            wait = min(self.backoff_max_s, self.backoff_s * 2 ** (failures - 1))
            self._set(loop, DOWN, error)
            log.error("loop.died", loop=loop.name, error=error, restarts=loop.restarts, restart_in_s=round(wait, 2),
                      exc_info=task.exception() if not task.cancelled() else None)
            await asyncio.sleep(wait)
            if loop.stopping:
                break
            self._set(loop, RUNNING, None)
            log.info("loop.restarted", loop=loop.name, restarts=loop.restarts)
        self._set(loop, STOPPED, None)

    def _set(self, loop: Loop, state: str, error: str | None) -> None:
        loop.state, loop.error, loop.since = state, error, _now()
        self._changed(loop)

    def _changed(self, loop: Loop) -> None:
        if self.on_change is not None:
            self.on_change(loop)

    async def stop(self, name: str, *, request: Callable[[], None] | None = None, timeout: float = 30.0) -> None:
        """Stop one loop: `request()` asks it to finish (e.g. the relay ends
        after the batch in flight) and it has up to `timeout` to return;
        without a request, or after the timeout, it is cancelled."""
        loop = self.loops.get(name)
        if loop is None or loop.watcher is None:
            return
        loop.stopping = True
        if request is not None and loop.task is not None and not loop.task.done() and loop.state == RUNNING:
            request()
            await asyncio.wait([loop.task], timeout=timeout)
        if loop.task is not None and not loop.task.done():
            loop.task.cancel()
        if not loop.watcher.done():
            loop.watcher.cancel()
        with suppress(BaseException):
            await loop.watcher
        if loop.task is not None:
            with suppress(BaseException):
                await loop.task
        self._set(loop, STOPPED, None)

    async def stop_all(self) -> None:
        for name in list(self.loops):
            await self.stop(name)

    def states(self) -> dict[str, dict[str, Any]]:
        return {n: lp.view() for n, lp in self.loops.items()}

    def down(self) -> dict[str, dict[str, Any]]:
        return {n: lp.view() for n, lp in self.loops.items() if lp.state == DOWN}
