"""The assessment service's policies on other services' events: none yet.
Assessment is where a cycle starts; it reads no other context's events.
A policy would build a command and run it through the handlers, in the
consumer's transaction (see services/planning/reactions.py)."""

from __future__ import annotations

from shared.projections import Projection


def reactions() -> list[Projection]:
    return []
