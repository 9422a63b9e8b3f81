"""Retention: old conversations (Rasa's `events` table) and feedback are purged, one can be deleted.

Runs on SQLite and on a real PostgreSQL (TEST_POSTGRES_URL, private schema per test; outside CI
a missing server skips, in CI (CI=true) it fails), plus the CLI in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)

from bot.catalog.db import make_engine
from bot.catalog.migrate import upgrade
from bot.feedback import Feedback, delete_feedback_for_sender, list_feedback, purge_feedback, record
from bot.retention import PurgeResult, delete_conversation, purge_conversations, tracker_engine
from bot.settings import ROOT
from tests.conftest import pg_schema_engine

DAY = 86400
NOW = 1_790_000_000.0  # a fixed "now" (2026-09-21)

# The same columns as Rasa 3.6's SQLTrackerStore.SQLEvent (rasa/core/tracker_store.py).
_meta = MetaData()
EVENTS = Table(
    "events", _meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# sender -> event ages in days before NOW
CONVERSATIONS = {
    "old-finished": [200, 199.5, 95],  # latest event 95 days ago: purged after 90 days
    "old-active": [300, 10],           # started long ago, still in use: kept whole
    "new": [1, 0.5, 0],
}


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):
    """An empty database: a SQLite file, or a private schema on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", timeout=5)
        yield engine
        engine.dispose()
    else:
        with pg_schema_engine() as engine:
            yield engine


def add_events(engine, conversations=CONVERSATIONS, now=NOW):
    _meta.create_all(engine)
    with engine.begin() as conn:
        for sender, ages in conversations.items():
            for age in ages:
                conn.execute(EVENTS.insert().values(
                    sender_id=sender, type_name="user", timestamp=now - age * DAY,
                    intent_name="greet", data='{"event": "user", "text": "hei"}'))


def events_by_sender(engine):
    with engine.connect() as conn:
        rows = conn.execute(select(EVENTS.c.sender_id, func.count()).group_by(EVENTS.c.sender_id))
        return dict(rows.all())


# --- conversations ---------------------------------------------------------------------------


def test_purge_deletes_only_conversations_whose_latest_event_is_old(db):
    add_events(db)
    assert purge_conversations(db, 90, now=NOW) == PurgeResult(senders=1, events=3)
    assert events_by_sender(db) == {"old-active": 2, "new": 3}
    assert purge_conversations(db, 90, now=NOW) == PurgeResult(0, 0)  # nothing left to purge


def test_dry_run_counts_and_deletes_nothing(db):
    add_events(db)
    assert purge_conversations(db, 90, now=NOW, dry_run=True) == PurgeResult(1, 3)
    assert purge_conversations(db, 5, now=NOW, dry_run=True) == PurgeResult(2, 5)
    assert events_by_sender(db) == {"old-finished": 3, "old-active": 2, "new": 3}


def test_a_shorter_period_purges_more_but_never_part_of_a_conversation(db):
    add_events(db)
    assert purge_conversations(db, 5, now=NOW) == PurgeResult(2, 5)
    assert events_by_sender(db) == {"new": 3}


def test_boundary_exactly_n_days_old_is_kept(db):
    add_events(db, {"exactly-90": [120, 90], "90-and-a-second": [120, 90 + 1 / DAY], "89": [89]})
    assert purge_conversations(db, 90, now=NOW) == PurgeResult(1, 2)
    assert events_by_sender(db) == {"exactly-90": 2, "89": 1}


def test_default_now_is_the_current_time(db):
    add_events(db, now=time.time())
    assert purge_conversations(db) == PurgeResult(1, 3)  # default: 90 days


def test_missing_events_table_is_nothing_to_purge(db):
    assert purge_conversations(db, 90, now=NOW) == PurgeResult(0, 0)
    assert delete_conversation(db, "anyone") == 0


@pytest.mark.parametrize("days", [0, -1, 1.5, True, "90", None])
def test_retention_period_must_be_at_least_one_day(days, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", timeout=5)
    with pytest.raises(ValueError, match="older_than_days must be a whole number of days >= 1"):
        purge_conversations(engine, days, now=NOW)
    with pytest.raises(ValueError, match="older_than_days must be a whole number of days >= 1"):
        purge_feedback(engine, days, now=NOW)


def test_delete_one_conversation(db):
    add_events(db)
    assert delete_conversation(db, "old-active") == 2
    assert delete_conversation(db, "old-active") == 0
    assert delete_conversation(db, "nobody' OR '1'='1") == 0
    assert events_by_sender(db) == {"old-finished": 3, "new": 3}


def test_tracker_engine_url_and_default(monkeypatch):
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    assert tracker_engine().url.database == str(ROOT / "build" / "run" / "tracker.db")
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://kv:secret@db.example:5433/rasa")
    url = tracker_engine().url
    assert (url.drivername, url.host, url.port, url.database) == ("postgresql+psycopg", "db.example", 5433, "rasa")
    assert tracker_engine("sqlite:///x.db").url.database == "x.db"


# --- feedback --------------------------------------------------------------------------------


def add_feedback(engine, ages, sender="s1", now=NOW):
    upgrade(engine)
    for age in ages:
        record(engine, Feedback(sender, "samtale", "ja",
                                datetime.fromtimestamp(now - age * DAY, tz=timezone.utc)))


def _utc(dt):
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)  # SQLite gives it back naive (UTC)


def test_purge_feedback(db):
    add_feedback(db, [100, 90 + 1 / DAY, 90, 3])
    assert purge_feedback(db, 90, now=NOW, dry_run=True) == 2
    assert len(list_feedback(db)) == 4
    assert purge_feedback(db, 90, now=NOW) == 2
    assert sorted(NOW - _utc(f.created_at).timestamp() for f in list_feedback(db)) == [3 * DAY, 90 * DAY]
    assert purge_feedback(db, 90, now=NOW) == 0


def test_delete_feedback_for_sender(db):
    add_feedback(db, [1, 2], sender="a")
    add_feedback(db, [1], sender="b")
    assert delete_feedback_for_sender(db, "a") == 2
    assert [f.sender_id for f in list_feedback(db)] == ["b"]


def test_missing_feedback_table_is_nothing_to_purge(db):
    assert purge_feedback(db, 90, now=NOW) == 0
    assert delete_feedback_for_sender(db, "a") == 0


# --- command line ----------------------------------------------------------------------------


def run_cli(env, *args):
    proc = subprocess.run([sys.executable, "-m", "bot", "conversations", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout.strip(), proc.stderr.strip()


def test_cli_purge_and_delete(tmp_path):
    now = time.time()
    tracker_url, catalog_url = f"sqlite:///{tmp_path / 'tracker.db'}", f"sqlite:///{tmp_path / 'catalog.db'}"
    tracker, catalog = make_engine(tracker_url, 5), make_engine(catalog_url, 5)
    add_events(tracker, now=now)
    add_feedback(catalog, [120], sender="old-finished", now=now)
    add_feedback(catalog, [0], sender="new", now=now)
    env = {k: v for k, v in os.environ.items() if k != "RETENTION_DAYS"}
    env.update(TRACKER_STORE_URL=tracker_url, DATABASE_URL=catalog_url, PYTHONPATH=str(ROOT))

    assert run_cli(env, "purge", "--dry-run") == (
        0, "Would delete 1 conversation (3 events) and 1 feedback row older than 90 days "
           "(dry run: nothing deleted).", "")
    assert events_by_sender(tracker) == {"old-finished": 3, "old-active": 2, "new": 3}
    assert run_cli(env, "purge", "--days", "90") == (
        0, "Deleted 1 conversation (3 events) and 1 feedback row older than 90 days.", "")
    assert run_cli({**env, "RETENTION_DAYS": "5"}, "purge") == (
        0, "Deleted 1 conversation (2 events) and 0 feedback rows older than 5 days.", "")
    assert run_cli(env, "delete", "new") == (0, "Deleted conversation new: 3 events and 1 feedback row.", "")
    assert events_by_sender(tracker) == {} and list_feedback(catalog) == []

    code, out, err = run_cli(env, "purge", "--days", "0")
    assert (code, out) == (2, "") and ">= 1" in err
    code, out, err = run_cli({**env, "RETENTION_DAYS": "ninety"}, "purge")
    assert code == 2 and "RETENTION_DAYS must be a whole number of days" in err
    tracker.dispose()
    catalog.dispose()
