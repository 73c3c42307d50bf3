"""NATS credentials per service, with least-privilege subject permissions
(deny by default; what is not listed is refused by the server):

- publish its own context's events and its own dead letters;
- JetStream API: the INFO of the streams it uses (its own, those its
  projections read, the dead letters), the direct get of the streams it
  replays (shared/messaging/replay.py), and for each of its own durable
  consumers only (named `<service>-<projection>-<context>-<country>`,
  listed one by one: NATS wildcards match whole tokens) CREATE with that
  consumer's filter, INFO, MSG.NEXT and its acks `$JS.ACK.<stream>.<name>.>`.
  No stream create/update/delete/purge (streams are provisioned by the
  operator: shared/messaging/provision.py), no consumer delete, no other
  service's consumer;
- subscribe only under its own inbox prefix `_INBOX_<service>` (nats-py's
  `inbox_prefix`, shared/messaging/jetstream.py), never the shared `_INBOX.>`.

No service answers core NATS requests, so none has `allow_responses`.
The launcher writes this into the nats-server configuration it starts;
deploy/nats/users.conf has the same for compose (the passwords from the
environment)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from shared.contracts.envelope import SUBJECT_ROOT
from shared.messaging.jetstream import DEADLETTER_STREAM, consumer_filter, inbox_prefix, stream_name

SERVICES = ("assessment", "planning", "delivery", "evaluation", "buyers")  # every service of the product


@dataclass(frozen=True)
class Consumer:
    stream: str
    name: str
    filter: str  # the consumer's filter subject (part of its CREATE subject)


@dataclass(frozen=True)
class Needs:
    """What a service uses of JetStream: the contexts whose streams it reads, its durable consumers."""

    contexts: tuple[str, ...]
    consumers: tuple[Consumer, ...]


@cache
def needs(service: str) -> Needs:
    """From the service's own wiring (every configured country): built once,
    never started, in a throw-away data folder."""
    import importlib
    import tempfile

    from shared.settings import Settings
    from wecare.cli import SERVICES as MODULES

    with tempfile.TemporaryDirectory(prefix="wecare-natsauth-") as tmp:
        svc = importlib.import_module(MODULES[service]).create_service(
            Settings(service=service, data_dir=tmp, database_url="", keystore_url="", countries="*",
                     nats_user=service, log_level="ERROR"))
        consumers = tuple(Consumer(stream_name(ctx), durable, consumer_filter(ctx, country))
                          for _, ctx, country, durable in svc.consumers)
        return Needs(tuple(sorted(svc.stream_contexts())), consumers)


def permissions(service: str, use: Needs | None = None) -> dict[str, dict[str, list[str]]]:
    use = use or needs(service)
    read = [stream_name(c) for c in use.contexts]
    consumer_api = []
    for c in use.consumers:
        consumer_api += [f"$JS.API.CONSUMER.CREATE.{c.stream}.{c.name}.{c.filter}",
                         f"$JS.API.CONSUMER.INFO.{c.stream}.{c.name}",
                         f"$JS.API.CONSUMER.MSG.NEXT.{c.stream}.{c.name}",
                         f"$JS.ACK.{c.stream}.{c.name}.>"]  # acks, naks and in-progress of what it fetched
    return {
        "publish": {
            "allow": [
                f"{SUBJECT_ROOT}.*.{service}.>",  # its own events
                f"deadletter.{SUBJECT_ROOT}.{service}.>",  # its parked messages
                *(f"$JS.API.STREAM.INFO.{name}" for name in [*read, DEADLETTER_STREAM]),
                *(f"$JS.API.DIRECT.GET.{name}" for name in read),  # replays
                *consumer_api,
            ],
        },
        "subscribe": {"allow": [f"{inbox_prefix(service)}.>"]},
    }


def authorization(passwords: dict[str, str], operator_password: str | None = None,
                  use: dict[str, Needs] | None = None) -> str:
    """The `authorization` block of a nats-server configuration (JSON is valid
    NATS configuration); `operator` is unrestricted: it provisions the
    streams, and serves operators' tools. `use`: a service's needs given
    rather than read from its wiring (the tests' sample service)."""
    use = use or {}
    users = [{"user": s, "password": p, "permissions": permissions(s, use.get(s))} for s, p in passwords.items()]
    if operator_password:
        users.append({"user": "operator", "password": operator_password})
    return "authorization " + json.dumps({"users": users}, indent=2) + "\n"


def new_passwords(services: Iterable[str] = SERVICES) -> dict[str, str]:
    return {s: secrets.token_urlsafe(24) for s in services}


def password_variable(service: str) -> str:
    return f"WECARE_NATS_{service.upper()}_PASSWORD"


def users_conf() -> str:
    """deploy/nats/users.conf: the same users and permissions, the passwords
    taken from the environment of the nats-server container."""
    lines = ["# Generated by wecare/natsauth.py (users_conf): a NATS user per service, with least-privilege",
             "# subject permissions (deploy/OPERATIONS.md, NATS users). Regenerate it when a projection",
             "# or a country is added. The passwords come from the environment:",
             "# WECARE_NATS_<SERVICE>_PASSWORD and WECARE_NATS_OPERATOR_PASSWORD.",
             "authorization {", "  users = ["]
    for service in SERVICES:
        perms = permissions(service)
        lines.append(f"    {{user: {service}, password: ${password_variable(service)}, permissions: {{")
        for direction in ("publish", "subscribe"):
            lines.append(f"      {direction}: {{")
            for k, subjects in perms[direction].items():
                lines += [f"        {k}: [", *(f"          {json.dumps(x)}" for x in subjects), "        ]"]
            lines.append("      }")
        lines.append("    }}")
    lines += ["    {user: operator, password: $WECARE_NATS_OPERATOR_PASSWORD}", "  ]", "}", ""]
    return "\n".join(lines)
