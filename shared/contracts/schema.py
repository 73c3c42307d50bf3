"""Generated contract documents: the JSON Schema of the envelope and of every
registered event type, never written by hand. Which event types are
registered is the caller's business (the kernel knows no service):
`wecare contracts` (wecare/schemas.py) imports every service first."""

from __future__ import annotations

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
