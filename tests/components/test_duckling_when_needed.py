"""Duckling is asked only about a text that can hold what it parses, ahead of the graph
without holding the event loop; what it finds is what Rasa's own extractor finds (a
real Duckling, over HTTP)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.duckling_when_needed import (
    DucklingWhenNeeded,
    ask_duckling_ahead,
    could_parse,
)
from tools.fakes.duckling_server import DucklingHTTPServer, DucklingParser, running_duckling
from tools.runner.processes import free_port

ADDRESS_SAID = "jane dot doe at example dot com"


class CountingParser(DucklingParser):
    """The real parser, counting the texts it was asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def parse(self, fields: dict[str, str]) -> list[dict[str, Any]]:
        self.asked.append(fields.get("text", ""))
        return super().parse(fields)


class HeldParser(CountingParser):
    """The real parser, answering only once the test lets it (or finding nothing when
    not let within a few seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.received = threading.Event()
        self.let_answer = threading.Event()

    def parse(self, fields: dict[str, str]) -> list[dict[str, Any]]:
        self.received.set()
        return super().parse(fields) if self.let_answer.wait(5) else []


def extractor(**config: Any) -> DucklingWhenNeeded:
    config = {**DucklingWhenNeeded.get_default_config(), "dimensions": ["email"], **config}
    context = ExecutionContext(GraphSchema({}), "test")
    storage = LocalModelStorage.__new__(LocalModelStorage)
    return DucklingWhenNeeded.create(config, storage, Resource("duckling"), context)


def emails(message: Message) -> list[str]:
    return [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == "email"]


async def asked_ahead_then_parsed(extractor: DucklingWhenNeeded, said: str) -> Message:
    """One turn's task: Duckling asked ahead, then the graph's extractor."""
    await extractor.ask_ahead(said)
    [message] = extractor.process([Message(data={TEXT: said})])
    return message


@pytest.fixture(scope="module")
def duckling_server() -> Iterator[DucklingHTTPServer]:
    with running_duckling() as server, pytest.MonkeyPatch.context() as environment:
        environment.setenv("RASA_DUCKLING_HTTP_URL", server.url)  # wins over the config
        yield server


@pytest.fixture
def duckling(
    duckling_server: DucklingHTTPServer,
) -> Iterator[tuple[DucklingWhenNeeded, CountingParser]]:
    parser = CountingParser()
    duckling_server.parser = parser
    yield extractor(), parser


@pytest.fixture
def held(duckling_server: DucklingHTTPServer) -> Iterator[HeldParser]:
    """A Duckling that takes as long as the test wants."""
    parser = HeldParser()
    duckling_server.parser = parser
    yield parser
    parser.let_answer.set()


@pytest.mark.servers
@pytest.mark.parametrize(
    "said",
    ["my printer is jammed", "high", "yes that's right", "the vpn drops every hour"],
)
def test_a_text_without_an_address_is_not_sent(
    duckling: tuple[DucklingWhenNeeded, CountingParser], said: str
) -> None:
    extractor, parser = duckling
    parser.asked.clear()

    [message] = extractor.process([Message(data={TEXT: said})])

    assert parser.asked == [] and not message.get(ENTITIES)


@pytest.mark.servers
@pytest.mark.parametrize(
    ("said", "address"),
    [
        ("it's jane.doe@example.com", "jane.doe@example.com"),
        ("jane dot doe at example dot com", "jane.doe@example.com"),
    ],
)
def test_an_address_is_sent_and_found(
    duckling: tuple[DucklingWhenNeeded, CountingParser], said: str, address: str
) -> None:
    extractor, parser = duckling
    parser.asked.clear()

    [message] = extractor.process([Message(data={TEXT: said})])

    assert parser.asked == [said]
    assert [e["value"] for e in message.get(ENTITIES)] == [address]


def test_a_dimension_without_a_known_need_is_always_asked_for() -> None:
    assert could_parse("next tuesday", ["time"])
    assert not could_parse("next tuesday", ["email"])
    assert could_parse("kim AT example dot com", ["email"])
    assert could_parse("anything", None)


@pytest.mark.servers
async def test_asked_ahead_the_graph_finds_the_address_without_asking_again(
    duckling: tuple[DucklingWhenNeeded, CountingParser],
) -> None:
    extractor, parser = duckling

    message = await asked_ahead_then_parsed(extractor, ADDRESS_SAID)

    assert parser.asked == [ADDRESS_SAID]
    assert emails(message) == ["jane.doe@example.com"]


@pytest.mark.servers
async def test_an_answer_asked_ahead_is_for_its_own_text_only(
    duckling: tuple[DucklingWhenNeeded, CountingParser],
) -> None:
    extractor, parser = duckling
    await extractor.ask_ahead(ADDRESS_SAID)

    [other] = extractor.process([Message(data={TEXT: "kim at contoso dot com"})])

    assert parser.asked == [ADDRESS_SAID, "kim at contoso dot com"]
    assert emails(other) == ["kim@contoso.com"]


@pytest.mark.servers
async def test_while_duckling_answers_other_calls_turns_go_on(held: HeldParser) -> None:
    """The other turn lets Duckling answer: with a blocking request it could not run
    until Duckling gave up, and the address would be lost."""

    async def another_calls_turn() -> None:
        await asyncio.to_thread(held.received.wait, 5)
        held.let_answer.set()

    message, _ = await asyncio.gather(
        asked_ahead_then_parsed(extractor(), ADDRESS_SAID), another_calls_turn()
    )

    assert emails(message) == ["jane.doe@example.com"]


@pytest.mark.servers
async def test_a_duckling_that_does_not_answer_in_time_costs_the_timeout_and_no_more(
    held: HeldParser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        message = await asked_ahead_then_parsed(extractor(timeout=0.2), ADDRESS_SAID)

    assert emails(message) == [] and held.received.is_set()
    assert [r.getMessage() for r in caplog.records] == ["Duckling could not be asked: TimeoutError"]


async def test_without_duckling_the_turn_goes_on_without_its_entities(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("RASA_DUCKLING_HTTP_URL", f"http://127.0.0.1:{free_port()}")

    with caplog.at_level(logging.ERROR):
        message = await asked_ahead_then_parsed(extractor(), ADDRESS_SAID)

    assert emails(message) == []
    # One error: the graph did not try (and wait) again.
    assert [r.getMessage() for r in caplog.records] == [
        "Duckling could not be asked: ClientConnectorError"
    ]


@pytest.mark.servers
async def test_a_turn_of_the_trained_model_asks_duckling_once(
    trained_agent: Agent,
    duckling_server: DucklingHTTPServer,
    duckling: tuple[DucklingWhenNeeded, CountingParser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RASA_DUCKLING_HTTP_URL", duckling_server.url)  # not the agent's own
    _, parser = duckling

    async def turn() -> dict[str, Any]:
        await ask_duckling_ahead(trained_agent, ADDRESS_SAID)
        return await trained_agent.parse_message(ADDRESS_SAID)

    parsed = await asyncio.create_task(turn())

    assert parser.asked == [ADDRESS_SAID]
    assert [e["value"] for e in parsed["entities"] if e["entity"] == "email"] == [
        "jane.doe@example.com"
    ]


def test_the_extractor_of_a_model_has_its_configuration() -> None:
    node = SchemaNode(
        needs={},
        uses=DucklingWhenNeeded,
        fn="process",
        constructor_name="create",
        config={"url": "http://duckling:8000", "dimensions": ["email"], "timeout": 2},
    )
    model = SimpleNamespace(predict_schema=GraphSchema({"duckling": node}))
    agent = SimpleNamespace(processor=SimpleNamespace(model_metadata=model))

    found = DucklingWhenNeeded.of_model(agent)

    assert found is not None and found.component_config["timeout"] == 2
    assert found.component_config["locale"] is None  # Rasa's default, filled in
    assert DucklingWhenNeeded.of_model(SimpleNamespace(processor=None)) is None
