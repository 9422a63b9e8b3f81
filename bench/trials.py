"""`python -m bench.trials [--set NAME ...] [--rasa-url URL]`: score the user-trial sets in tests/trials/.

Sets: advisor_dev, advisor_blind (guided conversations), knowledge_dev (knowledge_dev_a + _b),
knowledge_blind (questions); default all four. A set whose files are missing is skipped with a
message. Blind sets print and store aggregate figures only (see tests/trials/runner.py).

Without --rasa-url it starts fresh servers like bench.knowledge (a fresh SQLite catalog database in
build/bench-trials; only the trained model is needed). `make bench` calls print_reports() with its
own servers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from bench.__main__ import free_port
from bench.knowledge import fresh_catalog_db
from bot.launch import Servers
from bot.settings import ROOT
from tests.trials.runner import (
    OUTPUT_DIR,
    SETS,
    TIMEOUT,
    WORKERS,
    TrialSetError,
    format_report,
    is_blind,
    load_set,
    run_set,
    set_files,
    set_label,
    write_report,
)

WORKDIR = ROOT / "build" / "bench-trials"


def load_sets(names: Sequence[str], log: Callable[[str], None] = print) -> dict:
    """name -> (type, items) for the sets that exist and are valid; problems are printed."""
    loaded = {}
    for name in names:
        try:
            got = load_set(name, log=log)
        except TrialSetError as exc:  # names file, item id and field only
            log(f"== {name} {set_label(name)}\n{name}: not run, invalid: {exc}")
            continue
        if got is not None and got[1]:
            loaded[name] = got
    return loaded


def print_reports(rasa_url: str, names: Optional[Sequence[str]] = None, workers: int = WORKERS,
                  timeout: float = TIMEOUT, output_dir: Path = OUTPUT_DIR, loaded: Optional[dict] = None) -> int:
    """Run the sets against a running Rasa and print one report block per set; the number of sets run."""
    names = list(names or SETS)
    loaded = load_sets(names) if loaded is None else loaded
    for name in names:
        if name not in loaded:
            continue
        _, items = loaded[name]
        t0 = time.perf_counter()
        summary = run_set(name, items, rasa_url, workers=workers, timeout=timeout)
        path = write_report(summary, blind=is_blind(name), name=name, directory=output_dir)
        print("\n" + format_report(summary, blind=is_blind(name), name=name))
        print(f"{len(items)} items in {time.perf_counter() - t0:.0f} s; JSON: {path}", flush=True)
    return len(loaded)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.trials")
    ap.add_argument("--set", dest="sets", action="append", choices=list(SETS),
                    help="a set to run (repeatable); default: all four")
    ap.add_argument("--rasa-url", help="use an already running Rasa server instead of starting one")
    ap.add_argument("--workers", type=int, default=WORKERS, help="conversations run in parallel")
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per request")
    args = ap.parse_args(argv)
    names = list(dict.fromkeys(args.sets or SETS))
    loaded = load_sets(names)
    if not loaded:
        print("No trial set to run.")
        return 1 if any(set_files(n)[0] for n in names) else 0  # invalid sets fail; missing ones skip
    servers = None
    url = args.rasa_url
    if not url:
        WORKDIR.mkdir(parents=True, exist_ok=True)
        (WORKDIR / "tracker.db").unlink(missing_ok=True)
        servers = Servers(action_port=free_port(), rasa_port=free_port(), workdir=WORKDIR,
                          api_token="bench-token", env={"DATABASE_URL": fresh_catalog_db(WORKDIR)})
        print("Starting the action server and Rasa ...", flush=True)
        servers.start()
        url = servers.rasa_url
    try:
        print_reports(url, names, workers=args.workers, timeout=args.timeout, loaded=loaded)
    finally:
        if servers:
            servers.stop()
            if any(is_blind(n) for n in loaded):  # the tracker store holds the blind conversations
                (WORKDIR / "tracker.db").unlink(missing_ok=True)
    invalid = [n for n in names if n not in loaded and set_files(n)[0]]
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
