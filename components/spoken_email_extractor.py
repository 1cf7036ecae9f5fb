"""Rasa NLU component: the `email` entity from spoken or written addresses."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from helpdesk.spoken_email import find_spoken_email

EMAIL_ENTITY = "email"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class SpokenEmailExtractor(GraphComponent, EntityExtractorMixin):
    """Reads addresses from phone transcripts; replaces other extractors' `email` entities.

    Listed after Duckling's extractor in config.yml, so that a message carries one
    `email` entity, this one, whenever it finds an address.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpokenEmailExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = find_spoken_email(message.get(TEXT) or "")
            if found is None:
                continue
            others = [e for e in message.get(ENTITIES, []) if e.get("entity") != EMAIL_ENTITY]
            entity = {
                "entity": EMAIL_ENTITY,
                "value": found.address,
                "start": found.start,
                "end": found.end,
                "confidence": 1.0,
            }
            message.set(ENTITIES, others + self.add_extractor_name([entity]), add_to_output=True)
        return messages
