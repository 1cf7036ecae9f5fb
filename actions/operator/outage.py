"""`python -m actions.operator.outage --declare TITLE | --end NUMBER`: declares, lists
and ends outages in the embedded incident store.

Run it where the action server runs (`docker compose exec action python -m
actions.operator.outage ...`); `make outage` does the same on a checkout.

An outage is a major incident: the greeting names it and callers whose problem sounds
like it are offered to join it (actions/outages.py). With ServiceNow, major incidents
are ServiceNow's own (`SERVICENOW_MAJOR_INCIDENT_QUERY`); declare them there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from actions.incidents.embedded import EmbeddedIncidentStore
from actions.storage.database import Database
from actions.storage.places import DEFAULT_INCIDENT_DB
from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.operator_command import require_servers_environment, run, store_url

DECLARED_BY = "it-operations@localhost"


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--declare", default="", metavar="TITLE", help='e.g. "Email is down"')
    cli.add_argument("--end", default="", metavar="NUMBER", help="e.g. INC0010004")
    args = cli.parse_args(argv)
    if env.url(names.SERVICENOW_INSTANCE_URL):
        cli.error("ServiceNow is configured: declare and end major incidents in ServiceNow")
    require_servers_environment()
    store = EmbeddedIncidentStore(
        Database.open(
            store_url(names.INCIDENT_DB_PATH, DEFAULT_INCIDENT_DB, "embedded incident store")
        )
    )
    if args.declare:
        declared = store.declare_major_incident(args.declare.strip(), DECLARED_BY)
        print(f"Declared {declared.number}: {declared.title}")
    if args.end and not store.end_major_incident(args.end.strip()):
        cli.error(f"{args.end} is no open outage")
    if args.end:
        print(f"Ended {args.end}")
    outages = store.major_incidents()
    print("Open outages:" if outages else "No open outages.")
    for outage in outages:
        print(f"  {outage.number}: {outage.title}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
