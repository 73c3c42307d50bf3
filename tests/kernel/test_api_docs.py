"""`/docs` is served from the service's own files (shared/apidocs.py): the
page names no other host, its assets answer from the service, and Swagger UI
renders in headless Chromium with every other host unreachable, as on a
filtered country network."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import uvicorn

from shared.apidocs import openapi30
from wecare.natsserver import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _referenced(html: str) -> list[str]:
    """Every address the page loads: src, href and Swagger UI's document url."""
    return [a or b for a, b in re.findall(r"""(?:src|href)="([^"]+)"|\burl: '([^']+)'""", html)]


async def test_the_docs_page_loads_only_the_services_own_files(in_process):
    svc, _ = await in_process("assessment")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app), base_url="http://svc") as c:  # no token
        page = await c.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert not re.search(r"(?:https?:)?//[\w-]+\.[\w.-]+", page.text), "the page names another host"
        assets = _referenced(page.text)
        assert {urlsplit(a).path.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css",
                                                                         "openapi.json"}
        for address in assets:
            assert not urlsplit(address).netloc and address.startswith("/"), address
            r = await c.get(address)
            assert r.status_code == 200 and r.content, address
        assert '"validatorUrl": null' in page.text  # no badge fetched from the public validator

        redirect = await c.get("/docs/oauth2-redirect")  # Swagger UI's OAuth2 flow lands here
        assert redirect.status_code == 200 and "oauth2" in redirect.text
        assert not re.search(r"https?://", redirect.text)
        assert (await c.get("/redoc")).status_code == 404  # no local ReDoc, so none from a CDN either

        # the page's document is the contract's, said in OpenAPI 3.0 (the bundle's Swagger UI reads no 3.1)
        contract, shown = (await c.get("/openapi.json")).json(), (await c.get("/docs/openapi.json")).json()
        assert contract["openapi"].startswith("3.1") and shown["openapi"] == "3.0.3"
        assert shown["paths"].keys() == contract["paths"].keys() and shown == openapi30(contract)
        assert '{"type": "null"}' not in json.dumps(shown)


def test_openapi30_says_a_31_schema_in_30_terms():
    ref = {"$ref": "#/components/schemas/X"}
    assert openapi30({"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}], "title": "T"}) == \
        {"type": "string", "maxLength": 5, "title": "T", "nullable": True}
    assert openapi30({"anyOf": [ref, {"type": "null"}], "default": None}) == \
        {"allOf": [ref], "default": None, "nullable": True}
    assert openapi30({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}) == \
        {"anyOf": [{"type": "integer"}, {"type": "string"}], "nullable": True}
    assert openapi30({"type": ["string", "null"]}) == {"type": "string", "nullable": True}
    assert openapi30({"const": "bd"}) == {"enum": ["bd"]}
    assert openapi30({"type": "string", "examples": ["a", "b"]}) == {"type": "string", "example": "a"}
    assert openapi30({"name": "p", "schema": {}, "examples": {"x": {"value": 1}}})["examples"] == {"x": {"value": 1}}
    assert openapi30({"exclusiveMinimum": 0}) == {"minimum": 0, "exclusiveMinimum": True}
    assert openapi30({"openapi": "3.1.0", "paths": {}}) == {"openapi": "3.0.3", "paths": {}}


def _chromium(profile: Path, url: str) -> tuple[str, list[str]]:
    """The page's DOM once its scripts ran (virtual time waits for pending fetches), and the addresses the
    page requested. Every host but 127.0.0.1 resolves to nothing."""
    assert CHROMIUM, "chromium is needed (make browser installs Debian's chromium)"
    net = profile / "net.json"
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                        f"--log-net-log={net}", "--virtual-time-budget=5000", "--dump-dom", url],
                       capture_output=True, text=True, timeout=120)
    log = json.loads(net.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    requested = [e["params"]["url"] for e in log["events"]  # the page's own (the browser's updaters aside)
                 if e["type"] == start and e.get("params", {}).get("initiator") == origin]
    return r.stdout, requested


async def test_swagger_ui_renders_in_chromium_with_every_other_host_blocked(in_process, tmp_path):
    svc, _ = await in_process("assessment")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(svc.app, host="127.0.0.1", port=port, lifespan="off", log_config=None,
                                          access_log=False))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), serving
            await asyncio.sleep(0.02)
        dom, requested = await asyncio.to_thread(_chromium, tmp_path / "chromium", f"http://127.0.0.1:{port}/docs")
    finally:
        server.should_exit = True
        await serving
    assert 'class="swagger-ui"' in dom and 'class="info"' in dom, dom[-2000:]
    assert re.search(r'<h2 class="title">WeCare assessment service', dom)
    assert 'class="opblock-tag-section' in dom  # the operations, read from the document
    assert "Unable to render this definition" not in dom
    assert requested and all(urlsplit(u).netloc == f"127.0.0.1:{port}" for u in requested), requested
    assert f"http://127.0.0.1:{port}/docs/openapi.json" in requested
