"""Outbox leases: a worker holds an entry while it delivers it, so that several action
servers sharing the outbox deliver each entry once."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pending", sa.Column("lease_until", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("pending") as batch:
        batch.drop_column("lease_until")
