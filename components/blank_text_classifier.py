"""Rasa NLU component: the logistic-regression intent classifier, safe with blank text.

Rasa 3.6's LogisticRegressionClassifier fails on a message with no words: its
featurizers return one feature fewer for an empty text, and scikit-learn refuses the
matrix (HTTP 500 from `/model/parse`, an error on the REST channel). A recogniser can
return an empty result, and a text client can send whitespace. Blank text has no
intent; the FallbackClassifier after this one then makes it `nlu_fallback`, which the
dialogue answers with "Sorry, I didn't get that", like any words it did not understand.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

NO_INTENT = {"name": None, "confidence": 0.0}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlankSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Classifies messages with words; gives blank ones no intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        worded = [message for message in messages if str(message.get(TEXT) or "").strip()]
        if worded:
            super().process(worded)
        for message in messages:
            if message not in worded:
                message.set(INTENT, dict(NO_INTENT), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
