"""Long work as jobs: a rebuild, a re-publish, a large export, with their
progress (done of total, rate, ETA) for a progress bar or a person to read.

A job runs as a task of the service's event loop and is kept in memory (the
last `keep` of them): it is the progress of work this process is doing, not
a record (the operator action it is is recorded in the service's log,
shared/operator_actions.py). A restart ends the jobs with the process; GET
/jobs/{id} then answers 404, and the operator starts the work again.

Each job belongs to a caller's scope. An operator's job (rebuild,
re-publish) is seen by the admins and auditors of every country and by the
one who started it; any other job (a buyer's export) only by the caller who
started it, in the same role and scope (`Principal.tenant`). Anyone else
gets 404, as for a job that does not exist."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.access import Principal
from shared.aggregate import NotFound
from shared.logging import get_logger

log = get_logger("jobs")

STATES = ("running", "succeeded", "failed")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Job:
    kind: str  # e.g. "projection.rebuild", "relay.republish", "export.portfolio"
    tenant: str  # Principal.tenant of the caller who started it
    operator: bool  # an operator's job: every admin and auditor of every country sees it
    target: str | None = None
    unit: str = "events"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    state: str = "running"
    done: int = 0
    total: int | None = None  # None: not known (yet)
    started_at: datetime = field(default_factory=_now)
    finished_at: datetime | None = None
    error: str | None = None
    result: dict[str, Any] | None = None
    _t0: float = field(default_factory=time.monotonic, repr=False)
    _t1: float | None = field(default=None, repr=False)
    _task: asyncio.Task[Any] | None = field(default=None, repr=False)

    # -- progress, as the work reports it ----------------------------------------

    def set_total(self, total: int | None) -> None:
        self.total = total if total is None else max(int(total), self.done)

    def advance(self, n: int = 1) -> None:
        self.progress(self.done + n)

    def progress(self, done: int) -> None:
        """`done` so far; a total passed (work that grew while it ran) grows with it."""
        self.done = int(done)
        if self.total is not None and self.done > self.total:
            self.total = self.done

    # -- what a reader sees -------------------------------------------------------

    @property
    def elapsed_s(self) -> float:
        return (self._t1 if self._t1 is not None else time.monotonic()) - self._t0

    @property
    def rate(self) -> float | None:
        """Units per second since the job started."""
        elapsed = self.elapsed_s
        return self.done / elapsed if elapsed > 0 and self.done else None

    @property
    def eta_s(self) -> float | None:
        if self.state != "running":
            return 0.0 if self.state == "succeeded" else None
        rate = self.rate
        if self.total is None or not rate:
            return None
        return max(self.total - self.done, 0) / rate

    def visible_to(self, p: Principal) -> bool:
        if p.tenant == self.tenant:
            return True
        return self.operator and p.role in ("admin", "auditor") and p.countries is None

    def view(self, base: str = "") -> dict[str, Any]:
        rate, eta = self.rate, self.eta_s
        return {"id": self.id, "kind": self.kind, "target": self.target, "state": self.state, "unit": self.unit,
                "done": self.done, "total": self.total,
                "rate_per_s": round(rate, 1) if rate is not None else None,
                "eta_s": round(eta, 1) if eta is not None else None,
                "elapsed_s": round(self.elapsed_s, 3),
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "error": self.error, "result": self.result, "href": f"{base}/jobs/{self.id}"}

    async def wait(self) -> dict[str, Any] | None:
        """The job's result once done; its error raised (the same exception) if it failed."""
        assert self._task is not None
        return await asyncio.shield(self._task)

    def _finish(self, state: str, *, result: dict[str, Any] | None = None, error: str | None = None) -> None:
        self.state, self.result, self.error = state, result, error
        self._t1 = time.monotonic()
        self.finished_at = _now()
        if state == "succeeded" and self.total is None:
            self.total = self.done


Work = Callable[[Job], Awaitable[dict[str, Any] | None]]


class Jobs:
    """The jobs of one service process."""

    def __init__(self, keep: int = 200) -> None:
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()

    def start(self, kind: str, who: Principal, work: Work, *, target: str | None = None, unit: str = "events",
              operator: bool = False, total: int | None = None) -> Job:
        """Run `work(job)` as a task of this loop; it reports progress on the job it is given."""
        job = Job(kind=kind, tenant=who.tenant, operator=operator, target=target, unit=unit, total=total)
        job._task = asyncio.get_running_loop().create_task(self._run(job, work), name=f"job:{kind}:{job.id}")
        job._task.add_done_callback(_retrieved)  # its error is the job's (logged, shown); none awaits it
        self._add(job)
        return job

    def track(self, kind: str, who: Principal, *, target: str | None = None, unit: str = "rows",
              operator: bool = False) -> Job:
        """A job whose work runs elsewhere (a streamed response): the caller reports
        its progress and ends it with `succeed` or `fail`."""
        job = Job(kind=kind, tenant=who.tenant, operator=operator, target=target, unit=unit)
        self._add(job)
        return job

    @staticmethod
    def succeed(job: Job, result: dict[str, Any] | None = None) -> None:
        if job.state == "running":
            job._finish("succeeded", result=result)

    @staticmethod
    def fail(job: Job, error: BaseException | str) -> None:
        if job.state == "running":
            job._finish("failed", error=error if isinstance(error, str) else _describe(error))

    def get(self, job_id: str, who: Principal) -> Job:
        """The job, if the caller may see it; else 404 as for no such job."""
        job = self._jobs.get(job_id)
        if job is None or not job.visible_to(who):
            raise NotFound("job", job_id)
        return job

    def listed(self, who: Principal) -> list[Job]:
        return [j for j in reversed(self._jobs.values()) if j.visible_to(who)]

    async def close(self) -> None:
        """Cancel the jobs still running (the service stops)."""
        tasks = [j._task for j in self._jobs.values() if j._task is not None and not j._task.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _add(self, job: Job) -> None:
        self._jobs[job.id] = job
        finished = [k for k, j in self._jobs.items() if j.state != "running"]
        while len(self._jobs) > self.keep and finished:
            del self._jobs[finished.pop(0)]

    async def _run(self, job: Job, work: Work) -> dict[str, Any] | None:
        log.info("job.started", job_id=job.id, kind=job.kind, target=job.target)
        try:
            result = await work(job)
        except BaseException as e:
            job._finish("failed", error=_describe(e))
            log.warning("job.failed", job_id=job.id, kind=job.kind, target=job.target, done=job.done,
                        error=job.error)
            raise
        job._finish("succeeded", result=result)
        log.info("job.succeeded", job_id=job.id, kind=job.kind, target=job.target, done=job.done,
                 elapsed_s=round(job.elapsed_s, 3))
        return result


def _retrieved(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _describe(e: BaseException) -> str:
    if isinstance(e, asyncio.CancelledError):
        return "cancelled (the service stopped)"
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def prefers_async(prefer: str | None) -> bool:
    """RFC 7240: `Prefer: respond-async` (among other preferences) asks for a 202 at once."""
    if not prefer:
        return False
    return any(p.split(";", 1)[0].strip().lower() == "respond-async" for p in prefer.split(","))
