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
        redoc = await c.get("/redoc")  # ReDoc from the same package's copy
        assert redoc.status_code == 200 and not re.search(r"(?:https?:)?//[\w-]+\.[\w.-]+", redoc.text)
        for address in _referenced(redoc.text):
            assert address.startswith("/") and (await c.get(address)).status_code == 200, address
        assert "fonts.googleapis" not in redoc.text


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
    assert re.search(r'<h[12] class="title">WeCare assessment service', dom)  # Swagger UI 5 says h1
    assert 'class="opblock-tag-section' in dom  # the operations, read from the document
    assert "Unable to render this definition" not in dom
    assert re.search(r'<button class="btn authorize', dom), "no Authorize button: the bearer scheme is not declared"
    assert requested and all(urlsplit(u).netloc == f"127.0.0.1:{port}" for u in requested), requested
    assert f"http://127.0.0.1:{port}/openapi.json" in requested  # the contract itself: Swagger UI 5 reads 3.1
