"""Metrics and traces (issue #21, Operations): /metrics in Prometheus format
with HTTP requests by route template, consumers' lag and redeliveries, the
outbox's backlog and what it published; one OpenTelemetry trace from an HTTP
command in one service, through its store and NATS (W3C traceparent in the
message headers), to the projection of another service."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from shared import telemetry
from shared.contracts.envelope import Envelope
from shared.store.eventstore import EventStore
from shared.store.schema import outbox_trace
from tests.assessment import builders as b
from tests.conftest import eventually
from tests.harness import auth, no_lag, serve_services
from tests.kernel.harness import running, schedule, settings_for
from tests.kernel.helpers import noted, scheduled
from wecare.launcher import SERVICES
from wecare.sample import CONTEXT, VisitBoard, VisitConfidentialNote


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """{sample name: [(labels, value)]} of a Prometheus text exposition."""
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((dict(s.labels), s.value))
    return out


def value(m: dict, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include these."""
    return sum(v for lab, v in m.get(name, []) if all(lab.get(k) == x for k, x in labels.items()))


# -- HTTP metrics: route templates, never raw paths (unit) -----------------------------

@pytest.mark.unit
async def test_http_requests_are_counted_by_route_template_never_by_path(in_process) -> None:
    _, c = await in_process("assessment")
    assert (await c.get("/bd/factories/FACTORY-SECRET-42")).status_code == 404
    assert (await c.get("/bd/factories/FACTORY-SECRET-43")).status_code == 404
    assert (await c.get("/no/such/path/PERSON-7")).status_code == 404
    text = (await c.get("/metrics")).text
    m = samples(text)
    route = "/{country}/factories/{factory_id}"
    assert value(m, "wecare_http_requests_total", method="GET", route=route, status="404") == 2
    assert value(m, "wecare_http_request_duration_seconds_count", method="GET", route=route) == 2
    assert value(m, "wecare_http_requests_total", route=telemetry.UNMATCHED, status="404") == 1
    assert value(m, "wecare_http_request_duration_seconds_bucket", route=route, le="+Inf") == 2
    for secret in ("FACTORY-SECRET", "PERSON-7", "/bd/"):  # no id, no raw path: bounded label values
        assert secret not in text
    # the access rule is unchanged: operators only (its labels name buyers)
    assert (await c.get("/metrics", headers=auth("country_team", countries=["bd"]))).status_code == 403


@pytest.mark.unit
def test_tracing_is_off_unless_an_otlp_endpoint_is_set_then_spans_go_there(monkeypatch) -> None:
    received: list[tuple[str, str, int]] = []

    class Collector(BaseHTTPRequestHandler):  # an OTLP/HTTP receiver: what a Jaeger or a collector gets
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], len(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    telemetry.disable()
    try:
        assert telemetry.configure("sample", {}) is False  # the default: no tracer, no context, no header
        assert telemetry.tracer is None and telemetry.current_traceparent() is None
        with telemetry.span("nothing") as s:
            assert s is None
        endpoint = f"http://127.0.0.1:{server.server_port}"
        assert telemetry.configure("sample", {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
                                              "OTEL_SDK_DISABLED": "true"}) is False
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)  # the exporter reads the standard variables
        assert telemetry.configure("sample") is True
        with telemetry.span("a command"):
            assert telemetry.current_traceparent().startswith("00-")
        telemetry.shutdown()  # flushes
        assert received and received[0][:2] == ("/v1/traces", "application/x-protobuf") and received[0][2] > 0
    finally:
        telemetry.disable()
        server.shutdown()


# -- the trace context travels with the outbox marker (both databases) -----------------------------

async def test_the_trace_context_is_kept_with_the_outbox_markers_and_removed_after(database, spans) -> None:
    store = EventStore(database, CONTEXT)
    private = Envelope.wrap(VisitConfidentialNote(note="n"), stream_id="V9", stream_version=2, country="bd",
                            actor="test", correlation_id="c")
    with telemetry.span("a request") as request:
        result = await store.append("V9", 0, [scheduled("V9"), private, noted("V9", 3)])
        await store.append("V8", 0, [scheduled("V8")], conn=None)
    [append, _] = [s for s in spans.get_finished_spans() if s.name == "eventstore.append"]
    assert append.parent.span_id == request.get_span_context().span_id
    kept = await store.traces(result.positions)
    public = [result.positions[0], result.positions[2]]  # the private event is never published: no context
    assert sorted(kept) == public
    ctx = append.context
    assert set(kept.values()) == {f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"}, kept
    await store.forget_traces(public[:1])
    assert sorted(await store.traces(result.positions)) == public[1:]
    await store.mark_published(public[1:])
    await store.forget_traces()  # those of events no longer in the outbox (V8's is still waiting)
    assert await store.traces(public) == {} and len(await store.traces(range(1, 100))) == 1
    telemetry.disable()  # tracing off: nothing kept
    off = await store.append("V7", 0, [scheduled("V7")])
    assert await store.traces(off.positions) == {}


# -- consumer, outbox and HTTP figures change after a command (NATS) ----------------------

class FlakyBoard(VisitBoard):
    """Fails its first two applies (the fast pass and the careful one): the
    message is put back and JetStream delivers it again."""

    failures = 2

    async def apply(self, conn: Any, env: Any) -> None:
        if FlakyBoard.failures > 0:
            FlakyBoard.failures -= 1
            raise RuntimeError("not yet")
        await super().apply(conn, env)


async def test_metrics_show_http_outbox_and_consumer_figures_after_a_command(nats_server, tmp_path) -> None:
    FlakyBoard.failures = 2
    async with running(settings_for(nats_server.url, str(tmp_path)), projections=[FlakyBoard()]) as (svc, c):
        name = svc.settings.service
        before = samples((await c.get("/metrics")).text)
        await schedule(c, "bd", "V1")
        await eventually(lambda: no_lag(c), timeout=10)
        after = samples((await c.get("/metrics")).text)

        assert value(after, "wecare_http_requests_total", method="POST", route="/{country}/visits",
                     status="201") == value(before, "wecare_http_requests_total", method="POST",
                                            route="/{country}/visits", status="201") + 1
        assert value(after, "wecare_outbox_published_total", service=name) == \
            value(before, "wecare_outbox_published_total", service=name) + 1
        assert value(after, "wecare_outbox_backlog", service=name) == 0
        assert value(after, "wecare_consumer_applied_total", projection="visit_board") == \
            value(before, "wecare_consumer_applied_total", projection="visit_board") + 1
        assert value(after, "wecare_consumer_redeliveries_total", projection="visit_board") >= 1  # the retry
        lags = [(lab["source"], lab["country"], v) for lab, v in after["wecare_consumer_lag"]
                if lab["projection"] == "visit_board"]
        assert sorted((s, k) for s, k, _ in lags) == [("sample", "bd"), ("sample", "vn")]
        assert all(v == 0 for *_, v in lags)
        # FastStream's own consumer metrics, in the same registry
        assert value(after, "faststream_received_messages_total") >= 1


async def test_consumer_lag_is_counted_while_the_projection_is_behind(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path)), projections=[FlakyBoard()]) as (svc, c):
        FlakyBoard.failures = 10**6  # the projection can apply nothing: its consumer falls behind
        try:
            await schedule(c, "bd", "V2")

            async def behind() -> bool:
                m = samples((await c.get("/metrics")).text)
                return value(m, "wecare_consumer_lag", projection="visit_board", country="bd") >= 1
            await eventually(behind, timeout=10)
        finally:
            FlakyBoard.failures = 0


# -- one trace from an HTTP command in one service to the projection in another -------------

@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.enable(provider)
    try:
        yield exporter
    finally:
        telemetry.disable()


@pytest.fixture
async def two_services(nats_server, tmp_path, spans) -> AsyncIterator[dict]:
    async with AsyncExitStack() as es:
        yield await serve_services(es, ["assessment", "planning"], nats_server.url, str(tmp_path))


async def test_a_trace_spans_an_http_command_and_the_projection_of_another_service(two_services, spans) -> None:
    assessment, a = two_services["assessment"]  # planning serves beside it: its projection reads the factories
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"  # the caller's (W3C traceparent): continued, not replaced
    r = await a.post("/bd/factories", json=b.factory("F-T1"),
                     headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    assert r.status_code == 201, r.text

    def named(prefix: str, service: str | None = None) -> list:
        return [s for s in spans.get_finished_spans() if s.name.startswith(prefix)
                and (service is None or s.attributes.get("wecare.service") == service)]

    await eventually(lambda: named("apply planning_factories"), timeout=15)
    [server] = named("POST /{country}/factories", "assessment")
    [append] = [s for s in named("eventstore.append", "assessment") if s.parent.span_id == server.context.span_id]
    publishes = [s for s in named("publish wecare.bd.assessment.") if s.parent.span_id == append.context.span_id]
    [applied] = named("apply planning_factories", "planning")
    assert publishes and server.kind == SpanKind.SERVER and applied.kind == SpanKind.CONSUMER
    assert all(pub.kind == SpanKind.PRODUCER for pub in publishes)
    # parent links: HTTP -> store -> NATS publish -> the other service's projection, all one trace
    assert applied.parent.span_id in {pub.context.span_id for pub in publishes}
    for s in (server, append, *publishes, applied):
        assert f"{s.context.trace_id:032x}" == trace_id
    assert server.parent.span_id == 0x00F067AA0BA902B7 and server.attributes["http.route"] == "/{country}/factories"
    # the trace context kept with the outbox markers is gone once the events are published
    await eventually(lambda: no_lag(a), timeout=10)
    async with assessment.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(outbox_trace)) == 0


# -- the compose profile: Prometheus scrapes every service, Grafana's dashboard asks for what they expose --

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
METRIC = re.compile(r"\b((?:wecare|faststream)_[a-z_]+)")


@pytest.mark.unit
def test_the_observability_profile_scrapes_every_service_with_an_operators_token() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    extra = {n: s for n, s in services.items() if "observability" in s.get("profiles", [])}
    assert set(extra) == {"prometheus", "grafana", "jaeger"}
    assert not [n for n in SERVICES if services[n].get("profiles")]  # the stack itself runs without it
    for name, s in extra.items():  # for this host's operators only, as the NATS client port
        assert all(p.startswith("127.0.0.1:") for p in s["ports"]), name
    for name in SERVICES:  # tracing: off unless the operator sets the standard variable
        assert services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}"
    prom = yaml.safe_load((OBSERVABILITY / "prometheus.yml").read_text(encoding="utf-8"))
    [job] = prom["scrape_configs"]
    assert job["metrics_path"] == "/metrics" and job["authorization"]["type"] == "Bearer"
    token_dir = job["authorization"]["credentials_file"].rsplit("/", 1)[0]
    assert any(v.split(":")[1] == token_dir and v.endswith(":ro") for v in extra["prometheus"]["volumes"])
    targets = [t for c in job["static_configs"] for t in c["targets"]]
    assert sorted(targets) == sorted(f"{n}:8000" for n in SERVICES)
    assert "deploy/observability/secrets/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


@pytest.mark.unit
async def test_the_dashboard_asks_only_for_metrics_a_service_exposes(in_process) -> None:
    _, c = await in_process("buyers")
    exposed = {f.name for f in text_string_to_metric_families((await c.get("/metrics")).text)}
    sources = yaml.safe_load((OBSERVABILITY / "grafana" / "provisioning" / "datasources" / "wecare.yml")
                             .read_text(encoding="utf-8"))["datasources"]
    dashboard = json.loads((OBSERVABILITY / "grafana" / "dashboards" / "wecare.json").read_text(encoding="utf-8"))
    asked = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] in {s["uid"] for s in sources}
        for t in panel["targets"]:
            asked |= {re.sub(r"_(total|bucket|count|sum)$", "", m) for m in METRIC.findall(t["expr"])}
    assert asked - exposed == set()
    for needed in ("wecare_http_requests", "wecare_consumer_lag", "wecare_consumer_redeliveries",
                   "wecare_outbox_backlog", "wecare_parked_records", "wecare_queue_depth"):
        assert needed in asked
