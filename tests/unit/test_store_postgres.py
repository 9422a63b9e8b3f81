"""The catalog on a real PostgreSQL (DATABASE_URL path): migrations, load, queries.

Uses TEST_POSTGRES_URL (default: the local server, database `test`) and a private schema.
Outside CI a missing server skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.catalog.migrate import downgrade, upgrade
from bot.catalog.store import CatalogStore, content_hash, write_catalog
from tests.conftest import CATALOG_DIR, pg_schema_engine


@pytest.fixture()
def pg_engine():
    with pg_schema_engine() as engine:
        yield engine


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

