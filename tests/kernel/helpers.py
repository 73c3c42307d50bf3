"""Builders for the kernel tests, on the sample domain."""

from __future__ import annotations

import uuid
from datetime import date

from shared.contracts.envelope import Envelope
from wecare.sample import VisitCompleted, VisitNoted, VisitScheduled


def scheduled(stream: str, version: int = 1, country: str = "bd", factory: str = "F1", **kw) -> Envelope:
    return Envelope.wrap(VisitScheduled(factory=factory, visit_date=date(2026, 3, 1)), stream_id=stream,
                         stream_version=version, country=country, actor="test",
                         correlation_id=kw.pop("correlation_id", uuid.uuid4().hex), **kw)


def noted(stream: str, version: int, country: str = "bd", note: str = "n", **kw) -> Envelope:
    return Envelope.wrap(VisitNoted(note=note), stream_id=stream, stream_version=version, country=country,
                         actor="test", correlation_id=uuid.uuid4().hex, **kw)


def completed(stream: str, version: int, country: str = "bd", participants: int = 10) -> Envelope:
    return Envelope.wrap(VisitCompleted(participants=participants), stream_id=stream, stream_version=version,
                         country=country, actor="test", correlation_id=uuid.uuid4().hex)
