"""Shared fixtures: the real catalog, a temporary SQLite catalog database, running servers."""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.catalog.db import make_engine, normalize_url
from bot.catalog.loader import load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import CatalogStore, content_hash, write_catalog
from bot.settings import ROOT

CATALOG_DIR = ROOT / "data" / "catalog"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def require_service(message: str) -> None:
    """A service or tool a test needs is missing: fail in CI (CI=true), skip elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def pg_schema_engine() -> Iterator[Engine]:
    """A catalog-style engine (bot.catalog.db.make_engine) on a private, empty schema of the test
    PostgreSQL (TEST_POSTGRES_URL); the schema is dropped afterwards. `engine.kv_schema` names it."""
    schema = f"kv_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(PG_URL), connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem
        admin.dispose()
        require_service(f"PostgreSQL at {PG_URL} is required in CI: {exc}" if IN_CI
                        else f"PostgreSQL not reachable at {PG_URL}: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    engine = make_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}", timeout=5)
    engine.kv_schema = schema  # type: ignore[attr-defined]
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


TODAY = date(2026, 11, 28)  # the catalog's facts are checked as of this date


@pytest.fixture(scope="session")
def catalog():
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="session")
def measures(catalog):
    return list(catalog.measures.values())


@pytest.fixture()
def sqlite_engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}", timeout=5)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def loaded_store(sqlite_engine, catalog) -> CatalogStore:
    write_catalog(sqlite_engine, catalog, content_hash(CATALOG_DIR))
    return CatalogStore(sqlite_engine)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


API_TOKEN = "test-token"


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The real action server and Rasa server on free loopback ports, with a fresh catalog DB."""
    from bot.launch import MODEL, Servers

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make test` (it trains first)")
    work = tmp_path_factory.mktemp("servers")
    db = work / "catalog.db"
    engine = make_engine(f"sqlite:///{db}", timeout=5)
    upgrade(engine)
    write_catalog(engine, load_catalog(CATALOG_DIR), content_hash(CATALOG_DIR))
    engine.dispose()
    # The browser tests serve web/ on web_port; Rasa accepts exactly that origin (as in make run).
    web_port = free_port()
    s = Servers(action_port=free_port(), rasa_port=free_port(), workdir=work, api_token=API_TOKEN,
                env={"DATABASE_URL": f"sqlite:///{db}"},
                cors=f"http://127.0.0.1:{web_port} http://localhost:{web_port}")
    s.web_port = web_port
    s.start()
    yield s
    s.stop()


class Chat:
    """One conversation over Rasa's REST channel."""

    def __init__(self, servers, sender: str):
        import requests

        self.session = requests.Session()
        self.url = servers.rasa_url
        self.sender = sender

    def say(self, text: str) -> list:
        r = self.session.post(f"{self.url}/webhooks/rest/webhook",
                              json={"sender": self.sender, "message": text}, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def text(self, text: str) -> str:
        return "\n".join(m.get("text") or "" for m in self.say(text))

    def tracker(self) -> dict:
        r = self.session.get(f"{self.url}/conversations/{self.sender}/tracker",
                             params={"token": API_TOKEN}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture()
def chat(servers, request):
    import uuid

    return Chat(servers, f"test-{request.node.name[:40]}-{uuid.uuid4().hex[:8]}")
