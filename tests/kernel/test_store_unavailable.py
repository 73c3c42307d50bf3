"""A database that cannot store now answers 503 with Retry-After, not 500:
a full disk (SQLite's SQLITE_FULL, made real with `PRAGMA max_page_count`,
the same error a full file system gives), a read-only database (SQLite's
SQLITE_READONLY through `PRAGMA query_only`, since root writes a chmod-ed
file anyway; PostgreSQL's `default_transaction_read_only`), and the other
errors of a store that will come back (PostgreSQL's disk full, out of
resources, starting up, refused connection). The answer names the reason and
the correlation id, the log the database's own words; nothing of the refused
write is stored, so the same request with the same Idempotency-Key succeeds
once the database can write again. The assessment service, in this event
loop, without NATS (the API answers before messaging is up)."""

from __future__ import annotations

import asyncpg
import pytest
import sqlalchemy.exc
from structlog.testing import capture_logs

from shared.store.database import Database
from tests.assessment import builders as b
from tests.harness import serving, settings_for


async def _pragma(svc, sql: str):  # noqa: ANN001, ANN202
    """On the service's writer connection (where its writes run), outside a transaction."""
    async with svc.db._held_lock:  # noqa: SLF001 - lent to one user at a time
        raw = await (await svc.db._connection()).get_raw_connection()  # noqa: SLF001
        async with raw.driver_connection.execute(sql) as cur:
            row = await cur.fetchone()
    return row[0] if row else None


async def _every_writer(svc, pragma: str | None) -> None:  # noqa: ANN001
    """`pragma` on the writer connection and on any the store opens again (it
    retries a failed BEGIN once on a fresh connection), as a full or read-only
    file is to every connection; None: fresh connections are themselves again."""
    from sqlalchemy import event

    if not hasattr(svc.db, "_test_pragma"):
        @event.listens_for(svc.db.writer.sync_engine, "connect")
        def _again(dbapi_conn, _record) -> None:  # noqa: ANN001
            if svc.db._test_pragma:  # noqa: SLF001
                dbapi_conn.cursor().execute(svc.db._test_pragma)  # noqa: SLF001

    svc.db._test_pragma = pragma  # noqa: SLF001
    if pragma:
        await _pragma(svc, pragma)


def _assert_503(r, reason: str) -> None:  # noqa: ANN001
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["type"] == "/problems/unavailable" and body["reason"] == reason, body
    assert int(r.headers["Retry-After"]) == body["retry_after_s"] > 0
    assert body["correlation_id"] == r.headers["X-Correlation-ID"]


async def _refused_then_stored(c, svc, fid: str, reason: str, lift, **fields: str) -> None:  # noqa: ANN001
    """POST a factory: refused with 503, nothing of it stored; once `lift`ed, the
    same request with the same Idempotency-Key is stored (it was not remembered)."""
    key = {"Idempotency-Key": f"k-{fid}"}
    body = b.factory(fid, **fields)
    events_before = [e async for e in svc.store.read_all()]
    with capture_logs() as logs:
        r = await c.post("/bd/factories", json=body, headers=key)
    _assert_503(r, reason)
    said = [e for e in logs if e["event"] == "http.unavailable"]
    assert said and said[0]["reason"] == reason and said[0]["log_level"] == "error", logs
    assert said[0]["error"], said  # the database's own words, for the operator
    assert [e async for e in svc.store.read_all()] == events_before  # nothing half-stored
    assert await svc.store.load(f"factory-{fid}") == []
    await lift()
    r = await c.post("/bd/factories", json=body, headers=key)
    assert r.status_code == 201, r.text
    assert [e.event_type for e in await svc.store.load(f"factory-{fid}")] == ["FactoryRegistered"]


@pytest.mark.unit
async def test_a_full_sqlite_disk_answers_503_and_stores_nothing(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    assert (await c.post("/bd/factories", json=b.factory("f0"))).status_code == 201
    full = await _pragma(svc, "PRAGMA page_count")
    await _every_writer(svc, f"PRAGMA max_page_count={full}")  # no page more: SQLITE_FULL, as a full disk gives
    # the first factory that needs a new page is refused (a few may fit in the last page's free space)
    for i in range(1, 200):
        r = await c.post("/bd/factories", json=b.factory(f"f{i}", name="x" * 300))
        if r.status_code != 201:
            break
    _assert_503(r, "disk_full")

    async def lift() -> None:
        await _every_writer(svc, None)
        await _pragma(svc, "PRAGMA max_page_count=4294967294")

    # as large as the factory refused above (a smaller one may fit in what free space is left)
    await _refused_then_stored(c, svc, "f-full", "disk_full", lift, name="x" * 300)


@pytest.mark.unit
async def test_a_read_only_sqlite_database_answers_503_and_reads_go_on(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    assert (await c.post("/bd/factories", json=b.factory("f0"))).status_code == 201
    await _every_writer(svc, "PRAGMA query_only=ON")

    async def lift() -> None:
        # the operator makes the file writable again: the held connection still is not, the next
        # write's BEGIN fails on it, and the store opens a fresh one
        await _every_writer(svc, None)

    assert (await c.get("/bd/audit/factory-f0")).status_code == 200  # reads go on
    await _refused_then_stored(c, svc, "f-ro", "read_only", lift)


async def test_a_read_only_postgresql_database_answers_503(pg_database, tmp_path) -> None:  # noqa: ANN001
    from services.assessment.service import create_service

    name = pg_database.rsplit("/", 1)[1]
    settings = settings_for("assessment", "nats://127.0.0.1:1", str(tmp_path), database_url=pg_database,
                            log_level="ERROR")
    admin = await asyncpg.connect(pg_database.replace("+asyncpg", ""))
    try:
        async with serving(create_service(settings), wait_messaging=False) as (svc, c):
            assert (await c.post("/bd/factories", json=b.factory("f0"))).status_code == 201
            # the operator makes it read-only (a failover to a standby answers the same); sessions end
            await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
            assert (await c.get("/bd/audit/factory-f0")).status_code == 200  # reads go on

            async def lift() -> None:
                await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
                await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = $1 AND pid <> pg_backend_pid()", name)

            await _refused_then_stored(c, svc, "f-ro", "read_only", lift)
    finally:
        await admin.close()


@pytest.mark.unit
async def test_a_postgresql_that_refuses_connections_is_unavailable() -> None:
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nothing")  # nothing listens on port 1
    try:
        with pytest.raises(Exception) as raised:  # noqa: PT011 - whichever the driver raises
            await db.ping()
    finally:
        await db.dispose()
    from shared.store.sql import unavailable

    assert unavailable(raised.value).reason == "unreachable"


def _as_sqlalchemy(e: Exception) -> sqlalchemy.exc.DBAPIError:
    """As SQLAlchemy hands a driver's error on: wrapped, the driver's error its cause."""
    try:
        try:
            raise e
        except Exception as inner:
            raise sqlalchemy.exc.DBAPIError("INSERT ...", {}, Exception(str(inner))) from inner
    except sqlalchemy.exc.DBAPIError as outer:
        return outer


@pytest.mark.unit
@pytest.mark.parametrize(("error", "reason"), [
    (asyncpg.exceptions.DiskFullError("could not extend file: No space left on device"), "disk_full"),
    (asyncpg.exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
     "read_only"),
    (asyncpg.exceptions.OutOfMemoryError("out of memory"), "no_resources"),
    (asyncpg.exceptions.TooManyConnectionsError("too many connections"), "no_resources"),
    (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), "unreachable"),
    (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), "unreachable"),
    (ConnectionRefusedError(111, "Connect call failed"), "unreachable"),
], ids=lambda v: v if isinstance(v, str) else type(v).__name__)
def test_the_store_errors_that_pass_are_503_raw_and_wrapped(error, reason) -> None:  # noqa: ANN001
    from shared.store.sql import is_connectivity_error, unavailable

    for e in (error, _as_sqlalchemy(error)):
        assert unavailable(e).reason == reason, repr(e)
        assert is_connectivity_error(e)  # a projection retries it instead of parking the event


@pytest.mark.unit
@pytest.mark.parametrize("error", [
    asyncpg.exceptions.UniqueViolationError("duplicate key"), asyncpg.exceptions.UndefinedTableError("no table"),
    ValueError("a bug"), KeyError("x")], ids=lambda v: type(v).__name__)
def test_other_errors_stay_errors(error) -> None:  # noqa: ANN001
    from shared.store.sql import unavailable

    assert unavailable(error) is None and unavailable(_as_sqlalchemy(error)) is None
