"""Persistence: the database (SQLite or PostgreSQL through one code path), the
append-only event store with its outbox, and the command (idempotency) log."""

from shared.store.database import Database
from shared.store.eventstore import AppendResult, ConcurrencyError, EventStore

__all__ = ["AppendResult", "ConcurrencyError", "Database", "EventStore"]
