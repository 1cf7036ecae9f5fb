"""`python -m actions.storage.migrate` (`make migrate`): creates or upgrades the action
server's tables in the database of DATABASE_URL, or in the default SQLite files.

Run it once per deploy, before the action servers start: they refuse a database whose
tables are behind the code. Files written before migrations existed are adopted, with
nothing in them lost. `--copy-from FILE` (repeatable) then copies what an action
server kept in SQLite files of its own (the outbox, the embedded store) into that
database, for the move to DATABASE_URL (`copy_rows`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from actions.storage.copy_rows import copy_rows
from actions.storage.database import Database, head_revision
from actions.storage.places import action_databases
from helpdesk import database
from helpdesk.database import DatabaseUnavailable
from helpdesk.operator_command import require_servers_environment


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--copy-from",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="an old outbox or embedded-store SQLite file whose rows to copy in",
    )
    arguments = parser.parse_args(argv)
    missing = [str(path) for path in arguments.copy_from if not path.is_file()]
    if missing:
        print(f"No SQLite file at {', '.join(missing)} (--copy-from)", file=sys.stderr)
        return 2
    require_servers_environment()
    for url in action_databases():
        try:
            target = Database.open(url, migrate=True)
            print(f"{database.masked(url)}: the tables are at {head_revision()}.")
            for path in arguments.copy_from:
                old = Database.open(make_url(f"sqlite:///{path}"), migrate=True)
                for copied in copy_rows(old, target):
                    print(f"{path} -> {database.masked(url)}: {copied}")
        except DatabaseUnavailable as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
