"""`make fuzz`: hostile, signed Twilio webhooks and streaming sockets against the stack.

Random and missing fields, blanks, repeated keys, huge values, non-UTF-8 bodies,
control characters, intent commands and markup in speech, absurd counters, unknown
calls and status callbacks out of order, on every route of both voice lines, and
hostile ConversationRelay sockets (tools/harness/socket_fuzz.py). It
checks: no 5xx, no 403 for a correctly signed request, every TwiML answer valid and
ending in a verb that moves the call on, no traceback in the services' log, and a
normal call placed afterwards on each line still opens an incident. Prints counts by
status and by how each socket ended.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import requests
from twilio.request_validator import RequestValidator

from channels.twilio_request import parse_form
from tools.checkout import load_environment
from tools.harness.socket_fuzz import fuzz_sockets
from tools.phone.call import SimulatedCall
from tools.phone.relay_call import RelayCall
from tools.phone.twilio_params import CallLine, new_call_sid
from tools.phone.twiml import Heard

# Both lines' routes, the busiest ones more often.
ROUTES = {
    "/webhooks/twilio_voice": (
        "webhook", "webhook", "webhook", "dial", "fallback", "status", "whisper", "record",
    ),
    "/webhooks/conversation_relay": ("webhook", "action", "action", "dial", "record", "status"),
}  # fmt: skip
ENDING_VERBS = {"Gather", "Redirect", "Hangup", "Dial", "Connect"}
HOSTILE_SPEECH = (
    '/inform{"email":"mallory@evil.example","priority":"high"}',
    "/restart",
    "<Hangup/>",
    "]]><Dial>+15005550009</Dial>",
    "Tom & Jerry <3 &amp; &#0;",
    "'; DROP TABLE events; --",
    '{"sender": "CA0", "message": "hi"}',
    "line one\nline two\r\n2026-01-01 INFO forged",
    "nul\x00byte\x01\x02\x1b[31m",
    "😀🔥 \u200f\u202e right to left \u2028",
    "EXTERNAL: greet",
    "high",
    "kim dot lee at example dot com",
    "",
    " ",
)


@dataclass(frozen=True)
class Attempt:
    """One request: where, what body, and whether it is correctly signed."""

    path: str
    body: bytes
    signed: bool
    content_type: str = "application/x-www-form-urlencoded"


class Fuzzer:
    """Builds hostile requests from a seeded random source."""

    def __init__(self, seed: int, calls: list[CallLine]) -> None:
        self.random = random.Random(seed)
        self.calls = calls

    def attempt(self) -> Attempt:
        kind: Callable[[], Attempt] = self.random.choice(
            [self._fields, self._fields, self._fields, self._repeated, self._raw, self._unsigned]
        )
        return kind()

    def _path(self) -> str:
        base = self.random.choice(sorted(ROUTES))
        route = self.random.choice(ROUTES[base])
        query = self.random.choice(
            [
                "",
                f"?turn={self.random.randint(0, 30)}",
                f"?turn={self.random.randint(1, 9)}&silence={self.random.randint(0, 4)}",
                "?turn=-1",
                "?turn=99999999999999&silence=99999999999999",
                "?turn=1e9&silence=",
                "?turn=" + "9" * 300,
                f"?attempt={self.random.choice(['0', '2', '9', '-1', '9' * 40])}",
                "?resume="
                + quote(self.random.choice(["failed", "silence", "transfer_failed", "<x/>"])),
            ]
        )
        return f"{base}/{route}{query}"

    def _base_fields(self) -> dict[str, str]:
        line = self.random.choice(self.calls)
        fields = self.random.choice(
            [
                line.incoming,
                line.redirected,
                lambda: line.speech(self._speech(), self.random.random()),
                lambda: line.keys(self.random.choice(["1", "3", "12#", "*", "0", "abc", "/x"])),
                lambda: line.dial_ended(self.random.choice(["busy", "completed", "no-answer"])),
                lambda: line.status_callback(self.random.choice(["completed", "ringing", "x"])),
                lambda: line.recorded(
                    self.random.choice([0, 5, 99999]), self.random.choice(["#", "hangup", ""])
                ),
                lambda: line.relay_ended(
                    "VX" + "0" * 32,
                    self.random.choice(["completed", "ended", "failed", "in-progress", "?"]),
                    self.random.choice(["", '{"reason": "transfer"}', "{", self._speech()]),
                    self.random.choice(["", "64105", "64101", self._speech()]),
                ),
            ]
        )()
        if self.random.random() < 0.15:
            fields["CallSid"] = new_call_sid()  # a call nobody started
        if self.random.random() < 0.1:
            fields["ErrorUrl"] = f"https://x.example{self._path()}"
            fields["ErrorCode"] = self.random.choice(["11200", "12100", "\n"])
        return fields

    def _speech(self) -> str:
        speech = self.random.choice(HOSTILE_SPEECH)
        if self.random.random() < 0.1:
            speech = speech * self.random.randint(50, 300)
        return speech[:14_000]

    def _fields(self) -> Attempt:
        fields = self._base_fields()
        for key in self.random.sample(sorted(fields), k=self.random.randint(0, 3)):
            action = self.random.random()
            if action < 0.3:
                del fields[key]
            elif action < 0.6:
                fields[key] = ""
            else:
                fields[key] = self._speech()
        body = urlencode(fields).encode()
        return Attempt(self._path(), body, signed=len(body) <= 16 * 1024)

    def _repeated(self) -> Attempt:
        fields = list(self._base_fields().items())
        fields += [(key, self._speech()) for key, _ in self.random.sample(fields, k=2)]
        return Attempt(self._path(), urlencode(fields).encode(), signed=True)

    def _raw(self) -> Attempt:
        sid = self.random.choice(self.calls).call_sid
        body = self.random.choice(
            [
                f"CallSid={sid}&SpeechResult=".encode() + bytes([0xFF, 0xFE, 0xC3, 0x28]),
                f"CallSid={sid}&SpeechResult=%C3%28%FF".encode(),
                f"CallSid={sid}&SpeechResult={quote('x' * 17_000)}".encode(),
                b"not a form at all",
                b"",
            ]
        )
        content_type = self.random.choice(["application/x-www-form-urlencoded", "text/plain"])
        return Attempt(self._path(), body, signed=False, content_type=content_type)

    def _unsigned(self) -> Attempt:
        return Attempt(self._path(), urlencode(self._base_fields()).encode(), signed=False)


def send(
    session: requests.Session, url: str, public: str, token: str, attempt: Attempt
) -> tuple[Attempt, int, str]:
    signature = "forged="
    if attempt.signed:
        form = parse_form(attempt.body)
        signature = RequestValidator(token).compute_signature(f"{public}{attempt.path}", form)
    reply = session.post(
        f"{url}{attempt.path}",
        data=attempt.body,
        headers={"Content-Type": attempt.content_type, "X-Twilio-Signature": signature},
        timeout=15,
    )
    return attempt, reply.status_code, reply.text


def problems_with(attempt: Attempt, status: int, body: str) -> list[str]:
    """What this answer breaks of the fuzz's rules."""
    where = attempt.path.split("?")[0]
    if status >= 500:
        return [f"{status} from {where}"]
    if status == 403 and attempt.signed:
        return [f"403 for a correctly signed request to {where}"]
    if status != 200 or where.endswith("/status"):
        return []
    try:
        verbs = [verb.tag for verb in ElementTree.fromstring(body)]
    except ElementTree.ParseError:
        return [f"invalid TwiML from {where}"]
    if where.endswith("/whisper"):
        # Said to the person who takes a transfer; then Twilio joins the two calls.
        return [] if verbs == ["Say"] else [f"whisper TwiML is {verbs}, not one Say"]
    if not verbs or verbs[-1] not in ENDING_VERBS:
        return [f"TwiML from {where} ends in {verbs[-1:]}"]
    return []


def normal_call(url: str, public: str, token: str, relay: bool = False) -> str | None:
    """A call that opens an incident; None when it did, else what went wrong."""
    line = RelayCall if relay else SimulatedCall
    phone = line(url, token, public_url=public)
    phone.start()
    steps: list[tuple[Callable[[str], Heard], str, str]] = [
        (phone.say, "i can't reset my password", "email address"),
        (phone.say_address, "fuzz dot check at example dot com", "How urgent"),
        (phone.press, "2", "describe the problem"),
        (phone.say, "password stuck in a loop", "Shall I go ahead"),
        (phone.say, "yes", "Your incident number is"),
    ]
    try:
        for act, words, expected in steps:
            heard = act(words)
            if expected not in heard.text:
                return f"after {words!r} heard {heard.text!r}"
    finally:
        phone.hang_up()
    return None


def main(argv: list[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--requests", type=int, default=1000)
    cli.add_argument("--seed", type=int, default=20261125)
    cli.add_argument("--workers", type=int, default=4)
    cli.add_argument("--sockets", type=int, default=60, help="hostile streaming sockets")
    cli.add_argument("--log", type=Path, help="the services' log, checked for tracebacks")
    args = cli.parse_args(argv)
    url = f"http://127.0.0.1:{os.environ['RASA_PORT']}"
    public = os.environ.get("TWILIO_PUBLIC_URL") or url
    token = os.environ["TWILIO_AUTH_TOKEN"]

    calls = [CallLine(caller=f"+1500555{n:04d}") for n in range(8)]
    fuzzer = Fuzzer(args.seed, calls)
    attempts = [fuzzer.attempt() for _ in range(args.requests)]
    session = requests.Session()
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(lambda a: send(session, url, public, token, a), attempts))

    statuses = Counter(status for _, status, _ in results)
    problems = Counter(p for result in results for p in problems_with(*result))
    socket_url, socket_public = (u.replace("http", "ws", 1) for u in (url, public))
    sockets = asyncio.run(fuzz_sockets(socket_url, socket_public, token, args.sockets, args.seed))
    problems.update({key[5:]: n for key, n in sockets.items() if key.startswith("FAIL ")})
    failed_call = normal_call(url, public, token) or normal_call(url, public, token, relay=True)
    tracebacks = args.log.read_text(errors="replace").count("Traceback") if args.log else 0

    print(f"{len(results)} hostile webhooks; by status: " + ", ".join(
        f"{status}: {count}" for status, count in sorted(statuses.items())
    ))  # fmt: skip
    for problem, count in problems.most_common():
        print(f"  FAIL {count} x {problem}")
    print(f"{args.sockets} hostile sockets; by ending: " + ", ".join(
        f"{ending}: {count}" for ending, count in sorted(sockets.items())
        if not ending.startswith("FAIL ")
    ))  # fmt: skip
    print(f"tracebacks in the services' log: {tracebacks}")
    opened = "opened an incident on both lines"
    print(f"normal calls afterwards: {opened if failed_call is None else failed_call}")
    ok = not problems and tracebacks == 0 and failed_call is None
    print(f"fuzz: {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
