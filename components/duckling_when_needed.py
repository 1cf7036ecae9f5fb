"""Rasa NLU component: Rasa's Duckling extractor, asking Duckling only when it can
answer, and without holding the event loop.

Rasa 3.6's DucklingEntityExtractor sends every message to Duckling with a blocking
HTTP request, on the Rasa server's event loop: while it waits, no other call's turn
moves (9 % of the server's time under 40 calls, py-spy). Two changes, and nothing
that can be extracted changes:

- Most of what callers say cannot hold anything the configured dimensions parse:
  Duckling's email rules need an "@" or the word "at" between two words. Such a
  message gets no Duckling entity without a request.
- A voice line asks Duckling before the turn reaches Rasa (`ask_ahead`), with
  asyncio, and the graph uses that answer (`_duckling_parse`). The NLU graph is
  synchronous, so only a request made before it can leave the loop free. Without a
  voice line (`rasa shell`, `rasa test`) the extractor asks as Rasa's does.

A Duckling outage degrades as Rasa's extractor does: an error logged, no entities.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import time
from typing import Any

import aiohttp
from rasa.core.agent import Agent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.duckling_entity_extractor import DucklingEntityExtractor
from rasa.utils.endpoints import concat_url

logger = logging.getLogger(__name__)

# What a text must hold for Duckling to find each dimension in it; a dimension not
# listed here is always asked for.
NEEDS = {
    "email": re.compile(r"@|\bat\b", re.IGNORECASE),
}

# Duckling's answer for the turn being handled, asked before the graph: (text, matches).
# A context variable, so it reaches the graph that runs inside the turn's task and no
# other turn; kept out of the message's metadata, which is stored with every event.
_ASKED_AHEAD: contextvars.ContextVar[tuple[str, list[dict[str, Any]]] | None] = (
    contextvars.ContextVar("duckling_asked_ahead", default=None)
)


def could_parse(text: str, dimensions: list[str] | None) -> bool:
    """Whether Duckling could find any of `dimensions` (None: all of them) in `text`."""
    if not dimensions:
        return True
    return any(dimension not in NEEDS or NEEDS[dimension].search(text) for dimension in dimensions)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class DucklingWhenNeeded(DucklingEntityExtractor):
    """Duckling entities, asked ahead of the graph or only for a text that can hold one."""

    @classmethod
    def of_model(cls, agent: Agent) -> DucklingWhenNeeded | None:
        """The extractor as the agent's model configures it; None without one."""
        model = agent.processor.model_metadata if agent.processor else None
        nodes = model.predict_schema.nodes.values() if model else ()
        for node in nodes:
            if isinstance(node.uses, type) and issubclass(node.uses, cls):
                return cls({**cls.get_default_config(), **node.config})
        return None

    def _duckling_parse(self, text: str, reference_time: int) -> list[dict[str, Any]]:
        """Duckling's matches: the answer asked ahead for this text, none for a text
        that cannot hold any, else Rasa's own request."""
        text = text or ""
        ahead = _ASKED_AHEAD.get()
        if ahead is not None and ahead[0] == text:
            return ahead[1]
        if not could_parse(text, self.component_config.get("dimensions")):
            return []
        return super()._duckling_parse(text, reference_time)

    async def ask_ahead(self, text: str) -> None:
        """Asks Duckling about `text` without blocking, for the graph run next in this
        task (see `_duckling_parse`); gives up after the configured timeout."""
        url = self._url()
        if url is None or not could_parse(text, self.component_config.get("dimensions")):
            return
        payload = {
            key: value
            for key, value in self._payload(text, int(time.time()) * 1000).items()
            if value is not None
        }
        _ASKED_AHEAD.set((text, await self._fetch(concat_url(url, "/parse"), payload)))

    async def _fetch(self, parse_url: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
        timeout = aiohttp.ClientTimeout(total=self.component_config.get("timeout"))
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(parse_url, data=payload) as response,
            ):
                if response.status != 200:
                    logger.error("Duckling answered HTTP %d", response.status)
                    return []
                matches = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            logger.error("Duckling could not be asked: %s", type(error).__name__)
            return []
        return matches if isinstance(matches, list) else []


async def ask_duckling_ahead(agent: Agent, text: str) -> None:
    """Duckling's answer about `text`, asked for the turn this task runs next."""
    extractor = DucklingWhenNeeded.of_model(agent)
    if extractor is not None:
        await extractor.ask_ahead(text)
