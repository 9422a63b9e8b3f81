"""Feedback from the widget: validated, then stored with the conversation's sender id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, List, Optional

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Engine

from bot.catalog.db import session_scope
from bot.catalog.models import FeedbackRow
from bot.retention import cutoff_timestamp

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


def purge_feedback(engine: Engine, older_than_days: int, now: Optional[float] = None,
                   dry_run: bool = False) -> int:
    """Delete feedback older than `older_than_days` days (exactly that old is kept); the count."""
    cutoff = datetime.fromtimestamp(cutoff_timestamp(older_than_days, now), tz=timezone.utc)
    old = FeedbackRow.created_at < cutoff
    with session_scope(engine) as s:
        if not inspect(s.connection()).has_table(FeedbackRow.__tablename__):
            return 0
        if dry_run:
            return s.scalar(select(func.count()).select_from(FeedbackRow).where(old)) or 0
        return s.execute(delete(FeedbackRow).where(old)).rowcount


def delete_feedback_for_sender(engine: Engine, sender_id: str) -> int:
    """Delete all feedback of one conversation; the number of rows deleted."""
    with session_scope(engine) as s:
        if not inspect(s.connection()).has_table(FeedbackRow.__tablename__):
            return 0
        return s.execute(delete(FeedbackRow).where(FeedbackRow.sender_id == sender_id)).rowcount
