"""Schemathesis hooks for the fuzz run (loaded through SCHEMATHESIS_HOOKS=tests.fuzz.hooks).

The `country` in a path is any two-letter code to the API, but only the
deployment's countries reach the handlers (another answers 404 or 422 at the
door). The schema the fuzzer reads therefore lists the served countries: in
positive mode a case is addressed to one of them and gets past the country
check into the handlers; in negative mode it gets anything else, which must be
refused."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

COUNTRIES = [c for c in os.environ.get("WECARE_FUZZ_COUNTRIES", "bd,vn").split(",") if c]


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:  # noqa: ARG001
    for methods in raw_schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == "country":
                    parameter["schema"] = {"type": "string", "enum": COUNTRIES}
