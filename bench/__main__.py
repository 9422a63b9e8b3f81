"""`make bench`: prints figures for this machine (not pass/fail).

- p50/p95 latency of full turns (REST → Rasa → action server → catalog DB) for one conversation,
  and for 10 concurrent conversations sending back to back, with turns/s;
- `rasa train` time (a fresh forced training into a temporary folder, unless --skip-train);
- the same concurrent load on a bare `rasa init` bot in the same run, and the ratio (unless --skip-bare);
- Rasa server memory (RSS of its process tree);
- held-out intent accuracy and entity F1, bokmål and nynorsk separately.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

import requests

from bench.nlu_eval import evaluate, parse_examples
from bot.launch import RASA_BIN, Servers
from bot.settings import ROOT

TOKEN = "bench-token"
CONVERSATION = [
    "Hei, vi trenger kompetanseheving om språk i barnehagen vår",  # suggestions at once
    "hele personalet",  # each refinement ranks the measures again
    "delvis, styrer er med men ikke eier",
    "flere år",
    "fortell mer om nummer 2",
    "hvordan søker vi?",
]
# The bare `rasa init` bot (moodbot) that the throughput is compared with, in the same run.
BARE_CONVERSATION = ["hello", "I am sad", "yes", "great", "bye", "are you a bot?"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: List[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_conversation(url: str, session: requests.Session, latencies: List[float],
                     suggest: List[float], errors: List[str], conversation: List[str] = CONVERSATION) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for i, text in enumerate(conversation):
        t0 = time.perf_counter()
        try:
            r = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
            ok = r.status_code == 200 and r.json()
        except requests.RequestException as exc:
            ok, r = False, exc
        dt = (time.perf_counter() - t0) * 1000
        if not ok:
            errors.append(f"{text!r}: {r}")
            continue
        latencies.append(dt)
        if i == 3:
            suggest.append(dt)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def time_training() -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        r = subprocess.run([str(RASA_BIN), "train", "--force", "--out", out, "--quiet"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit("rasa train failed:\n" + r.stdout[-3000:] + r.stderr[-3000:])
    return dt


def concurrent(url: str, users: int, seconds: float, conversation: List[str] = CONVERSATION):
    """(turns, elapsed seconds, latencies, suggestion-turn latencies, errors) of ``users``
    conversations sending back to back for ``seconds``."""
    clat: List[float] = []
    csug: List[float] = []
    cerr: List[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def user() -> None:
        s = requests.Session()
        while time.monotonic() < stop:
            local: List[float] = []
            local_s: List[float] = []
            run_conversation(url, s, local, local_s, cerr, conversation)
            with lock:
                clat.extend(local)
                csug.extend(local_s)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(clat), time.perf_counter() - t0, clat, csug, cerr


def bare_bot_turns_per_second(users: int, seconds: float) -> float:
    """Throughput of a bare `rasa init` bot on this machine, in this run (its model is trained once
    into build/bench-bare and reused)."""
    from bot.launch import wait_http

    folder = ROOT / "build" / "bench-bare"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")
    if not list((folder / "models").glob("*.tar.gz")):
        folder.mkdir(parents=True, exist_ok=True)
        print("Creating and training a bare `rasa init` bot (once, a few minutes) ...", flush=True)
        r = subprocess.run([str(RASA_BIN), "init", "--no-prompt", "--init-dir", str(folder)], cwd=folder, env=env,
                           capture_output=True, text=True)
        if r.returncode != 0 or not list((folder / "models").glob("*.tar.gz")):
            raise SystemExit("rasa init failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    port = free_port()
    log = folder / "rasa.log"
    proc = subprocess.Popen([str(RASA_BIN), "run", "-m", "models", "-p", str(port), "-i", "127.0.0.1"], cwd=folder,
                            env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/", 180, proc, log)
        run_conversation(url, requests.Session(), [], [], [], BARE_CONVERSATION)
        turns, elapsed, _, _, errors = concurrent(url, users, seconds, BARE_CONVERSATION)
        if errors:
            print("Bare bot errors:", errors[:3])
        return turns / elapsed
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--single", type=int, default=15, help="conversations for the single-user run")
    ap.add_argument("--concurrent-seconds", type=float, default=30.0)
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--skip-bare", action="store_true", help="no bare `rasa init` bot for comparison")
    args = ap.parse_args()

    print(f"Machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M')}")
    if not args.skip_train:
        print("Timing `rasa train --force` (NLU + core) ...", flush=True)
        print(f"rasa train: {time_training():.0f} s")
    servers = Servers(action_port=free_port(), rasa_port=free_port(), workdir=ROOT / "build" / "bench",
                      api_token=TOKEN)
    servers.start()
    try:
        url = servers.rasa_url
        session = requests.Session()
        # Warm up (first calls load lazy parts of TensorFlow).
        run_conversation(url, session, [], [], [])
        lat: List[float] = []
        sug: List[float] = []
        errors: List[str] = []
        for _ in range(args.single):
            run_conversation(url, session, lat, sug, errors)
        print(f"\n1 conversation, {len(lat)} turns: p50 {pct(lat, .5):.0f} ms, p95 {pct(lat, .95):.0f} ms "
              f"(suggestion turn: p50 {pct(sug, .5):.0f} ms, p95 {pct(sug, .95):.0f} ms); errors {len(errors)}")

        turns, elapsed, clat, csug, cerr = concurrent(url, args.users, args.concurrent_seconds)
        print(f"{args.users} concurrent conversations, {len(clat)} turns in {elapsed:.1f} s: "
              f"{len(clat) / elapsed:.1f} turns/s, p50 {pct(clat, .5):.0f} ms, p95 {pct(clat, .95):.0f} ms "
              f"(suggestion turn p95 {pct(csug, .95):.0f} ms); errors {len(cerr)}")
        ours = len(clat) / elapsed
        if not args.skip_bare:
            bare = bare_bot_turns_per_second(args.users, args.concurrent_seconds)
            print(f"Bare `rasa init` bot, same load: {bare:.1f} turns/s; ours {ours:.1f} = {ours / bare:.2f} × "
                  f"the bare bot (target >= 0.8)")
        rasa_pid = servers.rasa.pid
        action_pid = servers.action.pid
        print(f"Memory: Rasa server {rss_mb(rasa_pid):.0f} MB, action server {rss_mb(action_pid):.0f} MB")

        def parse(text: str) -> Dict:
            r = session.post(f"{url}/model/parse", params={"token": TOKEN}, json={"text": text}, timeout=30)
            r.raise_for_status()
            return r.json()

        targets = {"nb": 0.95, "nn": 0.90}
        # heldout_*: the held-out set of the foundation issue; fresh_*: a second one written blind
        # later (2026-11-29), because the first had been looked at while improving the NLU;
        # blind3_*: a third, written blind in the next session, before the classifier was changed;
        # blind4_*: a fourth, written blind on 2026-11-29 before the training data of extra3/extra4.
        for name, label in (("heldout", "Held-out"), ("fresh", "Fresh held-out"), ("blind3", "Third held-out"),
                            ("blind4", "Fourth held-out")):
            for lang in ("nb", "nn"):
                path = ROOT / "tests" / "nlu" / f"{name}_{lang}.yml"
                if not path.exists():
                    continue
                s = evaluate(parse_examples(path), parse)
                verdict = "meets" if s.accuracy >= targets[lang] else "BELOW"
                entities = (f"entity F1 {s.entity_f1:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn})" if s.tp + s.fn
                            else "entity F1 n/a (the set has no entity annotations)")
                print(f"{label} {lang}: {s.n} utterances, intent accuracy {s.accuracy:.3f} ({verdict} "
                      f"target {targets[lang]:.2f}), {entities}")
        if errors or cerr:
            print("First errors:", (errors + cerr)[:3])
        from bench.trials import print_reports  # here: bench.trials imports this module
        print_reports(url)  # the user-trial sets in tests/trials/ (blind ones: aggregates only)
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
