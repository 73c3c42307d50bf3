"""The identifiers buyers join on, in the factory registry: Open Supply Hub's
OS ID, amfori's and Sedex's (FactoryRegistered v2, FactoryIdentifiersSet),
and an index for `GET /{country}/factories?os_id=`. Nullable columns only:
the events stored before carry no identifier, so nothing is rebuilt.

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


def upgrade() -> None:
    with op.batch_alter_table("factories") as t:
        t.add_column(sa.Column("os_id", sa.String(length=15), nullable=True))
        t.add_column(sa.Column("amfori_id", sa.String(length=30), nullable=True))
        t.add_column(sa.Column("sedex_id", sa.String(length=14), nullable=True))
    op.create_index("ix_factories_os_id", "factories", ["os_id"])


def downgrade() -> None:
    op.drop_index("ix_factories_os_id", table_name="factories")
    with op.batch_alter_table("factories") as t:
        for name in ("sedex_id", "amfori_id", "os_id"):
            t.drop_column(name)
