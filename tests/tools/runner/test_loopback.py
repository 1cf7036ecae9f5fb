"""The local servers report their own faults, not a client that stopped waiting."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tools.runner.loopback import LoopbackServer

CLIENT = ("127.0.0.1", 50000)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    loopback = LoopbackServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    yield loopback
    loopback.server_close()


@pytest.mark.parametrize("hung_up", [BrokenPipeError(32, "Broken pipe"), ConnectionResetError()])
def test_a_client_that_hung_up_prints_no_traceback(
    server: LoopbackServer, hung_up: OSError, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise hung_up
    except OSError:
        server.handle_error(None, CLIENT)
    assert capsys.readouterr().err == ""


def test_a_fault_of_the_server_is_printed(
    server: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise KeyError("missing field")
    except KeyError:
        server.handle_error(None, CLIENT)
    printed = capsys.readouterr().err
    assert "KeyError: 'missing field'" in printed and "127.0.0.1" in printed
