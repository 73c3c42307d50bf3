"""Provision the JetStream streams, once, before the services start:
`python -m shared.messaging.provision` (the nats-provision step of
docker-compose.yml, in the service image) or `wecare provision`.

Settings from the environment: WECARE_NATS_URL, WECARE_NATS_USER and
WECARE_NATS_PASSWORD of a user allowed to create and update streams (the
operator; a service's own user is not), WECARE_JS_REPLICAS and
WECARE_JS_DUPLICATE_WINDOW_S. Exits 0 when every stream is there with
this configuration."""

from __future__ import annotations

import asyncio
import sys

from shared.logging import configure_logging, get_logger
from shared.messaging.jetstream import provision, redacted
from shared.settings import Settings


def main() -> int:
    settings = Settings(service="nats-provision")
    configure_logging(settings.service, settings.log_format, settings.log_level)
    try:
        asyncio.run(provision(settings))
    except Exception as e:  # noqa: BLE001 - the exit code and the log line say it
        get_logger("provision").error("streams.provision_failed", error=str(e) or type(e).__name__,
                                      nats_url=redacted(settings.nats_url), user=settings.nats_user)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
