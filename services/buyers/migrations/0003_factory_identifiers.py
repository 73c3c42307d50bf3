"""The factories' identifiers (OS ID, amfori, Sedex) in the buyers' read models:
the factories the feed knows and the portfolio rows the exports write
(row schema v2). Nullable columns only: what was stored before carries no
identifier, so nothing is rebuilt.

Revision ID: 0003_factory_identifiers
Revises: 0002_outbox_trace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_factory_identifiers"
down_revision = "0002_outbox_trace"
branch_labels = None
depends_on = None

TABLES = ("buyers_factories", "buyers_portfolio")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as t:
            t.add_column(sa.Column("os_id", sa.String(length=15), nullable=True))
            t.add_column(sa.Column("amfori_id", sa.String(length=30), nullable=True))
            t.add_column(sa.Column("sedex_id", sa.String(length=14), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as t:
            for name in ("sedex_id", "amfori_id", "os_id"):
                t.drop_column(name)
