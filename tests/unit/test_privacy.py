"""Personal data is masked in text and in every log record (kvchannels.privacy)."""

from __future__ import annotations

import logging
import random

import pytest

from kvchannels.privacy import install_log_masking, looks_like_pii, mask_pii

MASKED = [
    # fødselsnummer / D-nummer: 11 digits, also 6+5; no checksum test
    ("mitt fnr er 01019012345", "mitt fnr er [fødselsnummer]"),
    ("fødselsnummeret mitt er 010190 12345.", "fødselsnummeret mitt er [fødselsnummer]."),
    ("fnr: 010190-12345", "fnr: [fødselsnummer]"),
    ("personnummer 010190.12345, takk", "personnummer [fødselsnummer], takk"),
    ("D-nummer 41019012345", "D-nummer [fødselsnummer]"),
    ("fnr:12345678901", "fnr:[fødselsnummer]"),
    ("eg heiter Kari, fødselsnummeret mitt er 31129912345", "eg heiter Kari, fødselsnummeret mitt er [fødselsnummer]"),
    # e-mail addresses
    ("e-post: kari.nordmann@kommune.no", "e-post: [e-post]"),
    ("send til ola@skole.oslo.kommune.no.", "send til [e-post]."),
    ("adressa mi er ærlig.øyvind+kv@bø.kommune.no", "adressa mi er [e-post]"),
    ("(per_hansen-2@nord-fron.kommune.no)", "([e-post])"),
    ("KARI.NORDMANN@UDIR.NO og Ola@Example.com", "[e-post] og [e-post]"),
    # Norwegian phone numbers
    ("ring meg på 412 34 567", "ring meg på [telefonnummer]"),
    ("ring meg på 41234567", "ring meg på [telefonnummer]"),
    ("tlf 41 23 45 67", "tlf [telefonnummer]"),
    ("sentralbordet: 22-33-44-55", "sentralbordet: [telefonnummer]"),
    ("22.33.44.55", "[telefonnummer]"),
    ("+47 412 34 567", "[telefonnummer]"),
    ("+4741234567", "[telefonnummer]"),
    ("0047 41234567", "[telefonnummer]"),
    ("(+47) 41 23 45 67", "[telefonnummer]"),
    ("mobil +47 4123 4567 eller e-post", "mobil [telefonnummer] eller e-post"),
    ("+47-41234567", "[telefonnummer]"),
    ("ring 41234567 2 gonger", "ring [telefonnummer] 2 gonger"),
    ("412 34 567 / 22 33 44 55", "[telefonnummer] / [telefonnummer]"),
    ("kan du ringe meg?412 34 567", "kan du ringe meg?[telefonnummer]"),
    # international numbers: + and 10-15 digits
    ("+46 8 123 456 78", "[telefonnummer]"),
    ("call +1 (555) 123-4567 please", "call [telefonnummer] please"),
    ("+442079460958", "[telefonnummer]"),
    # several kinds in one message
    ("Kari, 01019012345, kari@kommune.no, 412 34 567",
     "Kari, [fødselsnummer], [e-post], [telefonnummer]"),
]

NOT_MASKED = [
    "vi har 100 000 kroner",
    "1 200 000 kr i tilskudd",
    "budsjettet er 12 345 678",
    "12 345 678 kroner",
    "12000000 kr",
    "12000000 kroner",
    "50 %",
    "50 prosent av lønna",
    "fra 2021 til 2025",
    "2021–2025",
    "2021-2025",
    "i 2026",
    "skoleåret 2025/2026",
    "fortell mer om nummer 2",
    "30 studiepoeng",
    "60 studiepoeng over 4 semester",
    "frist 01.03.2026",
    "12.03-14.03",
    "kl. 08.00-16.00",
    "org.nr. 974 760 673",
    "postnummer 0150 Oslo",
    "4123 4567",  # 4+4 without a prefix: too much like two years
    "1234567",
    "123456789",
    "ein e-post @ ein stad",
    "kompetanse@",
    "Kompetansepakke 2: 3 samlinger",
    "Dekomp og Rekomp i 2025",
    "[telefonnummer] og [e-post] og [fødselsnummer]",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_personal_data(text, expected):
    assert mask_pii(text) == expected
    assert looks_like_pii(text)


@pytest.mark.parametrize("text", NOT_MASKED)
def test_leaves_other_text_alone(text):
    assert mask_pii(text) == text
    assert not looks_like_pii(text)


@pytest.mark.parametrize("text", [t for t, _ in MASKED] + NOT_MASKED)
def test_masking_is_idempotent(text):
    once = mask_pii(text)
    assert mask_pii(once) == once


def test_idempotent_on_random_digit_soup():
    rng = random.Random(20260101)
    alphabet = "0123456789" * 4 + " .-+()@ab æ" + "\u00a0"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        once = mask_pii(text)
        assert mask_pii(once) == once, text


def test_keeps_the_rest_byte_identical():
    text = "Hei!\n  Ring meg på 412 34 567\t– takk 😊 (æøå ÆØÅ)\r\n"
    assert mask_pii(text) == "Hei!\n  Ring meg på [telefonnummer]\t– takk 😊 (æøå ÆØÅ)\r\n"


@pytest.mark.parametrize("empty", [None, ""])
def test_none_and_empty(empty):
    assert mask_pii(empty) == ""
    assert not looks_like_pii(empty)


@pytest.fixture()
def masking():
    factory = logging.getLogRecordFactory()
    install_log_masking()
    yield
    logging.setLogRecordFactory(factory)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines, self.records = [], []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture()
def log(request):
    logger = logging.getLogger(f"kv.test.privacy.{request.node.name}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = _Collect()
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)


def test_log_masking_formats_args_first(masking, log):
    logger, handler = log
    logger.info("user %s wrote %r (%d)", "abc", "ring meg på 412 34 567, kari@kommune.no", 3)
    logger.debug("fnr %s%s", "010190", "12345")  # only the formatted text shows the number
    assert handler.lines == ["user abc wrote 'ring meg på [telefonnummer], [e-post]' (3)",
                             "fnr [fødselsnummer]"]
    assert all(r.args == () for r in handler.records)


def test_log_masking_covers_every_logger_and_caplog(masking, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.core.processor").info("Received user message '%s'", "01019012345")
        logging.getLogger().warning({"text": "mail kari@kommune.no"})
    assert caplog.messages == ["Received user message '[fødselsnummer]'", "{'text': 'mail [e-post]'}"]


def test_log_masking_masks_tracebacks(masking, log):
    logger, handler = log
    try:
        raise ValueError("bad input 412 34 567")
    except ValueError:
        logger.exception("failed for %s", "kari@kommune.no")
    assert handler.lines[0].startswith("failed for [e-post]\nTraceback")
    assert "[telefonnummer]" in handler.lines[0] and "412 34 567" not in handler.lines[0]


def _record(msg, *args):
    return logging.getLogRecordFactory()("kv.test", logging.INFO, __file__, 1, msg, args, None)


def test_log_masking_never_raises(masking):
    record = _record("%d items for %s", "not a number", "kari@kommune.no")  # logging reports it later
    assert record.msg == "%d items for %s" and record.args == ("not a number", "[e-post]")

    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")

    assert _record(Unprintable()).getMessage() == "[log message withheld: it could not be masked]"


def test_install_log_masking_is_idempotent(masking, log):
    wrapped = logging.getLogRecordFactory()
    install_log_masking()
    assert logging.getLogRecordFactory() is wrapped
    logger, handler = log
    logger.info("%s", "41234567")
    assert handler.lines == ["[telefonnummer]"]
