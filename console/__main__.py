"""`python -m console`: the gateway (the container's entry point; `wecare serve console` elsewhere)."""

from console.app import create_service

create_service().serve()
