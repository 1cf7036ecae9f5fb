"""`python -m helpdesk.rasa_server.forget_conversations --phone +1... --email ...`: deletes one
caller's conversations from the tracker store the Rasa server is configured with.

Run it where the Rasa server runs (`docker compose exec rasa python -m
helpdesk.rasa_server.forget_conversations ...`, or an ECS task of the Rasa service): it reads
`REDIS_URL`, `DATABASE_URL` or `TRACKER_STORE_DB` from there. The incidents and the outbox are the
action server's: `python -m actions.operator.forget_records` there. Prints how many
conversations went, never the caller's data itself.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rasa.shared.core.domain import Domain

from helpdesk import variables as names
from helpdesk.operator_command import (
    caller_to_forget,
    require_servers_environment,
    run,
    store_url,
)
from helpdesk.rasa_server.retention import forget_caller
from helpdesk.rasa_server.stores import (
    DEFAULT_TRACKER_DB,
    configured_tracker_store,
    conversations_url,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = caller_to_forget(__doc__.splitlines()[0], argv)
    require_servers_environment()
    if conversations_url() is not None:
        store_url(names.TRACKER_STORE_DB, DEFAULT_TRACKER_DB, "conversation store")
    store = configured_tracker_store(Domain.empty())
    conversations = forget_caller(store, phone=args.phone, email=args.email)
    print(f"Deleted {len(conversations)} conversations.")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
