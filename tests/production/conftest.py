"""The production configuration for real: PostgreSQL (catalog + tracker store), Redis (lock
store), two Rasa replicas sharing them, and TCP proxies in front of PostgreSQL so a test can take
a database away and bring it back.

Uses TEST_POSTGRES_URL (default: the local server) and TEST_REDIS_URL (default
redis://127.0.0.1:6379/0). Outside CI a missing server skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from typing import Iterator, List, Optional
from urllib.parse import urlparse

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.catalog.db import make_engine, normalize_url
from bot.catalog.loader import load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import content_hash, write_catalog
from tests.conftest import CATALOG_DIR, IN_CI, PG_URL, free_port, require_service
from tests.production.proxy import TcpProxy

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ALLOWED_ORIGIN = "https://intranett.example.no"


def _missing(what: str, exc: Exception) -> None:
    require_service(f"{what} is required in CI: {exc}" if IN_CI else f"{what} not reachable: {exc}")


def redis_ping(url: str = REDIS_URL) -> None:
    u = urlparse(url)
    with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=3) as s:
        s.sendall(b"PING\r\n")
        reply = s.recv(64)
    if not reply.startswith(b"+PONG"):
        raise ConnectionError(f"Redis answered {reply!r}")


class PgDatabase:
    """A fresh database on the test server, dropped afterwards."""

    def __init__(self, prefix: str):
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT",
                                   connect_args={"connect_timeout": 3})
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        u = urlparse(PG_URL)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 5432
        self.user = u.username or "postgres"

    def url(self, port: Optional[int] = None) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{port or self.port}/{self.name}"

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@dataclass
class Production:
    """Replica A (action server + Rasa) and replica B (Rasa), sharing PostgreSQL and Redis."""

    a: object
    b: object
    catalog_db: PgDatabase
    tracker_db: PgDatabase
    catalog_proxy: TcpProxy
    tracker_proxy: TcpProxy

    def tracker_engine(self):
        return create_engine(normalize_url(self.tracker_db.url()))

    def catalog_engine(self):
        return make_engine(self.catalog_db.url(), timeout=5)

    def events(self, sender: str) -> List[dict]:
        import json

        engine = self.tracker_engine()
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT type_name, data FROM events WHERE sender_id = :s "
                                         "ORDER BY id"), {"s": sender}).all()
        finally:
            engine.dispose()
        return [dict(json.loads(d), type_name=t) for t, d in rows]


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Iterator[Production]:
    from bot.launch import MODEL, Servers

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make test` (it trains first)")
    try:
        catalog_db = PgDatabase("kv_prod_catalog")
        tracker_db = PgDatabase("kv_prod_tracker")
    except Exception as exc:  # noqa: BLE001 - any connection problem
        _missing(f"PostgreSQL at {PG_URL}", exc)
    try:
        redis_ping()
    except Exception as exc:  # noqa: BLE001
        catalog_db.drop()
        tracker_db.drop()
        _missing(f"Redis at {REDIS_URL}", exc)
    engine = make_engine(catalog_db.url(), timeout=5)
    upgrade(engine)
    write_catalog(engine, load_catalog(CATALOG_DIR), content_hash(CATALOG_DIR))
    engine.dispose()
    catalog_proxy = TcpProxy((catalog_db.host, catalog_db.port))
    tracker_proxy = TcpProxy((tracker_db.host, tracker_db.port))
    env = {"DATABASE_URL": catalog_db.url(catalog_proxy.port),
           "TRACKER_STORE_URL": tracker_db.url(tracker_proxy.port),
           "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": f"kvtest{uuid.uuid4().hex[:6]}",
           "DB_TIMEOUT_SECONDS": "3"}
    work = tmp_path_factory.mktemp("production")
    a = Servers(action_port=free_port(), rasa_port=free_port(), workdir=work / "a", env=env,
                cors=ALLOWED_ORIGIN)
    b = Servers(rasa_port=free_port(), workdir=work / "b", with_actions=False, cors=ALLOWED_ORIGIN,
                env=dict(env, ACTION_ENDPOINT_URL=f"http://127.0.0.1:{a.action_port}/webhook"))
    try:
        a.start()
        b.start()
        yield Production(a, b, catalog_db, tracker_db, catalog_proxy, tracker_proxy)
    finally:
        b.stop()
        a.stop()
        catalog_proxy.close()
        tracker_proxy.close()
        catalog_db.drop()
        tracker_db.drop()


def say(server, sender: str, message, metadata: Optional[dict] = None, timeout: float = 60) -> list:
    body = {"sender": sender, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    r = requests.post(f"{server.rasa_url}/webhooks/rest/webhook", json=body, timeout=timeout)
    assert r.status_code == 200, r.text
    return r.json()


def joined(messages: list) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def new_sender(name: str) -> str:
    return f"prod-{name}-{uuid.uuid4().hex[:8]}"
