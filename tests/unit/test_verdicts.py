"""Yes/no questions answered from catalog facts (bot.knowledge.verdicts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.catalog.records import Fact
from bot.knowledge.verdicts import fact_matchers, find_fact, verdict_reply
from kvnlu.questions import is_yes_no

NO_VIKAR = Fact(answer="no", terms=("vikar", "stipend"),
                asks={"nb": "Får man vikar eller stipend under styrerutdanningen?",
                      "nn": "Får ein vikar eller stipend under styrarutdanninga?"},
                says={"nb": "Udir betaler bare studieplassen.", "nn": "Udir betaler berre studieplassen."},
                basis="I Interpretation warnings", about=("funding",))
FREE = Fact(answer="yes", terms=("gratis",), asks={"nb": "Er styrerutdanningen gratis?", "nn": "Er styrarutdanninga gratis?"},
            says={"nb": "Udir betaler studieplassen.", "nn": "Udir betaler studieplassen."}, basis="B4")


@pytest.fixture()
def entries(catalog):
    styrer = replace(catalog.measures["styrerutdanning"], facts=(NO_VIKAR, FREE))
    rektor = replace(catalog.measures["rektorutdanning"], facts=())
    return styrer, rektor


@pytest.mark.parametrize("text", [
    "skal søkje styrarutdanninga til våren. får eg vikar eller stipend medan eg studerer?",
    "Kollegaen min sier vi har rett på 25 % fri. stemmer det??",
    "MÅ vi ha med et universitet?", "gjeld det private barnehagar og?", "er rekomp fortsatt i bruk",
])
def test_yes_no_questions(text):
    assert is_yes_no(text)


@pytest.mark.parametrize("text", [
    "hva er rekomp?", "kan du fortelle om styrerutdanningen?", "finnes det noe for SFO om lek?",
    "vi trenger kurs i språk", "skal ta videreutdanning. hvor søker jeg?", "har dere noe om mobbing?",
])
def test_questions_that_ask_for_information_are_not_yes_no(text):
    assert not is_yes_no(text)


def test_the_fact_named_in_the_question_decides_it(entries):
    styrer, rektor = entries
    matchers = fact_matchers([styrer, rektor])
    assert set(matchers) == {"styrerutdanning"}
    got = find_fact("skal søkje styrarutdanninga. får eg vikar medan eg studerer?", [styrer], matchers)
    assert got is not None and got.fact is NO_VIKAR and not got.by_meaning
    # The terms are read in the question sentences only, and the earliest named wins.
    assert find_fact("Eg vil ha vikar. Er det gratis?", [styrer], matchers).fact is FREE
    # Not a yes/no question, or no fact of the entry asked about: left to the rest of the plan.
    assert find_fact("hvordan får jeg vikar?", [styrer], matchers) is None
    assert find_fact("får rektorer vikar?", [rektor], matchers) is None


def test_by_meaning_only_when_clearly_nearest(entries):
    styrer, _ = entries
    matchers = fact_matchers([styrer])

    def similar(text, others):
        return [0.97 if "vikar" in o else 0.80 for o in others]

    got = find_fact("blir det dekket noen erstatter for meg mens jeg studerer?", [styrer], matchers, similar)
    assert got is not None and got.fact is NO_VIKAR and got.by_meaning
    assert find_fact("blir det dekket noe?", [styrer], matchers, lambda t, o: [0.95, 0.94]) is None


def test_the_reply_starts_with_the_answer_and_names_the_source(entries):
    styrer, _ = entries
    got = find_fact("får eg vikar?", [styrer], fact_matchers([styrer]))
    reply = verdict_reply(got, "nn")
    assert reply.text.startswith("Nei. Udir betaler berre studieplassen.")
    assert "Kjelde: https://" in reply.text and len(reply.text) < 600
    assert reply.buttons[0]["payload"] == '/ask_measure{"measure": "styrerutdanning", "part": "all"}'


def test_whether_it_still_applies_is_decided_by_the_declared_status(catalog):
    from bot.knowledge.verdicts import status_verdict
    from tests.conftest import TODAY

    ms = catalog.measures
    rekomp = status_verdict("finnes rekomp fortsatt?", ms["rekomp"], ms, "nb", TODAY)
    assert rekomp.fact.answer == "no"
    reply = verdict_reply(rekomp, "nb", ms, TODAY)
    assert reply.text.startswith("Nei. Regional ordning for kompetanseutvikling i barnehage (Rekomp) gjaldt til "
                                 "31. desember 2025 og gjelder ikke lenger. Den er erstattet av"), reply.text
    assert reply.buttons[0]["payload"] == '/ask_measure{"measure": "kollektiv-barnehage-grunnskole"}'
    assert status_verdict("kan vi søke en ny runde rekomp nå?", ms["rekomp"], ms, "nb", TODAY).fact.answer == "no"
    assert status_verdict("gjeld den kollektive ordninga framleis?", ms["kollektiv-barnehage-grunnskole"], ms, "nn",
                          TODAY).fact.answer == "yes"
    doubt = next(m for m in ms.values() if m.in_doubt)
    assert status_verdict("finnes den fortsatt?", doubt, ms, "nb", TODAY).fact.answer == "unsure"
    # Not about whether it still applies, or not a yes/no question: left to the plan.
    assert status_verdict("kan vi søke rekomp?", ms["rekomp"], ms, "nb", TODAY) is None
    assert status_verdict("hva erstattet rekomp?", ms["rekomp"], ms, "nb", TODAY) is None


def test_yes_no_sentences_leave_other_questions_out_and_keep_the_claim():
    from kvnlu.questions import yes_no_sentences

    assert yes_no_sentences("Hvem søker? Kan private være med?") == ["Kan private være med?"]
    assert yes_no_sentences("Fristen er 1. mars. Kan vi søke etter det?") == ["Kan vi søke etter det?"]
    assert yes_no_sentences("Fristen er 1. mars. Kan vi søke etter det?", context=True) == [
        "Fristen er 1. mars.", "Kan vi søke etter det?"]
    assert yes_no_sentences("Kollegaen min sier at rekomp er borte. Stemmer det?") == [
        "Kollegaen min sier at rekomp er borte.", "Stemmer det?"]
    assert yes_no_sentences("Hva er rekomp?") == []


def test_an_explicit_status_question_is_decided_by_the_status_before_any_fact(catalog):
    from bot.knowledge.verdicts import decide

    rekomp = catalog.measures["rekomp"]
    got = decide("finnes rekomp fortsatt?", [rekomp], fact_matchers([rekomp]), catalog.measures, "nb", date(2026, 12, 7))
    assert got is not None and got.fact.answer == "no" and got.fact.basis == "status"
