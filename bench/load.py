"""`make load`: bounded load and soak against the production configuration, on loopback.

    python -m bench.load [--conversations 50] [--turns 20] [--workers 1 2] [--soak-turns 5000]
                         [--json test-output/load.json]

For each number of Rasa Sanic workers: two fresh PostgreSQL databases (`kv_load_<random>_tracker`
for Rasa's tracker store, `kv_load_<random>_catalog` for the catalog, migrated and loaded), the
Redis lock store with a key prefix of its own, the action server and Rasa on free loopback ports
(`bot.launch.Servers`). N conversations then run at once over the REST channel, each sending its
turns back to back (the next turn after the previous reply), with `metadata.seq` = turn number.

Afterwards the tracker database itself is read (table `events`, in id order) and, per sender:
- lost:       a turn whose user event is missing, or that has no `bot` event before the next user
              event (a turn without a reply);
- duplicated: a seq stored more than once as a user event;
- reordered:  a user event whose seq is lower than one stored before it.
Client side: HTTP errors, empty reply lists, timeouts and exceptions are errors, and so are
replies that apologise for a failure (catalog database down; the guard's "technical problem" when
the action server fails or times out, and "cannot store the conversation" when the tracker store
fails). Replies that do not contain what the turn should produce (e.g. no measure suggestions)
are counted as "unexpected": a figure, not part of the exit code.

Soak (after the load run on the 1-worker configuration, same servers): `--soak-turns` more turns
from 10 concurrent conversations recycled with new sender ids, with the RSS of Rasa and the
action server at the start, every 1 000 turns and the growth at the end.

Prints a table and writes JSON. Exit code 0 when lost, duplicated, reordered and errors are all 0.
The databases and the Redis keys are removed at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import socket
import string
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import urlparse

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.__main__ import CONVERSATION, free_port, pct
from bot.catalog.db import make_engine, normalize_url
from bot.catalog.loader import load_catalog
from bot.catalog.migrate import upgrade
from bot.catalog.store import content_hash, write_catalog
from bot.launch import MODEL, Servers
from bot.settings import ROOT
from bot.texts import T

CATALOG_DIR = ROOT / "data" / "catalog"
REQUEST_TIMEOUT = 60.0  # seconds, per request (connect and read)
SOAK_CONVERSATIONS = 10
SOAK_SAMPLE_EVERY = 1000

# One conversation: the benchmark's guided conversation in bokmål (the form, then suggestions
# ranked from the catalog database, a follow-up and "how do we apply"), knowledge questions with
# a context follow-up, "start på nytt", a guided conversation in nynorsk, a restart, and a form
# with a digression and a correction (sector changed mid-form). 20 turns; longer runs repeat it.
SCRIPT: List[str] = [
    *CONVERSATION,
    "Hva er rekomp?",
    "hvem kan søke da?",
    "vent, hva er forskjellen på etterutdanning og videreutdanning?",
    "start på nytt",
    "Kva tiltak finst for tilsette i PPT som vil lære meir om inkludering?",
    "heile personalet",
    "ja",
    "eit år",
    "start på nytt",
    "vi trenger noe om lesing på skolen",
    "hele personalet",
    "nei, ikke ennå",
    "forresten gjelder det SFO, ikke skolen",
    "et kurs",
]
# What a correct reply to some turns contains (the same facts the e2e tests check).
EXPECT: Dict[str, Tuple[str, ...]] = {
    "flere år": ("Passer fordi:", "Kollektiv ordning for barnehage og grunnskole (fra 2026)"),
    "Hva er rekomp?": ("Rekomp",),
    "vent, hva er forskjellen på etterutdanning og videreutdanning?": ("studiepoeng",),
    "start på nytt": ("på nytt",),
    "eit år": ("Passar fordi:", "Inkluderande praksis"),
    "forresten gjelder det SFO, ikke skolen": ("SFO",),
    "et kurs": ("SFO · språk", "Passer fordi:"),
}


def apologies() -> Dict[str, Tuple[str, ...]]:
    """Replies that say the turn failed: the catalog is down (actions), and the guard's apologies
    when the action server or the tracker store fails (kvchannels/guard.py; read from the source,
    which imports Rasa and so cannot be imported here)."""
    found = {"db_down": (T["db_down"]["nb"], T["db_down"]["nn"])}
    try:
        tree = ast.parse((ROOT / "kvchannels" / "guard.py").read_text(encoding="utf-8"))
        for node in tree.body:
            target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
            if isinstance(target, ast.Name) and target.id == "TEXTS":
                texts = ast.literal_eval(node.value)
                for key in ("action_down", "store_down"):
                    if key in texts:
                        # up to the first placeholder, so formatted texts match too
                        found[key] = tuple(v.split("{")[0] for v in texts[key].values())
    except (OSError, SyntaxError, ValueError):
        pass
    return found


APOLOGIES = apologies()


def script_turn(i: int) -> str:
    return SCRIPT[i % len(SCRIPT)]


# --------------------------------------------------------------------------- memory (/proc)

def _proc_table() -> Dict[int, Tuple[int, int]]:
    """pid -> (ppid, process group) for every process."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()  # the command name may contain spaces
        table[int(d)] = (int(rest[1]), int(rest[2]))
    return table


def process_tree(root: int) -> List[int]:
    """The process, its process group (Servers starts each in a new session) and its descendants."""
    table = _proc_table()
    members = {pid for pid, (_, pgrp) in table.items() if pgrp == root}
    if root in table:
        members.add(root)
    grew = True
    while grew:
        children = {pid for pid, (ppid, _) in table.items() if ppid in members} - members
        members |= children
        grew = bool(children)
    return sorted(members)


def _kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory(pid: Optional[int]) -> Dict[str, float]:
    """RSS (and PSS, which counts pages shared by forked workers once) summed over the tree, MB."""
    if pid is None:
        return {"rss_mb": float("nan"), "pss_mb": float("nan"), "processes": 0}
    pids = process_tree(pid)
    rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
    pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": len(pids)}


def server_memory(servers: Servers) -> Dict[str, Dict[str, float]]:
    return {"rasa": memory(servers.rasa.pid if servers.rasa else None),
            "actions": memory(servers.action.pid if servers.action else None)}


# --------------------------------------------------------------------------- Redis (tiny RESP client)

def redis_call(url: str, *args: str):
    """One Redis command (no client library in .venv/app; the protocol is four lines)."""
    u = urlparse(url)
    db = (u.path or "/0").lstrip("/") or "0"
    with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=5) as sock:
        f = sock.makefile("rwb")

        def send(*parts: str):
            f.write(f"*{len(parts)}\r\n".encode())
            for p in parts:
                b = str(p).encode()
                f.write(b"$%d\r\n%s\r\n" % (len(b), b))
            f.flush()
            return read()

        def read():
            line = f.readline().rstrip(b"\r\n")
            kind, rest = line[:1], line[1:]
            if kind == b"+":
                return rest.decode()
            if kind == b"-":
                raise RuntimeError(f"Redis: {rest.decode()}")
            if kind == b":":
                return int(rest)
            if kind == b"$":
                n = int(rest)
                return None if n < 0 else f.read(n + 2)[:-2].decode()
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise RuntimeError(f"Redis: unexpected reply {line!r}")

        if u.password:
            send("AUTH", u.password)
        if db != "0":
            send("SELECT", db)
        return send(*args)


def redis_keys(url: str, prefix: str) -> List[str]:
    keys, cursor = [], "0"
    while True:
        cursor, batch = redis_call(url, "SCAN", cursor, "MATCH", f"{prefix}:*", "COUNT", "1000")
        keys += batch
        if cursor == "0":
            return keys


# --------------------------------------------------------------------------- databases

@dataclass
class Databases:
    """Fresh PostgreSQL databases for one run, created and dropped through an admin connection."""

    admin_url: str
    names: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.engine = create_engine(normalize_url(self.admin_url), isolation_level="AUTOCOMMIT",
                                    connect_args={"connect_timeout": 5})

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, name: str) -> str:
        with self.engine.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return self.url(name)

    def drop_all(self) -> List[str]:
        problems = []
        for name in reversed(self.names):
            try:
                with self.engine.connect() as c:
                    c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:  # keep dropping the others
                problems.append(f"{name}: {exc}")
        self.names.clear()
        return problems


def load_catalog_db(url: str) -> None:
    engine = make_engine(url, timeout=30)
    try:
        upgrade(engine)
        write_catalog(engine, load_catalog(CATALOG_DIR), content_hash(CATALOG_DIR))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- conversations

@dataclass
class Phase:
    """Client-side figures of one phase (load or soak)."""

    name: str
    expected: Dict[str, int] = field(default_factory=dict)  # sender -> turns sent
    latencies: List[float] = field(default_factory=list)  # ms, turns answered with 200 + replies
    errors: Counter = field(default_factory=Counter)
    error_samples: List[str] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)  # turn text -> count
    sent: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {detail}"[:300])


def say(session: requests.Session, url: str, sender: str, seq: int, message: str,
        phase: Phase) -> Optional[List[dict]]:
    t0 = time.perf_counter()
    try:
        r = session.post(url, json={"sender": sender, "message": message, "metadata": {"seq": seq}},
                         timeout=REQUEST_TIMEOUT)
    except requests.Timeout as exc:
        phase.error("timeout", f"{sender}#{seq}: {exc}")
        return None
    except requests.ConnectionError as exc:
        phase.error("connection", f"{sender}#{seq}: {exc}")
        return None
    except Exception as exc:  # every failure is counted
        phase.error(f"exception {type(exc).__name__}", f"{sender}#{seq}: {exc}")
        return None
    dt = (time.perf_counter() - t0) * 1000
    if r.status_code != 200:
        phase.error(f"http {r.status_code}", f"{sender}#{seq}: {r.text[:200]}")
        return None
    try:
        replies = r.json()
    except ValueError:
        phase.error("bad json", f"{sender}#{seq}: {r.text[:200]}")
        return None
    if not isinstance(replies, list) or not replies:
        phase.error("empty reply", f"{sender}#{seq}: {message!r} -> {r.text[:200]}")
        return None
    with phase.lock:
        phase.latencies.append(dt)
    return replies


def check_reply(message: str, replies: List[dict], phase: Phase) -> None:
    joined = "\n".join(str(m.get("text") or "") for m in replies)
    for key, texts in APOLOGIES.items():
        if any(t in joined for t in texts):
            phase.error(f"apology {key}", f"{message!r} -> {joined[:150]!r}")
    wanted = EXPECT.get(message)
    if wanted and not all(w in joined for w in wanted):
        with phase.lock:
            phase.unexpected[message] += 1


def run_phase(rasa_url: str, phase: Phase, threads: int,
              next_conversation: Callable[[], Optional[Tuple[str, int]]],
              stop: threading.Event, on_turn: Optional[Callable[[int], None]] = None) -> Phase:
    """`threads` users; each takes conversations from `next_conversation` until it returns None."""
    url = f"{rasa_url}/webhooks/rest/webhook"
    done = [0]

    def user() -> None:
        try:
            converse()
        except Exception as exc:  # a bug on the client side must not vanish with its thread
            phase.error(f"client {type(exc).__name__}", str(exc))

    def converse() -> None:
        session = requests.Session()
        while not stop.is_set():
            conv = next_conversation()
            if conv is None:
                return
            sender, turns = conv
            with phase.lock:
                phase.expected[sender] = 0
            for seq in range(turns):
                if stop.is_set():
                    return
                message = script_turn(seq)
                with phase.lock:
                    phase.expected[sender] = seq + 1
                    phase.sent += 1
                replies = say(session, url, sender, seq, message, phase)
                if replies is not None:
                    check_reply(message, replies, phase)
                with phase.lock:
                    done[0] += 1
                    n = done[0]
                if on_turn:
                    on_turn(n)

    t0 = time.perf_counter()
    workers = [threading.Thread(target=user, daemon=True, name=f"{phase.name}-{i}") for i in range(threads)]
    for w in workers:
        w.start()
    last = time.monotonic()
    try:
        while any(w.is_alive() for w in workers):
            for w in workers:
                w.join(timeout=0.5)
                if time.monotonic() - last >= 15:
                    last = time.monotonic()
                    el = time.perf_counter() - t0
                    print(f"    {phase.name}: {done[0]} turns in {el:.0f} s ({done[0] / el:.1f} turns/s), "
                          f"errors {sum(phase.errors.values())}", flush=True)
    except BaseException:
        stop.set()  # Ctrl-C / SIGTERM: the users stop after their current request
        raise
    phase.elapsed = time.perf_counter() - t0
    return phase


def fixed_conversations(senders: List[str], turns: int) -> Callable[[], Optional[Tuple[str, int]]]:
    todo = list(senders)
    lock = threading.Lock()

    def take() -> Optional[Tuple[str, int]]:
        with lock:
            return (todo.pop(0), turns) if todo else None

    return take


def budget_conversations(prefix: str, turns: int, budget: int) -> Callable[[], Optional[Tuple[str, int]]]:
    """New senders of `turns` turns (the last one shorter) until `budget` turns are handed out."""
    state = {"left": budget, "n": 0}
    lock = threading.Lock()

    def take() -> Optional[Tuple[str, int]]:
        with lock:
            if state["left"] <= 0:
                return None
            n = min(turns, state["left"])
            state["left"] -= n
            state["n"] += 1
            return f"{prefix}-{state['n']:05d}", n

    return take


# --------------------------------------------------------------------------- tracker verification

def verify(tracker_url: str, expected: Dict[str, int]) -> Dict[str, object]:
    """Read every conversation's events from the tracker database and count what went wrong."""
    engine = make_engine(tracker_url, timeout=60)
    events: Dict[str, List[Tuple[str, Optional[int]]]] = {s: [] for s in expected}
    try:
        with engine.connect() as c:
            in_db = c.execute(text("SELECT count(*), count(DISTINCT sender_id) FROM events")).one()
            rows = c.execute(text("SELECT sender_id, type_name, data FROM events "
                                  "WHERE type_name IN ('user', 'bot') ORDER BY id"))
            for sender, type_name, data in rows:
                if sender not in events:
                    continue
                seq = None
                if type_name == "user":
                    meta = (json.loads(data) if data else {}).get("metadata") or {}
                    seq = meta.get("seq")
                events[sender].append((type_name, seq))
    finally:
        engine.dispose()

    totals = Counter()
    examples: List[str] = []
    for sender, n in expected.items():
        seqs: List[object] = []
        replied: List[int] = []  # bot events after each user event, before the next one
        for type_name, seq in events[sender]:
            if type_name == "user":
                seqs.append(seq)
                replied.append(0)
            elif replied:
                replied[-1] += 1
        counts = Counter(seqs)
        stray = sum(c for s, c in counts.items() if not (isinstance(s, int) and 0 <= s < n))
        missing = [s for s in range(n) if counts[s] == 0]
        duplicated = sum(c - 1 for s, c in counts.items() if isinstance(s, int) and 0 <= s < n and c > 1)
        answered = {s for s, r in zip(seqs, replied, strict=True) if r > 0}
        no_reply = [s for s in range(n) if counts[s] > 0 and s not in answered]
        seen_max, reordered, first = -1, 0, set()
        for s in seqs:
            if not isinstance(s, int) or s in first:
                continue
            first.add(s)
            if s < seen_max:
                reordered += 1
            seen_max = max(seen_max, s)
        totals["turns"] += n
        totals["user_events"] += len(seqs)
        totals["bot_events"] += sum(replied)
        totals["lost_turns"] += len(missing)
        totals["lost_replies"] += len(no_reply)
        totals["duplicated"] += duplicated
        totals["reordered"] += reordered
        totals["stray"] += stray
        if (missing or no_reply or duplicated or reordered or stray) and len(examples) < 10:
            examples.append(f"{sender}: seqs {seqs}, bot events per user event {replied}")
    return {"conversations": len(expected), "turns": totals["turns"],
            "user_events": totals["user_events"], "bot_events": totals["bot_events"],
            "lost": totals["lost_turns"] + totals["lost_replies"], "lost_turns": totals["lost_turns"],
            "lost_replies": totals["lost_replies"], "duplicated": totals["duplicated"],
            "reordered": totals["reordered"], "stray_user_events": totals["stray"],
            "database_events": in_db[0], "database_senders": in_db[1], "examples": examples}


def summary(phase: Phase, tracker: Dict[str, object]) -> Dict[str, object]:
    lat = phase.latencies
    ok = len(lat)
    return {
        "conversations": len(phase.expected), "turns": phase.sent, "answered": ok,
        "errors": sum(phase.errors.values()), "errors_by_kind": dict(phase.errors),
        "error_samples": phase.error_samples,
        "lost": tracker["lost"], "duplicated": tracker["duplicated"], "reordered": tracker["reordered"],
        "tracker": tracker,
        "unexpected_replies": sum(phase.unexpected.values()), "unexpected_by_turn": dict(phase.unexpected),
        "p50_ms": round(pct(lat, .50), 1), "p95_ms": round(pct(lat, .95), 1), "p99_ms": round(pct(lat, .99), 1),
        "max_ms": round(max(lat), 1) if lat else float("nan"),
        "elapsed_s": round(phase.elapsed, 2),
        "throughput_turns_per_s": round(ok / phase.elapsed, 2) if phase.elapsed else 0.0,
    }


def failed(s: Dict[str, object]) -> bool:
    return bool(s["errors"] or s["lost"] or s["duplicated"] or s["reordered"]
                or s["tracker"]["stray_user_events"])


def log_errors(workdir: Path) -> Dict[str, int]:
    out = {}
    for name in ("rasa.log", "actions.log"):
        p = workdir / name
        lines = p.read_text(errors="replace").splitlines() if p.exists() else []
        out[name] = sum(1 for line in lines if " ERROR " in line or line.startswith("Traceback"))
    return out


# --------------------------------------------------------------------------- one configuration

def run_configuration(args: argparse.Namespace, workers: int, soak_turns: int,
                      stop: threading.Event) -> Dict[str, object]:
    # Letters only: a sender id with 8 digits in a row looks like a phone number to the guard,
    # which then stores the conversation under a masked id.
    token = "".join(random.choices(string.ascii_lowercase, k=8))
    prefix = f"kvload{token}"  # Rasa ignores a key prefix that is not alphanumeric
    workdir = ROOT / "build" / "load" / f"w{workers}"
    shutil.rmtree(workdir, ignore_errors=True)
    dbs = Databases(args.postgres)
    result: Dict[str, object] = {"rasa_workers": workers, "redis_key_prefix": prefix, "workdir": str(workdir)}
    try:
        _run_configuration(args, workers, soak_turns, stop, token, prefix, workdir, dbs, result)
    finally:
        cleanup(args.redis, prefix, dbs)
    return result


def _run_configuration(args: argparse.Namespace, workers: int, soak_turns: int, stop: threading.Event,
                         token: str, prefix: str, workdir: Path, dbs: Databases,
                         result: Dict[str, object]) -> None:
    servers: Optional[Servers] = None
    try:
        tracker_url = dbs.create(f"kv_load_{token}_tracker")
        catalog_url = dbs.create(f"kv_load_{token}_catalog")
        result["databases"] = list(dbs.names)
        print(f"  databases {', '.join(dbs.names)}; Redis key prefix {prefix}", flush=True)
        load_catalog_db(catalog_url)
        servers = Servers(
            action_port=free_port(), rasa_port=free_port(), workdir=workdir, rasa_workers=workers,
            env={"DATABASE_URL": catalog_url, "TRACKER_STORE_URL": tracker_url, "REDIS_URL": args.redis,
                 "REDIS_KEY_PREFIX": prefix, "RASA_TELEMETRY_ENABLED": "false"})
        t0 = time.perf_counter()
        servers.start(timeout=600)
        result["startup_s"] = round(time.perf_counter() - t0, 1)
        mem = server_memory(servers)
        print(f"  started in {result['startup_s']:.0f} s: Rasa {mem['rasa']['processes']} process(es) "
              f"{mem['rasa']['rss_mb']:.0f} MB, action server {mem['actions']['rss_mb']:.0f} MB", flush=True)

        # Warm-up (lazy TensorFlow parts, every worker, connection pools); not counted.
        warm = Phase("warm-up")
        warm_n = 2 * workers + 2
        run_phase(servers.rasa_url, warm, warm_n,
                  fixed_conversations([f"warm-{token}-{i}" for i in range(warm_n)], len(SCRIPT)), stop)
        result["memory_before"] = server_memory(servers)

        print(f"  load: {args.conversations} conversations × {args.turns} turns ...", flush=True)
        load = Phase("load")
        senders = [f"load-{token}-{i:03d}" for i in range(args.conversations)]
        run_phase(servers.rasa_url, load, args.conversations, fixed_conversations(senders, args.turns), stop)
        result["memory_after"] = server_memory(servers)

        soak: Optional[Phase] = None
        samples: List[Dict[str, object]] = []
        if soak_turns > 0 and not stop.is_set():
            print(f"  soak: {soak_turns} turns, {SOAK_CONVERSATIONS} concurrent conversations ...", flush=True)
            soak = Phase("soak")
            sample_lock = threading.Lock()
            s0 = time.perf_counter()

            def sample(n: int) -> None:
                m = server_memory(servers)
                row = {"turns": n, "elapsed_s": round(time.perf_counter() - s0, 1),
                       "rasa_rss_mb": m["rasa"]["rss_mb"], "actions_rss_mb": m["actions"]["rss_mb"],
                       "rasa_pss_mb": m["rasa"]["pss_mb"], "actions_pss_mb": m["actions"]["pss_mb"]}
                with sample_lock:
                    samples.append(row)
                print(f"    soak memory at {n:>5} turns: Rasa {row['rasa_rss_mb']:7.1f} MB, "
                      f"action server {row['actions_rss_mb']:6.1f} MB", flush=True)

            sample(0)
            run_phase(servers.rasa_url, soak, SOAK_CONVERSATIONS,
                      budget_conversations(f"soak-{token}", args.turns, soak_turns), stop,
                      on_turn=lambda n: sample(n) if n % SOAK_SAMPLE_EVERY == 0 else None)
            if not samples or samples[-1]["turns"] != soak.sent:
                sample(soak.sent)
        result["memory_end"] = server_memory(servers)
        result["redis_lock_keys_left"] = len(redis_keys(args.redis, prefix))
    finally:
        if servers is not None:
            servers.stop()  # also flushes whatever is still in flight into the tracker database

    result["log_error_lines"] = log_errors(workdir)
    result["load"] = summary(load, verify(tracker_url, load.expected))
    if soak is not None:
        s = summary(soak, verify(tracker_url, soak.expected))
        samples.sort(key=lambda r: r["turns"])
        first, last = samples[0], samples[-1]
        s["memory_samples"] = samples
        s["growth"] = {
            who: {"start_mb": first[f"{who}_rss_mb"], "end_mb": last[f"{who}_rss_mb"],
                  "growth_mb": round(last[f"{who}_rss_mb"] - first[f"{who}_rss_mb"], 1),
                  "growth_pct": round(100 * (last[f"{who}_rss_mb"] - first[f"{who}_rss_mb"])
                                      / first[f"{who}_rss_mb"], 1) if first[f"{who}_rss_mb"] else None}
            for who in ("rasa", "actions")}
        result["soak"] = s


def cleanup(redis_url: str, prefix: str, dbs: Databases) -> None:
    try:
        keys = redis_keys(redis_url, prefix)
        for i in range(0, len(keys), 500):
            redis_call(redis_url, "DEL", *keys[i:i + 500])
    except Exception as exc:
        print(f"  warning: could not remove Redis keys {prefix}:*: {exc}", file=sys.stderr)
    names = list(dbs.names)
    problems = dbs.drop_all()
    dbs.engine.dispose()
    for p in problems:
        print(f"  warning: could not drop database {p}", file=sys.stderr)
    if names and not problems:
        print(f"  dropped {', '.join(names)}", flush=True)


# --------------------------------------------------------------------------- report

def fmt(v: object, spec: str = "") -> str:
    if isinstance(v, float) and v != v:
        return "–"
    return format(v, spec)


def print_report(report: Dict[str, object]) -> None:
    runs = report["runs"]
    print("\nLoad (REST, production configuration: PostgreSQL tracker + catalog, Redis lock store)")
    head = (f"{'workers':>7} {'conv':>5} {'turns':>6} {'errors':>6} {'lost':>5} {'dup':>4} {'reord':>5} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'turns/s':>8} {'Rasa MB':>8} {'actions MB':>10} "
            f"{'unexp':>5}")
    print(head)
    print("-" * len(head))
    for r in runs:
        s = r.get("load")
        if not s:
            print(f"{r['rasa_workers']:>7}  (no figures: {r.get('error', 'interrupted')})")
            continue
        mem = r["memory_after"]
        print(f"{r['rasa_workers']:>7} {s['conversations']:>5} {s['turns']:>6} {s['errors']:>6} {s['lost']:>5} "
              f"{s['duplicated']:>4} {s['reordered']:>5} {fmt(s['p50_ms'], '7.0f')} {fmt(s['p95_ms'], '7.0f')} "
              f"{fmt(s['p99_ms'], '7.0f')} {s['throughput_turns_per_s']:>8.1f} "
              f"{fmt(mem['rasa']['rss_mb'], '8.0f')} {fmt(mem['actions']['rss_mb'], '10.0f')} "
              f"{s['unexpected_replies']:>5}")
    print("Rasa MB = RSS summed over Rasa's process group after the load "
          "(PSS, shared pages counted once: " + ", ".join(
              f"{r['rasa_workers']} worker(s) {fmt(r['memory_after']['rasa']['pss_mb'], '.0f')} MB in "
              f"{r['memory_after']['rasa']['processes']} processes" for r in runs if r.get("memory_after")) + ").")
    for r in runs:
        s = r.get("load")
        if s and (s["errors"] or s["lost"] or s["duplicated"] or s["reordered"] or s["unexpected_replies"]
                  or s["tracker"]["stray_user_events"]):
            print(f"  {r['rasa_workers']} worker(s): errors {s['errors_by_kind']}, lost turns "
                  f"{s['tracker']['lost_turns']}, lost replies {s['tracker']['lost_replies']}, stray user events "
                  f"{s['tracker']['stray_user_events']}, unexpected replies {s['unexpected_by_turn']}")
            for e in s["error_samples"][:3] + s["tracker"]["examples"][:3]:
                print(f"    {e}")
        if r.get("log_error_lines") and any(r["log_error_lines"].values()):
            print(f"  {r['rasa_workers']} worker(s): ERROR lines in the logs {r['log_error_lines']} ({r['workdir']})")
    soak = next((r["soak"] for r in runs if r.get("soak")), None)
    if soak:
        w = next(r["rasa_workers"] for r in runs if r.get("soak"))
        print(f"\nSoak ({w} worker(s), {SOAK_CONVERSATIONS} concurrent conversations, new sender ids): "
              f"{soak['turns']} turns in {soak['elapsed_s']:.0f} s, {soak['throughput_turns_per_s']:.1f} turns/s, "
              f"p50 {fmt(soak['p50_ms'], '.0f')} / p95 {fmt(soak['p95_ms'], '.0f')} / "
              f"p99 {fmt(soak['p99_ms'], '.0f')} ms; errors {soak['errors']}, lost {soak['lost']}, "
              f"duplicated {soak['duplicated']}, reordered {soak['reordered']}, "
              f"unexpected {soak['unexpected_replies']}")
        print(f"{'turns':>7} {'Rasa RSS MB':>12} {'actions RSS MB':>15}")
        for row in soak["memory_samples"]:
            print(f"{row['turns']:>7} {row['rasa_rss_mb']:>12.1f} {row['actions_rss_mb']:>15.1f}")
        g = soak["growth"]
        print("Growth: " + ", ".join(
            f"{name} {g[who]['start_mb']:.1f} → {g[who]['end_mb']:.1f} MB ({g[who]['growth_mb']:+.1f} MB, "
            f"{fmt(g[who]['growth_pct'], '+.1f')} %)" for who, name in (("rasa", "Rasa"), ("actions", "action server"))))
    print(f"\nResult: {'OK' if report['ok'] else 'FAILED'} (lost, duplicated, reordered and errors "
          f"{'all 0' if report['ok'] else 'not all 0'}); JSON: {report['json']}")


# --------------------------------------------------------------------------- main

def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--conversations", type=int, default=50, help="concurrent conversations (50)")
    ap.add_argument("--turns", type=int, default=20, help=f"turns per conversation (20; the script has "
                                                          f"{len(SCRIPT)}, longer runs repeat it)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="Rasa Sanic workers to run (1 2)")
    ap.add_argument("--soak-turns", type=int, default=5000, help="soak turns after the 1-worker load (0: none)")
    ap.add_argument("--json", type=Path, default=ROOT / "test-output" / "load.json")
    ap.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
                    help="admin connection used to create and drop the kv_load_* databases")
    ap.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = ap.parse_args(argv)
    if args.conversations < 1 or args.turns < 1 or any(w < 1 for w in args.workers) or args.soak_turns < 0:
        ap.error("--conversations, --turns and --workers must be at least 1, --soak-turns at least 0")
    if not MODEL.exists():
        print(f"No trained model at {MODEL}; run `make model` first.", file=sys.stderr)
        return 1
    try:
        redis_call(args.redis, "PING")
    except Exception as exc:
        print(f"Redis at {args.redis} does not answer: {exc}", file=sys.stderr)
        return 1
    try:
        probe = create_engine(normalize_url(args.postgres), connect_args={"connect_timeout": 5})
        with probe.connect() as c:
            c.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:
        print(f"PostgreSQL at {args.postgres} does not answer: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_term(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    soak_on = 1 if 1 in args.workers else args.workers[0]
    report: Dict[str, object] = {
        "machine": {"cores": os.cpu_count(), "loadavg_at_start": list(os.getloadavg()),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S")},
        "settings": {"conversations": args.conversations, "turns": args.turns, "workers": args.workers,
                     "soak_turns": args.soak_turns, "soak_conversations": SOAK_CONVERSATIONS,
                     "request_timeout_s": REQUEST_TIMEOUT, "script": [script_turn(i) for i in range(args.turns)]},
        "runs": [], "json": str(args.json)}
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    interrupted = False
    soak_done = False
    for workers in args.workers:
        print(f"\n== {workers} Rasa worker(s) ==", flush=True)
        soak_turns = args.soak_turns if (workers == soak_on and not soak_done) else 0
        soak_done = soak_done or soak_turns > 0
        try:
            result = run_configuration(args, workers, soak_turns, stop)
        except KeyboardInterrupt:
            stop.set()
            interrupted = True
            report["runs"].append({"rasa_workers": workers, "error": "interrupted"})
            break
        except Exception as exc:  # report it and go on with the next configuration
            print(f"  failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            report["runs"].append({"rasa_workers": workers, "error": f"{type(exc).__name__}: {exc}"[:2000]})
            continue
        report["runs"].append(result)
    runs = report["runs"]
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    report["ok"] = (not interrupted and bool(runs)
                    and all("load" in r and not failed(r["load"]) and not ("soak" in r and failed(r["soak"]))
                            for r in runs)
                    and (args.soak_turns == 0 or any("soak" in r for r in runs)))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
