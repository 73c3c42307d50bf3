"""The API's documents (`/docs`, `/redoc`) from the project's own files:
Swagger UI's and ReDoc's scripts, style and icon are served by the service
itself from the fastapi-offline package's copies, not fetched from a CDN
(which a filtered country network blocks, and which would run someone
else's script beside an operator's token). Its Swagger UI is version 5,
which reads the OpenAPI 3.1 that FastAPI writes: both pages read the
contract itself, `/openapi.json`."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/docs"
REDOC = "/redoc"
ASSETS = "/docs/assets"  # the package's files: swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
FILES = Path(fastapi_offline.__file__).parent / "static"


def serve_docs(app: FastAPI) -> None:
    """`/docs`, `/redoc` and their assets on `app`, built with `docs_url=None, redoc_url=None`."""
    assert app.docs_url is None and app.redoc_url is None, "the app must not serve FastAPI's CDN pages"
    app.mount(ASSETS, StaticFiles(directory=str(FILES)), name="api-docs-assets")

    def root(request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/")  # behind a proxy that strips a prefix

    @app.get(DOCS, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        at = root(request)
        return get_swagger_ui_html(
            openapi_url=at + app.openapi_url, title=f"{app.title} - API",
            swagger_js_url=f"{at}{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{at}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{at}{ASSETS}/favicon.png", oauth2_redirect_url=at + OAUTH2_REDIRECT,
            # no badge from the public validator, which would send it this document's address
            swagger_ui_parameters={"validatorUrl": None})

    @app.get(REDOC, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        at = root(request)
        return get_redoc_html(openapi_url=at + app.openapi_url, title=f"{app.title} - API",
                              redoc_js_url=f"{at}{ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{at}{ASSETS}/favicon.png", with_google_fonts=False)

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
