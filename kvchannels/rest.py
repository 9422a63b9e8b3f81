"""Rasa's REST channel behind the guard (kvchannels.guard), with a health endpoint.

URL and name stay Rasa's: POST /webhooks/rest/webhook {"sender": ..., "message": ...}.
Added: GET /webhooks/rest/health checks the tracker store, the lock store and the action server
(200 when all answer, 503 naming what is down). A body that is not a JSON object, or a sender
that is not a short string, gets a 400 naming what to fix instead of a server error.

credentials.yml:  kvchannels.rest.GuardedRestInput:
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request

from kvchannels.guard import Guard, health, remember_app
from kvchannels.privacy import EMAIL, FNR, PHONE, mask_pii

MAX_SENDER_CHARS = 128
MAX_METADATA_CHARS = 1000

USAGE = 'send a JSON object: {"sender": "<conversation id>", "message": "<text>"}'


def private_sender(sender: str) -> str:
    """A sender id that is personal data (an e-mail address, a fødselsnummer, a phone number) is
    replaced by a stable pseudonym, so it is neither stored nor logged, and two such senders stay
    two conversations. Random ids that merely contain digits are kept."""
    masked = mask_pii(sender)
    if EMAIL in masked or FNR in masked or masked.strip() == PHONE:
        return "anon-" + hashlib.sha256(sender.encode("utf-8")).hexdigest()[:32]
    return sender


class GuardedRestInput(RestInput):
    """`RestInput` whose messages pass kvchannels.guard first."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _body(self, req: Request) -> Dict[str, Any]:
        try:
            body = req.json
        except Exception:  # noqa: BLE001 - Sanic raises on malformed JSON
            body = None
        if not isinstance(body, dict):
            raise SanicException(f"Bad request: {USAGE}", status_code=400)
        return body

    async def _extract_sender(self, req: Request) -> Optional[str]:
        sender = self._body(req).get("sender")
        if sender is None:
            return None  # Rasa uses its default sender
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            raise SanicException(f"Bad request: 'sender' must be a string of 1–{MAX_SENDER_CHARS} "
                                 f"characters; {USAGE}", status_code=400)
        return private_sender(sender)

    def _extract_message(self, req: Request) -> Optional[str]:
        message = self._body(req).get("message")
        if message is not None and not isinstance(message, str):
            raise SanicException(f"Bad request: 'message' must be a string; {USAGE}", status_code=400)
        return message

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        """Small metadata objects of scalar values are kept (strings masked); others dropped."""
        meta = self._body(request).get("metadata")
        if not isinstance(meta, dict) or len(json.dumps(meta, default=str)) > MAX_METADATA_CHARS:
            return None
        return {str(k): (mask_pii(v) if isinstance(v, str) else v) for k, v in meta.items()
                if isinstance(v, (str, int, float, bool)) or v is None}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = Guard(lambda: self._app)
        bp = super().blueprint(guard.wrap(on_new_message))
        remember_app(bp, self)

        @bp.route("/health", methods=["GET"])
        async def health_check(request: Request) -> Any:
            result = await health(getattr(request.app.ctx, "agent", None))
            ok = all(v == "ok" for v in result.values())
            return response.json({"status": "ok" if ok else "unavailable", **result},
                                 status=200 if ok else 503)

        return bp
