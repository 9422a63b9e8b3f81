"""Store feedback from the widget (👍/👎 per suggestion, "Fikk du svar?") with the conversation."""

from __future__ import annotations

import logging

from actions.common import CatalogAction, language, latest_entities, store, view
from bot.feedback import parse_feedback, record
from bot.texts import t

log = logging.getLogger(__name__)


class ActionRecordFeedback(CatalogAction):
    def name(self) -> str:
        return "action_record_feedback"

    async def act(self, dispatcher, tracker, domain):
        values = {e.get("entity"): e.get("value") for e in latest_entities(tracker)}
        lang = language(tracker)
        fb = parse_feedback(tracker.sender_id, values.get("target"), values.get("rating"),
                            view().by_id.keys())
        if fb is None:
            dispatcher.utter_message(text=t("feedback_how", lang))
            return []
        record(store().engine, fb)
        dispatcher.utter_message(text=t("feedback_thanks", lang))
        return []
