"""People reached over a pool of sessions (a factory, a programme, a buyer's
portfolio): the sum of the sessions' reach, each defined once in
shared.contracts.delivery (`reached`, AttendanceSummary.people_reached)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def pooled_reach(sessions: Iterable[Mapping[str, Any]]) -> int:
    """People reached over sessions (read-model rows, each with its `reached`)."""
    return sum(int(s["reached"]) for s in sessions)
