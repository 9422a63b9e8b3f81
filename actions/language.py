"""Detect bokmål/nynorsk on every user message (custom slot mapping of `language`)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text
from kvnlu.language import detect_language

# The widget's first payload carries the page's language: /greet{"language": "nn"}.
LANGUAGE_PAYLOAD = re.compile(r'^/\w+\{.*"language"\s*:\s*"(nb|nn)"')


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        text = latest_text(tracker)
        if text.startswith("/"):
            # A button payload says nothing about the language, unless it names it.
            m = LANGUAGE_PAYLOAD.match(text)
            if m and m.group(1) != tracker.get_slot("language"):
                return [SlotSet("language", m.group(1))]
            return []
        lang = detect_language(text)
        if lang and lang != tracker.get_slot("language"):
            return [SlotSet("language", lang)]
        return []
