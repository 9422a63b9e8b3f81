"""Retention of stored conversations: purge old ones, delete one on request (issue "Production mode").

Rasa's SQL tracker store keeps every conversation as rows of the table `events` (one row per
event, `sender_id` = the conversation, `timestamp` = Unix seconds). A conversation is purged
when its *latest* event is older than the retention period, and then as a whole; a
conversation that started long ago but is still in use is kept whole. "Older than N days" is
strict: a conversation whose latest event is exactly N days old is kept.

Used by `python -m bot conversations purge|delete`; feedback rows are handled in bot.feedback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Float, Integer, String, column, func, inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.catalog.db import make_engine
from bot.settings import ROOT, get_settings

DAY_SECONDS = 86400
DEFAULT_RETENTION_DAYS = 90
TRACKER_SQLITE = ROOT / "build" / "run" / "tracker.db"  # where bot.launch puts it without TRACKER_STORE_URL

# The columns of Rasa's SQLTrackerStore.SQLEvent this module needs (rasa/core/tracker_store.py).
EVENTS = table("events", column("id", Integer), column("sender_id", String), column("timestamp", Float))


class TrackerUnavailable(Exception):
    """The tracker store database cannot be reached."""


@dataclass(frozen=True)
class PurgeResult:
    senders: int
    events: int


def cutoff_timestamp(older_than_days: int, now: Optional[float] = None) -> float:
    """Unix time `older_than_days` days before `now` (default: the current time)."""
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int) or older_than_days < 1:
        raise ValueError(f"older_than_days must be a whole number of days >= 1, got {older_than_days!r}")
    return (time.time() if now is None else now) - older_than_days * DAY_SECONDS


def retention_days() -> int:
    """RETENTION_DAYS from the environment, else 90."""
    return get_settings().retention_days


def tracker_engine(url: Optional[str] = None) -> Engine:
    """The tracker store database: `url`, else TRACKER_STORE_URL, else Rasa's local SQLite file."""
    url = url or get_settings().tracker_store_url
    if not url:
        TRACKER_SQLITE.parent.mkdir(parents=True, exist_ok=True)  # before the first `make run`
        url = f"sqlite:///{TRACKER_SQLITE}"
    url = url.replace("postgresql+psycopg2://", "postgresql://", 1)  # a form bot.launch accepts
    return make_engine(url, get_settings().db_timeout_seconds)


def _has_events(conn) -> bool:
    return inspect(conn).has_table("events")


def purge_conversations(engine: Engine, older_than_days: int = DEFAULT_RETENTION_DAYS,
                        now: Optional[float] = None, dry_run: bool = False) -> PurgeResult:
    """Delete every conversation whose latest event is older than `older_than_days` days."""
    cutoff = cutoff_timestamp(older_than_days, now)
    stale = (select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
             .having(func.max(EVENTS.c.timestamp) < cutoff).correlate(None))
    try:
        with engine.begin() as conn:
            if not _has_events(conn):
                return PurgeResult(0, 0)
            senders, events = conn.execute(
                select(func.count(func.distinct(EVENTS.c.sender_id)), func.count())
                .where(EVENTS.c.sender_id.in_(stale))).one()
            if not dry_run and events:
                # One statement: the staleness test is evaluated again when deleting, so an event
                # written meanwhile keeps its conversation.
                events = conn.execute(EVENTS.delete().where(EVENTS.c.sender_id.in_(stale))).rowcount
            return PurgeResult(int(senders), int(events))
    except (OperationalError, DBAPIError) as exc:
        raise TrackerUnavailable(str(exc).splitlines()[0]) from exc


def delete_conversation(engine: Engine, sender_id: str) -> int:
    """Delete all events of one conversation; the number of events deleted."""
    try:
        with engine.begin() as conn:
            if not _has_events(conn):
                return 0
            return conn.execute(EVENTS.delete().where(EVENTS.c.sender_id == sender_id)).rowcount
    except (OperationalError, DBAPIError) as exc:
        raise TrackerUnavailable(str(exc).splitlines()[0]) from exc
