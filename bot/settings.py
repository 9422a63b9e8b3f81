"""Configuration from the environment, with offline SQLite defaults: every variable the assistant
reads is read here (stdlib only, so the Rasa process's channel imports it too).

A bad value raises SettingError naming the variable and what it must be; the commands print it
without a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """A variable with a value that cannot be used; the message names it and what it must be."""


def _raw(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def env_text(env: Mapping[str, str], name: str, default: Optional[str] = None) -> Optional[str]:
    return _raw(env, name) or default


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int = 0, unit: str = "") -> int:
    raw = _raw(env, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number{unit}, got {raw!r}") from None
    if value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = _raw(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number, got {raw!r}") from None
    if value <= minimum:
        raise SettingError(f"{name} must be more than {minimum:g}, got {raw}")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str  # DATABASE_URL: the catalog (and feedback) database
    catalog_dir: Path  # CATALOG_DIR
    db_timeout_seconds: float  # DB_TIMEOUT_SECONDS: connect and statement timeout of every DB call
    max_catalog_age_days: int  # CATALOG_MAX_AGE_DAYS
    tracker_store_url: Optional[str]  # TRACKER_STORE_URL (None: Rasa's SQLite file)
    redis_url: Optional[str]  # REDIS_URL (None: in-memory lock store)
    redis_key_prefix: str  # REDIS_KEY_PREFIX
    web_port: int  # WEB_PORT
    rasa_port: int  # RASA_PORT
    action_port: int  # ACTION_PORT
    action_endpoint_url: Optional[str]  # ACTION_ENDPOINT_URL (None: the local action server)
    action_server_host: str  # ACTION_SERVER_HOST
    cors_origins: Optional[str]  # CORS_ORIGINS (None: the demo page's origin)
    rasa_api_token: Optional[str]  # RASA_API_TOKEN (None: Rasa's HTTP API is off)
    rasa_workers: int  # RASA_WORKERS
    max_message_chars: int  # KV_MAX_MESSAGE_CHARS
    action_timeout_seconds: float  # KV_ACTION_TIMEOUT_SECONDS
    retention_days: int  # RETENTION_DAYS

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        default_db = ROOT / "build" / "catalog.db"
        return cls(
            database_url=env_text(env, "DATABASE_URL") or f"sqlite:///{default_db}",
            catalog_dir=Path(env_text(env, "CATALOG_DIR") or ROOT / "data" / "catalog"),
            db_timeout_seconds=env_float(env, "DB_TIMEOUT_SECONDS", 5.0),
            max_catalog_age_days=env_int(env, "CATALOG_MAX_AGE_DAYS", 365, minimum=1),
            tracker_store_url=env_text(env, "TRACKER_STORE_URL"),
            redis_url=env_text(env, "REDIS_URL"),
            redis_key_prefix=env_text(env, "REDIS_KEY_PREFIX", "kv") or "kv",
            web_port=env_int(env, "WEB_PORT", 8000, minimum=1),
            rasa_port=env_int(env, "RASA_PORT", 5005, minimum=1),
            action_port=env_int(env, "ACTION_PORT", 5055, minimum=1),
            action_endpoint_url=env_text(env, "ACTION_ENDPOINT_URL"),
            action_server_host=env_text(env, "ACTION_SERVER_HOST", "127.0.0.1") or "127.0.0.1",
            cors_origins=env_text(env, "CORS_ORIGINS"),
            rasa_api_token=env_text(env, "RASA_API_TOKEN"),
            rasa_workers=env_int(env, "RASA_WORKERS", 1, minimum=1),
            max_message_chars=env_int(env, "KV_MAX_MESSAGE_CHARS", 1000, minimum=1),
            action_timeout_seconds=env_float(env, "KV_ACTION_TIMEOUT_SECONDS", 10.0),
            retention_days=env_int(env, "RETENTION_DAYS", 90, minimum=1, unit=" of days"),
        )


def get_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    return Settings.from_env(env)
