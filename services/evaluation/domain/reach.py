"""People reached: the one definition evaluation uses, for a session and for
any pool of sessions (a factory, a programme, a buyer's portfolio).

A session reaches for the first time, within its plan, every anonymous
attendee (counted as new: they cannot be recognised) and every identified
attendee not seen at an earlier session of the plan:

    reached = (total - identified) + new_people

Pooled over sessions, people reached is the sum of the sessions' reach (each
identified person counted once per plan)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.contracts.delivery import AttendanceSummary


def people_reached(a: AttendanceSummary) -> int:
    """The people a delivered session reached for the first time within its plan."""
    return (a.total - a.identified) + a.new_people


def pooled_reach(sessions: Iterable[Mapping[str, Any]]) -> int:
    """People reached over sessions (read-model rows, each with its `reached`)."""
    return sum(int(s["reached"]) for s in sessions)
