"""The journey's lines in the reader's language: each step keeps its line's
message and values (`args`) beside the English text, so a report in Chinese
or Bengali translates it. A nullable column: a step stored before has none
and is shown in English as it was written, until a rebuild of eval_journey
(`wecare replay evaluation`) writes every line anew.

Revision ID: 0003_journey_args
Revises: 0002_outbox_trace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_journey_args"
down_revision = "0002_outbox_trace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eval_journey") as t:
        t.add_column(sa.Column("args", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("eval_journey") as t:
        t.drop_column("args")
