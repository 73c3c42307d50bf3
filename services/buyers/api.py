"""HTTP API of the buyers service, under /buyers/{buyer}: the feed (pull,
with a cursor), the webhook endpoints and their delivery log, the portfolio
and its exports; /feed/types, /feed/schemas (the records' JSON Schemas and
their data's, each record's `dataschema`) and /feed/asyncapi.json, which
answer without a token; and /ops/webhooks for operators (parked deliveries,
re-drive).

The documents are public on purpose: a schema is the shape of a record,
generated from code, with no buyer's, factory's or person's data in it (as
/openapi.json and /asyncapi.json, which already answer without a token);
and a CloudEvents consumer, a schema registry or a validator fetches a
record's `dataschema` as it finds it, with no token to send. Everything
else still needs one (deny by default: the service includes `docs` alone
without the `principal` dependency)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import func, select
from structlog.contextvars import get_contextvars

from services.buyers.commands import DisableWebhook, RedriveWebhook, RegisterWebhook, RotateWebhookSecret
from services.buyers.contract import FeedPage, asyncapi
from services.buyers.exports import csv_stream, raw_rows, xlsx_stream
from services.buyers.handlers import known_types
from services.buyers.projections import feed, render
from services.buyers.webhooks import attempts, deliveries, endpoint_out, endpoint_row, endpoints, redrive
from shared.aggregate import DomainError, NotFound
from shared.api import (
    CURSOR_LINK,
    LINK_HEADER,
    MAX_INT,
    answers,
    attachment,
    body_of,
    buyer_scope,
    caller,
    caller_context,
    cursor_link,
    declare_errors,
    located,
    page_links,
    scope_countries,
)
from shared.application import CommandContext
from shared.auth import BUYER_WRITES, admin_only
from shared.contracts.feed import TYPES, data_schema, schemas, sequence
from shared.contracts.figures import FIGURES, Pool
from shared.i18n import N_
from shared.jobs import Job, Jobs
from shared.logging import get_logger
from shared.operator_actions import operator_action

router = APIRouter(prefix="/buyers/{buyer}", tags=["buyers"], dependencies=[Depends(buyer_scope)])
docs = APIRouter(prefix="/feed", tags=["buyers"])  # public: see above
PUBLIC = {"security": []}  # openapi_extra of the documents: no token
ops = APIRouter(prefix="/ops/webhooks", tags=["operations"], dependencies=[Depends(admin_only)])

log = get_logger("buyers.api")

BUYER_WRITE = {BUYER_WRITES: True}  # the buyer role, read-only elsewhere, writes these routes


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


def _cursor(after: str | None) -> int:
    if after is None or after == "":
        return 0
    try:
        n = int(after)
    except ValueError:
        raise DomainError(N_("after must be a record's sequence, e.g. 0000000000000042"), field="after",
                          rule="cursor") from None
    if not 0 <= n <= MAX_INT:
        raise DomainError(N_("after must be a sequence from 0 to %(max)s"), params={"max": MAX_INT}, field="after",
                          rule="cursor")
    return n


# -- the feed ---------------------------------------------------------------------------

@router.get("/feed", response_model=None, responses={200: {"model": FeedPage, "description": "A page of the feed",
                                                               "headers": CURSOR_LINK}})
async def read_feed(request: Request, buyer: str, after: str | None = Query(None, description="the `sequence` of "
                    "the last record read; absent: from the start"),
                    limit: int = Query(100, ge=1, le=1000),
                    types: list[str] | None = Query(None, alias="type")) -> Response:
    """The buyer's records in order, after the cursor: CloudEvents 1.0 with a
    `sequence`. Pass the answer's `next` as `after` to read on; `more` says
    whether there is more now."""
    pos = _cursor(after)
    public_url = _service(request).settings.resolved_public_url()
    wanted = known_types(types, "type")
    q = select(feed.c.position, feed.c.record).where(feed.c.buyer == buyer, feed.c.position > pos)
    if wanted:
        q = q.where(feed.c.type.in_(wanted))
    countries = scope_countries(request)
    if countries is not None:
        q = q.where(feed.c.country.in_(list(countries)))
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(q.order_by(feed.c.position).limit(limit + 1))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = sequence(rows[-1].position) if rows else sequence(pos)
    body = (b'{"buyer":' + orjson.dumps(buyer) + b',"records":[' + b",".join(render(r, public_url) for r in rows)
            + b'],"next":"' + nxt.encode() + b'","more":' + (b"true" if more else b"false") + b"}")
    return Response(body, media_type="application/json",
                    headers={"Link": cursor_link(request, nxt)} if more else None)


@docs.get("/types", responses=answers(429), openapi_extra=PUBLIC)
async def feed_types() -> dict[str, Any]:
    """The record types of the feed, and the figures buyers report on."""
    return {"types": {t: (m.__doc__ or "").strip() or None for t, m in TYPES.items()},
            "figures": {k: {"label": f.label, "unit": f.unit, "definition": f.definition} for k, f in FIGURES.items()}}


@docs.get("/schemas", responses=answers(429), openapi_extra=PUBLIC)
async def feed_schemas() -> dict[str, Any]:
    """The JSON Schema (2020-12) of every feed record and of the export's row,
    generated from the contracts."""
    return schemas()


@docs.get("/schemas/{record_type}.json", responses=answers(404, 422, 429), openapi_extra=PUBLIC)
async def feed_schema(record_type: str) -> dict[str, Any]:
    """The JSON Schema of one record type (or of the export's row)."""
    out = schemas()
    if record_type not in out:
        raise NotFound("record type", record_type)
    return out[record_type]


@docs.get("/schemas/{record_type}/data.json", responses=answers(404, 422, 429), openapi_extra=PUBLIC)
async def feed_data_schema(request: Request, record_type: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the `data` of a record of this type: the
    URL in each record's `dataschema`."""
    if record_type not in TYPES:
        raise NotFound("record type", record_type)
    return data_schema(record_type, _service(request).settings.resolved_public_url())


@docs.get("/asyncapi.json", responses=answers(429), openapi_extra=PUBLIC)
async def feed_asyncapi(request: Request) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the feed and the webhooks (channels,
    messages, payload schemas, security). The webhooks are also in this
    service's OpenAPI, under `webhooks`."""
    settings = _service(request).settings
    return asyncapi(settings.resolved_public_url(), settings)


# -- the portfolio and its exports ---------------------------------------------------------

@router.get("/portfolio")
async def portfolio_figures(request: Request, buyer: str) -> dict[str, Any]:
    """The figures pooled over the buyer's factories (those of the exports)."""
    pool = Pool()
    n = 0
    async for r in raw_rows(_service(request).db, buyer, scope_countries(request)):
        pool.add(r._mapping)
        n += 1
    if not n:
        raise NotFound("programmes of buyer", buyer)
    values = pool.result()
    return {"buyer": buyer, "rows": n, "figures": [
        {"key": k, "label": f.label, "unit": f.unit, "value": values.get(k)} for k, f in FIGURES.items()]}


@router.get("/exports/portfolio.{fmt}", response_class=StreamingResponse, responses={200: {
    "description": "One row per factory", "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                         "format": "binary"}}}}})
async def export_portfolio(request: Request, buyer: str, fmt: Literal["csv", "xlsx"]) -> StreamingResponse:
    """Every factory of the buyer's programmes with its figures, one row each,
    streamed (no size limit). Its progress, rows written of the total, is a
    job of the caller's: the `Link` header's `rel="monitor"`, GET /jobs/{id}."""
    svc, countries = _service(request), scope_countries(request)
    size = await _portfolio_size(svc.db, buyer, countries)
    if not size and countries is not None:  # a caller of some countries with none of the buyer's factories
        raise NotFound("programmes of buyer", buyer)  # in them: as its figures, a missing buyer (no name confirmed)
    job = svc.jobs.track("export.portfolio", caller(request), target=f"{buyer}.{fmt}", unit="rows")
    rows = _followed(job, raw_rows(svc.db, buyer, countries), size)
    if fmt == "csv":
        body, media = csv_stream(rows), "text/csv; charset=utf-8"
    else:
        body, media = xlsx_stream(rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return StreamingResponse(_ended(job, body, get_contextvars().get("correlation_id")), media_type=media, headers={
        "content-disposition": attachment(f"wecare-portfolio-{buyer}", fmt),
        "link": f'</jobs/{job.id}>; rel="monitor"'})


async def _portfolio_size(db: Any, buyer: str, countries: Sequence[str] | None) -> int:
    from services.buyers.projections import portfolio

    q = select(func.count()).select_from(portfolio).where(portfolio.c.buyer == buyer)
    if countries is not None:
        q = q.where(portfolio.c.country.in_(list(countries)))
    async with db.read() as conn:
        return int(await conn.scalar(q) or 0)


async def _followed(job: Job, rows: AsyncIterator[Any], size: int) -> AsyncIterator[Any]:
    """The rows, counted on the export's job as they go to the writer."""
    job.set_total(size)
    async for r in rows:
        job.done += 1  # (a million rows: no call per row)
        yield r
    job.progress(job.done)


async def _ended(job: Job, body: AsyncIterator[bytes], correlation_id: str | None) -> AsyncIterator[bytes]:
    """The export's job ends with its body: succeeded once the last byte went, failed if cut short.
    The job is the buyer's to read: an error says what happened and the id to quote, never the
    exception's text (a database's error holds its SQL, parameters and paths); the log keeps that."""
    try:
        async for chunk in body:
            yield chunk
    except GeneratorExit:
        Jobs.fail(job, "the client went away")
        raise
    except Exception as e:
        log.error("export.failed", job_id=job.id, target=job.target, rows=job.done,
                  error=f"{type(e).__name__}: {e}"[:500])
        Jobs.fail(job, f"the export stopped after {job.done} rows; quote correlation id {correlation_id} "
                       "when you report it")
        raise
    except BaseException as e:
        Jobs.fail(job, e)
        raise
    Jobs.succeed(job, {"rows": job.done})


# -- webhook endpoints ------------------------------------------------------------------------
# A buyer's integration: only those who manage it (Principal.check_buyer: the
# buyer itself, an admin, a programme manager of every country; an auditor
# reads) see these routes; anyone else finds no such buyer (404), before its
# body is even read. The writes are commands (commands.py, handlers.py).

RegisterBody = body_of(RegisterWebhook, "buyer")
RotateBody = body_of(RotateWebhookSecret, "buyer", "endpoint_id")


def manages_buyer(request: Request, buyer: str) -> None:
    caller(request).check_buyer(buyer, write=request.method not in ("GET", "HEAD", "OPTIONS"))


@router.post("/webhooks", status_code=201, dependencies=[Depends(manages_buyer)], openapi_extra=BUYER_WRITE)
@located("/buyers/{buyer}/webhooks/{endpoint_id}")
async def register_endpoint(request: Request, buyer: str, body: RegisterBody,
                            ctx: CommandContext = Depends(caller_context)) -> dict[str, Any]:
    """Register an endpoint. The answer holds its signing secret: it is shown
    this once (rotate it to get a new one)."""
    return await _service(request).handle(RegisterWebhook(**body.model_dump(), buyer=buyer), ctx)


@router.get("/webhooks", dependencies=[Depends(manages_buyer)])
async def list_endpoints(request: Request, buyer: str) -> dict[str, Any]:
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(endpoints).where(endpoints.c.buyer == buyer)
                                   .order_by(endpoints.c.created_at))).all()
    return {"items": [endpoint_out(r) for r in rows]}


@router.post("/webhooks/{endpoint_id}/rotate-secret", dependencies=[Depends(manages_buyer)],
             openapi_extra=BUYER_WRITE)
async def rotate_secret(request: Request, buyer: str, endpoint_id: str, body: RotateBody | None = None,
                        ctx: CommandContext = Depends(caller_context)) -> dict[str, Any]:
    """A new signing secret; the current one keeps signing beside it for the
    grace period, then stops."""
    fields = body.model_dump() if body is not None else {}
    return await _service(request).handle(RotateWebhookSecret(**fields, buyer=buyer, endpoint_id=endpoint_id), ctx)


@router.delete("/webhooks/{endpoint_id}", dependencies=[Depends(manages_buyer)], openapi_extra=BUYER_WRITE)
async def disable_endpoint(request: Request, buyer: str, endpoint_id: str,
                           ctx: CommandContext = Depends(caller_context)) -> dict[str, Any]:
    """Stop deliveries to the endpoint (its log stays)."""
    return await _service(request).handle(DisableWebhook(buyer=buyer, endpoint_id=endpoint_id), ctx)


@router.post("/webhooks/{endpoint_id}/redrive", dependencies=[Depends(manages_buyer)], openapi_extra=BUYER_WRITE)
async def redrive_endpoint(request: Request, buyer: str, endpoint_id: str,
                           delivery_id: int | None = Query(None, ge=1, le=MAX_INT, description="one parked "
                                                           "delivery; absent: all of the endpoint's"),
                           ctx: CommandContext = Depends(caller_context)) -> dict[str, Any]:
    """The endpoint's parked deliveries go again, in order, from a fresh count
    of attempts (see the delivery log's `status=parked`)."""
    return await _service(request).handle(RedriveWebhook(buyer=buyer, endpoint_id=endpoint_id,
                                                         delivery_id=delivery_id), ctx)


@router.get("/webhooks/{endpoint_id}/deliveries", dependencies=[Depends(manages_buyer)],
            responses={200: {"headers": LINK_HEADER}})
async def delivery_log(request: Request, response: Response, buyer: str, endpoint_id: str,
                       status: Literal["pending", "delivered", "parked"] | None = None,
                       limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_INT)
                       ) -> dict[str, Any]:
    """Every delivery to the endpoint, in feed order, with its attempts."""
    async with _service(request).db.read() as conn:
        await endpoint_row(conn, buyer, endpoint_id)
        q = (select(deliveries, feed.c.ce_id, feed.c.type).join(feed, feed.c.position == deliveries.c.position)
             .where(deliveries.c.endpoint_id == endpoint_id))
        if status:
            q = q.where(deliveries.c.status == status)
        total = await conn.scalar(select(func.count()).select_from(q.subquery()))
        rows = (await conn.execute(q.order_by(deliveries.c.position).limit(limit).offset(offset))).all()
        ids = [r.delivery_id for r in rows]
        tries: dict[int, list[dict[str, Any]]] = {}
        if ids:
            for a in await conn.execute(select(attempts).where(attempts.c.delivery_id.in_(ids))
                                        .order_by(attempts.c.attempt_id)):
                tries.setdefault(a.delivery_id, []).append(
                    {"attempt": a.attempt, "at": a.at, "status_code": a.status_code, "error": a.error,
                     "duration_ms": a.duration_ms})
    response.headers["Link"] = page_links(request, total, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [
        {"delivery_id": r.delivery_id, "id": r.ce_id, "type": r.type, "sequence": sequence(r.position),
         "factory": r.ordering_key, "status": r.status, "attempts": r.attempts, "next_attempt_at": r.next_attempt_at,
         "last_status_code": r.last_status_code, "last_error": r.last_error, "delivered_at": r.delivered_at,
         "log": tries.get(r.delivery_id, [])} for r in rows]}


# -- operators ----------------------------------------------------------------------------------

@ops.get("/parked")
async def parked_deliveries(request: Request, limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(deliveries, endpoints.c.buyer, endpoints.c.url)
                                   .join(endpoints, endpoints.c.endpoint_id == deliveries.c.endpoint_id)
                                   .where(deliveries.c.status == "parked").order_by(deliveries.c.position)
                                   .limit(limit))).all()
    return {"items": [{"delivery_id": r.delivery_id, "endpoint_id": r.endpoint_id, "buyer": r.buyer, "url": r.url,
                       "sequence": sequence(r.position), "factory": r.ordering_key, "attempts": r.attempts,
                       "last_status_code": r.last_status_code, "last_error": r.last_error} for r in rows]}


@ops.post("/redrive")
async def redrive_parked(request: Request, endpoint_id: str | None = None,
                         delivery_id: int | None = Query(None, ge=1, le=MAX_INT)) -> dict[str, int]:
    """Parked deliveries go again (all, an endpoint's, or one), in order."""
    svc = _service(request)
    async with operator_action(request, "webhook.redrive", target=endpoint_id,
                               parameters={"delivery_id": delivery_id} if delivery_id is not None else None
                               ) as outcome:
        outcome["redriven"] = await redrive(svc.db, endpoint_id=endpoint_id, delivery_id=delivery_id)
    svc.dispatcher.wake()
    return {"redriven": outcome["redriven"]}


declare_errors(router, ops)  # docs: no token, so no 401 or 403 (their answers are declared above)
