"""The bounded vocabulary (shared/contracts/values.py) holds for every
command of the five services: every number and integer has a range, every
string a length of its own (an id, a name, a text: the default cap is only a
net), every list and mapping a size."""

from __future__ import annotations

import math
from typing import Any

import pytest

from shared.application import Command
from shared.contracts.values import MAX_TEXT

pytestmark = pytest.mark.unit

FREE_TEXT = {"details"}  # the fields that may be longer than MAX_TEXT, each with its own bound


def all_commands() -> list[type[Command]]:
    import services.assessment.handlers as a
    import services.buyers.handlers as b
    import services.delivery.handlers as d
    import services.evaluation.handlers as e
    import services.planning.handlers as p

    out: list[type[Command]] = []
    for m in (a, d, e, p):
        out += list(m.HANDLERS)
    out += list(b.handlers(None))  # the buyers' handlers are bound to their webhooks
    return sorted(set(out), key=lambda c: c.__name__)


def unbounded(schema: dict[str, Any], defs: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """The places in a JSON Schema where a value has no bound."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return unbounded(defs[name], defs, where, seen | {name})
    out: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            out += unbounded(sub, defs, where, seen)
    t = schema.get("type")
    if t in ("integer", "number"):
        lo = schema.get("minimum", schema.get("exclusiveMinimum"))
        hi = schema.get("maximum", schema.get("exclusiveMaximum"))
        if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
            out.append(f"{where}: {t} without a range")
    elif t == "string" and "enum" not in schema and "const" not in schema and "format" not in schema:
        if schema.get("maxLength", MAX_TEXT) >= MAX_TEXT and where.rsplit(".", 1)[-1] not in FREE_TEXT:
            out.append(f"{where}: string without a bound of its own (an id, a name, a text?)")
    elif t == "array":
        if "maxItems" not in schema:
            out.append(f"{where}: list without maxItems")
        out += unbounded(schema.get("items", {}), defs, f"{where}[]", seen)
    elif t == "object":
        for name, sub in schema.get("properties", {}).items():
            out += unbounded(sub, defs, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in schema:
                out.append(f"{where}: mapping without maxProperties")
            out += unbounded(extra, defs, f"{where}{{}}", seen)
            out += unbounded({"type": "string", **schema.get("propertyNames", {})}, defs, f"{where}{{key}}", seen)
    return out


def test_every_command_value_is_bounded() -> None:
    problems: list[str] = []
    commands = all_commands()
    assert len(commands) > 30
    for c in commands:
        schema = c.model_json_schema()
        problems += unbounded(schema, schema.get("$defs", {}), c.__name__, set())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_command_built_in_python_refuses_non_finite_numbers(bad: float) -> None:
    """The JSON parser's refusal covers HTTP (shared/http.py); a command built
    another way (a reaction, an import) is refused by its model, naming the field."""
    from pydantic import ValidationError

    from services.evaluation.commands import RecordEndline

    with pytest.raises(ValidationError) as e:
        RecordEndline(plan_id="p.f", measured_on="2026-12-01", respondents=10, kpis={"retention": bad})
    assert [(x["loc"], x["type"]) for x in e.value.errors()] == [(("kpis", "retention"), "finite_number")]
