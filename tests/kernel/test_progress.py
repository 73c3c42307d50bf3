"""Progress on long work (#21): a rebuild, a re-publish and a buyer's large
export report how far they are. Finding: none did: `wecare replay` printed
nothing until each projection was done (its request held for minutes, up to
a 600 s timeout), a re-publish answered "marked" and nothing of the
publishing, an export streamed with no total.

Now each is a job of the service (shared/jobs.py) with its progress at GET
/jobs/{id}: state, done of total, rate, ETA, started/finished, error; in the
caller's scope (another tenant's job answers 404, as a missing one). A
rebuild or re-publish asked with `Prefer: respond-async` answers 202,
Location the job; `wecare replay`, `wecare republish` and `wecare export`
show a bar on a terminal and plain lines in a log."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from shared.access import Principal
from shared.jobs import Jobs, prefers_async
from tests.assessment.builders import factory
from tests.harness import auth
from wecare.cli import main as wecare
from wecare.progress import Progress, line

ADMIN = Principal(subject="ops-alice", role="admin")


# -- the job registry (unit) --------------------------------------------------------------

@pytest.mark.unit
async def test_a_job_runs_reports_its_progress_and_ends() -> None:
    jobs = Jobs()
    go = asyncio.Event()

    async def work(job):  # noqa: ANN001, ANN202
        job.set_total(10)
        job.progress(4)
        await go.wait()
        job.advance(6)
        return {"applied": 10}

    job = jobs.start("projection.rebuild", ADMIN, work, target="factories", operator=True)
    await asyncio.sleep(0.01)
    v = jobs.get(job.id, ADMIN).view()
    assert (v["state"], v["done"], v["total"], v["finished_at"]) == ("running", 4, 10, None)
    assert v["rate_per_s"] > 0 and v["eta_s"] is not None and v["started_at"]
    go.set()
    assert await job.wait() == {"applied": 10}
    v = job.view()
    assert (v["state"], v["done"], v["total"], v["eta_s"], v["result"]) == ("succeeded", 10, 10, 0.0,
                                                                          {"applied": 10})
    assert v["finished_at"] >= v["started_at"]


@pytest.mark.unit
async def test_a_failed_job_says_why_and_raises_its_error_to_whoever_waits() -> None:
    async def work(job):  # noqa: ANN001, ANN202
        job.set_total(5)
        job.progress(2)
        raise RuntimeError("NATS is needed")

    job = Jobs().start("projection.rebuild", ADMIN, work, operator=True)
    with pytest.raises(RuntimeError):
        await job.wait()
    v = job.view()
    assert (v["state"], v["done"], v["total"], v["error"]) == ("failed", 2, 5, "RuntimeError: NATS is needed")


@pytest.mark.unit
async def test_a_job_is_seen_in_its_scope_only() -> None:
    from shared.aggregate import NotFound

    jobs = Jobs()
    otto = Principal(subject="otto-it", role="buyer", buyer="Otto Group")
    export = jobs.track("export.portfolio", otto, target="Otto Group.xlsx")
    rebuild = jobs.track("projection.rebuild", ADMIN, operator=True)
    others = [Principal(subject="otto-it", role="buyer", buyer="Hasbro"),  # another tenant, same subject
              Principal(subject="hasbro-it", role="buyer", buyer="Hasbro"),
              Principal(subject="bd-team", role="country_team", countries=("bd",))]
    assert jobs.get(export.id, otto) is export
    for p in [*others, ADMIN]:  # a buyer's export is its own
        with pytest.raises(NotFound):
            jobs.get(export.id, p)
    # an operator's job: every admin and auditor of every country; not a country's admin, nor a buyer
    assert jobs.get(rebuild.id, Principal(subject="ops-bob", role="admin")) is rebuild
    assert jobs.get(rebuild.id, Principal(subject="aud", role="auditor")) is rebuild
    for p in [otto, *others, Principal(subject="bd-admin", role="admin", countries=("bd",))]:
        with pytest.raises(NotFound):
            jobs.get(rebuild.id, p)
    with pytest.raises(NotFound):
        jobs.get("no-such-job", ADMIN)
    assert jobs.listed(otto) == [export]


@pytest.mark.unit
def test_the_registry_keeps_running_jobs_and_the_last_finished_ones() -> None:
    jobs = Jobs(keep=2)
    first, second = jobs.track("a", ADMIN), jobs.track("b", ADMIN)
    Jobs.succeed(first)
    Jobs.fail(second, RuntimeError("gone"))
    third, fourth = jobs.track("c", ADMIN), jobs.track("d", ADMIN)
    assert jobs.listed(ADMIN) == [fourth, third]  # the finished ones made room; running ones are never dropped
    assert second.view()["error"] == "RuntimeError: gone"


@pytest.mark.unit
def test_prefer_respond_async_is_read_as_rfc_7240_writes_it() -> None:
    assert prefers_async("respond-async") and prefers_async("wait=10, Respond-Async")
    assert prefers_async("respond-async; x=1")
    assert not prefers_async(None) and not prefers_async("return=minimal") and not prefers_async("respond-asyncx")


@pytest.mark.unit
def test_plain_lines_off_a_terminal_and_a_bar_on_one() -> None:
    running = {"state": "running", "unit": "events", "done": 250, "total": 1000, "rate_per_s": 500.0,
               "eta_s": 1.5, "elapsed_s": 0.5}
    done = {**running, "state": "succeeded", "done": 1000, "eta_s": 0.0, "elapsed_s": 2.0}
    assert line("assessment.factories", running) == "assessment.factories: 250/1000 events, 25%, 500 events/s, ETA 0:02"
    out = io.StringIO()
    p = Progress(out, tty=False, every_s=60)
    p.start("assessment.factories", "events")
    for v in (running, running, done):
        p.update(v)
    p.stop()
    assert out.getvalue().splitlines() == [line("assessment.factories", running),
                                           "assessment.factories: 1000/1000 events, 100%, 500 events/s, "
                                           "succeeded in 2.0s"]
    tty = io.StringIO()
    p = Progress(tty, tty=True)
    p.start("assessment.factories", "events")
    p.update(running)
    p.update(done)
    p.stop()
    assert "1000/1000" in tty.getvalue() and "500 events/s" in tty.getvalue()


# -- the routes, in process -----------------------------------------------------------------

async def test_a_rebuild_answers_202_and_its_job_counts_the_log(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    for i in range(7):
        assert (await c.post("/bd/factories", json=factory(f"f{i}"))).status_code == 201
    events = await svc.store.count(svc.settings.countries)
    assert events >= 7

    r = await c.post("/ops/projections/factories/rebuild", headers={"Prefer": "respond-async"})
    assert r.status_code == 202, r.text
    assert r.headers["preference-applied"] == "respond-async"
    href = r.headers["location"]
    assert href == f"/jobs/{r.json()['id']}" and r.json()["kind"] == "projection.rebuild"
    await svc.jobs.get(r.json()["id"], ADMIN).wait()

    job = (await c.get(href)).json()
    assert (job["state"], job["done"], job["total"], job["target"], job["unit"]) == (
        "succeeded", events, events, "factories", "events")
    assert job["result"]["applied"] == 7  # (no NATS here: the read model was empty, the rebuild filled it)
    assert job["finished_at"] and job["error"] is None
    # who may read it: admins and auditors of every country; anyone else finds no such job
    assert (await c.get(href, headers=auth("auditor"))).status_code == 200
    for headers in (auth("buyer", buyer="Otto Group"), auth("programme_manager"),
                    auth("admin", countries=["bd"])):
        assert (await c.get(href, headers=headers)).status_code == 404
    assert (await c.get("/jobs/00000000-0000-0000-0000-000000000000")).status_code == 404
    assert [j["id"] for j in (await c.get("/ops/jobs")).json()] == [job["id"]]
    # the operator action on the record names its job
    items = (await c.get("/ops/actions")).json()["items"]
    assert items[-1]["action"] == "projection.rebuild" and items[-1]["parameters"] == {"job": job["id"]}

    # without the preference: the answer when done, as before (the demo's and scripts' way)
    r = await c.post("/ops/projections/factories/rebuild")
    assert r.status_code == 200 and r.json()["identical"] is True


async def test_a_failing_rebuild_is_a_failed_job_naming_its_error(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("buyers")  # buyers_feed reads other services' events: NATS is needed, absent here
    r = await c.post("/ops/projections/buyers_feed/rebuild", headers={"Prefer": "respond-async"})
    assert r.status_code == 202
    with pytest.raises(RuntimeError):
        await svc.jobs.get(r.json()["id"], ADMIN).wait()
    job = (await c.get(r.headers["location"])).json()
    assert job["state"] == "failed" and job["error"].startswith("RuntimeError: NATS is needed")


async def test_a_republish_is_followed_until_its_events_are_published(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    for i in range(3):
        assert (await c.post("/vn/factories", json=factory(f"v{i}"))).status_code == 201
    published = list(range(1, await svc.store.head() + 1))
    await svc.store.mark_published(published)  # as the relay does once JetStream acked them (no NATS here)
    r = await c.post("/ops/relay/republish", params={"from_position": 1}, headers={"Prefer": "respond-async"})
    assert r.status_code == 202
    job = (await c.get(r.headers["location"])).json()
    # no NATS here: nothing is published again, the job says so and waits
    assert (job["state"], job["done"], job["total"], job["kind"]) == ("running", 0, 3, "relay.republish")
    assert await svc.store.backlog() == 3
    await svc.store.mark_published(published[:2])
    await asyncio.sleep(0.5)
    job = (await c.get(r.headers["location"])).json()
    assert (job["state"], job["done"], job["total"]) == ("running", 2, 3) and job["eta_s"] is not None
    await svc.store.mark_published(published)
    await svc.jobs.get(job["id"], ADMIN).wait()
    job = (await c.get(r.headers["location"])).json()
    assert (job["state"], job["done"], job["total"]) == ("succeeded", 3, 3)


async def test_a_republish_published_at_once_still_counts_its_events(in_process) -> None:  # noqa: ANN001
    """The job's total was read after the relay was woken: a relay quicker than that read (a
    quiet machine's) had published everything, and `wecare republish` said "0/0 events". The
    total is now counted in the transaction that marks them."""
    svc, c = await in_process("assessment")
    for i in range(3):
        assert (await c.post("/vn/factories", json=factory(f"q{i}"))).status_code == 201
    published = list(range(1, await svc.store.head() + 1))
    await svc.store.mark_published(published)
    mark = svc.store.republish_from

    async def and_published_at_once(position: int):  # noqa: ANN202 - a relay faster than any read after it
        marked = await mark(position)
        await svc.store.mark_published(published)
        return marked

    svc.store.republish_from = and_published_at_once
    r = await c.post("/ops/relay/republish", params={"from_position": 1}, headers={"Prefer": "respond-async"})
    assert r.status_code == 202
    await svc.jobs.get(r.headers["location"].rsplit("/", 1)[1], ADMIN).wait()
    job = (await c.get(r.headers["location"])).json()
    assert (job["state"], job["done"], job["total"]) == ("succeeded", 3, 3)


async def test_an_export_is_its_callers_job_with_rows_done_of_total(in_process) -> None:  # noqa: ANN001
    from services.buyers.projections import portfolio

    svc, c = await in_process("buyers")
    rows = [{"buyer": "Otto Group", "country": ("bd", "vn")[i % 2], "factory_id": f"F{i:04d}", "programme_id": "p1",
             "factory_name": f"Factory {i}", "sessions_delivered": i % 5, "trainings_delivered": 1,
             "workers_reached": 10, "workers_reached_female": 6, "workers_reached_male": 4} for i in range(1200)]
    async with svc.db.write() as conn:
        await conn.execute(insert(portfolio), rows)
    otto = auth("buyer", buyer="Otto Group", subject="otto-it")
    r = await c.get("/buyers/Otto%20Group/exports/portfolio.csv", headers=otto)
    assert r.status_code == 200 and len(r.text.splitlines()) == 1201
    href = r.links["monitor"]["url"]
    job = (await c.get(href, headers=otto)).json()
    assert (job["state"], job["done"], job["total"], job["unit"], job["result"]) == (
        "succeeded", 1200, 1200, "rows", {"rows": 1200})
    # a country team's export counts its own part only
    bd = auth("country_team", countries=["bd"], subject="bd-team")
    r = await c.get("/buyers/Otto%20Group/exports/portfolio.xlsx", headers=bd)
    job = (await c.get(r.links["monitor"]["url"], headers=bd)).json()
    assert (job["state"], job["done"], job["total"]) == ("succeeded", 600, 600)
    # another buyer, another of Otto's people in another role, an operator: no such job
    for headers in (auth("buyer", buyer="Hasbro", subject="otto-it"), auth("admin"), bd):
        assert (await c.get(href, headers=headers)).status_code == 404


async def test_a_rebuild_from_another_services_stream_knows_its_total(nats_server, tmp_path) -> None:  # noqa: ANN001
    """planning_factories reads the assessment service's events from JetStream:
    its total is counted there (per served country) before the replay, and
    the replay reads exactly that many."""
    from contextlib import AsyncExitStack

    from tests.conftest import eventually
    from tests.harness import no_lag, serve_services

    async with AsyncExitStack() as stack:
        s = await serve_services(stack, ["assessment", "planning"], nats_server.url, str(tmp_path))
        (assessment, a), (planning, p) = s["assessment"], s["planning"]
        for i in range(9):
            assert (await a.post(f"/{('bd', 'vn')[i % 2]}/factories", json=factory(f"f{i}"))).status_code == 201
        await eventually(lambda: no_lag(a))
        await eventually(lambda: no_lag(p))
        published = await assessment.store.count(planning.settings.countries)
        assert published == 9
        r = await p.post("/ops/projections/planning_factories/rebuild", headers={"Prefer": "respond-async"})
        assert r.status_code == 202 and r.json()["total"] == published  # known from the first view
        await planning.jobs.get(r.json()["id"], ADMIN).wait()
        job = (await p.get(r.headers["location"])).json()
        assert (job["state"], job["done"], job["total"]) == ("succeeded", 9, 9)
        assert job["result"]["identical"] is True and job["result"]["applied"] == 9


# -- the command, as a user runs it -------------------------------------------------------------

PLAIN = re.compile(r"^(?P<label>\S+) rebuild: (?P<done>\d+)/(?P<total>\d+) events, (?P<pct>\d+)%, .*$")


def test_wecare_replay_and_export_show_real_progress(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """The commands as a user types them (`main` with their words; stdout is no
    terminal here, as in a CI log), on a stack of two service processes."""
    from benchmarks.buyers import BUYER, fill
    from wecare.launcher import Launcher
    from wecare.natsserver import free_port

    data = tmp_path / "stack"
    data.mkdir(mode=0o700)
    fill(data / "buyers.db", 2500)  # a large export's rows, as the buyers' read model holds them
    with Launcher(data, services=("assessment", "buyers"), nats_port=free_port(), countries="bd,vn") as launcher:
        info = launcher.info()
        url, headers = info.services["assessment"], info.headers()
        for i in range(12):
            r = httpx.post(f"{url}/{'bd' if i % 3 else 'vn'}/factories", json=factory(f"f{i}"), headers=headers)
            assert r.status_code == 201, r.text
        status = httpx.get(f"{url}/ops/status", headers=headers).json()
        in_log = sum(status["events"].values())
        assert in_log >= 12

        capsys.readouterr()
        assert wecare(["replay", "assessment", "--data-dir", str(data)]) == 0
        replay = capsys.readouterr().out
        out = replay.splitlines()
        assert "\x1b" not in replay  # not a terminal: plain lines for a log
        seen = {}
        for text in out:
            m = PLAIN.match(text)
            if m:
                assert int(m["total"]) == in_log  # the events in the log, not a guess
                assert int(m["done"]) <= in_log
                seen[m["label"]] = (int(m["done"]), text)
        assert set(seen) == {f"assessment.{p}" for p in status["projections"]}
        for label, (done, text) in seen.items():
            assert done == in_log and "100%" in text and "succeeded in" in text, text
            assert f"{label}: rebuilt from" in replay and "identical: True" in replay

        # a re-publish of the whole log: followed until JetStream acknowledged every event again (those
        # marked again and any still waiting from their first publication)
        assert wecare(["republish", "assessment", "--from-position", "1", "--data-dir", str(data)]) == 0
        republish = capsys.readouterr().out
        last = [t for t in republish.splitlines() if t.startswith("assessment re-publish: ")][-1]
        assert last.startswith(f"assessment re-publish: {in_log}/{in_log} events, 100%"), republish
        assert f"{in_log} events from position 1 published again" in republish

        sink = tmp_path / "otto.csv"
        assert wecare(["export", BUYER, "--format", "csv", "--out", str(sink), "--data-dir", str(data)]) == 0
        export = capsys.readouterr().out
        last = [t for t in export.splitlines() if "rows" in t][-1]
        assert last.startswith(f"{BUYER} csv: 2500/2500 rows, 100%"), export
        assert len(sink.read_text().splitlines()) == 2501 and sink.stat().st_mode & 0o077 == 0
