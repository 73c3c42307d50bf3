"""The API's documents (`/docs`) from the project's own files: Swagger UI's
script, style and icon are served by the service itself from the
swagger-ui-bundle package, not fetched from a CDN (which a filtered country
network blocks, and which would run someone else's script beside an
operator's token). There is no ReDoc: no package of ours carries its files.

The bundle is Swagger UI 4, which reads OpenAPI 3.0 only, and FastAPI writes
3.1: the page reads `/docs/openapi.json`, the same document said in 3.0
(`openapi30`). `/openapi.json` stays the contract. With Swagger UI 5 the page
can read `/openapi.json` itself and `openapi30` goes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS = "/docs"
ASSETS = "/docs/assets"  # the bundle's files
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
DOCUMENT = "/docs/openapi.json"  # what the page reads: the API's document in OpenAPI 3.0


def openapi30(node: Any) -> Any:
    """An OpenAPI 3.1 document (or part of one) as 3.0 says it, for what FastAPI and pydantic write: a
    schema that may be null (`anyOf` with `{"type": "null"}`) is `nullable`, `const` is a one-value `enum`,
    a schema's list of `examples` is its first `example`, numeric exclusive bounds are 3.0's flags."""
    if isinstance(node, list):
        return [openapi30(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: openapi30(v) for k, v in node.items()}
    if isinstance(out.get("openapi"), str) and out["openapi"].startswith("3.1"):
        out["openapi"] = "3.0.3"
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del out[key]
            if len(rest) == 1 and "$ref" in rest[0]:
                out["allOf"] = rest  # 3.0 ignores the siblings of a $ref
            elif len(rest) == 1:
                out = {**rest[0], **out}
            elif rest:
                out[key] = rest
            out["nullable"] = True
    if isinstance(out.get("type"), list):  # ["string", "null"]
        given = out.pop("type")
        types = [t for t in given if t != "null"]
        if len(types) < len(given):
            out["nullable"] = True
        if len(types) == 1:
            out["type"] = types[0]
        elif types:
            out["anyOf"] = [{"type": t} for t in types]
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list) and "schema" not in out:  # a schema's, not a parameter's
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), int | float) and not isinstance(out[bound], bool):
            out[plain], out[bound] = out[bound], True
    return out


def serve_docs(app: FastAPI) -> None:
    """`/docs` and its assets on `app`, built with `docs_url=None, redoc_url=None`."""
    assert app.docs_url is None and app.redoc_url is None, "the app must not serve FastAPI's CDN pages"
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get(DOCUMENT, include_in_schema=False)
    async def document() -> JSONResponse:
        return JSONResponse(openapi30(app.openapi()))

    @app.get(DOCS, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")  # behind a proxy that strips a prefix
        return get_swagger_ui_html(
            openapi_url=root + DOCUMENT, title=f"{app.title} - API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png", oauth2_redirect_url=root + OAUTH2_REDIRECT,
            # no badge from the public validator, which would send it this document's address
            swagger_ui_parameters={"validatorUrl": None})

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
