"""`make forget PHONE=... EMAIL=...`: deletes one caller's conversations and outbox entries.

Uses the stores the assistant is configured with (`REDIS_URL` or `TRACKER_STORE_*`,
`OUTBOX_DB_PATH`). Prints how many conversations and recorded incidents went, never the
caller's data itself. Incidents already filed stay: they are the helpdesk's records.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rasa.shared.core.domain import Domain

from actions.incidents.factory import DEFAULT_OUTBOX_DB
from actions.incidents.outbox import Outbox
from retention import forget_caller
from stores import configured_tracker_store
from tools.environment import load_environment


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--phone", default="", help="the calling number, E.164 (+14155550100)")
    cli.add_argument("--email", default="", help="an email address the caller gave")
    args = cli.parse_args(argv)
    if not (args.phone or args.email):
        cli.error("give --phone, --email or both")
    store = configured_tracker_store(Domain.empty())
    conversations = forget_caller(store, phone=args.phone, email=args.email)
    outbox_path = Path(os.environ.get("OUTBOX_DB_PATH") or DEFAULT_OUTBOX_DB)
    recorded = Outbox(outbox_path).forget(args.email) if args.email and outbox_path.exists() else 0
    print(f"Deleted {len(conversations)} conversations and {recorded} recorded incidents.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
