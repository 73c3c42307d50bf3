"""Schemathesis over every operation of the five services (tests/fuzz/run.py):
as processes on real NATS, with an admin's token, GET and /ops included, in
positive and negative modes, checking for server errors, undeclared status
codes and content types, responses off their schema and invalid input
accepted; then stateful runs along the inferred links. A small budget here;
`make fuzz` searches deep and prints what it found.

WECARE_FUZZ_EXAMPLES (default 3) and WECARE_FUZZ_PHASES (default
fuzzing,stateful; the deep run adds the coverage phase's boundary values)
change the budget."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.run import COUNTRIES, fuzz_stack, summary
from wecare.launcher import SERVICES, Launcher
from wecare.natsserver import NatsServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the fixture starts the stack and fuzzes it

EXAMPLES = int(os.environ.get("WECARE_FUZZ_EXAMPLES", "3"))
PHASES = os.environ.get("WECARE_FUZZ_PHASES", "fuzzing,stateful")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    with NatsServer(store_dir=tmp / "nats") as nats:
        launcher = Launcher(tmp / "stack", countries=",".join(COUNTRIES), nats_url=nats.url,
                            env={"WECARE_LOG_LEVEL": "ERROR"})
        info = launcher.start()
        try:
            out = fuzz_stack(info.services, info.headers()["Authorization"], examples=EXAMPLES,
                             report_dir=tmp / "reports", phases=PHASES)
        finally:
            launcher.stop()
    print("\n" + summary(out, examples=EXAMPLES))
    return out


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_is_fuzzed_and_nothing_fails(results, service) -> None:  # noqa: ANN001
    r = results[service]
    operations, cases = r.report["operations"], r.report["test_cases"]
    assert operations["selected"] == operations["tested"] > 0, operations  # GET and /ops included
    assert cases["generated"] >= 2 * operations["tested"], cases
    assert not r.failures, "\n".join(f"{code} {check}: {op}" for check, op, code in r.failures) + "\n" + \
        r.output.split("= FAILURES =", 1)[-1][:6000]

