"""The catalog on a real PostgreSQL (DATABASE_URL path): migrations, load, queries.

Uses TEST_POSTGRES_URL (default: the local server, database `test`) and a private schema.
Outside CI a missing server skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.catalog.db import make_engine, normalize_url
from bot.catalog.migrate import downgrade, upgrade
from bot.catalog.store import CatalogStore, content_hash, write_catalog
from tests.conftest import CATALOG_DIR, IN_CI

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture()
def pg_engine():
    schema = f"kv_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(PG_URL), connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    engine = make_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}", timeout=5)
    try:
        engine.kv_schema = schema  # type: ignore[attr-defined]
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_catalog_on_postgres(pg_engine, catalog):
    upgrade(pg_engine)
    write_catalog(pg_engine, catalog, content_hash(CATALOG_DIR))
    store = CatalogStore(pg_engine)
    assert store.content_hash() == content_hash(CATALOG_DIR)
    with pg_engine.connect() as conn:  # really in the private schema
        assert conn.execute(text("select current_schema()")).scalar() == pg_engine.kv_schema
    ppt = store.measures_for_sector("ppt")
    assert ppt and all("ppt" in m.sectors for m in ppt)
    assert {m.id for m in store.all_measures()} == set(catalog.measures)
    assert store.measures_for_sector("ppt' OR 1=1 --") == []
    write_catalog(pg_engine, catalog, "again")  # reload replaces, does not duplicate
    assert len(store.all_measures()) == len(catalog.measures)
    downgrade(pg_engine, "base")
    upgrade(pg_engine)

