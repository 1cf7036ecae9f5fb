"""Rasa NLU component: Rasa's Duckling extractor, asking Duckling only when it can answer.

Rasa 3.6's DucklingEntityExtractor sends every message to Duckling with a blocking
HTTP request, on the Rasa server's event loop: while it waits, no other call's turn
moves (9 % of the server's time under 40 calls, py-spy). Most of what callers say
cannot hold anything the configured dimensions parse: Duckling's email rules need an
"@" or the word "at" between two words. Such a message gets no Duckling entity
without the request; every other message is sent as before, so what is extracted is
unchanged, and a Duckling outage still degrades as Rasa's extractor does.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.duckling_entity_extractor import DucklingEntityExtractor

# What a text must hold for Duckling to find each dimension in it; a dimension not
# listed here is always asked for.
NEEDS = {
    "email": re.compile(r"@|\bat\b", re.IGNORECASE),
}


def could_parse(text: str, dimensions: list[str] | None) -> bool:
    """Whether Duckling could find any of `dimensions` (None: all of them) in `text`."""
    if not dimensions:
        return True
    return any(dimension not in NEEDS or NEEDS[dimension].search(text) for dimension in dimensions)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class DucklingWhenNeeded(DucklingEntityExtractor):
    """Duckling entities, without a request for a text that cannot hold any."""

    def _duckling_parse(self, text: str, reference_time: int) -> list[dict[str, Any]]:
        if not could_parse(text or "", self.component_config.get("dimensions")):
            return []
        return super()._duckling_parse(text, reference_time)
