"""The pure message checks that run inside Rasa before a message is parsed (kvchannels.inputs)."""

from __future__ import annotations

import unicodedata

import pytest

from kvchannels.inputs import check_payload, clean_text, is_delete_request

INTENTS = frozenset({"inform", "feedback", "greet"})
ENTITIES = frozenset({"sector", "rating", "target", "language"})


@pytest.mark.parametrize("raw,clean", [
    (None, ""), ("", ""), ("   \n\t ", ""), ("\x00", ""), ("hei\x00 du", "hei du"),
    ("hva  er\n\nrekomp?", "hva er rekomp?"), ("\x07bjelle\x1b[31m", "bjelle[31m"),
    ("👍🙂", "👍🙂"), ("\ud800x", "x"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_nfd_becomes_nfc():
    text = "Bærum, Ålesund og Tromsø – språk i barnehagen"
    assert clean_text(unicodedata.normalize("NFD", text)) == text


@pytest.mark.parametrize("payload", [
    "/greet", '/greet{"language": "nn"}', '/inform{"sector": "barnehage"}',
    '/feedback{"rating": "up", "target": "rekomp"}',
])
def test_allowed_payloads_pass(payload):
    assert check_payload(payload, INTENTS, ENTITIES) == payload


@pytest.mark.parametrize("payload,text", [
    ("/restart_everything", "restart_everything"),
    ('/inform{"is_admin": "true"}', 'inform{"is_admin": "true"}'),
    ('/inform{"sector": 5}', 'inform{"sector": 5}'),
    ('/inform{"sector": ["a", "b"]}', 'inform{"sector": ["a", "b"]}'),
    ('/inform{"sector": "' + "x" * 200 + '"}', 'inform{"sector": "' + "x" * 200 + '"}'),
    ("/inform{ikke json}", "inform{ikke json}"),
    ("//greet", "greet"),
    ("/", ""),
])
def test_other_payloads_become_text(payload, text):
    assert check_payload(payload, INTENTS, ENTITIES) == text


def test_text_is_untouched():
    assert check_payload("hva er rekomp?", INTENTS, ENTITIES) == "hva er rekomp?"


@pytest.mark.parametrize("text", [
    "slett samtalen min", "Slett samtalen min.", "slett samtala mi", "kan du slette samtalen min?",
    "Vennligst slett samtalen min, takk", "jeg vil slette samtalen", "eg vil slette samtala mi",
    "slett alt om meg", "glem meg", "slett chatten", "slett historikken min!",
])
def test_delete_requests(text):
    assert is_delete_request(text)


@pytest.mark.parametrize("text", [
    "hvordan sletter jeg samtalen?", "slettes samtalen etter 90 dager?", "hva er rekomp?",
    "kan dere slette data om elever i barnehagen?", "vi trenger kompetanse om personvern og sletting",
    "samtalen min var nyttig",
])
def test_not_delete_requests(text):
    assert not is_delete_request(text)
