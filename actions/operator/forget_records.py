"""`python -m actions.operator.forget_records --phone +1... --email ...`: deletes what the action
server keeps of one caller.

Run it where the action server runs (`docker compose exec action python -m
actions.operator.forget_records ...`, or an ECS task of the action service). With ServiceNow,
the outbox's entries for the address (incidents waiting to be filed) are deleted;
incidents already in ServiceNow are the help desk's records and stay there. With the
embedded store, the caller's directory entry and their incidents are deleted. The
conversations are the Rasa server's: `python -m helpdesk.rasa_server.forget_conversations` there.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import Outbox
from actions.storage.database import Database
from actions.storage.places import DEFAULT_INCIDENT_DB, DEFAULT_OUTBOX_DB, uses_servicenow
from helpdesk import variables as names
from helpdesk.operator_command import (
    caller_to_forget,
    require_servers_environment,
    run,
    store_url,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = caller_to_forget(__doc__.splitlines()[0], argv)
    require_servers_environment()
    if uses_servicenow():
        outbox = Outbox(Database.open(store_url(names.OUTBOX_DB_PATH, DEFAULT_OUTBOX_DB, "outbox")))
        waiting = outbox.forget(args.email) if args.email else 0
        print(f"Deleted {waiting} incidents waiting in the outbox; filed ones stay in ServiceNow.")
        return 0
    store = EmbeddedIncidentStore(
        Database.open(
            store_url(names.INCIDENT_DB_PATH, DEFAULT_INCIDENT_DB, "embedded incident store")
        )
    )
    incidents = store.forget_caller(email=args.email, phone=args.phone)
    print(f"Deleted {incidents} incidents and the caller's directory entry.")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
