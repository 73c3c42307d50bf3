"""`wecare client` (`make client`): the typed Python clients, generated from the services' OpenAPI.

Each service's OpenAPI document is taken from its app in-process (no server, no database: a throwaway
data dir), written as a snapshot to clients/openapi/<service>.json, and openapi-python-client generates
the package clients/wecare_client/<service>/ from that snapshot. The generator writes the snapshot's
sha256 into the package (_snapshot.py): tests/kernel/test_clients.py compares the snapshots with what the
services' code produces now and the packages with the snapshots, so a route changed without `make client`
fails the suite. The demo (wecare/demo.py) is the clients' first consumer."""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "clients"  # openapi/<service>.json and wecare_client/<service>/
API_SERVICES = ("assessment", "planning", "delivery", "evaluation", "buyers")
PACKAGE = "wecare_client"
SNAPSHOT_MODULE = "_snapshot.py"


def openapi_documents(services: tuple[str, ...] = API_SERVICES) -> dict[str, dict]:
    """Each service's OpenAPI document, from its app (not started; the settings do not change the document)."""
    from shared.settings import Settings
    from wecare.cli import SERVICES

    docs = {}
    with tempfile.TemporaryDirectory(prefix="wecare-openapi-") as data_dir:
        for name in services:
            settings = Settings(service=name, data_dir=data_dir, nats_url="nats://127.0.0.1:1", log_level="ERROR")
            docs[name] = importlib.import_module(SERVICES[name]).create_service(settings).app.openapi()
    return docs


def snapshot_text(doc: dict) -> str:
    """The snapshot as written: the document's own order (paths as the routes are declared), readable."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generator_version() -> str:
    return f"openapi-python-client {version('openapi-python-client')}"


def snapshot_module(service: str, text: str) -> str:
    return (f'"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was\n'
            f'generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot\'s."""\n\n'
            f'SERVICE = "{service}"\n'
            f'OPENAPI = "clients/openapi/{service}.json"\n'
            f'OPENAPI_SHA256 = "{sha256(text)}"\n'
            f'GENERATOR = "{generator_version()}"\n')


def _generate_package(service: str, snapshot: Path, work: Path) -> Path:
    """openapi-python-client on the snapshot, in `work` (outside the project: ruff's hooks run isolated)."""
    ruff = Path(sys.executable).parent / "ruff"  # the venv's, next to its python
    config = work / f"{service}.yaml"
    # JSON is YAML: the generator's config
    config.write_text(json.dumps({
        "package_name_override": service,
        "post_hooks": [f"{ruff} check . --isolated --line-length 120 --fix-only --extend-select=I --quiet",
                       f"{ruff} format . --isolated --line-length 120 --quiet"],
    }))
    out = work / service
    r = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", str(snapshot),
                        "--meta", "none", "--output-path", str(out), "--config", str(config), "--overwrite",
                        "--fail-on-warning"], capture_output=True, text=True, cwd=work)
    if r.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed for {service}:\n{r.stdout}{r.stderr}")
    return out


def write_clients(out: Path = OUT, services: tuple[str, ...] = API_SERVICES) -> list[Path]:
    """Snapshots under out/openapi, then the packages under out/wecare_client, regenerated from them."""
    (out / "openapi").mkdir(parents=True, exist_ok=True)
    package_root = out / PACKAGE
    package_root.mkdir(parents=True, exist_ok=True)
    init = package_root / "__init__.py"
    if not init.exists():
        init.write_text('"""Typed clients of the WeCare services, generated from their OpenAPI by `make client`: '
                        'one package per service."""\n')
    written = []
    docs = openapi_documents(services)
    with tempfile.TemporaryDirectory(prefix="wecare-client-") as tmp:
        work = Path(tmp)
        for name, doc in docs.items():
            text = snapshot_text(doc)
            snapshot = out / "openapi" / f"{name}.json"
            snapshot.write_text(text, encoding="utf-8")
            written.append(snapshot)
            generated = _generate_package(name, snapshot, work)
            (generated / SNAPSHOT_MODULE).write_text(snapshot_module(name, text), encoding="utf-8")
            target = package_root / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated, target)
            written.append(target)
    return written
