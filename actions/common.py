"""Shared plumbing for the actions: the catalog store, language and error handling."""

from __future__ import annotations

import logging
import threading
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import Labels, Reply, card_labels
from bot.catalog.db import CatalogUnavailable, get_engine
from bot.catalog.records import Concept, Measure, OutsideTopic
from bot.catalog.store import CatalogStore
from bot.texts import t
from bot.understanding import SlotParser, concept_matcher, measure_matcher
from kvnlu.matcher import VocabularyMatcher

log = logging.getLogger(__name__)


@dataclass
class CatalogView:
    """Vocabulary, concepts and all measures, reloaded when the catalog's content hash changes.

    Lookups and name matchers are built once per catalog version, not on every turn.
    """

    digest: Optional[str]
    labels: Labels
    parser: SlotParser
    concepts: List[Concept]
    measures: List[Measure]
    outside: List[OutsideTopic] = field(default_factory=list)
    by_id: Dict[str, Measure] = field(init=False)
    aliases: Dict[str, List[str]] = field(init=False)
    measure_names: VocabularyMatcher = field(init=False)
    concept_names: VocabularyMatcher = field(init=False)
    scheme_of: Dict[str, str] = field(init=False)
    outside_names: VocabularyMatcher = field(init=False)
    fact_matchers: Dict[str, VocabularyMatcher] = field(init=False)
    search: "CatalogSearch" = field(init=False)  # noqa: F821 - imported where it is built

    def __post_init__(self) -> None:
        from bot.knowledge.search import CatalogSearch
        from bot.knowledge.verdicts import fact_matchers

        self.fact_matchers = fact_matchers(self.measures)
        self.search = CatalogSearch(self.measures)
        self.outside_names = VocabularyMatcher(("outside", o.id, term) for o in self.outside for term in o.terms)
        self.scheme_of = {c.id: c.scheme for c in self.concepts if c.scheme}
        self.by_id = {m.id: m for m in self.measures}
        self.aliases = {m.id: list(m.aliases) for m in self.measures}
        self.measure_names = measure_matcher(self.measures)
        self.concept_names = concept_matcher(self.concepts)


_store: Optional[CatalogStore] = None
_view: Optional[CatalogView] = None
_lock = threading.Lock()


def store() -> CatalogStore:
    global _store
    with _lock:
        if _store is None:
            _store = CatalogStore(get_engine())
        return _store


def view() -> CatalogView:
    """The cached catalog view; one cheap query checks that it is current."""
    global _view
    s = store()
    digest = s.content_hash()
    if digest is None:
        raise CatalogUnavailable("catalog database not loaded or unreachable")
    with _lock:
        if _view is None or _view.digest != digest:
            terms = s.terms()
            _view = CatalogView(digest, Labels(terms), SlotParser(terms), s.concepts(), s.all_measures(),
                                s.outside_topics())
        return _view


def language(tracker: Tracker) -> str:
    return "nn" if tracker.get_slot("language") == "nn" else "nb"


def today() -> date:
    return date.today()


CARD_CHANNELS = {"socketio"}  # channels whose client (our widget) renders suggestion cards


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Optional[Tracker] = None) -> None:
    """Send a reply; to the widget, suggestion results go as header, one cards message, footer."""
    if reply.cards and tracker is not None and tracker.get_latest_input_channel() in CARD_CHANNELS:
        lang = language(tracker)
        dispatcher.utter_message(text=reply.header)
        # Rasa's socket.io channel emits a custom message as emit(event, **json_message):
        # the widget receives what is under "data".
        dispatcher.utter_message(json_message={"data": {
            "type": "measure_cards", "cards": reply.cards, "labels": card_labels(lang)}})
        dispatcher.utter_message(text=reply.footer, buttons=reply.buttons)
        return
    if reply.buttons:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)
    else:
        dispatcher.utter_message(text=reply.text)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> tuple:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_entities(tracker: Tracker) -> List[Dict[str, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


class CatalogAction(Action, metaclass=ABCMeta):
    """An action that reads the catalog; a database failure becomes a polite apology."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except CatalogUnavailable as exc:
            log.error("catalog unavailable in %s: %s", self.name(), exc)
            dispatcher.utter_message(text=t("db_down", language(tracker)))
            return []
