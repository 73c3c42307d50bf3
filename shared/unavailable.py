"""A request the service cannot serve now but will later: 503 Service
Unavailable with Retry-After (RFC 9110 15.6.4), never a 500. Raised by the
store's error mapping (a full disk, a read-only or unreachable database:
shared/store/sql.py `unavailable`) and by a service whose bounded work queue
is full (the evaluation's report workers); shared/http.py answers it."""

from __future__ import annotations


class Unavailable(Exception):  # noqa: N818 - named for the answer it becomes
    def __init__(self, reason: str, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.reason = reason  # a short category for clients and logs: disk_full, read_only, busy...
        self.message = message
        self.retry_after_s = retry_after_s
