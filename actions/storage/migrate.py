"""`python -m actions.storage.migrate` (`make migrate`): creates or upgrades the action
server's tables in the database of DATABASE_URL, or in the default SQLite files.

Run it once per deploy, before the action servers start: they refuse a database whose
tables are behind the code. Files written before migrations existed are adopted, with
nothing in them lost.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from actions.storage.database import Database, head_revision
from actions.storage.places import action_databases
from helpdesk import database
from helpdesk.database import DatabaseUnavailable
from helpdesk.operator_command import require_servers_environment


def main(argv: Sequence[str] | None = None) -> int:
    require_servers_environment()
    for url in action_databases():
        try:
            Database.open(url, migrate=True)
        except DatabaseUnavailable as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{database.masked(url)}: the tables are at {head_revision()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
