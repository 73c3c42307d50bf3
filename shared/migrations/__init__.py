"""Schema migrations of the service databases, with Alembic.

Each service database (its own SQLite file or PostgreSQL database) holds the
kernel's tables (shared/store/schema.py) and its service's read models, and
has one linear history of revisions in services/<name>/migrations/, whose
first, `0001_baseline`, is the schema `create_all` made at b853634 (the last
release without Alembic). A kernel change is a function in
shared/migrations/kernel.py and one revision per service that calls it.

The read models are migrated like the kernel tables, not dropped: they are
rebuilt from the log only when an operator asks (`wecare replay`), and a
revision whose change needs the log again says so in its docstring.

Who upgrades (Service.start, `wecare migrate`):
- an empty database is brought to head by the service itself, on either
  backend (nothing is there to lose, and the migrations are what made it);
- on SQLite, the embedded default, a service upgrades its own file at start
  (one process owns it: `wecare up`, `make demo`);
- on PostgreSQL a service whose database is behind refuses to start and names
  `wecare migrate`: several replicas may start at once, a revision may
  rewrite a large table, and the operator takes a backup first
  (deploy/OPERATIONS.md, Upgrade);
- a database at a revision this code does not know (made by a newer
  version) is refused on both.
Every upgrade is one transaction (SQLite's and PostgreSQL's DDL are
transactional), under the write lock on SQLite and an advisory lock on
PostgreSQL, so two processes never run it at once and a failed one leaves
the database as it was. SQLite changes that ALTER TABLE cannot make go
through Alembic's batch mode (render_as_batch: copy and swap the table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection

from shared.logging import get_logger
from shared.store.database import Database

log = get_logger(__name__)

HERE = Path(__file__).parent  # env.py and script.py.mako: the `alembic` command's script location
MIGRATE_LOCK_KEY = 0x5745_4D47  # "WEMG": pg_advisory_xact_lock key held while a database is upgraded
VERSION_TABLE = "alembic_version"


class SchemaNotCurrent(RuntimeError):
    """The database is not at the revision this code needs, and this process may not change it."""


@dataclass
class Status:
    service: str
    url: str  # without its password
    current: tuple[str, ...]  # the revisions in alembic_version (empty: none recorded)
    head: str
    tables: int  # tables in the database (0: empty)
    known: bool = True  # every current revision is one this code has

    @property
    def at_head(self) -> bool:
        return self.current == (self.head,)

    @property
    def empty(self) -> bool:
        return self.tables == 0

    @property
    def before_alembic(self) -> bool:
        """Tables but no revision: made by `create_all` at b853634 or before."""
        return not self.current and self.tables > 0

    def describe(self) -> str:
        if self.at_head:
            return f"at head {self.head}"
        if self.empty:
            return f"empty (head is {self.head})"
        if self.before_alembic:
            return f"made before migrations existed (b853634 or older), head is {self.head}"
        if not self.known:
            return f"at {', '.join(self.current)}, which this version does not know (a newer version made it?)"
        return f"at {', '.join(self.current)}, head is {self.head}"


@dataclass
class Upgrade:
    before: Status
    applied: list[str] = field(default_factory=list)  # revisions run, in order
    after: str = ""


def config(versions: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("version_locations", str(versions))
    cfg.set_main_option("path_separator", "os")
    return cfg


@lru_cache(maxsize=16)
def _script(versions: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(config(Path(versions)))


def head(versions: Path) -> str:
    heads = _script(str(versions)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"{versions} has {len(heads)} heads ({', '.join(heads)}): merge them")
    return heads[0]


def _status(conn: Connection, versions: Path, service: str, url: str) -> Status:
    script = _script(str(versions))
    tables = [t for t in inspect(conn).get_table_names() if t != VERSION_TABLE]
    current = tuple(MigrationContext.configure(conn).get_current_heads())
    known = all(_known(script, r) for r in current)
    return Status(service, url, current, head(versions), len(tables), known)


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def run_migrations(conn: Connection, script: ScriptDirectory, cfg: Config, target: str,
                   on_apply: Callable[..., None] | None = None) -> None:
    """Upgrade on `conn`, inside the transaction it is in (env.py runs the same)."""

    def upgrade(rev: Any, _context: Any) -> Any:  # noqa: ANN401
        return script._upgrade_revs(target, rev)

    with EnvironmentContext(cfg, script, fn=upgrade, destination_rev=target) as env:
        env.configure(connection=conn, target_metadata=None, render_as_batch=True,
                      on_version_apply=[on_apply] if on_apply else [])
        with env.begin_transaction():
            env.run_migrations()


def _upgrade(conn: Connection, versions: Path, before: Status) -> Upgrade:
    done = Upgrade(before)

    def applied(*, step: Any, **_: Any) -> None:  # noqa: ANN401
        done.applied.append(step.up_revision_id)

    run_migrations(conn, _script(str(versions)), config(versions), "head", applied)
    done.after = head(versions)
    return done


def safe_url(db: Database) -> str:
    return make_url(db.url).render_as_string(hide_password=True)


async def _lock(db: Database, conn: Any) -> None:  # noqa: ANN401
    if not db.is_sqlite:
        await conn.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK_KEY})"))


async def status(db: Database, versions: Path, service: str) -> Status:
    async with db.read() as conn:
        return await conn.run_sync(_status, versions, service, safe_url(db))


async def upgrade(db: Database, versions: Path, service: str) -> Upgrade:
    """Bring the database to head (what `wecare migrate` does): one transaction."""
    async with db.write() as conn:
        await _lock(db, conn)
        st = await conn.run_sync(_status, versions, service, safe_url(db))
        if not st.known:
            raise SchemaNotCurrent(f"the {service} database is {st.describe()}: not changed")
        if st.at_head:
            return Upgrade(st, after=st.head)
        done = await conn.run_sync(_upgrade, versions, st)
    log.info("schema.upgraded", service=service, database=st.url, was=st.describe(), applied=done.applied,
             now=done.after)
    return done


async def prepare(db: Database, versions: Path, service: str) -> Upgrade | None:
    """At a service's start: go on at head; upgrade an empty database, or a
    SQLite one; refuse anything else with what to run (module docstring)."""
    async with db.write() as conn:
        await _lock(db, conn)
        st = await conn.run_sync(_status, versions, service, safe_url(db))
        if st.at_head:
            return None
        if not st.known:
            raise SchemaNotCurrent(f"the {service} database ({st.url}) is {st.describe()}: this version cannot "
                                   "run on it (deploy/OPERATIONS.md, Upgrade)")
        if not (st.empty or db.is_sqlite):
            raise SchemaNotCurrent(
                f"the {service} database ({st.url}) is {st.describe()}: run `wecare migrate {service} "
                f"--database-url ...` (or `python -m services.migrate` in the image) after a backup, then start "
                "the service (deploy/OPERATIONS.md, Upgrade)")
        done = await conn.run_sync(_upgrade, versions, st)
    log.info("schema.upgraded", service=service, database=st.url, was=st.describe(), applied=done.applied,
             now=done.after)
    return done
