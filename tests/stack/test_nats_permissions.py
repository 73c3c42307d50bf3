"""Each service has its own NATS user with least-privilege subject permissions
(wecare/natsauth.py): the real nats-server refuses a service that publishes
outside its own subjects, changes or deletes a stream, touches another
service's consumers or listens to another's replies; within them everything
works (the other stack tests run the whole cycle this way)."""

from __future__ import annotations

import asyncio
import itertools
import json

import nats
import nats.errors
import nats.js.errors
import pytest
from nats.js.api import ConsumerConfig

from shared.messaging.jetstream import STREAM_CONTEXTS, inbox_prefix, stream_name
from shared.messaging.replay import replay
from tests.conftest import NATS_PASSWORDS
from wecare.launcher import Launcher
from wecare.natsauth import SERVICES, needs

pytestmark = pytest.mark.slow

REFUSED = (nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.Error, TimeoutError)
UNANSWERED = (nats.errors.TimeoutError, TimeoutError)  # a request the server dropped: no JetStream error either


async def _connect(url: str, user: str, password: str) -> nats.NATS:
    """As the service's user, with its own inbox prefix (what make_broker does)."""
    errors: list[str] = []

    async def on_error(e: Exception) -> None:
        errors.append(str(e).lower())

    nc = await nats.connect(url, user=user, password=password, error_cb=on_error, allow_reconnect=False,
                            inbox_prefix=inbox_prefix(user))
    nc.permission_errors = errors  # type: ignore[attr-defined]
    return nc


def _refused(nc: nats.NATS, verb: str, subject: str) -> bool:
    said = f'permissions violation for {verb} to "{subject.lower()}"'
    return any(e.endswith(said) for e in nc.permission_errors)  # type: ignore[attr-defined]


async def test_a_service_is_refused_outside_its_subjects(tmp_path):
    launcher = Launcher(tmp_path / "stack", services=("assessment", "planning"), env={"WECARE_LOG_LEVEL": "ERROR"})
    await asyncio.to_thread(launcher.start)  # provisions the streams as the operator, then starts the services
    try:
        nc = await _connect(launcher.nats_url, "planning", launcher.nats_passwords["planning"])
        js = nc.jetstream()
        ack = await js.publish("wecare.bd.planning.plan_checked", b"{}", headers={"Nats-Msg-Id": "own-1"})
        assert ack.stream == "WECARE_PLANNING"  # its own subjects: stored
        with pytest.raises(REFUSED):
            await js.publish("wecare.bd.assessment.factory_registered", b"{}", timeout=2)
        await asyncio.sleep(0.2)
        assert _refused(nc, "publish", "wecare.bd.assessment.factory_registered"), nc.permission_errors
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


async def test_no_service_reaches_another_services_streams_consumers_or_inboxes(nats_server):
    """For every pair of services (attacker, victim), as the attacker's user: the victim's stream
    (any stream) cannot be updated, the victim's durable consumer cannot be deleted, created, read
    (INFO) or fetched from, no consumer of another name can be made on its stream, and neither the
    victim's inbox prefix nor the shared `_INBOX.>` can be subscribed to. Each refusal is the
    server's permissions violation on that very subject, and nothing changed. The owners
    themselves create, fetch from and ack their own consumers, and read the streams they replay."""
    url = f"nats://127.0.0.1:{nats_server.port}"
    ops = await nats.connect(nats_server.url)
    ojs = ops.jetstream()
    users = {s: await _connect(url, s, NATS_PASSWORDS[s]) for s in SERVICES}
    try:
        for ctx in STREAM_CONTEXTS:  # a message for every country's consumers of every stream
            for cc in ("bd", "cn", "tr", "vn"):
                await ojs.publish(f"wecare.{cc}.{ctx}.probe", b"{}")
        # each victim's first durable consumer, created by its owner (allowed: its own CREATE subject)
        durable = {}
        for s in SERVICES:
            c = needs(s).consumers[0]
            await users[s].jetstream().add_consumer(c.stream, ConsumerConfig(
                name=c.name, durable_name=c.name, filter_subject=c.filter, ack_wait=30))
            durable[s] = c
        before = {s: await ojs.consumer_info(c.stream, c.name) for s, c in durable.items()}
        # the streams' own configurations with a limit of 1 message: what the buyers user applied before
        cut = {ctx: (await ojs.stream_info(stream_name(ctx))).config.evolve(max_msgs=1) for ctx in STREAM_CONTEXTS}

        async def attack(x: str, v: str) -> list[str]:
            """What x tries against v: the subject of each request the server must refuse."""
            js = users[x].jetstream(timeout=1)
            c, spy = durable[v], f"{x}-spy"
            tries = {
                f"$JS.API.STREAM.UPDATE.{stream_name(v)}": js.update_stream(cut[v]),
                f"$JS.API.CONSUMER.DELETE.{c.stream}.{c.name}": js.delete_consumer(c.stream, c.name),
                f"$JS.API.CONSUMER.INFO.{c.stream}.{c.name}": js.consumer_info(c.stream, c.name),
                f"$JS.API.CONSUMER.CREATE.{c.stream}.{c.name}.{c.filter}": js.add_consumer(c.stream, ConsumerConfig(
                    name=c.name, durable_name=c.name, filter_subject=c.filter, ack_wait=1)),
                f"$JS.API.CONSUMER.CREATE.{c.stream}.{spy}.{c.filter}": js.add_consumer(c.stream, ConsumerConfig(
                    name=spy, filter_subject=c.filter)),
                f"$JS.API.CONSUMER.DURABLE.CREATE.{c.stream}.{spy}": js.add_consumer(c.stream, ConsumerConfig(
                    durable_name=spy)),
                f"$JS.API.CONSUMER.MSG.NEXT.{c.stream}.{c.name}": _fetch(js, c.stream, c.name),
            }
            results = await asyncio.gather(*tries.values(), return_exceptions=True)
            for subject, r in zip(tries, results, strict=True):
                assert isinstance(r, UNANSWERED), f"{x} could {subject}: {r!r}"
            return list(tries)

        pairs = list(itertools.permutations(SERVICES, 2))
        refused = dict(zip(pairs, await asyncio.gather(*(attack(x, v) for x, v in pairs)), strict=True))
        own_update = await asyncio.gather(*(users[s].jetstream(timeout=1).update_stream(cut[s]) for s in SERVICES),
                                          return_exceptions=True)
        assert all(isinstance(r, UNANSWERED) for r in own_update), own_update  # not even its own stream

        # replies: each one listens to every other's inbox prefix and to the shared _INBOX.>, then each
        # asks the server something (the answer goes to its own inbox)
        heard: dict[str, list[str]] = {s: [] for s in SERVICES}
        for x in SERVICES:
            async def keep(m, x=x) -> None:  # noqa: ANN001
                heard[x].append(m.subject)

            for subject in [*(f"{inbox_prefix(v)}.>" for v in SERVICES if v != x), "_INBOX.>"]:
                await users[x].subscribe(subject, cb=keep)
            await users[x].flush()
        for v in SERVICES:
            assert (await users[v].jetstream().stream_info(stream_name(v))).config.name == stream_name(v)
        await asyncio.sleep(0.3)
        assert heard == {s: [] for s in SERVICES}, heard

        for (x, v), subjects in refused.items():
            wanted = [("publish", s) for s in subjects] + [("subscription", f"{inbox_prefix(v)}.>"),
                                                            ("subscription", "_INBOX.>")]
            missing = [s for verb, s in wanted if not _refused(users[x], verb, s)]
            assert not missing, f"{x} was not refused {missing}: {users[x].permission_errors}"

        # nothing changed: the streams' limits; the consumers there, same config, nothing delivered
        for ctx in STREAM_CONTEXTS:
            assert (await ojs.stream_info(stream_name(ctx))).config.max_msgs in (None, -1)
        for s, c in durable.items():
            after = await ojs.consumer_info(c.stream, c.name)
            assert after.config.ack_wait == before[s].config.ack_wait == 30
            assert after.delivered.consumer_seq == 0 and after.num_pending == before[s].num_pending
            assert {ci.name for ci in await ojs.consumers_info(c.stream)} <= {d.name for d in durable.values()}

        # the owners: fetch from and ack their own consumer, read (direct get) the streams they replay
        for s, c in durable.items():
            js = users[s].jetstream()
            sub = await js.pull_subscribe_bind(c.name, c.stream)
            msgs = await sub.fetch(1, timeout=5)
            await msgs[0].ack_sync(timeout=5)
            assert (await js.consumer_info(c.stream, c.name)).ack_floor.consumer_seq == 1
            for ctx in needs(s).contexts:
                got = await users[s].request(f"$JS.API.DIRECT.GET.{stream_name(ctx)}", json.dumps(
                    {"seq": 1, "next_by_subj": f"wecare.bd.{ctx}.>"}).encode(), timeout=2)
                assert got.headers["Nats-Subject"] == f"wecare.bd.{ctx}.probe"
                assert [e async for e in replay(js, ctx, ["bd", "vn"])] == []  # probes are no envelopes: skipped
    finally:
        for nc in users.values():
            await nc.close()
        await ops.close()


async def _fetch(js, stream: str, consumer: str):  # noqa: ANN001, ANN202
    sub = await js.pull_subscribe_bind(consumer, stream)
    try:
        return await sub.fetch(1, timeout=1)
    finally:
        await sub.unsubscribe()
