"""`wecare contracts`: writes the JSON Schema of every event and each
service's AsyncAPI document. It needs every service's events registered,
so it lives with the tools: the kernel (shared/contracts/schema.py) knows
no service."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from shared.contracts.schema import event_schemas
from shared.settings import Settings
from wecare.cli import SERVICES


def write_contracts(out: Path) -> list[Path]:
    import services.assessment.domain.events  # noqa: F401 - registers the events
    import services.delivery.domain.events  # noqa: F401
    import services.evaluation.domain.events  # noqa: F401
    import shared.contracts.planning  # noqa: F401
    import wecare.sample  # noqa: F401

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in event_schemas().items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    for name, module in SERVICES.items():
        svc = importlib.import_module(module).create_service(Settings(service=name, log_level="ERROR"))
        path = out / f"{name}.asyncapi.json"
        path.write_text(json.dumps(svc.asyncapi(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
