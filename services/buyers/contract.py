"""The buyers' contract as documents, generated from the records' models
(shared/contracts/feed.py), never hand-written, so a field added to a
record's data is in every document at once:

- `webhooks`: the OpenAPI 3.1 `webhooks` of the buyers service: for each
  record type, the POST a buyer's endpoint receives (the Standard Webhooks
  headers, the CloudEvent body) and the answers the sender expects.
- `FeedPage`: a page of the pull feed, for the OpenAPI of GET /buyers/{buyer}/feed.
- `asyncapi(public_url)`: the AsyncAPI 3.0 document of the feed (pull, with a
  cursor) and the webhooks (push, signed), served at /feed/asyncapi.json.

The records' JSON Schemas are served at /feed/schemas (api.py, without a
token: a schema holds no buyer's data, and a CloudEvents consumer fetches a
record's `dataschema` as it finds it)."""

import inspect
from typing import Annotated, Any, Union
from urllib.parse import urlsplit

from fastapi import APIRouter, Body, Header
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from shared.contracts.feed import TYPES, dataschema_path, record_model
from shared.settings import Settings

CONTENT_TYPE = "application/cloudevents+json"
SIGNATURE = (
    "Standard Webhooks (standardwebhooks.com) signature: space-separated `v1,<base64 HMAC-SHA256>` of "
    "`<webhook-id>.<webhook-timestamp>.<body>` under the endpoint's secret (the base64 after `whsec_`). "
    "After a rotation the previous secret signs too, for its grace period: accept the request if any "
    "signature verifies. Refuse a timestamp more than a few minutes away from your clock (replays).")
HEADERS: dict[str, str] = {
    "webhook-id": "the record's id (its CloudEvent `id`): the same on every retry, so de-duplicate on it",
    "webhook-timestamp": "seconds since the Unix epoch when this attempt was signed",
    "webhook-signature": SIGNATURE,
}


def answers(s: Settings | None = None) -> str:
    """What the sender does with the receiver's answer."""
    s = s or Settings(service="buyers")
    return (f"Any 2xx is success (the body is not read). Anything else (3xx, redirects are not followed; 4xx; 5xx), "
            f"no answer within {s.webhook_timeout_s:g} s or a refused connection is a failed attempt: retried with "
            f"exponential backoff ({s.webhook_backoff_base_s:g} s, doubling, at most {s.webhook_backoff_max_s:g} s, "
            f"10% jitter), then parked after {s.webhook_max_attempts} attempts until the buyer or an operator "
            "re-drives it. A factory's records come one at a time in feed order: while one is retried or parked "
            "the later ones of that factory wait behind it.")


def _name(ce_type: str) -> str:
    """org.wecare.assessment.completed.v1 -> AssessmentCompleted"""
    return record_model(ce_type).__name__.removesuffix("Record")


# -- OpenAPI ------------------------------------------------------------------------------------

def _webhook(router: APIRouter, ce_type: str, settings: Settings | None) -> None:
    model = record_model(ce_type)

    async def receive(**_: Any) -> None:  # documents only: the sender is webhooks.Dispatcher
        return None

    params = [inspect.Parameter("record", inspect.Parameter.KEYWORD_ONLY,
                                annotation=Annotated[model, Body(media_type=CONTENT_TYPE)])]
    params += [inspect.Parameter(h.replace("-", "_"), inspect.Parameter.KEYWORD_ONLY,
                                 annotation=Annotated[str, Header(alias=h, description=d)]) for h, d in HEADERS.items()]
    receive.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
    router.post(
        ce_type, operation_id=f"receive{_name(ce_type)}", status_code=204, tags=["webhooks"],
        summary=f"A {ce_type} record, POSTed to the buyer's endpoint",
        description=(f"{(TYPES[ce_type].__doc__ or '').strip()}\n\nSent to each active endpoint of the buyer "
                     f"registered for this type (or for every type), body `{CONTENT_TYPE}`: the same bytes as the "
                     f"record in the pull feed. The body's `dataschema` is the URL of the JSON Schema of its "
                     f"`data` (`{dataschema_path(ce_type)}`).\n\n{answers(settings)}"),
        responses={204: {"description": "Accepted (any 2xx will do)"},
                   "default": {"description": "Anything but 2xx: the attempt failed and is retried"}},
        openapi_extra={"security": []},  # no bearer token: the request is signed (webhook-signature)
    )(receive)


def webhooks(settings: Settings | None = None) -> APIRouter:
    """The routes of the OpenAPI `webhooks` section, one per record type (app.webhooks.include_router)."""
    router = APIRouter()
    for t in TYPES:
        _webhook(router, t, settings)
    return router


Record = Annotated[Union[tuple(record_model(t) for t in TYPES)], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007


class FeedPage(BaseModel):
    """A page of the buyer's feed, oldest record first."""

    model_config = ConfigDict(extra="forbid")

    buyer: str
    records: list[Record] = Field(description="CloudEvents 1.0 with the `sequence` extension; the same bytes as "
                                              "the webhooks' bodies")
    next: str = Field(description="the `sequence` of the last record of the page: pass it as `after`")
    more: bool = Field(description="whether there are more records now")


# -- AsyncAPI -------------------------------------------------------------------------------------

ASYNCAPI_REF = "#/components/schemas/{model}"


def _asyncapi_schema(schema: Any) -> Any:
    """Pydantic's JSON Schema as an AsyncAPI Schema Object: its `discriminator`
    is the property's name, not OpenAPI's object."""
    if isinstance(schema, dict):
        out = {k: _asyncapi_schema(v) for k, v in schema.items()}
        if isinstance(out.get("discriminator"), dict):
            out["discriminator"] = out["discriminator"]["propertyName"]
        return out
    if isinstance(schema, list):
        return [_asyncapi_schema(v) for v in schema]
    return schema


def _headers_schema() -> dict[str, Any]:
    return {"type": "object", "required": [*HEADERS, "content-type"], "properties": {
        **{h: {"type": "string", "description": d} for h, d in HEADERS.items()},
        "content-type": {"type": "string", "const": CONTENT_TYPE}}}


def asyncapi(public_url: str, settings: Settings | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the buyers' feed and webhooks, from the
    buyers service's point of view: it answers the feed's requests with pages
    and sends each record to the buyer's endpoints."""
    models = [(record_model(t), "serialization") for t in TYPES] + [(FeedPage, "serialization")]
    refs, top = models_json_schema(models, ref_template=ASYNCAPI_REF)  # type: ignore[arg-type]
    schemas = _asyncapi_schema(top["$defs"])
    url = urlsplit(public_url)
    messages: dict[str, Any] = {}
    for t in TYPES:
        name = _name(t)
        messages[name] = {
            "name": t, "title": t, "contentType": CONTENT_TYPE,
            "summary": (TYPES[t].__doc__ or "").strip() or f"a {t} record",
            "description": f"`data` is described by the JSON Schema at `{dataschema_path(t)}` (its `dataschema`).",
            "headers": _headers_schema(), "payload": refs[(record_model(t), "serialization")],
            "correlationId": {"description": "de-duplicate on the record's id",
                              "location": "$message.header#/webhook-id"},
        }
    messages["FeedRequest"] = {
        "name": "feedRequest", "title": "GET /buyers/{buyer}/feed",
        "summary": "Read the buyer's records after a cursor (query: after, limit, type)",
        "headers": {"type": "object", "required": ["authorization"], "properties": {
            "authorization": {"type": "string", "description": "Bearer <JWT of the buyer role, or a manager's>"}}}}
    messages["FeedPage"] = {
        "name": "feedPage", "title": "a page of the feed", "contentType": "application/json",
        "summary": "The records after the cursor, oldest first; `next` is the cursor of the next read",
        "payload": refs[(FeedPage, "serialization")]}
    records = {n: {"$ref": f"#/components/messages/{n}"} for n in messages if n not in ("FeedRequest", "FeedPage")}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "WeCare buyers' feed and webhooks", "version": "1",
            "description": (
                "What a brand's compliance or ESG system receives about its own programmes: aggregates only "
                "(counts under 5 people suppressed, nobody named), CloudEvents 1.0 in structured JSON mode with the "
                "`sequence` extension (the feed position, zero-padded). Read them with a cursor (the feed) or "
                "receive them as signed webhooks: the same records, byte for byte. Each record's `dataschema` is the "
                "URL of the JSON Schema of its `data`, served without a token. The HTTP API (endpoints, delivery "
                "log, re-drive) is in the buyers service's OpenAPI (/openapi.json), whose `webhooks` describe the "
                "same POSTs."),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "wecare": {"host": url.netloc, "protocol": url.scheme, **({"pathname": url.path} if url.path else {}),
                       "description": "the buyers service",
                       "security": [{"$ref": "#/components/securitySchemes/bearer"}]},
            "receiver": {"host": "{receiver}", "protocol": "https",
                         "description": "the buyer's endpoint, as registered (POST /buyers/{buyer}/webhooks)",
                         "variables": {"receiver": {"description": "host of the endpoint's URL"}},
                         "security": [{"$ref": "#/components/securitySchemes/webhookSignature"}]},
        },
        "channels": {
            "feed": {
                "address": "/buyers/{buyer}/feed", "title": "the buyer's feed",
                "servers": [{"$ref": "#/servers/wecare"}],
                "parameters": {"buyer": {"description": "the buyer (brand) as named in its programmes"}},
                "messages": {"feedRequest": {"$ref": "#/components/messages/FeedRequest"},
                             "feedPage": {"$ref": "#/components/messages/FeedPage"}},
            },
            "webhook": {
                "address": None, "title": "a buyer's webhook endpoint",
                "description": "The URL the buyer registered; the records of the types it chose (all by default).",
                "servers": [{"$ref": "#/servers/receiver"}], "messages": records,
            },
        },
        "operations": {
            "readFeed": {
                "action": "receive", "channel": {"$ref": "#/channels/feed"}, "title": "Read the feed",
                "summary": "GET /buyers/{buyer}/feed?after=<sequence>&limit=<1..1000>&type=<record type>...",
                "description": "Pass the page's `next` as `after` to read on; `more` says whether there is more now. "
                               "A record keeps its `sequence` for ever, so a reader resumes where it stopped.",
                "security": [{"$ref": "#/components/securitySchemes/bearer"}],
                "messages": [{"$ref": "#/channels/feed/messages/feedRequest"}],
                "reply": {"channel": {"$ref": "#/channels/feed"},
                          "messages": [{"$ref": "#/channels/feed/messages/feedPage"}]},
                "bindings": {"http": {"method": "GET", "bindingVersion": "0.3.0", "query": {
                    "type": "object", "properties": {
                        "after": {"type": "string", "pattern": "^[0-9]{1,16}$",
                                  "description": "the `sequence` of the last record read; absent: from the start"},
                        "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                        "type": {"type": "array", "items": {"type": "string", "enum": list(TYPES)},
                                 "description": "only these record types (repeat the parameter)"}}}}},
            },
            "deliverRecord": {
                "action": "send", "channel": {"$ref": "#/channels/webhook"}, "title": "Deliver a record",
                "summary": "POST each new record to every active endpoint of its buyer that wants its type",
                "description": answers(settings),
                "security": [{"$ref": "#/components/securitySchemes/webhookSignature"}],
                "messages": [{"$ref": f"#/channels/webhook/messages/{n}"} for n in records],
                "bindings": {"http": {"method": "POST", "bindingVersion": "0.3.0"}},
            },
        },
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                           "description": "A token of the buyer role for its own records (or an admin's, an "
                                          "auditor's, a programme manager's)"},
                "webhookSignature": {"type": "httpApiKey", "in": "header", "name": "webhook-signature",
                                     "description": SIGNATURE},
            },
        },
    }
