"""The endpoints.yml that bot/launch.py writes from the environment (SQLite or PostgreSQL + Redis)."""

from __future__ import annotations

import pytest
import yaml

from bot.launch import lock_store_yaml, tracker_store_yaml, write_endpoints


def test_defaults_are_sqlite_and_in_memory(tmp_path):
    assert yaml.safe_load(tracker_store_yaml(None, tmp_path / "t.db", {}))["tracker_store"] == {
        "type": "sql", "dialect": "sqlite", "db": str(tmp_path / "t.db")}
    assert yaml.safe_load(lock_store_yaml(None, {}))["lock_store"] == {"type": "in_memory"}


def test_postgresql_tracker_store_has_timeouts_from_the_given_environment(tmp_path):
    store = yaml.safe_load(tracker_store_yaml("postgresql://kv:pw@db.example:5433/kvdb", tmp_path,
                                              {"DB_TIMEOUT_SECONDS": "3"}))["tracker_store"]
    assert store["dialect"] == "postgresql" and store["url"] == "db.example" and store["port"] == 5433
    assert store["db"] == "kvdb" and store["username"] == "kv" and store["password"] == "pw"
    assert store["query"] == {"connect_timeout": "3", "options": "-c statement_timeout=3000"}


def test_redis_lock_store_is_the_atomic_one_with_the_given_prefix():
    store = yaml.safe_load(lock_store_yaml("redis://:secret@cache:6380/2",
                                           {"REDIS_KEY_PREFIX": "kvtest"}))["lock_store"]
    assert store["type"] == "kvchannels.locks.AtomicRedisLockStore"
    assert (store["url"], store["port"], store["db"], store["key_prefix"]) == ("cache", 6380, 2, "kvtest")
    assert store["password"] == "secret" and store["socket_timeout"] == 5


@pytest.mark.parametrize("url,var", [("mysql://x/y", "TRACKER_STORE_URL"), ("http://x", "REDIS_URL")])
def test_wrong_schemes_name_the_variable(tmp_path, url, var):
    with pytest.raises(SystemExit, match=var):
        write_endpoints(tmp_path / "e.yml", "http://a/webhook",
                        url if var == "TRACKER_STORE_URL" else None, tmp_path / "t.db",
                        url if var == "REDIS_URL" else None, {})
