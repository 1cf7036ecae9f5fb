"""`make outage`: declares, lists and ends outages in the embedded incident store.

An outage is a major incident: the greeting names it and callers whose problem sounds
like it are offered to join it (actions/outages.py). With ServiceNow, major incidents
are ServiceNow's own (`SERVICENOW_MAJOR_INCIDENT_QUERY`); declare them there.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.factory import DEFAULT_INCIDENT_DB
from tools.environment import load_environment

DECLARED_BY = "it-operations@localhost"


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--declare", default="", metavar="TITLE", help='e.g. "Email is down"')
    cli.add_argument("--end", default="", metavar="NUMBER", help="e.g. INC0010004")
    args = cli.parse_args(argv)
    if os.environ.get("SERVICENOW_INSTANCE_URL"):
        cli.error("ServiceNow is configured: declare and end major incidents in ServiceNow")
    store = EmbeddedIncidentStore(Path(os.environ.get("INCIDENT_DB_PATH") or DEFAULT_INCIDENT_DB))
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
    sys.exit(main())
