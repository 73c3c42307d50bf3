"""The service base: one process = a FastAPI app and a FastStream NATS broker
in one event loop, with its event store, outbox relay and projections.

Start-up never waits for NATS: the API takes commands as soon as the database
is there (events wait in the outbox), and the messaging side connects in the
background, retrying until NATS answers. /ready says when both are up."""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from faststream import Context
from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, JStream, PullSub
from faststream.nats.message import NatsBatchMessage
from faststream.nats.prometheus import NatsPrometheusMiddleware
from faststream.specification import AsyncAPI
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import MetaData, func, select

import shared.messaging.compat  # noqa: F401 - nats-py/FastStream timeout shim
from shared import migrations as schema
from shared import telemetry
from shared.api import CURSOR_LINK, answers, cursor_link, declare_errors, finish_openapi, operation_id
from shared.apidocs import serve_docs
from shared.application import Application, Command, Handler
from shared.auth import Verifier, admin_only, principal
from shared.contracts.envelope import SUBJECT_ROOT, Envelope
from shared.contracts.registry import registry
from shared.contracts.values import MAX_INT
from shared.files import PRIVATE_UMASK
from shared.http import install
from shared.i18n import KERNEL_LOCALE, Texts
from shared.jobs import Job, Jobs, prefers_async
from shared.logging import configure_logging, get_logger
from shared.messaging.jetstream import (
    check_streams,
    consumer_filter,
    consumer_name,
    deadletter_subject,
    inbox_prefix,
    make_broker,
    redacted,
    stream_name,
)
from shared.messaging.relay import LOOP as RELAY
from shared.messaging.relay import OutboxRelay
from shared.messaging.replay import replay
from shared.operator_actions import action_type, actions, operator_action
from shared.privacy import SqlKeyStore, Vault, forgotten_in, move_old_keys
from shared.problems import KINDS, ProblemKind
from shared.projections import ParkedMessage, Projection, ProjectionRunner
from shared.ratelimit import RateLimits
from shared.settings import Settings
from shared.store.database import Database
from shared.store.eventstore import EventStore, is_private
from shared.store.schema import parked as parked_table
from shared.supervisor import DOWN, Loop, Supervisor
from shared.telemetry import HttpMetrics, HttpTelemetry

log = get_logger("service")

PREFER = Header(None, description="`respond-async` (RFC 7240): answer 202 at once, Location the job's progress")
ASYNC_DOC = "Accepted (with `Prefer: respond-async`): the job, its progress at Location"


def accepted(job: Job) -> JSONResponse:
    return JSONResponse(job.view(), status_code=202, headers={"Location": f"/jobs/{job.id}",
                                                              "Preference-Applied": "respond-async"})

GC_GEN0_THRESHOLD = 10_000  # CPython's default is 700


def settle_heap() -> None:
    """Before serving: collect once, then freeze what is alive (the modules,
    the app, its schemas and metadata: hundreds of thousands of objects that
    live as long as the process) so the collector never walks them again,
    and let it run ten times less often. A consumer allocates a few dozen
    objects per event; with the defaults about a quarter of its own work per
    event was collections (benchmarks/kernel.py runs with the same setting)."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def _undecoded(msg: Any) -> Any:
    """FastStream's decoder for our batches: none. FastStream would parse every
    message again and try it as JSON; the runner decodes the envelopes itself,
    from the raw messages."""
    return msg.body


def _batch_handler(runner: ProjectionRunner, heartbeat_s: float):  # noqa: ANN202
    async def handle(body: Any, message: NatsBatchMessage = Context("message")) -> None:
        await runner.submit(message.raw_message, heartbeat_s=heartbeat_s)

    return handle


ParkedCounts = Callable[[], Awaitable[Mapping[tuple[str, str], int]]]  # -> {(loop, tenant): parked records}



READY_EVERY_S = 1.0  # /ready checks the database and JetStream at most this often


class Probe:
    """`/ready` answers without a token and is not rate-limited (an orchestrator
    probes it), so what it costs must not depend on how often it is asked: its
    checks (a database round trip, a JetStream API request) run at most once per
    READY_EVERY_S, and callers meanwhile share the running check's answer."""

    def __init__(self, check: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        self._check = check
        self._last: tuple[float, dict[str, Any]] | None = None
        self._running: asyncio.Task[dict[str, Any]] | None = None

    async def readiness(self) -> dict[str, Any]:
        if self._last is not None and time.monotonic() - self._last[0] < READY_EVERY_S:
            return self._last[1]
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self._run())
        return await asyncio.shield(self._running)

    def forget(self) -> None:
        self._last = None

    async def _run(self) -> dict[str, Any]:
        checks = await self._check()
        self._last = (time.monotonic(), checks)
        return checks

class Metrics:
    """The service's Prometheus metrics, in a registry of its own (tests run
    several services in one process): each supervised loop up or down, its
    restarts, and the records parked per loop and tenant (country or buyer);
    HTTP requests by route template (shared.telemetry); each consumer's lag
    and redeliveries, the outbox's backlog and a service's own queues (the
    buyers' webhook deliveries), read when scraped (`Service.metrics_text`)."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http = HttpMetrics(service, self.registry)
        consumer = ["service", "projection", "source", "country"]
        self.lag = Gauge("wecare_consumer_lag", "Messages of the consumer's stream not yet applied and acked "
                         "(JetStream's pending + ack pending); -1 when JetStream did not answer",
                         consumer, registry=self.registry)
        self.redelivering = Gauge("wecare_consumer_redelivering", "Messages JetStream redelivered and the "
                                  "consumer has not acked yet (JetStream's num_redelivered)",
                                  consumer, registry=self.registry)
        self.backlog = Gauge("wecare_outbox_backlog", "Stored events not yet acknowledged by JetStream",
                             ["service"], registry=self.registry)
        self.queued = Gauge("wecare_queue_depth", "Work waiting in a queue of the service (e.g. webhook "
                            "deliveries per buyer)", ["service", "queue", "tenant"], registry=self.registry)
        self.loop_up = Gauge("wecare_loop_up", "1 while the background loop runs, 0 while it is down",
                             ["service", "loop"], registry=self.registry)
        self.restarts = Counter("wecare_loop_restarts", "Times the supervisor restarted the loop after it died",
                                ["service", "loop"], registry=self.registry)
        self.parked = Gauge("wecare_parked_records", "Records a loop parked (dead letters) waiting for an operator",
                            ["service", "loop", "tenant"], registry=self.registry)
        self.service = service
        self._restarts_seen: dict[str, int] = {}

    def loop_changed(self, loop: Loop) -> None:
        self.loop_up.labels(self.service, loop.name).set(0 if loop.state == DOWN else 1)
        seen = self._restarts_seen.get(loop.name, 0)
        if loop.restarts > seen:
            self.restarts.labels(self.service, loop.name).inc(loop.restarts - seen)
        self._restarts_seen[loop.name] = loop.restarts

    def set_parked(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.parked.clear()
        for (loop, tenant), n in counts.items():
            self.parked.labels(self.service, loop, tenant).set(n)

    def set_queued(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.queued.clear()
        for (queue, tenant), n in counts.items():
            self.queued.labels(self.service, queue, tenant).set(n)

    def text(self) -> bytes:
        return generate_latest(self.registry)


class _Counts:
    """Counters kept as plain integers where they change (the relay, the
    projection runners: no Prometheus call on the hot path), read when scraped."""

    def __init__(self, service: Service) -> None:
        self.svc = service

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        name = self.svc.settings.service
        published = CounterMetricFamily("wecare_outbox_published", "Events the relay published and JetStream "
                                        "acknowledged", labels=["service"])
        published.add_metric([name], self.svc.relay.published)
        yield published
        applied = CounterMetricFamily("wecare_consumer_applied", "Events a projection applied", labels=["service",
                                      "projection"])
        redelivered = CounterMetricFamily("wecare_consumer_redeliveries", "Messages JetStream delivered to the "
                                          "projection again (a nak, an ack lost or late)",
                                          labels=["service", "projection"])
        for p, runner in self.svc.runners.items():
            applied.add_metric([name, p], runner.applied)
            redelivered.add_metric([name, p], runner.redelivered)
        yield applied
        yield redelivered



class ProjectionStatus(BaseModel):
    """One projection in GET /ops/status."""

    model_config = ConfigDict(extra="allow")
    parked: int = Field(description="its messages parked after their attempts ran out (GET /ops/parked)")
    # int | str, not int | Literal["unknown"]: openapi-python-client 0.29.1 parses such a union in a map's
    # values as the constant alone, and the typed clients refuse every number
    lag: dict[str, int | str] = Field(
        description="per stream and country (`<context>.<country>`): messages not yet applied and acknowledged; "
                    "`unknown` while NATS does not answer")
    applied_here: int = Field(description="events this process applied since it started")


class ServiceStatus(BaseModel):
    """GET /ops/status: the service's log, outbox and projections (`wecare status` prints it)."""

    model_config = ConfigDict(extra="allow")
    service: str
    countries: list[str]
    events: dict[str, int] = Field(description="events stored, per country")
    events_total: int
    outbox_backlog: int = Field(description="events stored and not yet published to NATS")
    projections: dict[str, ProjectionStatus]
    loops: dict[str, dict[str, Any]] = Field(description="the supervised loops: state, restarts, last error")


class Service:
    def __init__(
        self,
        context: str,
        settings: Settings | None = None,
        *,
        projections: Sequence[Projection] = (),
        metadata: Sequence[MetaData] = (),
        routers: Sequence[APIRouter] = (),
        handlers: Mapping[type[Command], Handler] | None = None,
        title: str | None = None,
        version: str = "0.1.0",
        migrations: Path | None = None,
        locale: Path | None = None,
    ) -> None:
        self.context = context
        # the API's texts in the caller's language: the service's catalogues (<locale>/<lang>/LC_MESSAGES/api.po),
        # then the kernel's (shared/i18n.py)
        self.texts = Texts(*(d for d in (locale, KERNEL_LOCALE) if d is not None))
        self.settings = settings or Settings(service=context)
        if self.settings.service == "kernel":
            self.settings = self.settings.model_copy(update={"service": context})
        s = self.settings
        configure_logging(s.service, s.log_format, s.log_level)
        self.db = Database(s.resolved_database_url())
        self.verifier = None if s.auth == "off" else Verifier.from_settings(s)
        self.rate_limits = RateLimits(per_token=s.rate_limit_token, per_address=s.rate_limit_address) \
            if s.rate_limit_token or s.rate_limit_address else None
        self.store = EventStore(self.db, context)
        action_type(context)  # operators' actions are recorded in the service's own log (operator_actions.py)
        # personal data, a key per person, in a key store of its own (never the event database)
        self.vault = Vault(SqlKeyStore(s.resolved_keystore_url()))
        self.store.vault = self.vault  # type: ignore[attr-defined] - what handlers seal with (privacy.vault_of)
        # the service's commands: every entry point (HTTP, console, imports, reactions) goes through them
        self.application = Application(self.store, handlers or {}, served=s.countries,
                                       key_ttl=timedelta(seconds=s.idempotency_key_ttl_s))
        self.handle = self.application.handle  # service.handle(cmd, ctx): the one way into its state
        self.metadata = list(metadata)
        # the database's revisions (shared/migrations); without them (the sample service, tests' services)
        # the tables are made by create_all
        self.migrations = migrations
        self.broker = make_broker(s)
        self._js: JetStreamContext | None = None
        self.relay = OutboxRelay(self.store, self.js, batch=s.relay_batch, poll_s=s.relay_poll_s,
                                 ack_timeout_s=s.relay_ack_timeout_s)
        self.store.on_append.append(self.relay.wake)
        self.jobs = Jobs()  # long work (rebuild, re-publish, export) and its progress: GET /jobs/{id}
        self.runners: dict[str, ProjectionRunner] = {}
        self.consumers: list[tuple[str, str, str, str]] = []  # (projection, context, country, durable)
        for p in projections:
            self._wire(p)
        # a service's own background workers (e.g. the buyers' webhook dispatcher):
        # started once the database is there, stopped before it closes
        self.on_start: list[Callable[[], None]] = []
        self.on_stop: list[Callable[[], Awaitable[None]]] = []
        # every background loop runs under the supervisor: restarted if it dies, named by /health while down
        self.metrics = Metrics(s.service)
        self.metrics.registry.register(_Counts(self))
        # FastStream's own consumer metrics (messages and batches received, handling time, errors, by subject)
        self.broker.add_middleware(NatsPrometheusMiddleware(registry=self.metrics.registry, app_name=s.service))
        telemetry.configure(s.service)  # traces: only when OTEL_EXPORTER_OTLP_ENDPOINT is set
        self.supervisor = Supervisor(on_change=self.metrics.loop_changed)
        self.background: dict[str, tuple[Callable[[], Awaitable[Any]], Callable[[], None] | None]] = {}
        # what the service parks besides its projections' messages (e.g. the buyers' webhook deliveries)
        self.parked_counts: list[ParkedCounts] = [self._projection_parked_counts]
        # the service's own queues for /metrics: {(queue, tenant): waiting} (e.g. the buyers' webhook deliveries)
        self.queue_counts: list[ParkedCounts] = []
        self.messaging_ready = asyncio.Event()
        self.probe = Probe(self.readiness)  # /ready, which answers without a token
        self._publishers_documented = False
        self.app = self._make_app(title or f"WeCare {context} service", version, routers)

    # -- wiring --------------------------------------------------------------

    def run_in_background(self, name: str, run: Callable[[], Awaitable[Any]],
                          request_stop: Callable[[], None] | None = None) -> None:
        """A loop of this service (started once the database is there, under
        the supervisor; stopped before the database closes)."""
        self.background[name] = (run, request_stop)

    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("not connected to NATS yet")
        return self._js

    def durable_name(self, projection: str, context: str, country: str) -> str:
        return consumer_name(self.settings.service, projection, context, country)

    def _wire(self, projection: Projection) -> None:
        s = self.settings
        runner = ProjectionRunner(projection, self.db, max_attempts=s.consumer_max_attempts,
                                  backoff_s=s.consumer_backoff_s, gap_timeout_s=s.consumer_gap_timeout_s,
                                  on_parked=self._announce_parked)
        projection.bind(self)
        runner.after_commit.append(self.relay.wake)  # a reacting projection may have appended events
        self.runners[projection.name] = runner
        runner.service = s.service
        for context in sorted(projection.sources()):
            for country in s.countries:
                durable = self.durable_name(projection.name, context, country)
                sub = self.broker.subscriber(
                    consumer_filter(context, country),
                    stream=JStream(stream_name(context), declare=False),
                    durable=durable,
                    # fetched messages come to the service's own inboxes (FastStream's default is _INBOX.)
                    inbox_prefix=f"{inbox_prefix(s.nats_user)}.".encode(),
                    # Batches are applied one at a time, in order, each in one
                    # transaction; acks are ours (MANUAL), after the commit.
                    pull_sub=PullSub(batch_size=s.consumer_batch, timeout=0.1, batch=True),
                    config=ConsumerConfig(
                        # two batches in flight: one committing while the next is fetched
                        ack_wait=s.consumer_ack_wait_s, max_deliver=-1, max_ack_pending=2 * s.consumer_batch,
                        deliver_policy=DeliverPolicy.ALL,
                    ),
                    ack_policy=AckPolicy.MANUAL,
                    decoder=_undecoded,
                    title=f"{projection.name}:{context}:{country}",
                    description=f"projection {projection.name} reads {context} events of {country}",
                )

                sub(_batch_handler(runner, s.consumer_ack_wait_s / 3))
                self.consumers.append((projection.name, context, country, durable))

    def document_publishers(self) -> None:
        """Declare (for the AsyncAPI document only) what this service publishes:
        one channel per event type of its context, with the event's schema."""
        if self._publishers_documented:
            return
        self._publishers_documented = True
        for t in registry.types(self.context):
            if t.private:  # never published
                continue
            self.broker.publisher(
                f"{SUBJECT_ROOT}.{{country}}.{self.context}.{t.subject_name()}",
                stream=JStream(stream_name(self.context), declare=False),
                title=f"{self.context}.{t.event_type}",
                description=(t.__doc__ or "").strip() or None,
                schema=t,
            )

    async def _announce_parked(self, p: ParkedMessage, data: bytes) -> None:
        """Put a parked message on the dead-letter subject for operators' tools."""
        if self._js is None:
            return
        headers = {"Wecare-Projection": p.projection, "Wecare-Reason": p.reason,
                   "Wecare-Error": p.error[:1000].replace("\n", " "), "Wecare-Subject": p.subject,
                   "Nats-Msg-Id": f"{p.projection}:{p.event_id}"}
        await self._js.publish(deadletter_subject(self.context, p.projection), data, headers=headers)

    # -- life cycle ----------------------------------------------------------

    async def start(self) -> None:
        if self.migrations is None:
            await self.db.create_all(*self.metadata)
        else:
            try:
                await schema.prepare(self.db, self.migrations, self.context)
            except schema.SchemaNotCurrent as e:
                log.error("schema.not_current", service=self.context, error=str(e))
                raise
        await self.reapply_forgets()
        for hook in self.on_start:
            hook()
        for name, (run, _) in self.background.items():
            self.supervisor.start(name, run)
        self.supervisor.start("messaging-start", self._start_messaging, once=True)

    async def reapply_forgets(self) -> list[str]:
        """Erasure survives a restore: keys an older version kept in the event
        database move to the key store, and every forget (the key store's
        tombstones, the forget events of the event store) deletes its key
        again, whichever store came back from an older backup."""
        if not self.settings.keystore_url and not self.db.is_sqlite:
            log.warning("privacy.keystore_beside_data_dir", keystore=self.settings.resolved_keystore_url(),
                        hint="set WECARE_KEYSTORE_URL to a database of its own (deploy/OPERATIONS.md, Backups)")
        await self.vault.keys.prepare()
        moved = await move_old_keys(self.db, self.vault)
        gone = await self.vault.reapply(await forgotten_in(self.store))
        if moved or gone:
            log.info("privacy.keys", moved_from_event_db=moved, forgotten_again=len(gone))
        return gone

    async def reapply_published_forgets(self, js: JetStreamContext) -> list[str]:
        """The forgets JetStream holds (the published forget events of this
        service's context), re-applied to the key store: the copy that is
        left when both the event database and the key store were restored
        from before a forget."""
        forgotten: dict[str, Any] = {}
        for t in registry.types(self.context):
            field = getattr(t, "forgets", None)
            if field is None or t.private:
                continue
            async for env in replay(js, self.context, self.settings.countries, only=t.subject_name()):
                p = getattr(env.event(), field)
                if p:
                    forgotten[p] = max(forgotten.get(p, env.occurred_at), env.occurred_at)
        gone = await self.vault.reapply(forgotten) if forgotten else []
        if gone:
            log.info("privacy.keys", forgotten_again_from_jetstream=len(gone))
        return gone

    def stream_contexts(self) -> set[str]:
        """The contexts whose streams the service uses: its own, and those its projections read."""
        contexts = {self.context}
        for r in self.runners.values():
            contexts |= set(r.projection.sources())
        return contexts

    async def _start_messaging(self) -> None:
        attempt = 0
        while True:
            try:
                await self.broker.connect()
                self._js = self.broker.connection.jetstream()
                await check_streams(self._js, self.stream_contexts())  # provisioned, never created here
                await self.reapply_published_forgets(self._js)  # before anything is served from NATS
                await self.broker.start()
                break
            except Exception as e:  # noqa: BLE001 - NATS not there yet: keep trying
                attempt += 1
                log.warning("messaging.connect_retry", error=str(e) or type(e).__name__, attempt=attempt,
                            nats_url=redacted(self.settings.nats_url))
                with suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(min(0.2 * attempt, 2.0))
        self.relay._stopping = False  # noqa: SLF001 - a service started again after a stop
        self.supervisor.start(RELAY, self.relay.run)
        self.messaging_ready.set()
        self.probe.forget()  # ready now: /ready says so at once
        log.info("messaging.ready", consumers=len(self.consumers), countries=list(self.settings.countries))

    async def stop(self) -> None:
        """Graceful: stop taking messages, let in-flight handlers finish (the
        broker's graceful timeout), publish what the relay holds, close."""
        await self.supervisor.stop("messaging-start")
        await self.jobs.close()
        if self.messaging_ready.is_set():
            await self.supervisor.stop(RELAY, request=self.relay.request_stop)
            await self._drain_runners()  # commits and acks of batches handed over, while NATS is up
            await self.broker.stop()
        await self._drain_runners()
        for name, (_, request_stop) in self.background.items():
            await self.supervisor.stop(name, request=request_stop)
        for hook in self.on_stop:
            await hook()
        await self.db.dispose()
        await self.vault.close()
        telemetry.shutdown()  # spans still buffered go out
        if self.verifier is not None:
            await self.verifier.aclose()
        log.info("service.stopped")

    async def _drain_runners(self) -> None:
        for runner in self.runners.values():
            await runner.drain()

    async def wait_ready(self, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self.messaging_ready.wait(), timeout)

    # -- operations ------------------------------------------------------------

    async def readiness(self) -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            await self.db.ping()
            checks["database"] = "ok"
        except Exception as e:  # noqa: BLE001
            checks["database"] = f"unreachable: {type(e).__name__}"
        conn = self.broker._connection  # noqa: SLF001 - None until connected
        checks["nats"] = "ok" if conn is not None and conn.is_connected else "unreachable"
        if checks["nats"] == "ok" and self._js is not None:
            try:
                await asyncio.wait_for(self._js.stream_info(stream_name(self.context)), 2)
                checks["streams"] = "ok"
            except Exception as e:  # noqa: BLE001
                checks["streams"] = f"missing: {type(e).__name__}"
        else:
            checks["streams"] = "unknown"
        checks["ready"] = all(v == "ok" for v in checks.values()) and self.messaging_ready.is_set()
        return checks

    async def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"service": self.settings.service, "countries": list(self.settings.countries)}
        out["events"] = {c: await self.store.count([c]) for c in self.settings.countries}
        out["events_total"] = await self.store.count()
        out["outbox_backlog"] = await self.store.backlog()
        async with self.db.read() as conn:
            rows = await conn.execute(select(parked_table.c.projection, func.count())
                                      .group_by(parked_table.c.projection))
            parked = {r[0]: r[1] for r in rows}
        projections: dict[str, Any] = {}
        for name, ctx, country, durable in self.consumers:
            entry = projections.setdefault(name, {"parked": parked.get(name, 0), "lag": {},
                                                  "applied_here": self.runners[name].applied})
            lag: int | str = "unknown"
            if self._js is not None:
                try:
                    info = await asyncio.wait_for(self._js.consumer_info(stream_name(ctx), durable), 2)
                    lag = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
                except Exception:  # noqa: BLE001
                    lag = "unknown"
            entry["lag"][f"{ctx}.{country}"] = lag
        out["projections"] = projections
        out["loops"] = self.supervisor.states()
        return out

    def health(self) -> tuple[dict[str, Any], int]:
        """Liveness: `alive`, or `degraded` naming each loop that is down
        (its error's type only: /health answers without a token). Always 200:
        a liveness probe that failed would have the orchestrator kill the
        process, which the supervisor's restart with backoff does better,
        without dropping the API and the loops that work (and a NATS outage
        would put every service in a restart loop). Alert on
        wecare_loop_up == 0 in /metrics instead."""
        down = self.supervisor.down()
        if not down:
            return {"status": "alive", "service": self.settings.service}, 200
        loops = {n: {**v, "error": (v["error"] or "").split(":", 1)[0]} for n, v in down.items()}
        return {"status": "degraded", "service": self.settings.service, "loops": loops}, 200

    async def _projection_parked_counts(self) -> dict[tuple[str, str], int]:
        """{(projection:<name>, country): parked messages} (the country is the subject's second token)."""
        async with self.db.read() as conn:
            rows = await conn.execute(select(parked_table.c.projection, parked_table.c.subject))
            out: dict[tuple[str, str], int] = {}
            for name, subject in rows:
                parts = subject.split(".")
                key = (name if name == RELAY else f"projection:{name}", parts[1] if len(parts) > 2 else "?")
                out[key] = out.get(key, 0) + 1
        return out

    async def metrics_text(self) -> bytes:
        counts: dict[tuple[str, str], int] = {}
        for source in self.parked_counts:
            try:
                counts.update(await source())
            except Exception as e:  # noqa: BLE001 - the loops' gauges still answer
                log.warning("metrics.parked_failed", error=str(e) or type(e).__name__)
        self.metrics.set_parked(counts)
        queued: dict[tuple[str, str], int] = {}
        for source in self.queue_counts:
            try:
                queued.update(await source())
            except Exception as e:  # noqa: BLE001
                log.warning("metrics.queues_failed", error=str(e) or type(e).__name__)
        self.metrics.set_queued(queued)
        try:
            self.metrics.backlog.labels(self.settings.service).set(await self.store.backlog())
        except Exception as e:  # noqa: BLE001
            log.warning("metrics.backlog_failed", error=str(e) or type(e).__name__)
        await self._consumer_metrics()
        return self.metrics.text()

    async def _consumer_metrics(self) -> None:
        """Each consumer's lag and redeliveries, as JetStream counts them (its
        consumer info, all asked at once, 2 s at most; -1: no answer)."""
        async def info(ctx: str, durable: str) -> Any:
            if self._js is None:
                return None
            try:
                return await asyncio.wait_for(self._js.consumer_info(stream_name(ctx), durable), 2)
            except Exception:  # noqa: BLE001 - NATS down, consumer not there yet: said as -1
                return None

        infos = await asyncio.gather(*(info(ctx, durable) for _, ctx, _, durable in self.consumers))
        for (name, ctx, country, _), i in zip(self.consumers, infos, strict=True):
            labels = (self.settings.service, name, ctx, country)
            self.metrics.lag.labels(*labels).set(
                -1 if i is None else int(i.num_pending or 0) + int(i.num_ack_pending or 0))
            self.metrics.redelivering.labels(*labels).set(-1 if i is None else int(i.num_redelivered or 0))

    async def _log_of(self, projection: Projection) -> AsyncIterator[Envelope]:
        """Every event the projection reads: this service's from its own store,
        other services' from their JetStream streams."""
        contexts = set(projection.sources())
        countries = self.settings.countries
        if self.context in contexts:
            async for env in self.store.read_all(countries=countries):
                yield env
        for context in sorted(contexts - {self.context}):
            async for env in replay(self.js(), context, countries):
                yield env

    async def _log_size(self, projection: Projection) -> int | None:
        """How many events `_log_of` will read (None: a stream could not tell)."""
        contexts = set(projection.sources())
        countries = self.settings.countries
        n = await self.store.count(countries) if self.context in contexts else 0
        if contexts - {self.context} and not self.messaging_ready.is_set():
            return None  # (the rebuild itself says NATS is needed)
        for context in sorted(contexts - {self.context}):
            try:
                for country in countries:
                    info = await self.js().stream_info(stream_name(context),
                                                       subjects_filter=f"{SUBJECT_ROOT}.{country}.{context}.>")
                    n += sum((info.state.subjects or {}).values())
            except Exception as e:  # noqa: BLE001 - the rebuild goes on, its progress without a total
                log.warning("rebuild.total_unknown", context=context, error=str(e) or type(e).__name__)
                return None
        return n

    async def rebuild(self, name: str, job: Job | None = None) -> dict[str, Any]:
        runner = self.runners[name]
        if set(runner.projection.sources()) - {self.context} and not self.messaging_ready.is_set():
            raise RuntimeError("NATS is needed to rebuild from other services' events: not connected yet")
        if job is not None and job.total is None:
            job.set_total(await self._log_size(runner.projection))
        before = await runner.fingerprint()
        n = await runner.rebuild(self._log_of(runner.projection), progress=job.progress if job else None)
        after = await runner.fingerprint()
        return {"projection": name, "applied": n, "identical": before == after, "fingerprint": after}

    async def _unpublished(self, from_position: int, until: int) -> int:
        from shared.store.schema import outbox

        async with self.db.read() as conn:
            return int(await conn.scalar(select(func.count()).select_from(outbox)
                                         .where(outbox.c.position.between(from_position, until))) or 0)

    async def _republished(self, job: Job, from_position: int, until: int) -> dict[str, Any]:
        """Follow the relay publishing the events marked again: done = those no longer in the outbox."""
        while True:
            left = await self._unpublished(from_position, until)
            job.progress((job.total or 0) - left)
            if not left:
                return {"published": job.done}
            await asyncio.sleep(0.2)

    # -- HTTP ----------------------------------------------------------------------

    def _make_app(self, title: str, version: str, routers: Sequence[APIRouter]) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI):  # noqa: ANN202
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(title=title, version=version, lifespan=lifespan, docs_url=None, redoc_url=None,
                      generate_unique_id_function=operation_id)  # approvePlan (shared.api.operation_id)
        finish_openapi(app)  # the named schemas of a problem (RFC 9457) every error answer refers to
        install(app, self.settings.service, max_body_bytes=self.settings.max_body_bytes,
                rate_limits=self.rate_limits, trusted_proxies=self.settings.trusted_proxies, texts=self.texts)
        # outermost: every answer counted and timed (a refused body, a rate-limited caller too)
        app.add_middleware(HttpTelemetry, metrics=self.metrics.http)
        serve_docs(app)  # Swagger UI from our own files, no CDN
        app.state.service = self

        @app.get("/health", tags=["operations"])
        async def health() -> JSONResponse:
            body, code = self.health()
            return JSONResponse(body, status_code=code)

        @app.get("/ready", tags=["operations"])
        async def ready() -> JSONResponse:
            checks = await self.probe.readiness()
            return JSONResponse(checks, status_code=200 if checks["ready"] else 503)

        @app.get("/problems/{kind}", tags=["operations"], responses={
            200: {"description": "The kind of problem a problem's `type` names"}, **answers(404, 422)})
        async def describe_problem(kind: str = PathParam(..., max_length=40, description="e.g. rule-broken")
                                   ) -> ProblemKind:
            """What a problem's `type` (`/problems/<kind>`, RFC 9457) means: its title, status and description.
            Answers without a token."""
            if kind not in KINDS:
                from shared.aggregate import NotFound
                raise NotFound("problem kind", kind)
            k = KINDS[kind]
            return ProblemKind(type=k.type, title=k.title, status=k.status, description=k.description)

        @app.get("/asyncapi.json", tags=["operations"])
        async def asyncapi() -> JSONResponse:
            return JSONResponse(self.asyncapi())

        ops = APIRouter(prefix="/ops", tags=["operations"], dependencies=[Depends(admin_only)])

        @ops.get("/status", response_model=ServiceStatus)  # typed: the clients' first consumer waits on it
        async def status() -> dict[str, Any]:
            return await self.status()

        @ops.get("/parked")
        async def list_parked() -> list[dict[str, Any]]:
            out = []
            for r in self.runners.values():
                out += [p.__dict__ for p in await r.parked()]
            return out + await self.relay.parked()

        @ops.get("/actions", responses={200: {"headers": CURSOR_LINK}})
        async def operator_actions(request: Request, response: Response,
                                   after: int = Query(0, ge=0, le=MAX_INT, description="the `seq` of the last "
                                                      "action read"),
                                   limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
            """Who did what through /ops (and the service's other operator
            actions), oldest first: actor, role, action, target, parameters,
            outcome, correlation id. They are events of the service's own log
            (stream ops-<context>), under its hash chain."""
            items = await actions(self.store, after=after, limit=limit)
            if len(items) == limit:  # perhaps more
                response.headers["Link"] = cursor_link(request, str(items[-1]["seq"]))
            return {"items": items, "next": items[-1]["seq"] if items else after}

        @ops.post("/parked/redrive")
        async def redrive(request: Request, projection: str | None = Query(None)) -> dict[str, Any]:
            names = [projection] if projection else list(self.runners)
            async with operator_action(request, "parked.redrive", target=projection) as outcome:
                outcome.update({n: await self.runners[n].redrive() for n in names if n in self.runners})
            return outcome

        @ops.get("/jobs")
        async def list_jobs(request: Request) -> list[dict[str, Any]]:
            """The long work of this process the caller may see, newest first."""
            from shared.api import caller
            return [j.view() for j in self.jobs.listed(caller(request))]

        @ops.post("/projections/{name}/rebuild", responses={202: {"description": ASYNC_DOC}})
        async def rebuild(request: Request, name: str, prefer: str | None = PREFER) -> dict[str, Any]:
            """Drop the projection's tables and apply the log again, as a job
            (progress at GET /jobs/{id}). With `Prefer: respond-async`: 202 at
            once, Location the job; else the answer when done, as before."""
            from shared.api import caller
            if name not in self.runners:
                from shared.aggregate import NotFound
                raise NotFound("projection", name)

            async def work(job: Job) -> dict[str, Any]:
                async with operator_action(request, "projection.rebuild", target=name,
                                           parameters={"job": job.id}) as outcome:
                    result = await self.rebuild(name, job)
                    outcome.update(applied=result["applied"], identical=result["identical"])
                return result

            total = await self._log_size(self.runners[name].projection)  # known from the job's first view
            job = self.jobs.start("projection.rebuild", caller(request), work, target=name, operator=True,
                                  total=total)
            if prefers_async(prefer):
                return accepted(job)
            return await job.wait()

        @ops.post("/relay/republish", responses={202: {"description": ASYNC_DOC}})
        async def republish(request: Request, from_position: int = Query(..., ge=1, le=MAX_INT),
                            prefer: str | None = PREFER) -> dict[str, Any]:
            """Mark every event from the position on for publication again; the
            relay publishes them, followed by a job (done: those published).
            With `Prefer: respond-async`: 202, Location the job; else 200 once marked."""
            from shared.api import caller
            async with operator_action(request, "relay.republish", parameters={"from_position": from_position}
                                       ) as outcome:
                done = await self.store.republish_from(from_position)
                outcome["marked"] = done.marked
            self.relay.wake()
            marked, until = done.marked, done.until
            pending = done.marked + done.waiting  # the total: those marked now and those still waiting (all go)

            async def follow(job: Job) -> dict[str, Any]:
                return await self._republished(job, from_position, until)

            job = self.jobs.start("relay.republish", caller(request), follow, target=f"from {from_position}",
                                  operator=True, total=pending)
            if prefers_async(prefer):
                return accepted(job)
            return JSONResponse({"marked": marked, "job": job.id}, headers={"Location": f"/jobs/{job.id}"})

        declare_errors(ops)
        app.include_router(ops)

        @app.get("/metrics", tags=["operations"], dependencies=[Depends(admin_only)], response_class=Response,
                 responses={200: {"description": "Prometheus text exposition format",
                                  "content": {"text/plain": {"schema": {"type": "string"}}}}})
        async def metrics() -> Response:
            """Prometheus text format. Admin-only, as /ops: its labels name buyers."""
            return Response(await self.metrics_text(), media_type=CONTENT_TYPE_LATEST)

        app.include_router(self._audit_router(), dependencies=[Depends(principal)])
        declare_errors(*routers)  # (again: a service's own call declared them; a router it forgot is covered)
        app.include_router(self._jobs_router(), dependencies=[Depends(principal)])
        for r in routers:  # no route but /health, /ready and the documents answers without a valid token
            app.include_router(r, dependencies=[Depends(principal)])
        return app

    def _jobs_router(self) -> APIRouter:
        from fastapi import Path as PathParam

        from shared.api import caller

        jobs = APIRouter(tags=["operations"])

        @jobs.get("/jobs/{job_id}")
        async def job_progress(request: Request, job_id: str = PathParam(..., max_length=64)) -> dict[str, Any]:
            """A job's progress: state (running, succeeded, failed), done of total
            (in its unit), rate per second, ETA, started/finished, error, result.
            A job outside the caller's scope answers 404, as one that does not exist."""
            return self.jobs.get(job_id, caller(request)).view()

        declare_errors(jobs)
        return jobs

    def _audit_router(self) -> APIRouter:
        from shared.api import served_country

        audit = APIRouter(tags=["audit"])

        @audit.get("/{country}/audit/{stream_id}")
        async def audit_trail(stream_id: str, country: str = Depends(served_country),
                              item: str | None = Query(None, description="only events naming this id, e.g. a "
                                                                         "session of a delivery stream")) -> dict:
            """Who did what to a factory, plan, session... and when: every event of
            the stream with its actor and times (a private event's content is not shown)."""
            envs = await self.store.load(stream_id)
            if not envs or envs[0].country != country:
                from shared.aggregate import NotFound
                raise NotFound("stream", stream_id)
            out = []
            for e in envs:
                private = is_private(e.context, e.event_type)
                if item is not None and item not in {str(v) for v in e.payload.values()}:
                    continue
                out.append({"version": e.stream_version, "event": e.event_type, "actor": e.actor,
                            "occurred_at": e.occurred_at, "recorded_at": e.recorded_at,
                            "correlation_id": e.correlation_id, "causation_id": e.causation_id,
                            "fields": [] if private else sorted(e.payload)})
            return {"stream_id": stream_id, "country": country, "events": out}

        declare_errors(audit)
        return audit

    def asyncapi(self) -> dict[str, Any]:
        self.document_publishers()
        spec = AsyncAPI(self.broker, title=f"WeCare {self.context} events", schema_version="3.0.0")
        return spec.to_specification().to_jsonable()

    def serve(self) -> None:
        os.umask(PRIVATE_UMASK)  # whatever this process makes is its own (shared/files.py)
        config = uvicorn.Config(self.app, host=self.settings.http_host, port=self.settings.http_port,
                                log_config=None, access_log=False, timeout_graceful_shutdown=20,
                                proxy_headers=False)  # X-Forwarded-For: only from trusted_proxies (shared.http)
        settle_heap()
        uvicorn.Server(config).run()
