"""Configuration from the environment, with offline SQLite defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    catalog_dir: Path
    db_timeout_seconds: float
    max_catalog_age_days: int

    @classmethod
    def from_env(cls) -> "Settings":
        default_db = ROOT / "build" / "catalog.db"
        return cls(
            database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{default_db}",
            catalog_dir=Path(os.environ.get("CATALOG_DIR") or ROOT / "data" / "catalog"),
            db_timeout_seconds=float(os.environ.get("DB_TIMEOUT_SECONDS", "5")),
            max_catalog_age_days=int(os.environ.get("CATALOG_MAX_AGE_DAYS", "365")),
        )


def get_settings() -> Settings:
    return Settings.from_env()
