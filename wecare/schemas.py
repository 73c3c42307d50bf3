"""`wecare contracts`: writes the JSON Schema of every event and each
service's AsyncAPI document (the NATS subjects it publishes and reads), and
what buyers get: the AsyncAPI document of the buyers' feed and webhooks
(buyers-feed.asyncapi.json) and the JSON Schema of each feed record and of
its data (feed/), all generated from the contracts. It needs every
service's events registered, so it lives with the tools: the kernel
(shared/contracts/schema.py) knows no service."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from shared.contracts.feed import TYPES, data_schema, schemas
from shared.contracts.schema import event_schemas
from shared.settings import Settings
from wecare.cli import SERVICES


def _write(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_contracts(out: Path, public_url: str | None = None) -> list[Path]:
    """Every document under `out`. The feed's documents name the buyers
    service's public URL (`public_url`, else its settings' WECARE_PUBLIC_URL)."""
    import services.assessment.domain.events  # noqa: F401 - registers the events
    import services.delivery.domain.events  # noqa: F401
    import services.evaluation.domain.events  # noqa: F401
    import shared.contracts.planning  # noqa: F401
    import wecare.sample  # noqa: F401

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        written.append(_write(out / f"{name}.schema.json", schema))
    for name, module in SERVICES.items():
        svc = importlib.import_module(module).create_service(Settings(service=name, log_level="ERROR"))
        written.append(_write(out / f"{name}.asyncapi.json", svc.asyncapi()))

    from services.buyers.contract import asyncapi

    buyers = Settings(service="buyers", log_level="ERROR")
    url = (public_url or buyers.resolved_public_url()).rstrip("/")
    written.append(_write(out / "buyers-feed.asyncapi.json", asyncapi(url, buyers)))
    (out / "feed").mkdir(exist_ok=True)
    for name, schema in schemas().items():
        written.append(_write(out / "feed" / f"{name}.schema.json", schema))
    for t in TYPES:
        written.append(_write(out / "feed" / f"{t}.data.schema.json", data_schema(t, url)))
    return written
