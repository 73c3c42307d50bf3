"""Traces (OpenTelemetry) and the HTTP side of the metrics (Prometheus).

Tracing is off unless the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: then each service sends its spans
over OTLP/HTTP to that collector (Jaeger, Tempo, an OpenTelemetry
Collector). While it is off, `tracer` is None and every traced place costs
one attribute check: no span, no context object, no header, no row.

One trace follows a command across services, each hop a span whose parent is
the one before:

    HTTP server span (service A)
      -> eventstore.append (A): the trace context is stored with the events
         (table outbox_trace, same transaction), since they are published
         after the commit by the outbox relay, not inside the request
      -> publish <subject> (A's relay, PRODUCER): W3C `traceparent` in the
         NATS message's headers
      -> apply <projection> (service B, CONSUMER), and whatever the
         projection appends (a reaction's events) continues the trace.

FastStream ships an OpenTelemetry middleware, but it cannot carry this: the
relay publishes with JetStream's own client (pipelined publish_async, not a
FastStream publisher), and for batch subscribers (ours) the middleware makes
one span per batch with *links* to the messages' contexts, so a projection
would never be a child of the command that caused it. The W3C propagator of
opentelemetry-api does the same header work here, per message."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import CollectorRegistry, Counter, Histogram

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
PROPAGATOR = TraceContextTextMapPropagator()

tracer: Tracer | None = None  # None: tracing off (the default)
_provider: TracerProvider | None = None


def enable(provider: TracerProvider) -> None:
    """Trace with this provider (tests pass one with an in-memory exporter)."""
    global tracer, _provider
    _provider = provider
    tracer = provider.get_tracer("wecare")


def disable() -> None:
    """Tracing off again; the provider this module made or was given is shut down (its exporter's thread ends)."""
    global tracer, _provider
    provider, tracer, _provider = _provider, None, None
    if provider is not None and hasattr(provider, "shutdown"):
        provider.shutdown()


def configure(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """At a service's start: trace to OTLP if the standard variables ask
    for it (and OTEL_SDK_DISABLED does not forbid it). Returns whether
    tracing is on. Once per process: several services in one process (tests)
    share the first one's provider."""
    if tracer is not None:
        return True
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    if not (environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = environ.get("OTEL_SERVICE_NAME") or f"wecare-{service}"
    provider = SdkProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # endpoint, headers: from the env
    enable(provider)
    return True


def shutdown() -> None:
    """Flush the spans still buffered (a service's stop)."""
    if _provider is not None and hasattr(_provider, "force_flush"):
        _provider.force_flush(5000)


def current_traceparent() -> str | None:
    """The current span's context as a W3C traceparent (None: no span, or tracing off)."""
    if tracer is None:
        return None
    carrier: dict[str, str] = {}
    PROPAGATOR.inject(carrier)
    return carrier.get(TRACEPARENT)


def context_from(headers: Mapping[str, str] | None) -> Context | None:
    """The trace context a message or request carries (its traceparent), or None."""
    if not headers or TRACEPARENT not in headers:
        return None
    return PROPAGATOR.extract({TRACEPARENT: headers[TRACEPARENT], TRACESTATE: headers.get(TRACESTATE, "")})


def inject(headers: dict[str, str]) -> None:
    """Put the current span's context into message headers (W3C traceparent)."""
    PROPAGATOR.inject(headers)


@contextmanager
def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: Context | None = None,
         attributes: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """A span (current while the block runs), or nothing when tracing is off."""
    if tracer is None:
        yield None
        return
    with tracer.start_as_current_span(name, context=parent, kind=kind, attributes=attributes) as s:
        yield s


# -- HTTP: metrics always, a server span when tracing -------------------------------

UNMATCHED = "<unmatched>"  # a path no route matched: never the raw path (unbounded, and it may hold ids)
# the method is the client's to choose (any token: "PROBE1", "PROBE2", ...): those of HTTP itself by name,
# any other as one value (OpenTelemetry's convention), so no request adds a series of its own
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"})
OTHER_METHOD = "_OTHER"


def method_of(scope: Mapping[str, Any]) -> str:
    method = scope.get("method")
    return method if method in METHODS else OTHER_METHOD
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class HttpMetrics:
    def __init__(self, service: str, registry: CollectorRegistry) -> None:
        self.service = service
        self.requests = Counter("wecare_http_requests", "HTTP requests answered, by route template and status",
                                ["service", "method", "route", "status"], registry=registry)
        self.duration = Histogram("wecare_http_request_duration_seconds",
                                  "Time to answer an HTTP request (until the last byte was handed over), "
                                  "by route template", ["service", "method", "route"], registry=registry,
                                  buckets=DURATION_BUCKETS)


def route_of(scope: Mapping[str, Any]) -> str:
    """The matched route's template (`/{country}/plans/{plan_id}`), never the path itself."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    root = scope.get("root_path") or ""  # a mounted app (the docs' files): its mount, not the file's path
    return root + path if root and not path.startswith(root) else path


class HttpTelemetry:
    """Pure ASGI middleware, outermost: counts and times every request by
    method, route template and status; when tracing, a SERVER span that
    continues the caller's traceparent and is named by the route template."""

    def __init__(self, app: Any, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # the app raised before answering

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        if tracer is None:
            try:
                await self.app(scope, receive, sending)
            finally:
                self._count(scope, status, start)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())
                   if k in (b"traceparent", b"tracestate")}
        with tracer.start_as_current_span(method_of(scope), context=context_from(headers), kind=SpanKind.SERVER,
                                          attributes={"http.request.method": method_of(scope),
                                                      "wecare.service": self.metrics.service}) as current:
            try:
                await self.app(scope, receive, sending)
            finally:
                route = self._count(scope, status, start)
                current.update_name(f"{method_of(scope)} {route}")
                current.set_attribute("http.route", route)
                current.set_attribute("http.response.status_code", status)
                if status >= 500:
                    current.set_status(Status(StatusCode.ERROR))

    def _count(self, scope: Mapping[str, Any], status: int, start: float) -> str:
        route, method = route_of(scope), method_of(scope)
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:  # a few dozen (routes x statuses): the label lookups once each
            m = self.metrics
            children = self._children[key] = (m.requests.labels(m.service, method, route, str(status)),
                                              m.duration.labels(m.service, method, route))
        children[0].inc()
        children[1].observe(time.perf_counter() - start)
        return route
