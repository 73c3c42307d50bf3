"""The kernel's outbox_trace table (shared/migrations/kernel.py): the trace
context of an event between its command's commit and its publication, so
that a trace runs from the HTTP request through NATS to the projections.

Revision ID: 0003_outbox_trace
Revises: 0002_sessions_delivered
"""

from __future__ import annotations

from shared.migrations import kernel

revision = "0003_outbox_trace"
down_revision = "0002_sessions_delivered"
branch_labels = None
depends_on = None


def upgrade() -> None:
    kernel.outbox_trace()


def downgrade() -> None:
    kernel.drop_outbox_trace()
