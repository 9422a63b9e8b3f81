"""Feedback from the widget: validated, then stored with the conversation's sender id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.catalog.db import session_scope
from bot.catalog.models import FeedbackRow

CONVERSATION = "samtale"
CARD_RATINGS = ("up", "down")
CONVERSATION_RATINGS = ("ja", "delvis", "nei")


@dataclass(frozen=True)
class Feedback:
    sender_id: str
    target: str
    rating: str
    created_at: Optional[datetime] = None


def parse_feedback(sender_id: str, target: object, rating: object,
                   measure_ids: Iterable[str]) -> Optional[Feedback]:
    """A Feedback when target and rating are allowed values, else None (never stored)."""
    if not isinstance(target, str) or not isinstance(rating, str) or not sender_id:
        return None
    target, rating = target.strip(), rating.strip().lower()
    if target == CONVERSATION:
        ok = rating in CONVERSATION_RATINGS
    else:
        ok = rating in CARD_RATINGS and target in set(measure_ids)
    return Feedback(sender_id[:128], target, rating) if ok else None


def record(engine: Engine, fb: Feedback) -> None:
    with session_scope(engine) as s:
        s.add(FeedbackRow(sender_id=fb.sender_id, target=fb.target, rating=fb.rating,
                          created_at=fb.created_at or datetime.now(timezone.utc)))


def list_feedback(engine: Engine, sender_id: Optional[str] = None) -> List[Feedback]:
    query = select(FeedbackRow).order_by(FeedbackRow.id)
    if sender_id:
        query = query.where(FeedbackRow.sender_id == sender_id)
    with session_scope(engine) as s:
        return [Feedback(r.sender_id, r.target, r.rating, r.created_at) for r in s.scalars(query)]
