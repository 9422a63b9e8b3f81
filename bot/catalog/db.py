"""One engine per process, short sessions, and a domain error when the database is down."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings, get_settings


class CatalogUnavailable(Exception):
    """The catalog database cannot be reached or has not been loaded."""


_lock = threading.Lock()
_engines: dict = {}


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, timeout: float) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    parsed = make_url(url)
    # Keep options given in the URL (e.g. search_path) and add the statement timeout.
    options = " ".join(filter(None, [parsed.query.get("options"), f"-c statement_timeout={int(timeout * 1000)}"]))
    return create_engine(
        parsed.difference_update_query(["options"]),
        pool_pre_ping=True,
        pool_timeout=timeout,
        connect_args={"connect_timeout": max(1, int(timeout)), "options": options},
    )


def get_engine(settings: Optional[Settings] = None) -> Engine:
    settings = settings or get_settings()
    key = normalize_url(settings.database_url)
    with _lock:
        if key not in _engines:
            _engines[key] = make_engine(key, settings.db_timeout_seconds)
        return _engines[key]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A short unit of work; database failures become CatalogUnavailable."""
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with factory() as session:
            with session.begin():
                yield session
    except (OperationalError, DBAPIError) as exc:
        raise CatalogUnavailable(str(exc).splitlines()[0]) from exc
