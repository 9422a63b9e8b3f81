"""Pure checks on a user message (stdlib only; used by kvchannels.guard inside Rasa, tested in
the application env): cleaning, payload check, the "slett samtalen min" command."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from typing import Optional

logger = logging.getLogger(__name__)

MAX_PAYLOAD_VALUE_CHARS = 100

# --- 1. cleaning -----------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def clean_text(text: Optional[str]) -> str:
    """NFC, control characters (NUL, ...) and unpaired surrogates removed, whitespace collapsed."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return _SPACE.sub(" ", text).strip()


# --- 3. payloads -----------------------------------------------------------------------------

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*)(?P<entities>\{.*\})?$", re.S)


def check_payload(text: str, intents: frozenset, entities: frozenset) -> str:
    """A typed or clicked `/intent{...}` payload if allowed, else the text without its slashes."""
    if not text.startswith("/"):
        return text
    m = _PAYLOAD.match(text)
    if m and m.group("intent") in intents and _entities_ok(m.group("entities"), entities):
        return text
    logger.info("Payload not allowed; treated as text.")
    return text.lstrip("/").strip()


def _entities_ok(raw: Optional[str], allowed: frozenset) -> bool:
    if not raw:
        return True
    try:
        values = json.loads(raw)
    except ValueError:
        return False
    return isinstance(values, dict) and all(
        k in allowed and isinstance(v, str) and 0 < len(v) <= MAX_PAYLOAD_VALUE_CHARS
        for k, v in values.items())


# --- 4. "slett samtalen min" -----------------------------------------------------------------

_POLITE = r"(?:(?:kan|kunne|vil|vær så snill og|ver så snill og)\s+(?:du|dere|de|dykk)\s+|" \
          r"(?:jeg|eg)\s+(?:vil|ønsker å|ønskjer å|ber om at du)\s+(?:du\s+)?|" \
          r"(?:vennligst|venligst|venlegst|gjerne)\s+)?"
_DELETE = re.compile(
    r"^" + _POLITE +
    r"(?:slett(?:e|a)?|fjern(?:e|a)?|glem(?:me)?)\s+"
    r"(?:hele\s+|heile\s+|alt\s+(?:i\s+|om\s+)?)?"
    r"(?:samtalen|samtala|samtale|chatten|chat|praten|historikken|loggen|dataene|dataa|"
    r"opplysningene|opplysningane|meldingene|meldingane|meg|alt)"
    r"(?:\s+(?:min|mi|mitt|mine|vår|vårt|våre|vi har hatt|om meg|med deg))?"
    r"(?:\s*,?\s*(?:takk|er du snill))?[\s.!?]*$")


def is_delete_request(text: str) -> bool:
    return bool(_DELETE.match(text.lower()))


