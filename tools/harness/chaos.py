"""`make chaos`: whole signed calls through faults; PASS or FAIL and what the caller heard.

Starts Duckling, the action server and Rasa on free ports (the ServiceNow test instance
in this process, so its faults can be switched), then breaks one part at a time in the
middle of a call: Rasa killed and restarted (on both lines, and right after each of
three answers), the action server killed,
Duckling killed,
ServiceNow down / rate limited / failing / unable to write, Redis killed under two Rasa
replicas (on both lines), a rolling restart of two replicas under twenty streaming
callers, the tracker database locked, PostgreSQL restarted, read-only and full under a call,
two Rasa and two action servers on one PostgreSQL while ServiceNow is down (each
incident filed once), a Twilio retry, and the stack runner stopped every way a
terminal or supervisor stops it. Exits 1 if any fault is not survived.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from channels.relay_session import RECONNECTED
from tools.checkout import PROJECT_ROOT, load_environment
from tools.fakes import servicenow_server
from tools.harness.chaos_stack import (
    APOLOGY,
    ASK_DESCRIPTION,
    ASK_PRIORITY,
    EMAIL,
    SERVICES,
    ChaosStack,
    Outcome,
    answered_on,
    incidents_described,
    locked,
    open_incident,
    to_priority_question,
    wait_for,
)
from tools.harness.rolling_restart import rolling_restart_under_streaming_calls
from tools.harness.shared_database import (
    action_server_killed_while_delivering,
    postgres_restarted_read_only_and_full,
    scaled_out_while_servicenow_is_down,
)
from tools.phone.call import SimulatedCall
from tools.phone.relay_call import RelayCall
from tools.phone.twiml import parse_twiml
from tools.runner.runner_check import STOPS, leftover_services


def rasa_killed_mid_form(stack: ChaosStack) -> Outcome:
    phone = stack.call()
    before = to_priority_question(phone)
    stack.kill("rasa")
    restart = stack.start("rasa")
    after = phone.press("2")
    passed = ASK_PRIORITY in before.text and ASK_DESCRIPTION in after.text
    return Outcome(passed, after.text, f"Rasa back after {restart:.1f} s")


def rasa_killed_after_each_answer(stack: ChaosStack) -> Outcome:
    """Rasa killed the moment each of three answers was sent (the server keeps the
    calls it served in memory: nothing the call needs may live only there); every
    next turn, on a fresh server, continues where the call was, and the incident
    filed holds what the caller said."""
    description = "the docking station stopped charging after the update"
    phone = stack.call()
    heard = [to_priority_question(phone)]
    for answer in (lambda: phone.press("2"), lambda: phone.say(description)):
        stack.kill("rasa")
        stack.start("rasa")
        heard.append(answer())
    stack.kill("rasa")
    stack.start("rasa")
    heard.append(phone.say("yes"))
    passed = (
        ASK_PRIORITY in heard[0].text
        and ASK_DESCRIPTION in heard[1].text
        and "Shall I go ahead?" in heard[2].text
        and heard[3].text.startswith("Done. Your incident number is")
        and incidents_described(stack, description) == 1
    )
    return Outcome(passed, heard[3].text, "killed after 3 answers: each next turn went on")


def rasa_killed_mid_streaming_call(stack: ChaosStack) -> Outcome:
    """The socket dies with Rasa; Twilio reports the session failed, and the new
    session continues at the question the call was on."""
    phone = RelayCall(stack.url, stack.token)
    before = to_priority_question(phone)
    stack.kill("rasa")
    restart = stack.start("rasa")
    resumed = phone.lose_socket()
    after = phone.press("2")
    passed = (
        ASK_PRIORITY in before.text
        and resumed.text.startswith(RECONNECTED)
        and ASK_PRIORITY in resumed.text
        and ASK_DESCRIPTION in after.text
    )
    return Outcome(passed, f"{resumed.text} ... {after.text}", f"Rasa back after {restart:.1f} s")


def actions_killed_mid_form(stack: ChaosStack) -> Outcome:
    phone = stack.call()
    to_priority_question(phone)
    stack.kill("actions")
    during = phone.press("2")
    stack.start("actions")
    phone.press("2")
    phone.say("chaos actions scanner broken")
    done = phone.say("yes")
    filed = incidents_described(stack, "chaos actions scanner broken")
    passed = (
        during.text.startswith(f"{APOLOGY} {ASK_PRIORITY}")
        and "Your incident number is" in done.text
        and filed == 1
    )
    return Outcome(passed, f"{during.text} ... {done.text}", f"filed {filed} time(s)")


def duckling_killed(stack: ChaosStack) -> Outcome:
    stack.kill("duckling")
    try:
        done = open_incident(stack.call(), "chaos duckling monitor dark")
    finally:
        stack.start("duckling")
    filed = incidents_described(stack, "chaos duckling monitor dark")
    return Outcome("Your incident number is" in done.text and filed == 1, done.text)


def servicenow_faults(stack: ChaosStack) -> Outcome:
    """Each fault strikes as the caller confirms, after their address was looked up."""
    faults = stack.servicenow.faults

    def outage() -> None:
        faults.down = True

    def rate_limited() -> None:
        faults.rate_limited, faults.retry_after_seconds = 2, 1

    def failing() -> None:
        faults.server_errors = 3

    told = {}
    for description, fault in (
        ("chaos outage one", rate_limited),
        ("chaos outage two", failing),
        ("chaos outage three", outage),
    ):
        told[description] = open_incident(stack.call(), description, fault).text
        # Writes stay refused until the status check, so that the incident recorded
        # during the outage is still waiting then, whenever the outbox retries.
        faults.creates_refused = True
        faults.down, faults.rate_limited, faults.server_errors = False, 0, 0
        if description != "chaos outage three":
            faults.creates_refused = False
    phone = stack.call()
    phone.start()
    phone.say("what's the status of my tickets")
    status = phone.say_address(EMAIL)
    faults.creates_refused = False
    recorded = [d for d, heard in told.items() if "I've recorded your incident" in heard]
    numbered = [d for d, heard in told.items() if "Your incident number is" in heard]
    filed = wait_for(lambda: all(incidents_described(stack, d) >= 1 for d in told))
    once = all(incidents_described(stack, d) == 1 for d in told)
    passed = (
        len(recorded) + len(numbered) == len(told)
        and "chaos outage three" in recorded
        and "waiting to be filed" in status.text
        and filed
        and once
    )
    detail = f"{len(recorded)} recorded, {len(numbered)} filed at once, each filed once: {once}"
    if len(recorded) + len(numbered) != len(told):
        detail += f"; told: {told}"
    return Outcome(passed, status.text, detail)


def redis_killed_under_two_replicas(stack: ChaosStack) -> Outcome:
    """Two Rasa replicas share a durable Redis; it dies mid-call and comes back."""
    with stack.replicas_sharing_redis() as (redis, replicas):
        urls = [replica.health_url.rstrip("/") for replica in replicas]
        phone, other = SimulatedCall(urls[0], stack.token), SimulatedCall(urls[1], stack.token)
        before = to_priority_question(phone)
        other.start()
        other.say("what's the status of my tickets")
        redis.kill()
        answered_on(phone, urls[1])
        reply = phone.post(phone.last.answer_url or "", phone.line.keys("2"))
        during = parse_twiml(reply.text, phone.last.answer_url or "").text
        redis.start()
        answered_on(phone, urls[0])
        after = phone.press("2")
        answered_on(other, urls[0])
        other_after = other.say("nobody at example dot com")
    passed = (
        ASK_PRIORITY in before.text
        and reply.status_code == 200
        and during.startswith(APOLOGY)
        and ASK_DESCRIPTION in after.text
        # The other call is still at its own question: no conversation mixed.
        and "nobody at example dot com" in other_after.text
    )
    return Outcome(passed, f"{during} ... {after.text}", f"HTTP {reply.status_code} while down")


def redis_killed_under_a_streaming_call(stack: ChaosStack) -> Outcome:
    """Two replicas share Redis: a streaming call's turn while Redis is down is an
    apology and the question; then the call moves to the other replica with its socket
    and goes on where it was."""
    with stack.replicas_sharing_redis() as (redis, replicas):
        urls = [replica.health_url.rstrip("/") for replica in replicas]
        phone = RelayCall(urls[0], stack.token)
        before = to_priority_question(phone)
        redis.kill()
        during = phone.press("2")
        redis.start()
        answered_on(phone, urls[1])
        moved = phone.lose_socket()
        after = phone.press("2")
    passed = (
        ASK_PRIORITY in before.text
        and during.text.startswith(APOLOGY)
        and ASK_PRIORITY in moved.text
        and ASK_DESCRIPTION in after.text
    )
    return Outcome(passed, f"{during.text} ... {moved.text} ... {after.text}")


def tracker_database_locked(stack: ChaosStack) -> Outcome:
    phone = stack.call()
    to_priority_question(phone)
    with locked(stack.tracker_db):
        during = phone.press("2")
    after = phone.press("2")
    passed = during.text.startswith(APOLOGY) and ASK_DESCRIPTION in after.text
    return Outcome(passed, f"{during.text} ... {after.text}")


def twilio_retry(stack: ChaosStack) -> Outcome:
    phone = stack.call()
    before = to_priority_question(phone)
    url = before.answer_url or ""
    fields = phone.line.keys("3")
    first = phone.post(url, fields, idempotency_token="retry").text
    second = phone.post(url, fields, idempotency_token="retry").text
    passed = first == second and ASK_DESCRIPTION in first
    heard = parse_twiml(second, url).text
    return Outcome(passed, heard, "the retried delivery got the same answer")


SCENARIOS: list[tuple[str, Callable[[ChaosStack], Outcome]]] = [
    ("Rasa killed mid-form, restarted", rasa_killed_mid_form),
    ("Rasa killed right after each answer, restarted", rasa_killed_after_each_answer),
    ("Rasa killed mid-call on the streaming line, restarted", rasa_killed_mid_streaming_call),
    ("action server killed mid-form", actions_killed_mid_form),
    ("Duckling killed", duckling_killed),
    ("ServiceNow down, 429, 5xx, read-only, back", servicenow_faults),
    ("Redis killed and restarted under two replicas", redis_killed_under_two_replicas),
    (
        "Redis killed under a streaming call; the call moves replica",
        redis_killed_under_a_streaming_call,
    ),
    (
        "rolling restart of two replicas under 20 streaming callers",
        rolling_restart_under_streaming_calls,
    ),
    ("tracker database locked", tracker_database_locked),
    (
        "PostgreSQL restarted, then read-only, then full, under a call",
        postgres_restarted_read_only_and_full,
    ),
    (
        "two Rasa and two action servers on one PostgreSQL, ServiceNow unable to write "
        "for half the calls",
        scaled_out_while_servicenow_is_down,
    ),
    (
        "an action server on PostgreSQL killed while delivering from the outbox",
        action_server_killed_while_delivering,
    ),
    ("Twilio retries a delivery", twilio_retry),
]


def runner_stops(kind: str) -> Callable[[], Outcome]:
    def scenario() -> Outcome:
        left = leftover_services(kind)
        return Outcome(not left, "", f"still answering: {left}" if left else "no orphans")

    return scenario


def main(argv: list[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--state", type=Path, default=PROJECT_ROOT / "results" / "chaos")
    cli.add_argument("--only", default="", help="run only the scenarios whose name has this")
    args = cli.parse_args(argv)
    args.state.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, Outcome]] = []
    with servicenow_server.running_servicenow() as servicenow:
        stack = ChaosStack(args.state, servicenow)
        try:
            for name in SERVICES:
                stack.start(name)
            for name, scenario in SCENARIOS:
                if args.only in name:
                    results.append((name, run(name, functools.partial(scenario, stack))))
        finally:
            stack.stop()
    for kind in STOPS:
        name = f"stack runner stopped by {kind}"
        if args.only in name:
            results.append((name, run(name, runner_stops(kind))))
    failed = sum(1 for _, outcome in results if not outcome.passed)
    print(f"chaos: {len(results) - failed} of {len(results)} faults survived")
    return 1 if failed else 0


def run(name: str, scenario: Callable[[], Outcome]) -> Outcome:
    try:
        outcome = scenario()
    except Exception as error:  # a scenario that crashes is a failed one, reported
        outcome = Outcome(False, "", f"{type(error).__name__}: {error}")
    mark = "PASS" if outcome.passed else "FAIL"
    print(f"{mark} {name}: {outcome.detail}".rstrip(": "))
    if outcome.heard:
        print(f"     caller heard: {outcome.heard[:300]!r}")
    return outcome


if __name__ == "__main__":
    sys.exit(main())
