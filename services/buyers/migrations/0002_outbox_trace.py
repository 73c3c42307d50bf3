"""The kernel's outbox_trace table (shared/migrations/kernel.py): the trace
context of an event between its command's commit and its publication, so
that a trace runs from the HTTP request through NATS to the projections.

Revision ID: 0002_outbox_trace
Revises: 0001_baseline
"""

from __future__ import annotations

from shared.migrations import kernel

revision = "0002_outbox_trace"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    kernel.outbox_trace()


def downgrade() -> None:
    kernel.drop_outbox_trace()
