"""`python -m bench.knowledge`: run the knowledge question set (tests/knowledge/questions.yml)
against freshly started servers and print the pass rate by topic and language plus every failure.

Like the `servers` test fixture, it loads data/catalog into a fresh SQLite catalog database in
build/bench-knowledge, so it needs only the trained model (models/kv.tar.gz).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.__main__ import free_port
from bot.catalog.db import make_engine
from bot.catalog.loader import load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import content_hash, write_catalog
from bot.launch import Servers
from bot.settings import ROOT
from tests.knowledge.runner import format_report, load_items, run_items, summarize, write_report

CATALOG_DIR = ROOT / "data" / "catalog"


def fresh_catalog_db(workdir: Path) -> str:
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "catalog.db"
    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    engine = make_engine(url, timeout=5)
    upgrade(engine)
    write_catalog(engine, load_catalog(CATALOG_DIR), content_hash(CATALOG_DIR))
    engine.dispose()
    return url


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.knowledge")
    ap.add_argument("--rasa-url", help="use an already running Rasa server instead of starting one")
    ap.add_argument("--workers", type=int, default=2, help="conversations run in parallel")
    ap.add_argument("--json", type=Path, default=ROOT / "test-output" / "knowledge_report.json")
    args = ap.parse_args()
    items = load_items()
    servers = None
    url = args.rasa_url
    if not url:
        work = ROOT / "build" / "bench-knowledge"
        servers = Servers(action_port=free_port(), rasa_port=free_port(), workdir=work,
                          api_token="bench-token", env={"DATABASE_URL": fresh_catalog_db(work)})
        servers.start()
        url = servers.rasa_url
    try:
        t0 = time.perf_counter()
        report = summarize(run_items(items, url, workers=args.workers))
        print(format_report(report))
        print(f"\n{len(items)} items in {time.perf_counter() - t0:.0f} s; JSON: {write_report(report, args.json)}")
    finally:
        if servers:
            servers.stop()


if __name__ == "__main__":
    main()
