"""Duckling is asked only about a text that can hold what it parses; what it finds is
what Rasa's own extractor finds (a real Duckling, over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.duckling_when_needed import DucklingWhenNeeded, could_parse
from tools.fakes.duckling_server import DucklingParser, running_duckling


class CountingParser(DucklingParser):
    """The real parser, counting the texts it was asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def parse(self, fields: dict[str, str]) -> list[dict[str, Any]]:
        self.asked.append(fields.get("text", ""))
        return super().parse(fields)


@pytest.fixture(scope="module")
def duckling() -> Iterator[tuple[DucklingWhenNeeded, CountingParser]]:
    with running_duckling() as server, pytest.MonkeyPatch.context() as environment:
        environment.setenv("RASA_DUCKLING_HTTP_URL", server.url)  # wins over the config
        parser = CountingParser()
        server.parser = parser
        config = {**DucklingWhenNeeded.get_default_config(), "dimensions": ["email"]}
        context = ExecutionContext(GraphSchema({}), "test")
        storage = LocalModelStorage.__new__(LocalModelStorage)
        yield DucklingWhenNeeded.create(config, storage, Resource("duckling"), context), parser


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
