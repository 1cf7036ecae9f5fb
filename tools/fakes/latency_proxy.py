"""A TCP proxy on the loopback that delays everything it forwards: a database (or any
server) across a network, for `make bench` and `make soak` with DATABASE_URL.

    python -m tools.fakes.latency_proxy --to 127.0.0.1:5432 --delay-ms 1

Every chunk is forwarded `delay` seconds after it arrived, in order, in both
directions: a request and its answer take one round trip of 2 x `delay` more.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tools.runner.loop_thread import LoopThread


class LatencyProxy:
    """Listens on a free loopback port and forwards to `host`:`port`, late."""

    def __init__(self, host: str, port: int, delay_seconds: float) -> None:
        self.target = (host, port)
        self.delay = delay_seconds
        self.port = 0

    async def serve(self, on_ready: Callable[[int], object] = print) -> None:
        """Serves until cancelled; `on_ready` is given the port once it listens."""
        server = await asyncio.start_server(self._connected, "127.0.0.1", self.port)
        self.port = server.sockets[0].getsockname()[1]
        on_ready(self.port)
        async with server:
            await server.serve_forever()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            self._forward(reader, upstream_writer), self._forward(upstream_reader, writer)
        )

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Each chunk written `delay` after it was read; equal delays keep the order."""
        loop = asyncio.get_running_loop()
        try:
            while chunk := await reader.read(65536):
                loop.call_later(self.delay, _write, writer, chunk)
        except ConnectionError:
            pass
        loop.call_later(self.delay, _close, writer)


def _write(writer: asyncio.StreamWriter, chunk: bytes) -> None:
    if not writer.is_closing():
        writer.write(chunk)


def _close(writer: asyncio.StreamWriter) -> None:
    if not writer.is_closing():
        writer.close()


@contextmanager
def running_latency_proxy(host: str, port: int, delay_seconds: float) -> Iterator[LatencyProxy]:
    """The proxy served from a thread of its own for the `with` block."""
    proxy = LatencyProxy(host, port, delay_seconds)
    ready = threading.Event()
    line = LoopThread("latency-proxy")
    line.start(proxy.serve(lambda _port: ready.set()))
    try:
        if not ready.wait(timeout=10):
            raise RuntimeError("the latency proxy did not start")
        yield proxy
    finally:
        line.close()


def main(argv: list[str] | None = None) -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--to", required=True, help="host:port to forward to")
    cli.add_argument("--delay-ms", type=float, default=1.0, help="added each way")
    cli.add_argument("--port", type=int, default=0, help="where to listen (0: a free port)")
    args = cli.parse_args(argv)
    host, _, port = args.to.rpartition(":")
    proxy = LatencyProxy(host, int(port), args.delay_ms / 1000)
    proxy.port = args.port
    asyncio.run(
        proxy.serve(
            lambda port: print(
                f"127.0.0.1:{port} -> {args.to}, {args.delay_ms} ms later each way", flush=True
            )
        )
    )


if __name__ == "__main__":
    main()
