"""The tables as the SQLite files had them before migrations, adopting those files.

A file written by an earlier version has some of the tables, each with the columns of
its time: missing tables are created and missing columns added, nothing is dropped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _tables() -> dict[str, list[sa.Column]]:
    return {
        "callers": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("email", sa.Text, nullable=False, unique=True),
            _text("phone"),
        ],
        "incidents": [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("caller_id", sa.Integer, sa.ForeignKey("callers.id"), nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("description", sa.Text, nullable=False),
            sa.Column("priority", sa.Text, nullable=False),
            sa.Column("state", sa.Integer, nullable=False),
            sa.Column("opened_at", sa.Text, nullable=False),
            _text("work_notes"),
            sa.Column("major", sa.Integer, nullable=False, server_default="0"),
            sa.Column(
                "parent_id", sa.Integer, sa.ForeignKey("incidents.id", name="incidents_parent")
            ),
            _text("category"),
            _text("subcategory"),
        ],
        "pending": [
            sa.Column("correlation_id", sa.Text, primary_key=True),
            sa.Column("caller_sys_id", sa.Text, nullable=False),
            sa.Column("caller_email", sa.Text, nullable=False),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("description", sa.Text, nullable=False),
            sa.Column("priority", sa.Text, nullable=False),
            sa.Column("recorded_at", sa.Text, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
            _text("next_attempt_at"),
            _text("dead_reason"),
            _text("call_sid"),
            _text("recording_url"),
            _text("parent_sys_id"),
            _text("category"),
            _text("subcategory"),
            _text("assignment_group"),
        ],
    }


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for table, columns in _tables().items():
        if table not in existing:
            op.create_table(table, *columns)
            continue
        present = {column["name"] for column in inspector.get_columns(table)}
        missing = [column for column in columns if column.name not in present]
        if missing:
            # Batch mode: SQLite adds a column with a foreign key by copying the table.
            with op.batch_alter_table(table) as batch:
                for column in missing:
                    batch.add_column(column)
    indexes = {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("incidents")}
    if "incidents_by_caller" not in indexes:
        op.create_index("incidents_by_caller", "incidents", ["caller_id", "id"])


def downgrade() -> None:
    for table in ("pending", "incidents", "callers"):
        op.drop_table(table)
