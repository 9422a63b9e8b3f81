"""Rasa pipeline component: entities from the catalog vocabulary.

Runs inside the Rasa engine (Python 3.10). It imports nothing from the
application environment: the matcher is stdlib-only and the vocabulary is read
from ``data/catalog/vocabulary.yml`` at training time and stored in the model.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kvnlu.matcher import (
    SLOT_GROUPS,
    Token,
    VocabularyMatcher,
    normalize,
    tokenize,
    vocabulary_entries,
)

ENTRIES_FILE = "vocabulary_entries.json"


def _save_entries(model_storage: ModelStorage, resource: Resource, filename: str,
                  entries: List[List[str]]) -> None:
    """Store a component's matcher entries in the model."""
    with model_storage.write_to(resource) as directory:
        (directory / filename).write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def _load_entries(model_storage: ModelStorage, resource: Resource, filename: str) -> List[List[str]]:
    """A component's matcher entries from the model; none when the model has no such resource."""
    try:
        with model_storage.read_from(resource) as directory:
            return json.loads((directory / filename).read_text(encoding="utf-8"))
    except ValueError:
        return []


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class VocabularyEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds sector, role, theme, audience, anchoring and duration mentions."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"vocabulary_file": "data/catalog/vocabulary.yml"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        entries: Optional[List[List[str]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._entries = entries or []
        self._matcher = VocabularyMatcher(tuple(e) for e in self._entries)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VocabularyEntityExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        path = self._config["vocabulary_file"]
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"VocabularyEntityExtractor: vocabulary file '{path}' not found; "
                "run rasa from the project root or set vocabulary_file in config.yml"
            )
        with open(path, encoding="utf-8") as f:
            vocabulary = yaml.safe_load(f)
        self._entries = [list(e) for e in vocabulary_entries(vocabulary, SLOT_GROUPS)]
        self._matcher = VocabularyMatcher(tuple(e) for e in self._entries)
        _save_entries(self._model_storage, self._resource, ENTRIES_FILE, self._entries)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "VocabularyEntityExtractor":
        return cls(config, model_storage, resource, _load_entries(model_storage, resource, ENTRIES_FILE))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = self.extract(text, message.get(TOKENS_NAMES[TEXT]) or [])
            if entities:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(entities),
                    add_to_output=True,
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def extract(self, text: str, rasa_tokens: List[Any]) -> List[Dict[Text, Any]]:
        norm = normalize(text)
        if len(norm) != len(text):  # offsets must stay valid for the original text
            norm = text.lower()
        lemmas = {(t.start, t.end): (t.lemma or "") for t in rasa_tokens if hasattr(t, "lemma")}
        tokens = [
            Token(t.text, t.start, t.end, lemmas.get((t.start, t.end)) or None)
            for t in tokenize(norm)
        ]
        return [
            {
                "entity": m.entity,
                "value": m.value,
                "start": m.start,
                "end": m.end,
                "confidence_entity": 1.0 if m.quality >= 3 else 0.8,
            }
            for m in self._matcher.find(tokens, text)
        ]


NAMES_FILE = "catalog_names.json"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class QuestionRouter(GraphComponent):
    """Turns a question that names a catalog measure/scheme or concept into ask_measure /
    ask_concept when DIET put it elsewhere. Names come from data/catalog at training time."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"catalog_dir": "data/catalog"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 entries: Optional[List[List[str]]] = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._set_entries(entries or [])

    def _set_entries(self, entries: List[List[str]]) -> None:
        self._entries = entries
        self._measures = VocabularyMatcher(tuple(e) for e in entries if e[0] == "measure")
        self._concepts = VocabularyMatcher(tuple(e) for e in entries if e[0] == "concept")

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "QuestionRouter":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from kvnlu.questions import read_catalog_names

        try:
            entries = read_catalog_names(self._config["catalog_dir"])
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"QuestionRouter: {exc}") from exc
        self._set_entries([list(e) for e in entries])
        _save_entries(self._model_storage, self._resource, NAMES_FILE, self._entries)
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any) -> "QuestionRouter":
        return cls(config, model_storage, resource, _load_entries(model_storage, resource, NAMES_FILE))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def route(self, text: str, intent: Optional[str]) -> Optional[str]:
        """The knowledge intent this message should have, or None to keep DIET's."""
        from kvnlu.questions import route_question

        return route_question(text, intent, self._measures, self._concepts)

    def process(self, messages: List[Message]) -> List[Message]:
        from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY

        for message in messages:
            intent = message.get(INTENT) or {}
            routed = self.route(message.get(TEXT) or "", intent.get(INTENT_NAME_KEY))
            if not routed:
                continue
            confidence = max(float(intent.get("confidence") or 0.0), 0.9)
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != routed]
            message.set(INTENT, {INTENT_NAME_KEY: routed, "confidence": confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: routed, "confidence": confidence}] + ranking,
                        add_to_output=True)
        return messages
