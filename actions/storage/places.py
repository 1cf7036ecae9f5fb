"""Where the action server keeps its tables: the database of DATABASE_URL, or SQLite
files of its own (the embedded store's, and the outbox's when ServiceNow is used)."""

from __future__ import annotations

from sqlalchemy.engine import URL

from actions.storage.database import Database
from helpdesk import database
from helpdesk import environment as env
from helpdesk import variables as names

DEFAULT_INCIDENT_DB = "var/incidents.db"
DEFAULT_OUTBOX_DB = "var/outbox.db"


def incidents_url() -> URL:
    return database.configured_url(env.text(names.INCIDENT_DB_PATH, DEFAULT_INCIDENT_DB))


def outbox_url() -> URL:
    return database.configured_url(env.text(names.OUTBOX_DB_PATH, DEFAULT_OUTBOX_DB))


def uses_servicenow() -> bool:
    return bool(env.url(names.SERVICENOW_INSTANCE_URL))


def action_databases() -> list[URL]:
    """The database the configured backend uses: the outbox's with ServiceNow, else
    the embedded store's (one and the same with DATABASE_URL)."""
    return [outbox_url() if uses_servicenow() else incidents_url()]


def open_database(url: URL) -> Database:
    """A shared database must be migrated already (`make migrate`); the server's own
    SQLite file is migrated here, nothing else uses it."""
    return Database.open(url, migrate=not database.shared())
