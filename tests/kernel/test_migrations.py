"""Schema migrations (shared/migrations, services/<name>/migrations, `wecare migrate`).

The databases of the previous release (b853634, the last made by create_all)
are in tests/kernel/previous_release/*.sql, dumped by make.sh from a cycle
that release's own code played."""

from __future__ import annotations

import asyncio
import importlib
import io
import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, func, select, text

from services import migrate
from shared import migrations
from shared.store import chain
from shared.store.database import Database
from shared.store.schema import events, kernel_metadata
from tests.conftest import _pg_create, _pg_drop, eventually, pg_url
from tests.harness import auth, no_lag, serve_services
from tests.kernel.previous_release.make_fixture import BUYERS, ENDPOINT_URL, FACTORY

PREVIOUS = Path(__file__).parent / "previous_release"
NAMES = migrate.NAMES
PLAN = f"otto-{FACTORY}.{FACTORY}"  # Plan.plan_id(programme, factory)


def declared(service: str) -> MetaData:
    """Every table the service's code declares: the kernel's and its own (as Service.start gets them)."""
    md = MetaData()
    mods = {"buyers": ["services.buyers.projections", "services.buyers.webhooks"]}.get(
        service, [f"services.{service}.projections"])
    for m in [kernel_metadata, *(importlib.import_module(x).metadata for x in mods)]:
        for t in m.sorted_tables:
            t.to_metadata(md)
    return md


async def drift(db: Database, service: str) -> list:
    """What differs between the database and the code's tables (Alembic's autogenerate comparison)."""
    async with db.read() as conn:
        return await conn.run_sync(lambda c: compare_metadata(
            MigrationContext.configure(c, opts={"compare_type": True}), declared(service)))


def previous_release(data_dir: Path) -> None:
    """The five SQLite files as b853634 left them."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in NAMES:
        con = sqlite3.connect(data_dir / f"{name}.db")
        con.executescript((PREVIOUS / f"{name}.sql").read_text(encoding="utf-8"))
        con.close()


async def run(*args: str) -> tuple[int, str]:
    """`wecare migrate ARGS` (its arguments, in this event loop): exit code and output."""
    out = io.StringIO()
    a = migrate_args(*args)
    code = await migrate.arun(a.service, data_dir=a.data_dir, database_url=a.database_url, check=a.check, out=out)
    return code, out.getvalue()


def migrate_args(*args: str):  # noqa: ANN201
    import argparse

    p = argparse.ArgumentParser()
    migrate.add_arguments(p)
    return p.parse_args(args)


# -- fast: SQLite, no NATS --------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("service", NAMES)
async def test_the_migrations_make_exactly_the_tables_the_code_declares(tmp_path, service):
    """A fresh database brought to head has every table, column, index and constraint the code's
    metadata has, and nothing else: a change to a table without its revision fails here."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/{service}.db")
    try:
        done = await migrations.upgrade(db, migrate.versions(service), service)
        assert done.before.empty and done.applied[0] == "0001_baseline" and done.after == done.applied[-1]
        assert await drift(db, service) == []
    finally:
        await db.dispose()


@pytest.mark.unit
async def test_wecare_migrate_upgrades_the_previous_release_and_keeps_every_record(tmp_path):
    """Databases made by create_all at b853634 are recognised (tables, no revision), recorded at the
    baseline without a change, and upgraded across 0002 and 0003; the event logs and their hash chains are as
    they were; --check exits 1 before and 0 after."""
    previous_release(tmp_path)
    before = {}
    for name in NAMES:
        con = sqlite3.connect(tmp_path / f"{name}.db")
        before[name] = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        con.close()
    assert before["assessment"]["events"] > 0 and before["buyers"]["buyers_endpoints"] == 1

    code, out = await run("all", "--data-dir", str(tmp_path), "--check")
    assert code == 1 and out.count("made before migrations existed") == 5, out
    delivery = Database(f"sqlite+aiosqlite:///{tmp_path}/delivery.db")
    try:
        assert [d[0] for d in await drift(delivery, "delivery")] == ["add_table", "add_index"]  # outbox_trace,
        # the cascade's index: what the previous release lacks
    finally:
        await delivery.dispose()

    code, out = await run("all", "--data-dir", str(tmp_path))
    assert code == 0, out
    assert "delivery" in out and ("applied 0001_baseline, 0002_sessions_delivered, 0003_outbox_trace; "
                                  "now at 0003_outbox_trace") in out, out
    code, out = await run("all", "--data-dir", str(tmp_path), "--check")
    assert code == 0 and out.count(": at head") == 5, out

    for name in NAMES:
        db = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
        try:
            assert await drift(db, name) == [], name
            async with db.read() as conn:
                for table, n in before[name].items():
                    assert (await conn.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar() == n, table
                assert (await conn.scalar(select(func.count()).select_from(events))) == before[name]["events"]
            report = await chain.verify(db)
            assert report.broken is None and report.checked == before[name]["events"], name
        finally:
            await db.dispose()


@pytest.mark.unit
async def test_a_database_older_than_the_previous_release_gets_the_columns_it_lacks(tmp_path):
    """Before migrations each start added the nullable columns a version brought (create_all): a
    database from before the application layer (no commands.fingerprint) is brought to the baseline
    by it as well, keeping its rows."""
    previous_release(tmp_path)
    con = sqlite3.connect(tmp_path / "planning.db")
    con.execute("ALTER TABLE commands DROP COLUMN fingerprint")
    con.execute("INSERT INTO commands (idempotency_key, stream_id, result, recorded_at) "
                "VALUES ('k-old', 'plan-x', '{}', '2026-01-01 00:00:00')")  # a command the older version kept
    kept = con.execute("SELECT count(*) FROM commands").fetchone()[0]
    con.commit()
    con.close()
    code, out = await run("planning", "--data-dir", str(tmp_path))
    assert code == 0 and "applied 0001_baseline" in out, out
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/planning.db")
    try:
        assert await drift(db, "planning") == []
        async with db.read() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM commands WHERE fingerprint IS NULL"))).scalar() \
                == kept > 0
    finally:
        await db.dispose()


CHANGED_COLUMN = (
    ("0001_first.py", """
import sqlalchemy as sa
from alembic import op
revision, down_revision = "0001_first", None
def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.String(10)))
    op.execute("INSERT INTO notes (id, body) VALUES (1, 'kept')")
"""),
    ("0002_changed.py", """
import sqlalchemy as sa
from alembic import op
revision, down_revision = "0002_changed", "0001_first"
def upgrade():
    with op.batch_alter_table("notes") as b:  # SQLite cannot ALTER a column: the table is copied and swapped
        b.alter_column("body", existing_type=sa.String(10), type_=sa.Text, nullable=False)
        b.create_check_constraint("ck_notes_body", "length(body) > 0")
"""))


@pytest.mark.unit
async def test_a_changed_column_has_a_path_on_sqlite_batch_mode_in_the_services_own_transaction(tmp_path):
    """What create_all could never do: a column made required and constrained, on SQLite (batch mode:
    copy and swap the table), inside the one write transaction of the service's own SQLite writer."""
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, body in CHANGED_COLUMN:
        (versions / name).write_text(body, encoding="utf-8")
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/notes.db")
    try:
        done = await migrations.upgrade(db, versions, "notes")
        assert done.applied == ["0001_first", "0002_changed"]
        async with db.read() as conn:
            assert (await conn.execute(text("SELECT body FROM notes"))).scalars().all() == ["kept"]
            ddl = (await conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'notes'"))).scalar()
        assert "TEXT NOT NULL" in ddl and "ck_notes_body" in ddl, ddl
        with pytest.raises(Exception, match="CHECK constraint failed"):
            async with db.write() as conn:
                await conn.execute(text("INSERT INTO notes (id, body) VALUES (2, '')"))
    finally:
        await db.dispose()


@pytest.mark.unit
async def test_the_new_index_serves_the_cascade_read(tmp_path):
    """0002's reason: the cascade's read of a country's delivered sessions uses it."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/delivery.db")
    try:
        await migrations.upgrade(db, migrate.versions("delivery"), "delivery")
        async with db.read() as conn:
            plan = [r[-1] for r in await conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT * FROM sessions WHERE country = 'bd' AND status = 'delivered'"))]
        assert any("ix_sessions_country_status" in p for p in plan), plan
    finally:
        await db.dispose()


@pytest.mark.unit
async def test_a_sqlite_service_upgrades_itself_and_no_version_runs_on_a_newer_database(tmp_path):
    """The embedded default: the service's start brings its own file to head. A database at a
    revision this version does not know (a newer version's) is refused, named, and left alone."""
    from services.delivery.service import create_service
    from shared.settings import Settings

    previous_release(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path}/delivery.db"
    svc = create_service(Settings(service="delivery", data_dir=str(tmp_path), auth="off", log_level="WARNING",
                                  nats_url="nats://127.0.0.1:1"))  # no NATS: the start's database part only
    await svc.start()
    await svc.stop()
    db = Database(url)
    try:
        assert await drift(db, "delivery") == []  # with create_all at start, the 0002 index was never made
        assert await migrations.prepare(db, migrate.versions("delivery"), "delivery") is None  # at head: nothing
        async with db.write() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
        with pytest.raises(migrations.SchemaNotCurrent, match="0099_from_the_future, which this version does not"):
            await migrations.prepare(db, migrate.versions("delivery"), "delivery")
    finally:
        await db.dispose()
    code, out = await run("delivery", "--database-url", url)
    assert code == 1 and "0099_from_the_future" in out and "not changed" in out, out


@pytest.mark.unit
async def test_usage_errors_name_what_to_give(tmp_path, capsys):
    assert await migrate.arun("all", database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db") == 2
    assert "one service at a time with --database-url" in capsys.readouterr().err


# -- PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.postgres
async def test_on_postgresql_a_service_refuses_a_database_behind_and_wecare_migrate_brings_it_up():
    """A PostgreSQL database made by b853634 (create_all: no revision, no 0002 index): the service
    refuses to start and names `wecare migrate`; after it, the schema is the code's and the rows stay.
    An empty database is made at head by the service itself."""
    from services.delivery.service import create_service
    from shared.settings import Settings

    name, fresh = await _pg_create(), await _pg_create()
    url = pg_url(name)
    try:
        db = Database(url)
        try:
            md = declared("delivery")
            md.tables["sessions"].indexes = {i for i in md.tables["sessions"].indexes
                                             if i.name != "ix_sessions_country_status"}
            await db.create_all(md)  # the tables as the previous release made them
            async with db.write() as conn:
                await conn.execute(text("INSERT INTO outbox (position) VALUES (7)"))
                await conn.execute(text("DROP TABLE outbox_trace"))  # added after the previous release too (0003)
            svc = create_service(Settings(service="delivery", database_url=url, auth="off", log_level="WARNING"))
            try:
                with pytest.raises(migrations.SchemaNotCurrent, match="run `wecare migrate delivery"):
                    await svc.start()
            finally:
                await svc.db.dispose()
            assert await drift(db, "delivery") != []
            code, out = await run("delivery", "--database-url", url)
            assert code == 0 and "applied 0001_baseline, 0002_sessions_delivered" in out, out
            assert await drift(db, "delivery") == []
            async with db.read() as conn:
                assert (await conn.execute(text("SELECT position FROM outbox"))).scalars().all() == [7]
        finally:
            await db.dispose()
        db = Database(pg_url(fresh))
        try:
            assert (await migrations.prepare(db, migrate.versions("buyers"), "buyers")).before.empty
            assert await drift(db, "buyers") == []
        finally:
            await db.dispose()
    finally:
        await _pg_drop(name)
        await _pg_drop(fresh)


@pytest.mark.postgres
async def test_replicas_starting_at_once_on_an_empty_postgresql_database_make_it_once():
    """Two replicas' starts on one empty database: the advisory lock lets one make the schema; the other
    then finds it at head."""
    name = await _pg_create()
    dbs = [Database(pg_url(name)) for _ in range(2)]
    try:
        done = await asyncio.gather(*(migrations.prepare(db, migrate.versions("delivery"), "delivery") for db in dbs))
        assert sorted(d is None for d in done) == [False, True], done
        assert await drift(dbs[0], "delivery") == []
    finally:
        for db in dbs:
            await db.dispose()
        await _pg_drop(name)


# -- the cycle on the upgraded databases (five services, NATS) ----------------------------------


async def test_the_cycle_goes_on_on_the_previous_release_databases_after_wecare_migrate(nats_server, tmp_path):
    """The previous release's five databases, upgraded by `wecare migrate`, serve their reads and take
    commands on the streams that release wrote: the factory is updated, a third session delivered on its
    plan, the plan's endline recorded, and the buyers' feed and webhook endpoint (tables) are there."""
    data = tmp_path / "data"
    previous_release(data)
    assert (await run("all", "--data-dir", str(data)))[0] == 0
    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(data))
        (b,) = (await serve_services(es, ["buyers"], nats_server.url, str(data), **BUYERS)).values()
        a, p, d, e = (clients[n][1] for n in ("assessment", "planning", "delivery", "evaluation"))
        otto = auth("buyer", buyer="Otto Group", subject="Otto compliance")

        async def settled() -> bool:
            return all([await no_lag(c) for c in (a, p, d, e, b[1])])

        r = await a.get(f"/bd/factories/{FACTORY}")
        assert r.status_code == 200 and r.json()["headcount"] > 0, r.text
        assert (await p.get(f"/bd/plans/{PLAN}")).json()["status"] in ("approved", "kicked_off", "in_progress")
        wp = (await d.get(f"/bd/deliveries/{PLAN}")).json()
        assert len(wp["sessions"]) == 2
        hooks = (await b[1].get("/buyers/Otto Group/webhooks", headers=otto)).json()
        assert [h["url"] for h in hooks["items"]] == [ENDPOINT_URL]
        feed = (await b[1].get("/buyers/Otto Group/feed", params={"limit": 1000}, headers=otto)).json()["records"]
        assert feed

        r = await a.patch(f"/bd/factories/{FACTORY}", json={"headcount": 1234})
        assert r.status_code == 200, r.text
        act = next(x["activity"] for x in wp["activities"] if x["activity"] != "family_day")
        r = await d.post(f"/bd/deliveries/{PLAN}/batch", json={"sessions": [{
            "session_id": "s2", "activity": act, "local_start": "2026-04-03T09:00", "trainers": ["wecare:lina"],
            "capacity": 80, "expected_participants": 40, "attendance": {"delivered_at": "2026-04-03T12:00", "counts": [
                {"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 25}]}}]})
        assert r.status_code == 200, r.text
        await eventually(settled, timeout=30)
        from tests.evaluation.conftest import endline

        r = await e.post(f"/bd/evaluations/{PLAN}/endline", json=endline())
        assert r.status_code == 200, r.text
        assert (await a.get(f"/bd/factories/{FACTORY}")).json()["headcount"] == 1234
        assert len((await d.get(f"/bd/deliveries/{PLAN}")).json()["sessions"]) == 3
        cascade = (await d.get("/bd/cascade")).json()
        assert cascade["country"] == "bd"
        await eventually(settled, timeout=30)
        after = (await b[1].get("/buyers/Otto Group/feed", params={"limit": 1000}, headers=otto)).json()["records"]
        assert len(after) > len(feed)  # the new events reached the buyers' upgraded database


# -- the documents -----------------------------------------------------------------------------


@pytest.mark.unit
def test_the_product_is_five_services_wherever_it_is_described():
    """README, OPERATIONS.md, the image, compose and the tools' texts: "four services" only where it means the
    four of the cycle (or the other four, that buyers learns from), never the product."""
    import re

    root = Path(__file__).parents[2]
    files = [root / "README.md", root / "deploy" / "OPERATIONS.md", root / "Dockerfile", root / "docker-compose.yml",
             *(root / "wecare").glob("*.py"), *(root / "services").glob("*/*.py"), *(root / "shared").rglob("*.py")]
    wrong = re.compile(r"(?<!other )\bfour (?:WeCare )?services\b(?! of the cycle)", re.IGNORECASE)
    found = [f"{f.relative_to(root)}: {m.group(0)}" for f in files
             for m in wrong.finditer(f.read_text(encoding="utf-8").replace("\n", " "))]
    assert found == []
    ops = (root / "deploy" / "OPERATIONS.md").read_text(encoding="utf-8")
    assert "The product is five services" in ops and "The buyers database is not derived" in ops
    assert "-d buyers" in ops  # in the backups' commands
