"""A rolling restart under streaming calls, for `make chaos`.

Two Rasa replicas share Redis behind a load balancer (here, the callers' own choice of
a healthy replica for every new connection, as a balancer does after a failed health
check). Twenty callers place streaming calls back to back while each replica in turn
gets SIGTERM, as a rolling deploy stops a task, and starts again. A stopping replica
moves its calls (channels/draining.py): every call must go on at its question and
open its incident; a call that fails or ends without one is lost. A line the caller
says just as their call moves is lost with the old socket, as on a real line: the new
session asks again after the silence, and the caller repeats it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from channels.relay_session import RECONNECTED
from tools.harness.chaos_stack import EMAIL, ChaosStack, Outcome
from tools.phone.relay_call import RelayCall
from tools.phone.twiml import Heard

CALLERS = 20
# The balancer's address, which Twilio signs; and what an orchestrator gives a task
# between SIGTERM and SIGKILL (compose's stop_grace_period, ECS's stopTimeout).
PUBLIC_URL = "http://balancer.test"
GRACE_SECONDS = 30.0
TOKEN = "rolling-restart-token"
OPENED = "Your incident number is"


@dataclass
class Balancer:
    """Which replicas take new connections: those not being restarted."""

    urls: list[str]
    down: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, caller: int) -> str:
        with self.lock:
            healthy = [url for n, url in enumerate(self.urls) if n not in self.down]
        return healthy[caller % len(healthy)]


class BalancedCall(RelayCall):
    """A streaming call whose every request (webhook, action callback, the socket)
    goes to whichever replica the balancer picks at that moment; Twilio signs the
    balancer's public URL, which every replica knows (`TWILIO_PUBLIC_URL`)."""

    def __init__(self, balancer: Balancer, caller: int, token: str) -> None:
        self.balancer, self.caller = balancer, caller
        super().__init__(
            balancer.pick(caller), token, public_url=PUBLIC_URL, caller=f"+1503555{caller:04d}"
        )

    def post(
        self, url: str, params: dict[str, str], idempotency_token: str | None = None
    ) -> requests.Response:
        # A replica that stopped between the pick and the request refuses the
        # connection; a balancer tries the next one.
        for attempt in range(2):
            self.server_url = self.balancer.pick(self.caller + attempt)
            try:
                return super().post(url, params, idempotency_token)
            except requests.ConnectionError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _reachable(self, relay_url: str) -> str:
        self.server_url = self.balancer.pick(self.caller)
        return super()._reachable(relay_url)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    placed: int = 0
    opened: int = 0
    moved: int = 0
    lost: list[str] = field(default_factory=list)


def answer(phone: RelayCall, act: Callable[[], Heard]) -> Heard:
    """What the caller hears after saying a line. A line said as the call moved is lost
    with the old socket: the new session hears nothing and asks again after the
    silence, or (the socket closed without an end) apologises and asks again; either
    way the caller says it again."""
    heard = act()
    if not heard.text and not heard.ended:
        phone.stay_silent()
        heard = act()
    elif heard.text.startswith(RECONNECTED):
        heard = act()
    return heard


def place_call(caller: int, balancer: Balancer, token: str, tally: Tally) -> None:
    """One whole streaming call that opens an incident; each step may meet a restart."""
    phone = BalancedCall(balancer, caller, token)

    try:
        phone.start()
        answer(phone, lambda: phone.say("i can't reset my password"))
        phone.confirm_read_back(answer(phone, lambda: phone.say(EMAIL)))
        answer(phone, lambda: phone.press("2"))
        answer(phone, lambda: phone.say("the rolling restart locked my password"))
        done = answer(phone, lambda: phone.say("yes"))
        outcome = "" if OPENED in done.text else f"heard {done.text[:120]!r}"
        phone.hang_up()
    except Exception as error:  # a lost call, reported
        outcome = f"{type(error).__name__}: {error}"[:160]
    moved = sum('"moved"' in str(frame.get("handoffData")) for frame in phone.frames)
    with tally.lock:
        tally.placed += 1
        tally.moved += moved
        if outcome:
            tally.lost.append(outcome)
        else:
            tally.opened += 1


def rolling_restart_under_streaming_calls(stack: ChaosStack) -> Outcome:
    tally, restarted = Tally(), threading.Event()
    with stack.replicas_sharing_redis(TWILIO_PUBLIC_URL=PUBLIC_URL, TWILIO_AUTH_TOKEN=TOKEN) as (
        _,
        replicas,
    ):
        balancer = Balancer([replica.health_url.rstrip("/") for replica in replicas])

        def caller(number: int) -> None:
            while not restarted.is_set():
                place_call(number, balancer, TOKEN, tally)

        callers = [threading.Thread(target=caller, args=(n,)) for n in range(CALLERS)]
        for thread in callers:
            thread.start()
        try:
            for number, replica in enumerate(replicas):
                with balancer.lock:
                    balancer.down.add(number)
                replica.stop(GRACE_SECONDS)  # SIGTERM: it drains, then exits
                replica.start(stack.output)
                replica.wait_until_ready()
                with balancer.lock:
                    balancer.down.discard(number)
        finally:
            restarted.set()
            for thread in callers:
                thread.join()
    passed = not tally.lost and tally.moved > 0 and tally.opened == tally.placed
    detail = (
        f"{tally.placed} calls, {tally.opened} opened their incident, {tally.moved} moved "
        f"by a stopping replica, {len(tally.lost)} lost"
    )
    heard = "; ".join(sorted(set(tally.lost))[:6])
    return Outcome(passed, heard, detail)
