"""Two Rasa server replicas sharing Redis serve one call, turn by turn, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.support.redis_server import running_redis
from tests.support.running_stack import TEST_AUTH_TOKEN, RunningStack
from tools.phone.call import SimulatedCall

# Twilio calls the load balancer; both replicas check signatures against its URL.
LOAD_BALANCER = "https://voice.example.com"


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningStack, RunningStack, str]]:
    shared = tmp_path_factory.mktemp("replicas")
    with running_redis(shared) as redis_url:
        settings = {
            "REDIS_URL": redis_url,
            "INCIDENT_DB_PATH": str(shared / "incidents.db"),
            "TWILIO_PUBLIC_URL": LOAD_BALANCER,
        }
        first = RunningStack(tmp_path_factory.mktemp("replica_a"), **settings)
        second = RunningStack(tmp_path_factory.mktemp("replica_b"), **settings)
        first.start()
        second.start()
        yield first, second, redis_url
        first.stop()
        second.stop()


def test_a_call_continues_whichever_replica_answers(
    replicas: tuple[RunningStack, RunningStack, str],
) -> None:
    first, second, _ = replicas
    phone = SimulatedCall(first.url, TEST_AUTH_TOKEN, public_url=LOAD_BALANCER)
    turns = [
        (first, lambda: phone.start(), "How can I help?"),
        (second, lambda: phone.say("i can't reset my password"), "What is your email address?"),
        (first, lambda: phone.say("it's jane.doe@example.com"), "I heard jane dot doe at"),
        (second, lambda: phone.say("yes"), "How urgent is this?"),
        (second, lambda: phone.press("3"), "Please describe the problem"),
        (first, lambda: phone.say("my password expired"), "Shall I go ahead?"),
        (second, lambda: phone.press("1"), "Your incident number is I N C"),
        (first, lambda: phone.say("check my tickets"), "email address you gave me before"),
        (second, lambda: phone.say("yes"), "Problem resetting password"),
    ]
    for replica, turn, expected in turns:
        phone.server_url = replica.url
        assert expected in turn().text


def test_concurrent_turns_of_one_conversation_are_serialized(
    replicas: tuple[RunningStack, RunningStack, str],
) -> None:
    first, second, redis_url = replicas
    sender = "concurrent-conversation"
    texts = ["hello", "are you a bot", "help", "thanks", "what can you do", "hi there"] * 2
    messages = [(first if n % 2 else second, f"{text} {n}") for n, text in enumerate(texts)]
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = list(pool.map(lambda m: m[0].say(sender, m[1]), messages))
    assert all(replies)

    stored = redis.Redis.from_url(redis_url).get(f"tracker:{sender}")
    assert stored is not None
    events = json.loads(stored)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    # Without the lock, replicas overwrite each other's tracker and turns are lost.
    assert sorted(said) == sorted(text for _, text in messages)
    # Each turn is whole: the bot answers a message before the next one is read.
    kinds = [event["event"] for event in events if event["event"] in ("user", "bot")]
    assert kinds[0] == "user"
    assert all(kinds[index + 1] == "bot" for index, kind in enumerate(kinds[:-1]) if kind == "user")
