"""The typed Python clients (issue #21: "a typed Python client generated from the OpenAPI, used by the
demo"): clients/openapi/<service>.json is what each service's code documents now, and the package
clients/wecare_client/<service>/ was generated from that snapshot. Fast: the documents come from the apps
in-process, and nothing is regenerated here (`make client` does that, in about 15 s)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from wecare.clients import API_SERVICES, OUT, openapi_documents, sha256, snapshot_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "the typed clients are behind the code: run `make client` (wecare client) and commit clients/"


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    return openapi_documents()


@pytest.mark.parametrize("service", API_SERVICES)
def test_the_snapshot_is_what_the_service_documents_now(documents, service) -> None:  # noqa: ANN001
    snapshot = OUT / "openapi" / f"{service}.json"
    assert snapshot.exists(), f"no {snapshot.relative_to(ROOT)}: {REGENERATE}"
    now = snapshot_text(documents[service])
    if snapshot.read_text(encoding="utf-8") != now:
        import difflib

        diff = "".join(list(difflib.unified_diff(snapshot.read_text(encoding="utf-8").splitlines(True),
                                                 now.splitlines(True), "snapshot", "code"))[:40])
        pytest.fail(f"{service}: {REGENERATE}\n{diff}")


@pytest.mark.parametrize("service", API_SERVICES)
def test_the_package_was_generated_from_the_snapshot(service) -> None:  # noqa: ANN001
    snapshot = OUT / "openapi" / f"{service}.json"
    made = importlib.import_module(f"wecare_client.{service}._snapshot")
    assert made.SERVICE == service
    assert made.OPENAPI_SHA256 == sha256(snapshot.read_text(encoding="utf-8")), f"{service}: {REGENERATE}"


def test_every_operation_of_the_snapshots_has_its_typed_function(documents) -> None:  # noqa: ANN001
    """The generator skipped none (it stops on a warning): each operation id is a module with its calls."""
    from openapi_python_client.strings import snake_case

    for service in API_SERVICES:
        base = OUT / "wecare_client" / service / "api"
        modules = {p.stem: p for p in base.glob("*/*.py")}
        for path, ops in documents[service]["paths"].items():
            for method, op in ops.items():
                name = snake_case(op["operationId"])
                assert name in modules, (service, method, path, op["operationId"])
                tree = ast.parse(modules[name].read_text(encoding="utf-8"))
                calls = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
                assert {"sync_detailed", "asyncio_detailed"} <= calls, (service, name)


def test_the_demo_calls_the_services_through_the_typed_clients() -> None:
    """The clients' first consumer: wecare/demo.py writes no route by hand and opens no HTTP client of its
    own, so a contract change reaches it when `make client` regenerates (and a type checker, or the demo, sees)."""
    tree = ast.parse((ROOT / "wecare" / "demo.py").read_text(encoding="utf-8"))
    in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    texts = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in in_fstrings]
    texts += [n.values[0] for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) and n.values]  # how it starts
    routes = [f"line {n.lineno}: {n.value}" for n in texts
              if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.startswith("/")]
    own = [f"line {n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Attribute)
           and isinstance(n.value, ast.Name) and n.value.id == "httpx" and n.attr in {"AsyncClient", "Client"}]
    used = {n.module.split(".")[1] for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("wecare_client.")}
    assert not routes, f"the demo writes routes by hand: {routes}"
    assert not own, f"the demo opens HTTP clients of its own: {own}"
    assert used == set(API_SERVICES), used


@pytest.mark.parametrize("service", API_SERVICES)
def test_each_client_reads_the_status_the_service_answers(service) -> None:  # noqa: ANN001
    """GET /ops/status is typed (the demo waits on it): a lag is a number, or `unknown` while NATS does not
    answer; the client's model reads both (openapi-python-client 0.29 misread int | const in a map)."""
    from shared.service import ProjectionStatus, ServiceStatus

    body = ServiceStatus(service=service, countries=["bd", "vn"], events={"bd": 3, "vn": 0}, events_total=3,
                         outbox_backlog=1, loops={"relay": {"state": "running"}}, projections={"factories": (
                             ProjectionStatus(parked=2, lag={"assessment.bd": 0, "assessment.vn": "unknown"},
                                              applied_here=3))}).model_dump(mode="json")
    model = importlib.import_module(f"wecare_client.{service}.models").ServiceStatus
    st = model.from_dict(body)
    assert (st.outbox_backlog, st.events_total) == (1, 3)
    assert st.projections["factories"].parked == 2
    assert st.projections["factories"].lag.additional_properties == {"assessment.bd": 0, "assessment.vn": "unknown"}
    assert st.to_dict() == body
