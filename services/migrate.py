"""Bring the service databases to the schema this version needs (shared/migrations).

    python -m services.migrate [SERVICE|all] [--data-dir DIR | --database-url URL] [--check]

`wecare migrate` runs this; so does the image, which has no wecare/ tools:
    docker compose run --rm --entrypoint "python -m services.migrate" delivery
(the service's own WECARE_SERVICE and WECARE_DATABASE_URL say which database).
Prints, per service, where its database was and what was applied; `--check`
changes nothing and exits 1 if a database is not at head."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

NAMES = ("assessment", "planning", "delivery", "evaluation", "buyers")  # the five services


def versions(service: str) -> Path:
    """services/<name>/migrations (what services/<name>/service.py passes as MIGRATIONS)."""
    return Path(__file__).parent / service / "migrations"


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return None if path in ("", ":memory:") else Path(path)


async def _one(service: str, url: str, check: bool, out) -> bool:  # noqa: ANN001
    from sqlalchemy import make_url

    from shared import migrations
    from shared.store.database import Database

    path = _sqlite_path(url)
    shown = make_url(url).render_as_string(hide_password=True)
    if path is not None and not path.is_file() and check:
        print(f"{service:<11} {shown}: no database yet (the service makes it at head when it starts)", file=out)
        return False
    db = Database(url)
    try:
        if check:
            st = await migrations.status(db, versions(service), service)
            print(f"{service:<11} {shown}: {st.describe()}", file=out)
            return st.at_head
        try:
            done = await migrations.upgrade(db, versions(service), service)
        except migrations.SchemaNotCurrent as e:
            print(f"{service:<11} {shown}: {e}", file=out)
            return False
        if not done.applied:
            print(f"{service:<11} {shown}: already at head {done.after}, nothing to do", file=out)
        else:
            print(f"{service:<11} {shown}: was {done.before.describe()}; applied {', '.join(done.applied)}; "
                  f"now at {done.after}", file=out)
        return True
    finally:
        await db.dispose()


def run(service: str | None, **kw) -> int:  # noqa: ANN003
    """`arun` in an event loop of its own (the command line's)."""
    return asyncio.run(arun(service, **kw))


async def arun(service: str | None, *, data_dir: str | None = None, database_url: str | None = None,
               check: bool = False, default_data_dir: str | None = None, out=sys.stdout) -> int:  # noqa: ANN001
    """0: every database at head (after upgrading, unless `check`); 1: not; 2: a usage error.
    Which database: --database-url, else --data-dir's file, else WECARE_DATABASE_URL, else the file in
    `default_data_dir` (`wecare`: ./data/stack, as `wecare up` keeps it) or WECARE_DATA_DIR."""
    from shared.settings import Settings

    env = Settings()
    service = service or (env.service if env.service in NAMES else None)
    if service is None:
        print(f"which service? one of {', '.join(NAMES)}, or all", file=sys.stderr)
        return 2
    names = NAMES if service == "all" else (service,)
    if service != "all" and service not in NAMES:
        print(f"unknown service {service!r}: one of {', '.join(NAMES)}, or all", file=sys.stderr)
        return 2
    if not data_dir and not database_url and not env.database_url:
        data_dir = default_data_dir
    if service == "all" and (database_url or (env.database_url and not data_dir)):
        print("`all` migrates the SQLite files of a data dir (--data-dir); each PostgreSQL database has its own "
              "URL and role: migrate one service at a time with --database-url", file=sys.stderr)
        return 2
    extra: dict[str, str] = {}
    if data_dir:
        extra = {"data_dir": data_dir, "database_url": ""}
    if database_url:
        extra["database_url"] = database_url
    urls = {name: Settings(service=name, **extra).resolved_database_url() for name in names}

    old = os.umask(0o077)  # a database file made here is the owner's only, as the services make theirs
    try:
        ok = True
        for name in names:
            ok = await _one(name, urls[name], check, out) and ok
    finally:
        os.umask(old)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m services.migrate", description=__doc__.split("\n\n")[0])
    add_arguments(p)
    a = p.parse_args(argv)
    return run(a.service, data_dir=a.data_dir, database_url=a.database_url, check=a.check)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("service", nargs="?", choices=(*NAMES, "all"),
                   help="a service, or all (default: WECARE_SERVICE)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--data-dir", help="where the SQLite files are (<data-dir>/<service>.db)")
    where.add_argument("--database-url", help="the service's database (default: WECARE_DATABASE_URL, else the data "
                       "dir's file)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a database is not at head")


if __name__ == "__main__":
    sys.exit(main())
