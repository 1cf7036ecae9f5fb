"""The latency proxy forwards everything, in order, a round trip of two delays later."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from tools.fakes.latency_proxy import running_latency_proxy

DELAY = 0.05


class Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def received(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += connection.recv(size - len(data))
    return data


def test_a_round_trip_takes_two_delays_and_keeps_the_order(echo_port: int) -> None:
    with (
        running_latency_proxy("127.0.0.1", echo_port, DELAY) as proxy,
        socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as connection,
    ):
        started = time.monotonic()
        connection.sendall(b"SELECT 1;")
        assert received(connection, 9) == b"SELECT 1;"
        took = time.monotonic() - started
        chunks = [f"{n:04d}".encode() for n in range(200)]
        for chunk in chunks:
            connection.sendall(chunk)
        assert received(connection, 800) == b"".join(chunks)

    assert 2 * DELAY <= took < 2 * DELAY + 1
