"""Makes the databases of the previous release (b853634, the last before
Alembic) that tests/kernel/test_migrations.py upgrades: the five services on
a real NATS server, with that release's own code, play a cycle for one
factory (assessed, planned, approved, kicked off, two sessions delivered),
and Otto Group registers a webhook endpoint (a table of the buyers database,
not an event). Each SQLite file is then dumped as SQL beside this file.

Not collected by the suite (no test_ prefix): make.sh runs it in a worktree
of b853634. What it checks first is that the code it runs has no migrations.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path

from tests.evaluation.conftest import Stack
from tests.harness import auth, serve_services

SERVICES = ("assessment", "planning", "delivery", "evaluation", "buyers")
# seals the buyers' webhook signing secrets; the test runs the buyers service with the same key
# (and sends to a loopback port nothing listens on: the endpoint's deliveries fail and wait, as a down receiver's)
BUYERS = {"webhook_secret_key": "usB7apQRK5OHl8_CVd2jMcwexQctXnCfshEYB5cCTkI=",
          "webhook_allow_hosts": ("127.0.0.1",), "webhook_backoff_base_s": 60.0}
ENDPOINT_URL = "http://127.0.0.1:9/otto-wecare"
FACTORY = "f-old"


async def test_make_previous_release_databases(nats_server, tmp_path) -> None:
    assert importlib.util.find_spec("shared.migrations") is None, "run with the previous release's code (make.sh)"
    out = Path(os.environ["WECARE_FIXTURE_OUT"])
    data = tmp_path / "data"
    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(data))
        (buyers,) = (await serve_services(es, ["buyers"], nats_server.url, str(data),
                                          **BUYERS)).values()
        stack = Stack(*(clients[n][1] for n in ("assessment", "planning", "delivery", "evaluation")),
                      clients["evaluation"][0])
        plan_id = await stack.cycle("bd", FACTORY)
        r = await buyers[1].post("/buyers/Otto Group/webhooks", json={"url": ENDPOINT_URL},
                                 headers=auth("buyer", buyer="Otto Group", subject="Otto compliance"))
        assert r.status_code == 201, r.text
        print("plan", plan_id, "endpoint", r.json()["endpoint_id"])
    for path in sorted(data.glob("*.db")):
        con = sqlite3.connect(path)
        try:
            (out / f"{path.stem}.sql").write_text("\n".join(con.iterdump()) + "\n", encoding="utf-8")
        finally:
            con.close()
