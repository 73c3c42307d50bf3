"""Fuzzing the write endpoints of the four services with Schemathesis: the
bodies, paths and queries it makes from each service's OpenAPI document
never get a 5xx (every bad input is a clear 4xx). The services run as
processes on real NATS, with an admin's token."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from wecare.launcher import SERVICES, Launcher
from wecare.natsserver import NatsServer

pytestmark = pytest.mark.slow

# examples per operation; a deeper search: WECARE_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz
EXAMPLES = int(os.environ.get("WECARE_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    with NatsServer(store_dir=tmp / "nats") as nats:
        launcher = Launcher(tmp / "stack", countries="bd,vn", nats_url=nats.url,
                            env={"WECARE_LOG_LEVEL": "ERROR"})
        info = launcher.start()
        try:
            yield info
        finally:
            launcher.stop()


@pytest.mark.parametrize("service", SERVICES)
def test_no_write_endpoint_answers_5xx(stack, service):
    url = stack.services[service]
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    headers = stack.headers()
    failures = []
    seen: dict[int, int] = {}
    operations = [op.ok() for op in schema.get_all_operations()
                  if op.ok().method.upper() in ("POST", "PUT", "PATCH") and not op.ok().path.startswith("/ops")]
    assert operations, service

    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case) -> None:  # noqa: ANN001
            if case.path_parameters and "country" in case.path_parameters:
                case.path_parameters["country"] = "bd"  # past the country check, into the handlers
            response = case.call(base_url=url, headers=headers, timeout=30)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.body, response.status_code,
                                 response.text[:300]))

        run()
    print(f"{service}: {len(operations)} write operations, answers {dict(sorted(seen.items()))}")
    assert sum(seen.values()) >= 5 * len(operations)
    assert not failures, failures[:5]
