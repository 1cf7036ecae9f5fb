"""The action server: rasa-sdk's own, answering only requests that carry the shared secret.

Its webhook runs any action for any address, so only the Rasa server may call it.
Rasa sends `Authorization: Bearer <ACTION_SERVER_TOKEN>` (endpoints.yml); this module
adds a request check to rasa-sdk's app through rasa-sdk's plugin hook and starts
rasa-sdk as `python -m rasa_sdk` would. `/health` stays open for health checks.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from collections.abc import Callable, Mapping

import pluggy
from rasa_sdk import __main__ as rasa_sdk_main
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.categories import assignment_groups
from actions.desk_hours import DeskHours
from actions.handoff import transfer_number
from actions.incidents.factory import incident_backend, outbox_retry_seconds
from actions.incidents.servicenow_config import ServiceNowConfig
from actions.known_domains import configured_domains
from actions.metrics import ActionMetrics
from actions.outages import refresh_seconds
from actions.read_back import confidence_threshold
from actions.sms import SmsSettings
from actions.verification import VerificationOffInProduction, verification_required, warn_when_off
from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.database import DatabaseUnavailable
from helpdesk.log_format import use_configured_log_format
from helpdesk.metrics_port import serve_metrics
from helpdesk.privacy import mask_personal_data_in_logs

logger = logging.getLogger(__name__)

hookimpl = pluggy.HookimplMarker("rasa_sdk")
OPEN_PATHS = {"/health"}


class InsecureActionServer(RuntimeError):
    """The action server would be reachable without a secret only Rasa knows."""


def action_server_token(environ: Mapping[str, str] = os.environ) -> str:
    """ACTION_SERVER_TOKEN, refused when empty, or the development token in production."""
    token = env.text(names.ACTION_SERVER_TOKEN, environ=environ)
    if not token:
        raise InsecureActionServer(
            "ACTION_SERVER_TOKEN is not set: set the same secret for the Rasa server and the "
            "action server (example.env has a development token)."
        )
    if env.in_production(environ) and token == env.DEVELOPMENT_ACTION_TOKEN:
        raise InsecureActionServer(
            "ACTION_SERVER_TOKEN is the development token from example.env; set a secret of "
            "your own for production (for example: openssl rand -hex 32)."
        )
    return token


class RequireToken:
    """rasa-sdk plugin: 401 for every request but `/health` without the bearer token."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        mask_personal_data_in_logs()
        use_configured_log_format()
        warn_when_off()

        @app.middleware("request")
        async def require_token(request: Request) -> HTTPResponse | None:
            if request.path in OPEN_PATHS:
                return None
            sent = request.headers.get("Authorization", "").encode()
            if hmac.compare_digest(sent, self._expected):
                return None
            logger.warning("Refused a request to %s without the action server token", request.path)
            return response.json({"error": "unauthorized"}, status=401)


# Every setting the actions read, read once at start as they will read it, so that a
# value they cannot run with stops the server with its name instead of failing a call.
SETTINGS_READERS: tuple[Callable[[], object], ...] = (
    verification_required,
    transfer_number,
    DeskHours.from_environment,
    SmsSettings.from_environment,
    ServiceNowConfig.from_environment,
    assignment_groups,
    confidence_threshold,
    configured_domains,
    refresh_seconds,
    outbox_retry_seconds,
    # Last: the database, reached and its tables checked (or, files of its own, migrated).
    incident_backend,
)


def main() -> None:
    try:
        token = action_server_token()
        for read in SETTINGS_READERS:
            read()
    except (
        ValueError,
        InsecureActionServer,
        VerificationOffInProduction,
        DatabaseUnavailable,
    ) as error:
        sys.exit(f"The action server will not start: {error}")
    plugin_manager().register(RequireToken(token))
    plugin_manager().register(ActionMetrics())
    serve_metrics(names.ACTION_METRICS_PORT)
    rasa_sdk_main.main()


if __name__ == "__main__":
    main()
