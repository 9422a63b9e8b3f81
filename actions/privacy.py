""""Slett samtalen min": the application's part (feedback rows stored with the sender id).

The Rasa side (kvchannels.guard) deletes the tracker events and calls this action directly on
the action server; it is not in the domain, so no story or rule can predict it.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action

from actions.common import store
from bot.catalog.db import CatalogUnavailable
from bot.feedback import delete_feedback_for_sender

log = logging.getLogger(__name__)


class ActionDeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher, tracker, domain):
        try:
            n = delete_feedback_for_sender(store().engine, tracker.sender_id)
        except CatalogUnavailable as exc:
            # The guard reports the failure to the user; Rasa sees a failed action call.
            log.error("could not delete feedback: %s", exc)
            raise
        log.info("deleted %d feedback rows on the user's request", n)
        return []
