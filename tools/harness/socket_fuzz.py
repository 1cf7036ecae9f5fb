"""Hostile ConversationRelay sockets for `make fuzz`: what a stranger, a broken proxy or
a confused client could send to the streaming line.

Unsigned and wrongly signed upgrades, frames that are not JSON, unknown types, missing
and wrongly typed fields, binary frames, frames of 2 MiB, messages before `setup`, a
second `setup`, and sockets that never send anything. The server must refuse or close
each as documented (403 before the upgrade, 1008 for a socket that is not a call, 1009
for a frame over 1 MiB), never answer 5xx, and keep serving calls.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any

import websockets
from twilio.request_validator import RequestValidator

from tools.phone.twilio_params import CallLine

SOCKET_PATH = "/webhooks/conversation_relay/websocket"
# Close codes the server may end a hostile socket with: normal, policy, too big.
EXPECTED_CLOSES = {1000, 1008, 1009}
# Longer than the server waits for `setup` (channels/relay_session.py).
SILENT_SOCKET_SECONDS = 15.0
KINDS = (
    "unsigned", "forged", "garbage", "garbage", "garbage", "before_setup", "second_setup",
    "huge", "binary", "silent",
)  # fmt: skip


def garbage_frame(rnd: random.Random) -> str | bytes:
    """One frame that is not one of Twilio's messages, or is one with wrong fields."""
    kind = rnd.randrange(9)
    if kind == 0:
        return "{not json" + "x" * rnd.randint(0, 200)
    if kind == 1:
        return json.dumps({"type": rnd.choice(["mystery", "", None, 7, ["prompt"]])})
    if kind == 2:
        return json.dumps({"type": "prompt", "voicePrompt": rnd.choice([{"a": 1}, True, None])})
    if kind == 3:
        return json.dumps({"type": "dtmf", "digit": rnd.choice(["12", "x", "", None, 10])})
    if kind == 4:
        return json.dumps({"type": "interrupt", "durationUntilInterruptMs": rnd.choice(["x", {}])})
    if kind == 5:
        return json.dumps([1, 2, 3])
    if kind == 6:
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 64)))
    if kind == 7:
        return json.dumps({"type": "prompt", "voicePrompt": "x" * rnd.randint(2001, 70_000)})
    return json.dumps({"type": "info", "name": "agentSpeaking", "value": rnd.choice(["on", "off"])})


async def hostile_socket(url: str, public: str, token: str, kind: str, seed: int) -> str:
    """One hostile socket; returns how it ended ("403", "closed 1008", ...)."""
    rnd = random.Random(seed)
    signed = RequestValidator(token).compute_signature(f"{public}{SOCKET_PATH}", {})
    headers = {
        "unsigned": {},
        "forged": {"X-Twilio-Signature": "Zm9yZ2Vk"},
    }.get(kind, {"X-Twilio-Signature": signed})
    line = CallLine()
    setup = json.dumps(line.relay_setup("VX" + "0" * 32, {}))
    try:
        socket = await websockets.connect(  # type: ignore[attr-defined]
            f"{url}{SOCKET_PATH}", extra_headers=headers, max_size=None
        )
    except websockets.InvalidStatusCode as refused:  # type: ignore[attr-defined]
        return str(refused.status_code)
    frames: list[Any] = []
    if kind == "before_setup":
        frames = [garbage_frame(rnd), setup]
    elif kind == "second_setup":
        frames = [setup, setup, json.dumps({"type": "prompt", "voicePrompt": "hi", "last": True})]
    elif kind == "huge":
        frames = [setup, json.dumps({"type": "prompt", "voicePrompt": "x" * (2 * 2**20)})]
    elif kind == "binary":
        frames = [setup, b"\x00" * 1024]
    elif kind == "garbage":
        frames = [setup, *(garbage_frame(rnd) for _ in range(rnd.randint(1, 12)))]
    try:
        for frame in frames:
            await socket.send(frame)
        timeout = SILENT_SOCKET_SECONDS if kind in ("silent", "before_setup") else 2.0
        try:
            await asyncio.wait_for(socket.wait_closed(), timeout)
        except asyncio.TimeoutError:
            await socket.close()
            return "open until the caller left"
    except websockets.ConnectionClosed:  # type: ignore[attr-defined]
        pass
    return f"closed {socket.close_code}"


def problems_of(kind: str, ending: str) -> list[str]:
    """What an ending breaks of the rules for its kind of socket."""
    if kind in ("unsigned", "forged"):
        return [] if ending == "403" else [f"{kind} upgrade ended {ending}, not 403"]
    if ending.isdigit():
        return [f"a signed upgrade was answered {ending}"]
    if kind in ("silent", "before_setup") and ending != "closed 1008":
        return [f"a socket with no setup ended {ending}, not closed 1008"]
    if ending.startswith("closed ") and int(ending.split()[1]) not in EXPECTED_CLOSES:
        return [f"a {kind} socket ended {ending}"]
    return []


async def fuzz_sockets(url: str, public: str, token: str, count: int, seed: int) -> Counter[str]:
    """Runs `count` hostile sockets, eight at a time; counts problems (and endings)."""
    rnd = random.Random(seed)
    plan = [(rnd.choice(KINDS), rnd.getrandbits(32)) for _ in range(count)]
    limit = asyncio.Semaphore(8)
    results: Counter[str] = Counter()

    async def one(kind: str, kind_seed: int) -> None:
        async with limit:
            ending = await hostile_socket(url, public, token, kind, kind_seed)
        results[f"{kind}: {ending}"] += 1
        for problem in problems_of(kind, ending):
            results[f"FAIL {problem}"] += 1

    await asyncio.gather(*(one(kind, kind_seed) for kind, kind_seed in plan))
    return results
