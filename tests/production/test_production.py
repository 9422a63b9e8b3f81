"""Production mode against the real PostgreSQL and Redis: two Rasa replicas, restarts, failures of
the action server and of both databases, privacy, and the HTTP surface (API, CORS, bind address).
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
from sqlalchemy import text

from tests.conftest import API_TOKEN
from tests.production.conftest import ALLOWED_ORIGIN, joined, new_sender, say

pytestmark = pytest.mark.servers

# Where and what are asked (the first message says neither), then the list; then a refinement.
GUIDED = [
    ("vi trenger kompetanseheving for hele personalet", "Hvor jobber dere?"),
    ("barnehage", "Hva handler behovet om?"),
    ("språk", "Passer fordi:"),
    ("vi ser for oss flere år", "Oppdatert med"),
]
APOLOGY = "Beklager, jeg har et teknisk problem"
DB_DOWN = "får ikke kontakt med tiltaksdatabasen"
STORE_DOWN = "får ikke hentet eller lagret samtalen"


def test_conversation_alternating_between_two_replicas_ends_like_on_one(production):
    one, two = new_sender("one"), new_sender("alt")
    single = [joined(say(production.a, one, text)) for text, _ in GUIDED]
    servers = [production.a, production.b]
    alternating = [joined(say(servers[i % 2], two, text)) for i, (text, _) in enumerate(GUIDED)]
    for (_, expected), reply in zip(GUIDED, alternating, strict=True):
        assert expected in reply
    assert alternating[-1] == single[-1]  # the same suggestions, word for word
    slots = {e["name"]: e["value"] for e in production.events(two) if e["type_name"] == "slot"}
    assert slots["sector"] == "barnehage" and slots["duration"] == "flerarig"


BURST = ["hva er rekomp?", "hva er dekomp?", "hva er ABLU?", "hva er kompetanseløftet?",
         "hva er videreutdanning?", "hva er etterutdanning?", "hva er rekomp?", "hva er dekomp?",
         "hva er ABLU?", "hva er videreutdanning?"]


def _burst(servers: list, sender: str) -> list:
    """Send BURST from one sender, each message 50 ms after the previous one (long before it is
    answered), round-robin over `servers`; return the replies by position."""
    replies: dict = {}
    errors: list = []

    def send(i: int) -> None:
        try:
            replies[i] = say(servers[i % len(servers)], sender, BURST[i], metadata={"seq": i}, timeout=120)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = []
    for i in range(len(BURST)):
        threads.append(threading.Thread(target=send, args=(i,)))
        threads[-1].start()
        time.sleep(0.05)
    for t in threads:
        t.join(150)
    assert not errors
    return [replies.get(i) for i in range(len(BURST))]


def _user_seqs_and_turns(production, sender: str) -> tuple:
    events = production.events(sender)
    seqs = [e.get("metadata", {}).get("seq") for e in events if e["type_name"] == "user"]
    kinds = [e["type_name"] for e in events if e["type_name"] in ("user", "bot")]
    # Each user message is answered before the next one is taken: never two at once.
    for i, kind in enumerate(kinds):
        if kind == "user":
            assert i + 1 < len(kinds) and kinds[i + 1] == "bot", kinds
    return seqs


def test_ten_concurrent_messages_from_one_sender_are_processed_once_each_in_order(production):
    sender = new_sender("burst")
    replies = _burst([production.a], sender)
    assert all(replies), "every message got a reply"
    assert _user_seqs_and_turns(production, sender) == list(range(len(BURST)))
    for question, reply in zip(BURST, replies, strict=True):  # each reply belongs to its question
        name = question.split()[-1].rstrip("?").lower()
        assert name[:6] in joined(reply).lower(), (question, joined(reply)[:200])


def test_ten_concurrent_messages_over_two_replicas_are_processed_once_each_one_at_a_time(production):
    """Over two replicas the Redis lock (kvchannels.locks) serialises the conversation: every
    message is processed exactly once and never two at once. Their order is the order in which
    the replicas took them; a replica busy with a turn takes a new request only after it."""
    sender = new_sender("burst2")
    replies = _burst([production.a, production.b], sender)
    assert all(replies), "every message got a reply"
    assert sorted(_user_seqs_and_turns(production, sender)) == list(range(len(BURST)))


def test_rasa_restarted_mid_form_keeps_slots_and_form_on_postgresql(production):
    sender = new_sender("restart")
    assert GUIDED[0][1] in joined(say(production.a, sender, GUIDED[0][0]))
    assert GUIDED[1][1] in joined(say(production.a, sender, GUIDED[1][0]))
    production.a.stop_rasa()
    production.a.start_rasa()
    assert GUIDED[2][1] in joined(say(production.a, sender, GUIDED[2][0]))
    assert GUIDED[3][1] in joined(say(production.a, sender, GUIDED[3][0]))


def test_action_server_down_gives_a_quick_apology_and_the_form_goes_on_when_it_is_back(production):
    sender = new_sender("actions-down")
    assert GUIDED[0][1] in joined(say(production.b, sender, GUIDED[0][0]))
    production.a.stop_actions()
    try:
        started = time.monotonic()
        reply = joined(say(production.b, sender, "hva er rekomp?"))
        elapsed = time.monotonic() - started
        assert APOLOGY in reply and elapsed < 2.0, (reply, elapsed)
        assert reply.count(APOLOGY) == 1
    finally:
        production.a.start_actions()
    # Back: the form is still active and asks for the same slot.
    assert GUIDED[1][1] in joined(say(production.b, sender, GUIDED[1][0]))
    assert GUIDED[2][1] in joined(say(production.b, sender, GUIDED[2][0]))


def test_catalog_database_down_gives_an_apology_and_the_first_query_after_recovery_works(production):
    sender = new_sender("catalog-down")
    assert "Rekomp" in joined(say(production.a, sender, "hva er rekomp?"))
    production.catalog_proxy.cut()
    try:
        started = time.monotonic()
        reply = joined(say(production.a, sender, "hva er dekomp?"))
        assert DB_DOWN in reply and time.monotonic() - started < 10, reply
    finally:
        production.catalog_proxy.restore()
    assert "Dekomp" in joined(say(production.a, sender, "hva er dekomp?"))


def test_tracker_database_down_is_reported_not_silently_reset(production):
    sender = new_sender("tracker-down")
    assert GUIDED[0][1] in joined(say(production.a, sender, GUIDED[0][0]))
    health = requests.get(f"{production.a.rasa_url}/webhooks/rest/health", timeout=10)
    assert health.status_code == 200 and health.json()["tracker_store"] == "ok", health.text
    production.tracker_proxy.cut()
    try:
        health = requests.get(f"{production.a.rasa_url}/webhooks/rest/health", timeout=10)
        assert health.status_code == 503, health.text
        assert health.json()["tracker_store"].startswith("unavailable")
        assert health.json()["lock_store"] == "ok" and health.json()["action_server"] == "ok"
        reply = joined(say(production.a, sender, GUIDED[1][0]))
        assert STORE_DOWN in reply, reply  # not a fresh conversation's answer
        log = (production.a.workdir / "rasa.log").read_text(errors="replace")
        assert "Tracker store unavailable" in log
    finally:
        production.tracker_proxy.restore()
    # The conversation was neither reset nor lost: the form still asks who it is for.
    assert GUIDED[1][1] in joined(say(production.a, sender, GUIDED[1][0]))
    assert requests.get(f"{production.a.rasa_url}/webhooks/rest/health", timeout=10).status_code == 200


def test_personal_data_is_masked_in_stored_events_and_logs(production):
    sender = new_sender("pii")
    secret = ("Hei, jeg heter Kari, fødselsnummer 01019012345, e-post kari.nordmann@kommune.no "
              "og telefon 412 34 567. Hva er rekomp?")
    say(production.a, sender, secret, metadata={"note": "svar til kari.nordmann@kommune.no"})
    stored = " ".join(str(e) for e in production.events(sender))
    for raw in ("01019012345", "kari.nordmann@kommune.no", "412 34 567"):
        assert raw not in stored
        for log in ("rasa.log", "actions.log"):
            assert raw not in (production.a.workdir / log).read_text(errors="replace")
    assert "[fødselsnummer]" in stored and "[e-post]" in stored and "[telefonnummer]" in stored


def test_slett_samtalen_min_deletes_the_conversation_and_its_feedback(production):
    sender = new_sender("delete")
    say(production.a, sender, GUIDED[0][0])
    say(production.a, sender, '/feedback{"rating": "ja", "target": "samtale"}')
    engine = production.catalog_engine()
    count = text("SELECT count(*) FROM feedback WHERE sender_id = :s")
    try:
        with engine.connect() as conn:
            assert conn.execute(count, {"s": sender}).scalar() == 1
        assert production.events(sender)
        messages = say(production.b, sender, "slett samtalen min")
        assert "Samtalen din er slettet" in joined(messages)
        assert any((m.get("custom") or {}).get("data", {}).get("type") == "conversation_deleted"
                   for m in messages)
        assert production.events(sender) == []
        with engine.connect() as conn:
            assert conn.execute(count, {"s": sender}).scalar() == 0
    finally:
        engine.dispose()
    # Writing again starts a new conversation (the form is not active any more).
    assert "Hva handler behovet om?" not in joined(say(production.a, sender, "hei"))


def test_http_surface_api_off_cors_limited_action_server_on_loopback(production):
    rasa = production.a.rasa_url
    # Rasa's HTTP API is off unless started with a token (the production servers have none).
    for method, path in (("GET", "/conversations/x/tracker"), ("POST", "/model/parse"),
                         ("GET", f"/conversations/x/tracker?token={API_TOKEN}")):
        r = requests.request(method, rasa + path, json={"text": "hei"}, timeout=10)
        assert r.status_code in (403, 404, 405), (path, r.status_code)
    # CORS: only the configured origin.
    allowed = requests.get(f"{rasa}/webhooks/rest/health", headers={"Origin": ALLOWED_ORIGIN}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    evil = requests.get(f"{rasa}/webhooks/rest/health", headers={"Origin": "https://evil.example"}, timeout=10)
    assert evil.headers.get("Access-Control-Allow-Origin") in (None, "")
    # The action server and Rasa listen on 127.0.0.1 only.
    listening = _listening_addresses()
    for port in (production.a.action_port, production.a.rasa_port):
        assert listening.get(port) == {"127.0.0.1"}, (port, listening.get(port))


def _listening_addresses() -> dict:
    """port -> set of IPv4/IPv6 addresses in LISTEN state, from /proc/net/tcp{,6}."""
    found: dict = {}
    for name, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state = parts[1], parts[3]
            if state != "0A":
                continue
            addr_hex, port_hex = local.split(":")
            port = int(port_hex, 16)
            if width == 8:
                addr = ".".join(str(int(addr_hex[i:i + 2], 16)) for i in (6, 4, 2, 0))
            else:
                addr = "::" if set(addr_hex) == {"0"} else addr_hex
            found.setdefault(port, set()).add(addr)
    return found
