"""Shared fixtures: the real catalog, a temporary SQLite catalog database, running servers."""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path

import pytest

from bot.catalog.db import make_engine
from bot.catalog.loader import load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import CatalogStore, content_hash, write_catalog
from bot.settings import ROOT

CATALOG_DIR = ROOT / "data" / "catalog"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
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
