"""/metrics on a port of its own, apart from the ports that serve calls (both servers)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from prometheus_client import start_http_server

from helpdesk import environment as env
from helpdesk import variables as names

logger = logging.getLogger(__name__)


def serve_metrics(port_variable: str, environ: Mapping[str, str] = os.environ) -> None:
    """Serves Prometheus' /metrics when the variable names a port, on METRICS_ADDRESS
    (127.0.0.1 unless set otherwise)."""
    port = env.integer(port_variable, 0, minimum=0, environ=environ)
    if port:
        address = env.text(names.METRICS_ADDRESS, "127.0.0.1", environ)
        start_http_server(port, addr=address)
        logger.info("Metrics at http://%s:%s/metrics", address, port)
