"""Generated contract documents: the JSON Schema of the envelope and of every
registered event type, never written by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.contracts.envelope import Envelope
from shared.contracts.registry import registry


def event_schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"Envelope": Envelope.model_json_schema()}
    for t in registry.types():
        schema = t.model_json_schema()
        schema["x-wecare"] = {"context": t.context, "event_type": t.event_type,
                              "schema_version": t.schema_version,
                              "subject": f"wecare.{{country}}.{t.context}.{t.subject_name()}"}
        out[f"{t.context}.{t.event_type}"] = schema
    return out


def write_contracts(out: Path) -> list[Path]:
    import services.assessment.domain.events  # noqa: F401 - registers the events
    import services.delivery.domain.events  # noqa: F401
    import services.evaluation.domain.events  # noqa: F401
    import shared.contracts.planning  # noqa: F401
    import shared.sample  # noqa: F401
    from shared.cli import SERVICES

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    import importlib

    from shared.settings import Settings

    for name, module in SERVICES.items():
        svc = importlib.import_module(module).create_service(Settings(service=name, log_level="ERROR"))
        path = out / f"{name}.asyncapi.json"
        path.write_text(json.dumps(svc.asyncapi(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
