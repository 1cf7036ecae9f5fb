"""The action server's tables, as the latest migration leaves them.

Times are ISO 8601 text in UTC (`2026-12-01T17:15:12+00:00`): they compare in order as
text, on SQLite as on PostgreSQL, and the files written before migrations used them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _text(name: str) -> sa.Column:
    """A text column that is never null, empty by default."""
    return sa.Column(name, sa.Text, nullable=False, server_default="")


# Incidents ServiceNow could not take yet (actions/incidents/outbox.py).
pending = sa.Table(
    "pending",
    metadata,
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
    # Until when a worker holds the entry while it delivers it (empty: nobody).
    _text("lease_until"),
)

# The embedded store's directory (actions/incidents/embedded.py): addresses are kept
# in lower case, and the first verified number to use one is bound to it.
callers = sa.Table(
    "callers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),
    _text("phone"),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("caller_id", sa.Integer, sa.ForeignKey("callers.id"), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("priority", sa.Text, nullable=False),
    sa.Column("state", sa.Integer, nullable=False),
    sa.Column("opened_at", sa.Text, nullable=False),
    _text("work_notes"),
    sa.Column("major", sa.Integer, nullable=False, server_default="0"),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("incidents.id", name="incidents_parent")),
    _text("category"),
    _text("subcategory"),
    sa.Index("incidents_by_caller", "caller_id", "id"),
)
