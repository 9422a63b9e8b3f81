"""Bad input and restarts against the real servers with the embedded SQLite defaults."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
import requests

pytestmark = pytest.mark.servers


def post(servers, body, **kw) -> requests.Response:
    return requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=60, **kw,
                         **({"json": body} if not isinstance(body, (str, bytes)) else {"data": body}))


def user_texts(chat) -> list:
    return [e.get("text") for e in chat.tracker()["events"] if e.get("event") == "user"]


def test_too_long_message_gets_a_polite_answer_and_is_not_stored(chat):
    reply = chat.text("språk " * 2000)
    assert "Meldingen din er for lang" in reply and "1000 tegn" in reply
    assert user_texts(chat) == []
    assert "Passer fordi:" in chat.text("vi trenger kompetanseheving om språk i barnehagen")


@pytest.mark.parametrize("message", ["", "   ", "\n\t ", "\x00", None])
def test_empty_or_whitespace_messages(chat, message):
    assert "Jeg fikk en tom melding" in chat.text(message)
    assert user_texts(chat) == []


def test_emoji_only_gets_a_norwegian_answer(chat):
    reply = chat.text("👍🙂🎉")
    assert reply.strip() and "Error" not in reply


def test_nul_and_control_characters_are_removed(servers, chat):
    clean = chat.text("hva er rekomp?")
    other = type(chat)(servers, f"test-nul-{uuid.uuid4().hex[:8]}")
    assert other.text("hva er\x00 rekomp?\x07") == clean
    assert "\x00" not in "".join(user_texts(other))


def test_nfd_and_nfc_give_the_same_result(servers):
    from tests.conftest import Chat

    text = "Vi trenger kompetanseheving i språk for hele personalet i barnehagen, gjerne på nynorsk også"
    nfc = Chat(servers, f"test-nfc-{uuid.uuid4().hex[:8]}")
    nfd = Chat(servers, f"test-nfd-{uuid.uuid4().hex[:8]}")
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert nfc.text(text) == nfd.text(decomposed)
    assert nfc.tracker()["slots"] == {**nfd.tracker()["slots"]}
    assert user_texts(nfd) == [text]


def test_typed_payloads_cannot_bypass_slot_validation(chat):
    chat.text("vi trenger kompetanseheving om språk i barnehagen")
    chat.text('/inform{"audience": "alle_i_hele_verden"}')
    assert chat.tracker()["slots"].get("audience") in (None, "individ", "gruppe", "alle")
    reply = chat.text('/inform{"sector": "militæret"}')
    # Rejected like a typed unknown sector: never stored, and the form asks for a real one.
    assert chat.tracker()["slots"]["sector"] in (None, "barnehage")
    assert "militæret" not in str(chat.tracker()["slots"]) and reply.strip()
    # Unknown intents or entities are not payloads: they go through NLU as text.
    reply = chat.text('/drop_tables{"sector": "barnehage"}')
    assert reply.strip()
    assert "/" not in (user_texts(chat)[-1] or "")[:1]
    chat.text('/inform{"sector": "sfo", "is_admin": "true"}')
    assert "is_admin" not in chat.tracker()["slots"]


@pytest.mark.parametrize("attack", [
    "<script>alert('x')</script> hva er rekomp?",
    "'; DROP TABLE events; -- hva er rekomp?",
    "<img src=x onerror=alert(1)>",
    "1 OR 1=1; SELECT * FROM measures",
])
def test_html_and_sql_looking_text_is_harmless(chat, attack):
    reply = chat.text(attack)
    assert reply.strip()
    assert "<script>" not in reply and "onerror" not in reply
    assert "Rekomp" in chat.text("hva er rekomp?")  # the catalog is still there


@pytest.mark.parametrize("body,fix", [
    ("ikke json", "send a JSON object"),
    (["en", "liste"], "send a JSON object"),
    ({"sender": 42, "message": "hei"}, "'sender' must be a string"),
    ({"sender": "x" * 500, "message": "hei"}, "'sender' must be a string"),
    ({"sender": "ok", "message": {"text": "hei"}}, "'message' must be a string"),
])
def test_malformed_requests_get_a_400_naming_what_to_fix(servers, body, fix):
    r = post(servers, body)
    assert r.status_code == 400 and fix in r.text, (r.status_code, r.text[:300])


def test_oversized_or_nested_metadata_is_dropped_not_fatal(servers):
    sender = f"test-meta-{uuid.uuid4().hex[:8]}"
    r = post(servers, {"sender": sender, "message": "hva er rekomp?",
                       "metadata": {"blob": "x" * 5000}})
    assert r.status_code == 200 and "Rekomp" in " ".join(m.get("text", "") for m in r.json())


def test_rasa_restarted_mid_form_keeps_slots_and_form_on_sqlite(servers, chat):
    assert "Hvor jobber dere?" in chat.text("vi trenger kompetanseheving for hele personalet")
    assert "Hva handler behovet om?" in chat.text("barnehage")
    servers.stop_rasa()
    servers.start_rasa()
    assert "Passer fordi:" in chat.text("språk")
    assert chat.tracker()["slots"]["audience"] == "alle" and chat.tracker()["slots"]["sector"] == "barnehage"


def test_health_endpoint_reports_ok(servers):
    r = requests.get(f"{servers.rasa_url}/webhooks/rest/health", timeout=10)
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "tracker_store": "ok", "lock_store": "ok", "action_server": "ok"}


def test_the_widgets_own_payloads_pass_the_guard(chat):
    assert "Eg er Kompetanseveilederen" in chat.text('/greet{"language": "nn"}')
    assert chat.tracker()["slots"]["language"] == "nn"
    reply = chat.say("/request_measures")
    assert reply and reply[0].get("text")
