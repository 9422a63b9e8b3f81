"""Catalog database: migrations, model/migration drift, load and queries (SQLite)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.catalog.db import CatalogUnavailable, make_engine
from bot.catalog.migrate import downgrade, upgrade
from bot.catalog.models import Base
from bot.catalog.store import CatalogStore


def test_models_and_migrations_do_not_drift(sqlite_engine):
    with sqlite_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_removes_and_upgrade_restores_tables(sqlite_engine):
    downgrade(sqlite_engine, "base")
    assert "measures" not in inspect(sqlite_engine).get_table_names()
    upgrade(sqlite_engine)
    assert {"measures", "measure_facets", "concepts", "vocabulary_terms"} <= set(
        inspect(sqlite_engine).get_table_names())


def test_roundtrip_keeps_every_field(loaded_store, catalog):
    back = {m.id: m for m in loaded_store.all_measures()}
    assert back.keys() == catalog.measures.keys()
    for mid, m in catalog.measures.items():
        b = back[mid]
        assert b.name == m.name and b.sectors == tuple(sorted(m.sectors))
        assert b.uncertain == m.uncertain and b.sources == m.sources
        assert b.valid_to == m.valid_to and b.last_checked == m.last_checked
        assert b.requires == m.requires and b.deadlines == m.deadlines
    assert {c.id: c for c in loaded_store.concepts()} == catalog.concepts  # scheme and aliases too


def test_sector_query_returns_only_that_sector(loaded_store):
    sfo = loaded_store.measures_for_sector("sfo")
    assert sfo and all("sfo" in m.sectors for m in sfo)
    assert "kompetansepakke-sfo" in {m.id for m in sfo}
    assert loaded_store.measures_for_sector("x' OR '1'='1") == []


def test_terms_and_concepts_are_stored(loaded_store, catalog):
    terms = loaded_store.terms()
    assert terms == catalog.terms  # labels, synonyms, answer synonyms and short labels
    assert [t.id for t in terms["sectors"]][:2] == ["barnehage", "grunnskole"]
    assert any(c.id == "etterutdanning-videreutdanning" for c in loaded_store.concepts())
    assert loaded_store.content_hash()


def test_unreachable_database_is_a_domain_error(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db", timeout=1)
    with pytest.raises(CatalogUnavailable):
        CatalogStore(engine).measures_for_sector("barnehage")
    assert CatalogStore(engine).content_hash() is None
