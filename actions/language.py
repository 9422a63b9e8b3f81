"""Detect bokmål/nynorsk on every user message (custom slot mapping of `language`)."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text
from kvnlu.language import detect_language


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        text = latest_text(tracker)
        if text.startswith("/"):
            return []  # a button payload says nothing about the language
        lang = detect_language(text)
        if lang and lang != tracker.get_slot("language"):
            return [SlotSet("language", lang)]
        return []
