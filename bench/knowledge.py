"""`python -m bench.knowledge`: run the knowledge question set against freshly started servers
and print the pass rate by topic and language plus every failure (not pass/fail)."""

from __future__ import annotations

import argparse
import time

from bench.__main__ import free_port
from bot.launch import Servers
from bot.settings import ROOT
from tests.knowledge.runner import format_report, load_items, run_items, summarize, write_report


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.knowledge")
    ap.add_argument("--rasa-url", help="use an already running Rasa server instead of starting one")
    ap.add_argument("--workers", type=int, default=2, help="conversations run in parallel")
    ap.add_argument("--json", default=str(ROOT / "test-output" / "knowledge_report.json"))
    args = ap.parse_args()
    items = load_items()
    servers = None
    url = args.rasa_url
    if not url:
        servers = Servers(action_port=free_port(), rasa_port=free_port(),
                          workdir=ROOT / "build" / "bench-knowledge", api_token="bench-token")
        servers.start()
        url = servers.rasa_url
    try:
        t0 = time.perf_counter()
        report = summarize(run_items(items, url, workers=args.workers))
        print(format_report(report))
        print(f"\n{len(items)} items in {time.perf_counter() - t0:.0f} s; JSON: "
              f"{write_report(report, __import__('pathlib').Path(args.json))}")
    finally:
        if servers:
            servers.stop()


if __name__ == "__main__":
    main()
