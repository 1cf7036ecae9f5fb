"""Small HTTP servers for local use and tests: a threading server and a thread to run it."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import TypeVar

Server = TypeVar("Server", bound="LoopbackServer")
logger = logging.getLogger(__name__)


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its own URL."""

    daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stopped waiting (a timeout under test) is not a server fault."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            logger.debug("%s hung up before the answer", client_address)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Serves from a background thread for the duration of the block, then closes."""
    thread = threading.Thread(target=server.serve_forever, name=type(server).__name__, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
