"""What the operators' commands share: they run inside the images, on the environment
the servers have, and say what is wrong instead of reporting nothing done.

On a developer's checkout a command gets example.env's development values for every
unset variable (`make forget` does that). With TWILIO_ENVIRONMENT=production such a
value (the development ACTION_SERVER_TOKEN, which every deployment replaces) means
the command is not running with the servers' environment and would read stores that
are not theirs: it is refused. A store file that is not there is named, never counted
as empty.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sqlalchemy.engine import URL

from helpdesk import database
from helpdesk import environment as env
from helpdesk import variables as names


class OperatorError(Exception):
    """A command cannot do what it was asked; the message says why and what to set."""


def require_servers_environment(environ: Mapping[str, str] = os.environ) -> None:
    """Refuses example.env's development values in production."""
    token = env.text(names.ACTION_SERVER_TOKEN, environ=environ)
    if env.in_production(environ) and token in ("", env.DEVELOPMENT_ACTION_TOKEN):
        raise OperatorError(
            "TWILIO_ENVIRONMENT=production with example.env's development ACTION_SERVER_TOKEN: "
            "this is not the servers' environment. Run the command in the server's container "
            "(docker compose exec, or an ECS task of the service), where its stores are"
        )


def store_url(
    variable: str, default: str, what: str, environ: Mapping[str, str] = os.environ
) -> URL:
    """The database of a store: DATABASE_URL, else the SQLite file named by `variable`
    (`default` when unset), which must exist."""
    if database.shared(environ):
        return database.configured_url(default, environ)
    path = Path(env.text(variable, default, environ))
    if not path.is_file():
        raise OperatorError(
            f"No {what} at {path} ({variable}): run this where that server runs "
            f"(docker compose exec, or an ECS task with its volume), or set "
            f"{names.DATABASE_URL} or {variable}"
        )
    return database.configured_url(str(path), environ)


def caller_to_forget(description: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """`--phone` and `--email` of the forgetting commands; at least one is needed."""
    cli = argparse.ArgumentParser(description=description)
    cli.add_argument("--phone", default="", help="the calling number, E.164 (+14155550100)")
    cli.add_argument("--email", default="", help="an email address the caller gave")
    args = cli.parse_args(argv)
    if not (args.phone or args.email):
        cli.error("give --phone, --email or both")
    return args


def run(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> int:
    """Runs a command's `main`; an OperatorError is printed and exits with status 2."""
    try:
        return main(argv)
    except (OperatorError, database.DatabaseUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
