"""Each service has its own NATS user with subject permissions: the real
nats-server refuses a service that publishes outside its own subjects, or
deletes or purges a stream; within them everything works (the other stack
tests run the whole cycle this way)."""

from __future__ import annotations

import asyncio

import nats
import nats.errors
import nats.js.errors
import pytest

from wecare.launcher import Launcher

pytestmark = pytest.mark.slow


async def _connect(launcher: Launcher, user: str) -> nats.NATS:
    errors: list[str] = []

    async def on_error(e: Exception) -> None:
        errors.append(str(e))

    nc = await nats.connect(launcher.nats_url, user=user, password=launcher.nats_passwords[user], error_cb=on_error,
                            allow_reconnect=False)
    nc.permission_errors = errors  # type: ignore[attr-defined]
    return nc


async def test_a_service_is_refused_outside_its_subjects(tmp_path):
    launcher = Launcher(tmp_path / "stack", services=("assessment", "planning"), env={"WECARE_LOG_LEVEL": "ERROR"})
    await asyncio.to_thread(launcher.start)
    try:
        nc = await _connect(launcher, "planning")
        js = nc.jetstream()
        ack = await js.publish("wecare.bd.planning.plan_checked", b"{}", headers={"Nats-Msg-Id": "own-1"})
        assert ack.stream == "WECARE_PLANNING"  # its own subjects: stored
        with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.Error)):
            await js.publish("wecare.bd.assessment.factory_registered", b"{}", timeout=2)
        await asyncio.sleep(0.2)
        assert any("permissions violation" in e.lower() for e in nc.permission_errors), nc.permission_errors
        for forbidden in (js.delete_stream("WECARE_ASSESSMENT"), js.purge_stream("WECARE_PLANNING")):
            with pytest.raises(Exception):  # noqa: B017, PT011 - refused by the server, whichever way it says so
                await asyncio.wait_for(forbidden, 3)
        ops = await nats.connect(launcher.operator_nats_url)
        info = await ops.jetstream().stream_info("WECARE_ASSESSMENT")
        assert info.state.messages == 0  # nothing planning sent landed in assessment's stream
        assert (await ops.jetstream().stream_info("WECARE_PLANNING")).state.messages == 1
        await ops.close()
        await nc.close()
        with pytest.raises(Exception):  # noqa: B017, PT011
            await nats.connect(launcher.nats_url, user="planning", password="wrong", allow_reconnect=False,
                               max_reconnect_attempts=0, connect_timeout=2)
    finally:
        await asyncio.to_thread(launcher.stop)
