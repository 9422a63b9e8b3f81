"""Mask personal data in text and in every log record (issue "Production mode", point 5).

Users type free text, and some of it is personal data: their fødselsnummer, e-mail address or
phone number. That must not be stored or logged, so this module replaces it with Norwegian
placeholders before it reaches a log line (`install_log_masking`) or a store (`mask_pii`):

* fødselsnummer / D-nummer – 11 digits, together or 6+5 with a space, dot or dash
  ("01019012345", "010190 12345"). No checksum test: a false positive only hides a number,
  a false negative leaks one.                                        -> [fødselsnummer]
* e-mail addresses (æøå in the local part, subdomains, plus-addressing)  -> [e-post]
* Norwegian phone numbers: 8 digits, optionally after +47 / 0047 / (+47), in the ways people
  write them: 8 together ("41234567"), 2+2+2+2 ("41 23 45 67", "22-33-44-55") and 3+2+3
  ("412 34 567") with one kind of separator, and 4+4 ("+47 4123 4567") only after a prefix.
  Other groupings are left alone on purpose: amounts are grouped by three from the right
  ("12 345 678", "1 200 000 kr"), years and ranges are 4 (+4) digits ("2021–2025",
  "2021-2025"), and dates mix separators ("12.03-14.03"), so none of them look like a phone
  number. 8 digits together followed by a currency or % ("12000000 kr") are an amount.
                                                                      -> [telefonnummer]
* international numbers: "+" and 10–15 digits ("+46 8 123 456 78")  -> [telefonnummer]

Everything else stays byte-identical. Masking is idempotent: the rules are applied until
nothing changes (the placeholders contain no digits and no "@", so this ends). Log records are
masked after formatting, so a number split over several arguments is caught too.

Standard library only: imported by the Rasa engine (Python 3.10) and by the action server (3.12).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

FNR = "[fødselsnummer]"
EMAIL = "[e-post]"
PHONE = "[telefonnummer]"
WITHHELD = "[log message withheld: it could not be masked]"

_EMAIL_RE = re.compile(r"[\w.%+'\-]+@(?:[\w\-]+\.)+[^\W\d_]{2,}(?![\w\-])")

_FNR_RE = re.compile(r"(?<!\d)\d{6}[ .\-]?\d{5}(?!\d)")

_SEP = r"[ \u00a0.\-]"
# The 8 digits of a Norwegian number; a grouped number uses one kind of separator throughout.
_NO_DIGITS = (rf"\d{{8}}"
              rf"|\d{{2}}(?P<s1>{_SEP})\d{{2}}(?P=s1)\d{{2}}(?P=s1)\d{{2}}"
              rf"|\d{{3}}(?P<s2>{_SEP})\d{{2}}(?P=s2)\d{{3}}")
_PHONE_PREFIXED_RE = re.compile(
    rf"(?<![\w+])(?:\+47|0047|\(\+47\))[ \u00a0\-]?(?:{_NO_DIGITS}|\d{{4}}{_SEP}\d{{4}})(?!\d)")
_PHONE_RE = re.compile(
    rf"(?<![\d+])(?:{_NO_DIGITS})(?!\d)(?![ \u00a0]?(?:kr\b|kr\.|kroner|nok\b|,-|%|prosent))",
    re.IGNORECASE)
_INTL_RE = re.compile(r"(?<![\w+])\+\d(?:[ \u00a0.\-/()]{0,2}\d){9,14}(?!\d)")

_RULES = (  # order matters: whole e-mail addresses first, the 11-digit number before the 8 in it
    (_EMAIL_RE, EMAIL),
    (_FNR_RE, FNR),
    (_PHONE_PREFIXED_RE, PHONE),
    (_INTL_RE, PHONE),
    (_PHONE_RE, PHONE),
)


def mask_pii(text: Optional[str]) -> str:
    """`text` with personal data replaced by placeholders; "" for None."""
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    while True:  # until nothing changes, so that masking twice = once (each pass removes digits)
        masked = text
        for pattern, placeholder in _RULES:
            masked = pattern.sub(placeholder, masked)
        if masked == text:
            return text
        text = masked


def looks_like_pii(text: Optional[str]) -> bool:
    """True when `mask_pii` would change the text."""
    return bool(text) and mask_pii(text) != text


def _mask_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        if record.args:
            try:
                message = record.getMessage()
            except Exception:  # a bad format string: mask the parts, let logging report it
                record.msg = mask_pii(record.msg)
                args = record.args if isinstance(record.args, tuple) else (record.args,)
                record.args = tuple(mask_pii(a) if isinstance(a, str) else a for a in args)
                return
            record.msg, record.args = mask_pii(message), ()
        else:
            record.msg = mask_pii(record.msg)
    elif record.msg is not None:
        shown = record.getMessage()
        masked = mask_pii(shown)
        if masked != shown:
            record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_pii(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask_pii(record.stack_info)


def install_log_masking() -> None:
    """Mask personal data in every log record of this process, whichever logger or handler.

    Wraps the log record factory, so it works for records created after the call; calling it
    again does nothing. The factory never raises.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_kv_masks_pii", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            _mask_record(record)
        except Exception:  # never raise from logging, and never let unmasked text through
            record.msg, record.args = WITHHELD, ()
            record.exc_info = record.exc_text = record.stack_info = None
        return record

    factory._kv_masks_pii = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
