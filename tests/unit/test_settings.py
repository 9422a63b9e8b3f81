"""Every environment variable is read in bot/settings.py; a bad value names the variable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import ROOT, SettingError, get_settings


def test_defaults_without_environment():
    s = get_settings({})
    assert s.database_url.startswith("sqlite:///") and s.tracker_store_url is None and s.redis_url is None
    assert (s.rasa_port, s.action_port, s.web_port, s.retention_days, s.rasa_workers) == (5005, 5055, 8000, 90, 1)
    assert s.action_server_host == "127.0.0.1" and s.redis_key_prefix == "kv"


@pytest.mark.parametrize("name, value, words", [
    ("RASA_PORT", "femti", "RASA_PORT must be a whole number"),
    ("RETENTION_DAYS", "ninety", "RETENTION_DAYS must be a whole number of days"),
    ("RETENTION_DAYS", "0", "RETENTION_DAYS must be at least 1"),
    ("DB_TIMEOUT_SECONDS", "-1", "DB_TIMEOUT_SECONDS must be more than 0"),
    ("KV_ACTION_TIMEOUT_SECONDS", "fast", "KV_ACTION_TIMEOUT_SECONDS must be a number"),
])
def test_a_bad_value_names_the_variable(name, value, words):
    with pytest.raises(SettingError, match=re.escape(words)):
        get_settings({name: value})


def test_no_other_module_reads_the_environment():
    readers = []
    for folder in ("bot", "actions", "kvnlu", "kvchannels"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "settings.py" and path.parent.name == "bot":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ\.get|os\.getenv|environ\[\"[A-Z_]+\"\](?!\s*=)", text):
                readers.append(str(Path(path).relative_to(ROOT)))
    assert readers == [], f"read the environment in bot/settings.py, not in {readers}"
