"""An index for the cascade's read (GET /cascade, services/delivery/api.py): a
country's delivered sessions. With only ix_sessions_country, every session of
the country was read to keep the delivered ones. A new index only: no row
changes, nothing to rebuild.

Revision ID: 0002_sessions_delivered
Revises: 0001_baseline
"""

from __future__ import annotations

from alembic import op

revision = "0002_sessions_delivered"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sessions_country_status", "sessions", ["country", "status"])


def downgrade() -> None:
    op.drop_index("ix_sessions_country_status", table_name="sessions")
