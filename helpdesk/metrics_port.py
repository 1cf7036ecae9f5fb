"""/metrics on a port of its own, apart from the ports that serve calls (both servers)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from prometheus_client import start_http_server

from helpdesk import environment as env
from helpdesk import variables as names

logger = logging.getLogger(__name__)
# Ports this process serves /metrics on: both voice lines ask for the same one.
_serving: set[tuple[str, int]] = set()


def serve_metrics(port_variable: str, environ: Mapping[str, str] = os.environ) -> None:
    """Serves Prometheus' /metrics when the variable names a port, on METRICS_ADDRESS
    (127.0.0.1 unless set otherwise), once per process."""
    port = env.integer(port_variable, 0, minimum=0, environ=environ)
    address = env.text(names.METRICS_ADDRESS, "127.0.0.1", environ)
    if port and (address, port) not in _serving:
        start_http_server(port, addr=address)
        _serving.add((address, port))
        logger.info("Metrics at http://%s:%s/metrics", address, port)
