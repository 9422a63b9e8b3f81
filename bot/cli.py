"""Command line: `python -m bot catalog validate|load|list`, `feedback list`, `nlu lookups`,
`conversations purge|delete`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import List, Optional

from bot.catalog.db import CatalogUnavailable, get_engine
from bot.catalog.loader import CatalogError, load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import CatalogStore, content_hash, write_catalog
from bot.retention import TrackerUnavailable
from bot.settings import get_settings


def _validate(args: argparse.Namespace) -> int:
    settings = get_settings()
    catalog = load_catalog(settings.catalog_dir)
    print(f"Catalog OK: {len(catalog.measures)} entries, {len(catalog.concepts)} concepts, "
          f"{sum(len(v) for v in catalog.terms.values())} vocabulary terms "
          f"({settings.catalog_dir})")
    return 0


def _load(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path
        Path(settings.database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings)
    digest = content_hash(settings.catalog_dir)
    upgrade(engine)
    store = CatalogStore(engine)
    if not args.force and store.content_hash() == digest:
        print("Catalog database is up to date.")
        return 0
    catalog = load_catalog(settings.catalog_dir)
    write_catalog(engine, catalog, digest)
    print(f"Loaded {len(catalog.measures)} entries and {len(catalog.concepts)} concepts "
          f"into {engine.url.render_as_string(hide_password=True)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    store = CatalogStore(get_engine())
    today = date.today()
    measures = store.measures_for_sector(args.sector) if args.sector else store.all_measures()
    for m in measures:
        period = f"{m.valid_from or ''}–{m.valid_to or ''}"
        state = "gjeldende" if m.is_current(today) else "historisk"
        print(f"{m.id:45} {m.kind:17} {state:10} {period:23} {','.join(m.sectors)}")
    print(f"{len(measures)} entries")
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from bot.feedback import list_feedback

    rows = list_feedback(get_engine(), args.sender)
    for f in rows:
        print(f"{f.created_at:%Y-%m-%d %H:%M}  {f.sender_id:36}  {f.target:40}  {f.rating}")
    print(f"{len(rows)} feedback entries")
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _purge(args: argparse.Namespace) -> int:
    from bot.feedback import purge_feedback
    from bot.retention import cutoff_timestamp, purge_conversations, retention_days, tracker_engine

    try:
        days = args.days if args.days is not None else retention_days()
        cutoff_timestamp(days)  # validates
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    result = purge_conversations(tracker_engine(), days, dry_run=args.dry_run)
    feedback = purge_feedback(get_engine(), days, dry_run=args.dry_run)
    counts = (f"{_plural(result.senders, 'conversation')} ({_plural(result.events, 'event')}) and "
              f"{_plural(feedback, 'feedback row')} older than {_plural(days, 'day')}")
    print(f"Would delete {counts} (dry run: nothing deleted)." if args.dry_run else f"Deleted {counts}.")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from bot.feedback import delete_feedback_for_sender
    from bot.retention import delete_conversation, tracker_engine

    events = delete_conversation(tracker_engine(), args.sender_id)
    feedback = delete_feedback_for_sender(get_engine(), args.sender_id)
    print(f"Deleted conversation {args.sender_id}: {_plural(events, 'event')} and "
          f"{_plural(feedback, 'feedback row')}.")
    return 0


def _lookups(args: argparse.Namespace) -> int:
    from bot.nlu_export import write

    print(f"Wrote {write()}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="area", required=True)
    cat = sub.add_parser("catalog", help="the measure catalog").add_subparsers(dest="cmd", required=True)
    cat.add_parser("validate", help="check data/catalog/*.yml").set_defaults(func=_validate)
    load = cat.add_parser("load", help="migrate the database and load the catalog into it")
    load.add_argument("--force", action="store_true", help="reload even if unchanged")
    load.set_defaults(func=_load)
    lst = cat.add_parser("list", help="list entries in the database")
    lst.add_argument("--sector", help="only entries for this sector id")
    lst.set_defaults(func=_list)
    fb = sub.add_parser("feedback", help="feedback from the widget").add_subparsers(dest="cmd", required=True)
    fbl = fb.add_parser("list", help="list stored feedback")
    fbl.add_argument("--sender", help="only this conversation (sender id)")
    fbl.set_defaults(func=_feedback)
    conv = sub.add_parser("conversations", help="stored conversations (tracker store) and their feedback")
    conv = conv.add_subparsers(dest="cmd", required=True)
    purge = conv.add_parser("purge", help="delete conversations and feedback older than the retention period")
    purge.add_argument("--days", type=int, help="retention period in days (default: RETENTION_DAYS, else 90)")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    purge.set_defaults(func=_purge)
    dele = conv.add_parser("delete", help="delete one conversation and its feedback")
    dele.add_argument("sender_id", help="the conversation's sender id")
    dele.set_defaults(func=_delete)
    nlu = sub.add_parser("nlu", help="NLU training data").add_subparsers(dest="cmd", required=True)
    nlu.add_parser("lookups", help="regenerate data/nlu/lookups.yml from the vocabulary").set_defaults(func=_lookups)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CatalogError as exc:
        print(f"Feil i katalogen / catalog error: {exc}", file=sys.stderr)
        return 2
    except CatalogUnavailable as exc:
        print(f"Catalog database unavailable ({exc}). Check DATABASE_URL.", file=sys.stderr)
        return 3
    except TrackerUnavailable as exc:
        print(f"Tracker database unavailable ({exc}). Check TRACKER_STORE_URL.", file=sys.stderr)
        return 3
