"""Actions with a real rasa_sdk Tracker, a CollectingDispatcher and a temporary SQLite catalog."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.common as common
from actions.advice import (
    ActionAskRole,
    ActionAskTheme,
    ActionChangeAnswer,
    ActionMoreAbout,
    ActionStartAdvice,
    ActionSuggestMeasures,
    ValidateAdvisorForm,
)
from actions.feedback import ActionRecordFeedback
from actions.knowledge import ActionAnswerConcept, ActionAnswerDeadline, ActionAnswerMeasure, ActionClarify
from actions.language import ActionDetectLanguage
from bot.catalog.db import make_engine
from bot.catalog.store import CatalogStore

DOMAIN: Dict[str, Any] = {
    "forms": {"advisor_form": {"required_slots": ["sector", "theme", "audience", "role", "anchoring", "duration"]}},
    "slots": {},
}
FORM_SLOTS = ["sector", "theme", "audience", "role", "anchoring", "duration"]


@pytest.fixture(autouse=True)
def catalog_db(loaded_store, monkeypatch):
    monkeypatch.setattr(common, "_store", loaded_store)
    monkeypatch.setattr(common, "_view", None)
    monkeypatch.setattr(common, "today", lambda: __import__("datetime").date(2026, 11, 28))
    import actions.advice as advice
    import actions.knowledge as knowledge
    monkeypatch.setattr(advice, "today", common.today)
    monkeypatch.setattr(knowledge, "today", common.today)
    yield


def tracker(text: str = "", intent: str = "inform", slots: Optional[Dict[str, Any]] = None,
            entities: Optional[List[Dict[str, Any]]] = None, events: Optional[List[Dict[str, Any]]] = None,
            confidence: float = 0.95, active_loop: Optional[str] = None,
            ranking: Optional[List[Dict[str, Any]]] = None,
            extracted: Optional[Dict[str, Any]] = None, channel: str = "rest",
            latest_action: str = "action_listen") -> Tracker:
    """A tracker whose latest user message is ``text``; ``extracted`` are the slots Rasa's
    slot mappings set from that message (they are what the form validates)."""
    all_slots = {s: None for s in FORM_SLOTS}
    all_slots.update({"language": "nb", "failed_attempts": 0, "requested_slot": None, "suggested": None,
                      "suggest_offset": 0, "measure": None, "refine": None, "guess": None,
                      "read_by_meaning": None, "shown_for": None, "asked": None})
    all_slots.update(slots or {})
    all_slots.update(extracted or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "entities": entities or [], "intent_ranking": ranking or []}
    evts = list(events or []) + [{"event": "user", "text": text, "parse_data": latest,
                                  "input_channel": channel}]
    evts += [{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()]
    return Tracker("test-user", all_slots, latest, evts, False, None,
                   {"name": active_loop} if active_loop else {}, latest_action)


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_typed_nynorsk_answer_fills_requested_slot_and_moves_on():
    t = tracker("delvis, styrar er med men ikkje eigar",
                slots={"requested_slot": "anchoring", "refine": "anchoring", "sector": "barnehage", "theme": "sprak",
                       "audience": "alle", "language": "nn"})
    messages, events = run(ValidateAdvisorForm(), t)
    # the refinement is given: where and what are known, so the form is done (suggestions follow)
    assert events == [SlotSet("anchoring", "delvis"), SlotSet("failed_attempts", 0),
                      SlotSet("requested_slot", None)]
    assert messages == []


def test_only_where_and_what_are_asked_before_suggestions():
    t = tracker("vi jobber i barnehage", slots={"requested_slot": "sector"}, extracted={"sector": "barnehage"},
                entities=[{"entity": "sector", "value": "barnehage"}])
    _, events = run(ValidateAdvisorForm(), t)
    assert events[-1] == SlotSet("requested_slot", "theme")
    t = tracker("språk", slots={"requested_slot": "theme", "sector": "barnehage"}, extracted={"theme": "sprak"},
                entities=[{"entity": "theme", "value": "sprak"}])
    _, events = run(ValidateAdvisorForm(), t)
    assert events[-1] == SlotSet("requested_slot", None)  # audience, role, anchoring, duration refine later


def test_unclear_answer_counts_a_failure_and_asks_again():
    t = tracker("blablabla", intent="nlu_fallback", confidence=0.3,
                slots={"requested_slot": "sector", "failed_attempts": 0})
    messages, events = run(ValidateAdvisorForm(), t)
    assert events == [SlotSet("failed_attempts", 1), SlotSet("requested_slot", "sector")]
    assert texts(messages) == "Det fikk jeg ikke helt med meg."


def test_a_question_asked_twice_is_not_asked_after_a_digression():
    t = tracker("hva er været i morgen?", intent="out_of_scope", confidence=0.9,
                slots={"requested_slot": "sector", "asked": {"sector": 2}})
    _, events = run(ValidateAdvisorForm(), t)
    assert events == [SlotSet("requested_slot", "sector")]  # first the rules answer the question
    t = tracker("hva er været i morgen?", intent="out_of_scope", confidence=0.9, latest_action="utter_out_of_scope",
                slots={"requested_slot": "sector", "asked": {"sector": 2}})
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("sector", "ukjent") in events and events[-1] == SlotSet("requested_slot", "theme")
    assert "går videre uten det" in texts(messages)


def test_a_question_is_never_asked_a_third_time():
    t = tracker("blablabla", intent="nlu_fallback", confidence=0.3,
                slots={"requested_slot": "sector", "failed_attempts": 1, "theme": "sprak"})
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("sector", "ukjent") in events and events[-1] == SlotSet("requested_slot", None)
    assert "går videre uten det" in texts(messages)


@pytest.mark.parametrize("text, lang", [("vet ikke", "nb"), ("hopp over", "nb"), ("veit ikkje", "nn"),
                                        ("spiller ingen rolle", "nb")])
def test_dont_know_moves_on(text, lang):
    t = tracker(text, intent="deny", slots={"requested_slot": "duration", "refine": "duration", "sector": "sfo",
                                            "theme": "sprak", "language": lang})
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("duration", "ukjent") in events and events[-1] == SlotSet("requested_slot", None)


@pytest.mark.parametrize("text, intent", [("bare gi meg noen forslag", "request_measures"),
                                          ("ka har dokke?", "out_of_scope"), ("vis meg det du har", "show_more"),
                                          ("/request_measures", "request_measures")])
def test_a_request_for_suggestions_mid_form_shows_them(text, intent):
    t = tracker(text, intent=intent, confidence=0.7, slots={"requested_slot": "sector", "theme": "sprak"})
    _, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("sector", "ukjent") in events and events[-1] == SlotSet("requested_slot", None)


def test_suggestions_without_a_sector_say_what_was_assumed():
    messages, _ = run(ActionSuggestMeasures(), tracker("vis forslag", slots={"sector": "ukjent", "theme": "sprak"}))
    body = texts(messages)
    assert "tiltak for alle sektorer" in body and "1. " in body
    messages, _ = run(ActionSuggestMeasures(), tracker("vis forslag", slots={"sector": "ukjent", "theme": "ukjent"}))
    assert "(alle sektorer og tema):" in texts(messages) and "()" not in texts(messages)


@pytest.mark.parametrize("text, theme", [
    ("vi sliter med mye uro og konflikter i klassene", "laeringsmiljo"),
    ("lærerne må bli tryggere på ipad og digitale verktøy", "digital"),
])
def test_a_need_described_in_other_words_is_read_by_meaning(text, theme):
    t = tracker(text, slots={"requested_slot": "theme", "sector": "grunnskole"})
    _, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("theme", theme) in events and events[-1] == SlotSet("requested_slot", None)


def test_an_unsure_reading_is_confirmed_with_a_button():
    messages, _ = run(ActionAskTheme(), tracker(slots={"requested_slot": "theme", "sector": "barnehage",
                                                       "guess": "sprak", "failed_attempts": 1}))
    assert messages[0]["text"].startswith("Jeg forstod det som språk – stemmer det?")
    assert messages[0]["buttons"][0] == {"title": "Ja, språk", "payload": '/inform{"theme": "sprak"}'}
    t = tracker("ja", intent="affirm", slots={"requested_slot": "theme", "sector": "barnehage", "guess": "sprak"})
    _, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("theme", "sprak") in events


def test_after_two_failures_the_question_offers_buttons():
    messages, events = run(ActionAskRole(), tracker(slots={"failed_attempts": 1, "requested_slot": "role"}))
    assert events == [SlotSet("asked", {"role": 1})]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Barnehagelærer" in titles and "Assistent" in titles and len(titles) == 9 + 2
    assert titles[-2:] == ["Vet ikke", "Vis forslag nå"]
    assert messages[0]["buttons"][-2]["payload"] == '/inform{"role": "ukjent"}'
    assert messages[0]["buttons"][0]["payload"].startswith('/inform{"role": "')
    assert "Velg ett av alternativene" in messages[0]["text"]


def test_the_theme_question_offers_the_sectors_themes_as_buttons_from_the_start():
    messages, _ = run(ActionAskTheme(), tracker(slots={"requested_slot": "theme", "sector": "fagopplaering"}))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert 1 + 2 <= len(payloads) <= 8 + 2
    assert payloads[-1] == "/request_measures"
    assert '/inform{"theme": "yrkesfag"}' in payloads
    assert '/inform{"theme": "samisk"}' not in payloads  # no current measure for lærebedrifter
    assert "Velg et tema under" in messages[0]["text"]
    messages, _ = run(ActionAskTheme(), tracker(slots={"requested_slot": "theme", "failed_attempts": 1}))
    assert len(messages[0]["buttons"]) == 14 + 2  # every theme after a miss
    messages, _ = run(ActionAskTheme(), tracker(slots={"requested_slot": "theme", "sector": "sfo"}))
    assert len(messages[0]["buttons"]) >= 4 + 2  # few SFO-specific themes: the common ones follow
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert all("(" not in x or x.endswith(")") for x in titles), titles  # labels are never cut


def test_the_sector_question_has_a_button_per_sector():
    from actions.advice import ActionAskSector

    messages, _ = run(ActionAskSector(), tracker(slots={"requested_slot": "sector"}))
    assert [b["payload"] for b in messages[0]["buttons"]][:2] == ['/inform{"sector": "barnehage"}',
                                                               '/inform{"sector": "grunnskole"}']
    assert len(messages[0]["buttons"]) == 6 + 2


@pytest.mark.parametrize("text, slot, value", [
    ("Det gjeld heile personalgruppa, 14 tilsette", "audience", "alle"),
    ("vi tenker over flere år", "duration", "flerarig"),
])
def test_an_answer_to_another_question_is_noted_not_refused(text, slot, value):
    t = tracker(text, slots={"requested_slot": "theme", "sector": "barnehage"})
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet(slot, value) in events and SlotSet("failed_attempts", 1) not in events
    assert "Notert:" in texts(messages) and "ikke helt med meg" not in texts(messages)
    assert not any(e.get("name") == "theme" for e in events)  # the open question stays open


def test_digression_is_left_to_the_rules():
    t = tracker("hva er forskjellen på etterutdanning og videreutdanning", intent="ask_concept",
                slots={"requested_slot": "duration", "refine": "duration", "sector": "sfo", "theme": "sprak",
                       "audience": "alle", "anchoring": "ikke"})
    messages, events = run(ValidateAdvisorForm(), t)
    assert events == [SlotSet("requested_slot", "duration")]  # nothing filled: Rasa rejects the form
    assert messages == []


def test_correction_changes_sector_and_resets_a_role_that_no_longer_fits():
    previous = [{"event": "user", "text": "skole"}, {"event": "slot", "name": "sector", "value": "barnehage"},
                {"event": "slot", "name": "role", "value": "barnehagelaerer"}]
    t = tracker("forresten gjelder det SFO, ikke barnehagen",
                slots={"requested_slot": "duration", "theme": "sprak", "audience": "individ",
                       "role": "barnehagelaerer", "anchoring": "delvis"}, extracted={"sector": "sfo"},
                entities=[{"entity": "sector", "value": "sfo", "start": 24, "end": 27}],
                events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert events == [SlotSet("sector", "sfo"), SlotSet("failed_attempts", 0), SlotSet("role", None),
                      SlotSet("requested_slot", None)]
    assert "Da endrer jeg sektor til SFO." in texts(messages)


def test_of_two_roles_named_with_a_place_the_one_that_exists_there_is_kept():
    t = tracker("spesialpedagog i barnehage, barnehagelærer i bunn, vil ta videreutdanning",
                slots={"requested_slot": None}, extracted={"sector": "barnehage", "role": "pp_radgiver"},
                entities=[{"entity": "sector", "value": "barnehage"}, {"entity": "role", "value": "pp_radgiver"},
                          {"entity": "role", "value": "barnehagelaerer"}])
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("role", "barnehagelaerer") in events and SlotSet("role", "pp_radgiver") not in events
    assert "finnes ikke" not in texts(messages)


def test_a_measure_named_to_the_theme_question_gives_its_theme():
    t = tracker("har hørt om læringsmiljøprosjektet, kan vi være med der?", intent="ask_measure",
                slots={"requested_slot": "theme", "sector": "grunnskole"})
    _, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("theme", "laeringsmiljo") in events


def test_a_longer_anchoring_answer_to_another_question_is_noted():
    t = tracker("rektor og kommunalsjefen har godkjent at vi prioriterer dette", intent="inform",
                slots={"requested_slot": "theme", "sector": "grunnskole"})
    messages, events = run(ValidateAdvisorForm(), t)
    assert [e for e in events if e.get("name") == "anchoring" and e.get("value") in ("forankret", "delvis")]
    assert "Notert" in texts(messages)


@pytest.mark.parametrize("text, lang", [
    ("rektor og fylket er med", "nb"),
    ("ja, dagleg leiar og styret er med", "nn"),
    ("styrer har godkjent", "nb"),
    ("leiaren vår og kommunalsjefen står bak", "nn"),
])
def test_leaders_named_in_an_anchoring_answer_do_not_change_the_role(text, lang):
    previous = [{"event": "user", "text": "lærer"}, {"event": "slot", "name": "role", "value": "laerer"}]
    t = tracker(text, slots={"requested_slot": "anchoring", "sector": "grunnskole", "theme": "sprak",
                             "audience": "noen", "role": "laerer", "language": lang},
                extracted={"role": "leder"}, entities=[{"entity": "role", "value": "leder", "start": 0, "end": 6}],
                events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("role", "laerer") in events
    assert "endr" not in texts(messages)


def test_a_role_correction_at_the_anchoring_question_still_changes_the_role():
    previous = [{"event": "user", "text": "lærer"}, {"event": "slot", "name": "role", "value": "laerer"}]
    t = tracker("forresten er jeg assistent", slots={"requested_slot": "anchoring", "sector": "barnehage",
                                                 "theme": "sprak", "audience": "noen", "role": "laerer"},
                extracted={"role": "assistent"}, entities=[{"entity": "role", "value": "assistent",
                                                            "start": 16, "end": 25}], events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("role", "assistent") in events
    assert "Da endrer jeg rolle til" in texts(messages)


@pytest.mark.parametrize("text, requested, slot, before, after, entity", [
    ("veiledning av lærere", "theme", "role", "pp_radgiver", "laerer", "role"),
    ("alle ansatte på skolene", "audience", "sector", "videregaende", "grunnskole", "sector"),
])
def test_a_role_or_place_named_in_another_answer_does_not_change_an_earlier_answer(
        text, requested, slot, before, after, entity):
    previous = [{"event": "user", "text": "før"}, {"event": "slot", "name": slot, "value": before}]
    t = tracker(text, slots={"requested_slot": requested, "sector": "ppt", slot: before},
                extracted={slot: after}, entities=[{"entity": entity, "value": after}], events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet(slot, before) in events and SlotSet(slot, after) not in events
    assert "endr" not in texts(messages)


@pytest.mark.parametrize("text, requested, entities, parsed", [
    ("me er fem stykke på kontoret, ein liten kommune i Sogn", "audience",
     [{"entity": "role", "value": "eier", "start": 42, "end": 49}], None),
    ("nei vent, sfo-lederen vet om det faktisk", "anchoring",
     [{"entity": "role", "value": "leder", "start": 10, "end": 21}], ("anchoring", "delvis")),
])
def test_someone_elses_role_never_replaces_the_users_own(text, requested, entities, parsed):
    previous = [{"event": "user", "text": "før"}, {"event": "slot", "name": "role", "value": "fagarbeider"}]
    t = tracker(text, slots={"requested_slot": requested, "sector": "sfo", "theme": "sprak", "role": "fagarbeider",
                             "language": "nn"},
                extracted={"role": entities[0]["value"]}, entities=entities, events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("role", "fagarbeider") in events and "endr" not in texts(messages)
    if parsed:
        assert SlotSet(*parsed) in events


def test_people_named_as_backers_do_not_fill_an_empty_role():
    t = tracker("rektor og SFO-leder er med, men vi har ikke snakket med kommunen",
                slots={"requested_slot": "audience", "sector": "grunnskole", "theme": "sprak"},
                extracted={"role": "eier", "anchoring": "delvis"},
                entities=[{"entity": "role", "value": "leder", "start": 0, "end": 6},
                          {"entity": "role", "value": "eier", "start": 55, "end": 63},
                          {"entity": "anchoring", "value": "delvis", "start": 0, "end": 25}])
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("role", "eier") not in events


def test_a_correction_at_the_anchoring_question_changes_the_sector_and_is_not_an_answer():
    previous = [{"event": "user", "text": "skole"}, {"event": "slot", "name": "sector", "value": "grunnskole"}]
    t = tracker("nei vent, det gjelder SFO", slots={"requested_slot": "anchoring", "sector": "grunnskole",
                                                 "theme": "sprak", "audience": "alle"},
                extracted={"sector": "sfo"}, entities=[{"entity": "sector", "value": "sfo"}], events=previous)
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("sector", "sfo") in events
    assert not any(e.get("name") == "anchoring" for e in events)  # «nei» here is not «ikke forankret»
    assert "Da endrer jeg sektor til SFO" in texts(messages)


def test_an_answer_to_another_question_found_by_the_entities_is_acknowledged():
    t = tracker("de nyutdannede, og vi tenker to år", slots={"requested_slot": "audience", "sector": "barnehage",
                                                           "theme": "veiledning"},
                extracted={"duration": "flerarig"}, entities=[{"entity": "duration", "value": "flerarig"}])
    messages, events = run(ValidateAdvisorForm(), t)
    assert SlotSet("duration", "flerarig") in events
    assert "Notert: flere år." in texts(messages)


def test_typed_intent_payload_with_unknown_value_is_rejected():
    t = tracker('/inform{"sector": "<script>"}', slots={"requested_slot": "sector"},
                extracted={"sector": "<script>"}, entities=[{"entity": "sector", "value": "<script>"}])
    messages, events = run(ValidateAdvisorForm(), t)
    assert events == [SlotSet("sector", None), SlotSet("requested_slot", "sector")]
    assert "kjenner jeg ikke igjen som sektor" in texts(messages)


def test_start_notes_prefilled_values_and_infers_sector_from_role():
    t = tracker("jeg er PP-rådgiver og vil lære om inkludering", intent="request_measures",
                slots={"role": "pp_radgiver", "theme": "inkludering"},
                entities=[{"entity": "role", "value": "pp_radgiver"}, {"entity": "theme", "value": "inkludering"}])
    messages, events = run(ActionStartAdvice(), t)
    assert events == [SlotSet("sector", "ppt"), SlotSet("failed_attempts", 0)]
    assert messages == []  # where and what are known: the suggestions come in this turn
    t = tracker("jeg er PP-rådgiver og trenger noe", intent="request_measures", slots={"role": "pp_radgiver"},
                entities=[{"entity": "role", "value": "pp_radgiver"}])
    messages, events = run(ActionStartAdvice(), t)
    assert "Du skrev PP-tjenesten og PP-rådgiver – det har jeg notert." in texts(messages)


def test_a_follow_up_that_names_a_sector_is_answered_not_a_new_request():
    from rasa_sdk.events import FollowupAction

    t = tracker("gjeld det private barnehagar og?", intent="inform", slots={"measure": "videreutdanning-tilskudd-2026",
                                                                             "language": "nn"},
                entities=[{"entity": "sector", "value": "barnehage"}])
    messages, events = run(ActionStartAdvice(), t)
    assert "private barnehagar" in texts(messages) and "kommunen" in texts(messages)
    assert "Ny vidareutdanningsordning" in texts(messages)
    assert events[-1] == FollowupAction("action_listen")
    # Without a measure in context it is a request like any other.
    messages, events = run(ActionStartAdvice(), tracker("gjeld det private barnehagar og?", intent="inform",
                                                        slots={"language": "nn"}))
    assert "kva behovet gjeld" in texts(messages)


def test_a_new_request_after_results_forgets_old_answers_but_not_the_workplace():
    t = tracker("nå vil vi ha noe om matte", intent="request_measures",
                slots={"sector": "barnehage", "theme": "realfag", "audience": "alle", "anchoring": "ikke",
                       "duration": "kort", "suggested": ["a", "b"]},
                entities=[{"entity": "theme", "value": "realfag"}])
    _, events = run(ActionStartAdvice(), t)
    for s in ("audience", "anchoring", "duration"):
        assert SlotSet(s, None) in events
    assert SlotSet("theme", None) not in events
    assert SlotSet("sector", None) not in events  # where the user works stays
    assert SlotSet("suggested", None) in events


def test_a_theme_given_up_on_is_not_asked_again_by_a_request_after_results():
    t = tracker("og fagarbeidarane våre, kan dei få vidareutdanning gjennom det same?", intent="request_measures",
                slots={"sector": "barnehage", "theme": "ukjent", "role": "eier", "suggested": ["a", "b"],
                       "language": "nn"}, entities=[{"entity": "role", "value": "fagarbeider"}])
    _, events = run(ActionStartAdvice(), t)
    assert SlotSet("theme", None) not in events


def test_a_request_after_results_that_names_no_new_need_keeps_every_answer():
    t = tracker("har dere noe vi kan gjøre på avdelingsmøtene?", intent="request_measures",
                slots={"sector": "barnehage", "theme": "sprak", "audience": "gruppe", "role": "barnehagelaerer",
                       "suggested": ["a", "b"]})
    _, events = run(ActionStartAdvice(), t)
    assert not [e for e in events if e.get("name") in ("theme", "audience", "sector", "role") and e.get("value") is None]
    assert SlotSet("suggested", None) in events  # and the suggestions come again


@pytest.mark.parametrize("text", ["nei forresten, vi vil heller ha noe over et helt barnehageår",
                                  "kan vi endre til et barnehageår?"])
def test_a_correction_after_results_keeps_the_other_answers(text):
    previous = [{"event": "user", "text": "kort"}, {"event": "slot", "name": "duration", "value": "kort"}]
    t = tracker(text, intent="request_measures",
                slots={"sector": "barnehage", "theme": "realfag", "audience": "alle", "anchoring": "ikke",
                       "suggested": ["a", "b"]}, extracted={"duration": "aar"},
                entities=[{"entity": "duration", "value": "aar"}], events=previous)
    messages, events = run(ActionStartAdvice(), t)
    assert not [e for e in events if e.get("name") in FORM_SLOTS]
    assert SlotSet("suggested", None) not in events  # kept: the new list says what changed
    assert messages == []  # the form says «Da endrer jeg varighet til …» and suggests again


def test_a_refined_list_says_what_changed():
    slots = {"sector": "barnehage", "theme": "realfag", "duration": "aar", "suggested": ["a"],
             "shown_for": {"sector": "barnehage", "theme": "realfag", "duration": "kort"}}
    messages, _ = run(ActionSuggestMeasures(), tracker("et barnehageår", slots=slots))
    assert texts(messages).startswith("Oppdatert med varighet: et barnehageår / skoleår.")


def test_suggestions_explain_fit_funding_source_and_next_steps():
    t = tracker("flere år", slots={"sector": "barnehage", "theme": "sprak", "audience": "alle",
                                   "anchoring": "delvis", "duration": "flerarig"})
    messages, events = run(ActionSuggestMeasures(), t)
    body = texts(messages)
    assert "Kollektiv ordning for barnehage og grunnskole (fra 2026)" in body
    assert "Passer fordi: barnehage" in body and "Finansiering:" in body
    assert "Råd: Behovet er delvis forankret" in body
    assert "ikke bekreftet" in body  # the behovsmelding deadline of 2026: marked, details behind «Fortell mer»
    for item in body.split("\n\n")[1:4]:  # name, why, funding: no more than four lines each
        assert len(item.splitlines()) <= 4, item
    assert [b["title"] for b in messages[-1]["buttons"]] == [
        "Fortell mer om 1", "Vis flere", "Hvordan søker vi?", "Lag oppsummering", "Endre et svar", "Start på nytt"]
    suggested = events[0]["value"]
    assert events[0]["name"] == "suggested" and "kollektiv-barnehage-grunnskole" in suggested[:3]


def test_open_refinements_are_offered_under_the_results_with_why_they_matter():
    messages, _ = run(ActionSuggestMeasures(), tracker("", slots={"sector": "barnehage", "theme": "sprak"}))
    titles = [b["title"] for b in messages[-1]["buttons"]]
    assert titles[:3] == ["Er det forankret?", "Hvem gjelder det?", "Din rolle"]
    assert messages[-1]["buttons"][0]["payload"] == '/change_answer{"criterion": "anchoring"}'
    assert "Tiltak virker best når ledelse og eier står bak" in texts(messages)


def test_widget_gets_the_same_suggestions_as_cards_between_header_and_buttons():
    slots = {"sector": "barnehage", "theme": "sprak", "audience": "alle", "anchoring": "delvis",
             "duration": "flerarig"}
    rest, _ = run(ActionSuggestMeasures(), tracker("flere år", slots=slots))
    widget, events = run(ActionSuggestMeasures(), tracker("flere år", slots=slots, channel="socketio"))
    assert len(rest) == 1 and len(widget) == 3
    header, custom, footer = widget
    assert "tiltak som passer" in header["text"] and "Passer fordi" not in header["text"]
    assert not header.get("buttons")
    data = custom["custom"]["data"]  # Rasa's socket.io channel emits what is under "data"
    assert data["type"] == "measure_cards" and data["labels"]["funding"] == "Finansiering"
    cards = data["cards"]
    assert [c["number"] for c in cards] == ["1", "2", "3"]
    assert [c["id"] for c in cards] == events[0]["value"][:3]
    for card in cards:
        assert card["title"] and card["why"].startswith("barnehage") and card["funding"]
        assert card["url"].startswith("https://") and card["last_checked"] == "sist kontrollert 28. november 2026"
        assert card["title"] in rest[0]["text"] and card["funding"] in rest[0]["text"]
    assert any(c["uncertain"] for c in cards)  # the behovsmelding deadline is not confirmed
    assert "Råd: Behovet er delvis forankret" in footer["text"]
    assert footer["buttons"] == rest[0]["buttons"]


def test_feedback_is_stored_with_the_sender_and_bad_feedback_is_not(loaded_store):
    from bot.feedback import list_feedback

    def give(entities, lang="nb"):
        t = tracker("/feedback", intent="feedback", slots={"language": lang}, channel="socketio",
                    entities=[{"entity": k, "value": v} for k, v in entities.items()])
        return texts(run(ActionRecordFeedback(), t)[0])

    assert give({"rating": "up", "target": "kollektiv-barnehage-grunnskole"}) == "Takk for tilbakemeldingen!"
    assert give({"rating": "nei", "target": "samtale"}, lang="nn") == "Takk for tilbakemeldinga!"
    for bad in ({"rating": "up", "target": "finnes-ikke"}, {"rating": "ja", "target": "kollektiv-barnehage-grunnskole"},
                {"rating": "<script>", "target": "samtale"}, {}):
        assert "tommel opp" in give(bad)
    stored = list_feedback(loaded_store.engine)
    assert [(f.sender_id, f.target, f.rating) for f in stored] == [
        ("test-user", "kollektiv-barnehage-grunnskole", "up"), ("test-user", "samtale", "nei")]
    assert list_feedback(loaded_store.engine, "someone-else") == []


def test_no_match_names_the_blocker_and_offers_a_relax_button():
    t = tracker("kort", slots={"sector": "sfo", "theme": "samisk", "audience": "alle",
                               "anchoring": "ikke", "duration": "kort"})
    messages, _ = run(ActionSuggestMeasures(), t)
    body = texts(messages)
    assert "Jeg fant ingen tiltak som passer alle svarene" in body
    assert "Det som stopper, er varighet." in body
    assert "Råd: Forankring er en av de viktigste suksessfaktorene" in body
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert '/inform{"duration": "flerarig"}' in payloads


def test_more_about_number_two_and_by_name():
    t = tracker("fortell mer om nummer 2", intent="more_about",
                slots={"suggested": ["sprakloyper", "kollektiv-barnehage-grunnskole"]})
    messages, events = run(ActionMoreAbout(), t)
    assert events == [SlotSet("measure", "kollektiv-barnehage-grunnskole")]
    assert "Hvem søker: Barnehage- eller skoleeier" in texts(messages)
    _, events = run(ActionMoreAbout(), tracker("mer om ABLU", intent="more_about"))
    assert events == [SlotSet("measure", "ablu")]


def test_old_scheme_says_its_period_and_what_replaced_it():
    messages, events = run(ActionAnswerMeasure(), tracker("hva er rekomp?", intent="ask_measure"))
    body = texts(messages)
    assert events == [SlotSet("measure", "rekomp")]
    assert "2025" in body.split("\n")[0]
    assert "den er erstattet av Kollektiv ordning for barnehage og grunnskole (fra 2026)" in body


def test_follow_up_deadline_uses_the_scheme_in_context_and_marks_uncertainty():
    t = tracker("og fristen?", intent="ask_deadline", slots={"measure": "kollektiv-barnehage-grunnskole"})
    messages, _ = run(ActionAnswerDeadline(), t)
    body = texts(messages)
    assert "Fristen for behovsmelding i 2026 er ikke bekreftet" in body
    assert "Kilde: https://www.statsforvalteren.no" in body


def test_a_yes_no_question_about_the_scheme_in_context_gets_a_direct_answer_before_the_who_block():
    slots = {"measure": "kollektiv-barnehage-grunnskole"}
    plain, _ = run(ActionAnswerMeasure(), tracker("gjelder det for SFO også?", intent="ask_measure", slots=slots))
    messages, events = run(ActionAnswerMeasure(), tracker("gjelder det for SFO også?", intent="ask_measure",
                                                          slots=slots, entities=[{"entity": "sector", "value": "sfo"}]))
    assert texts(messages) == ("Ja, Kollektiv ordning for barnehage og grunnskole (fra 2026) gjelder også SFO.\n\n"
                               + texts(plain))  # the "who" block as before, after the answer
    assert "Gjelder: barnehage, grunnskole" in texts(plain)
    assert messages[0]["buttons"] == plain[0]["buttons"]
    assert events == [SlotSet("measure", "kollektiv-barnehage-grunnskole")]


@pytest.mark.parametrize("text, measure, entities, lang, first", [
    ("kan en PPT-rådgiver være med?", "videreutdanning-tilskudd-2026",
     [{"entity": "role", "value": "pp_radgiver"}, {"entity": "sector", "value": "ppt"}], "nb",
     # the catalog's fact on PPT decides it (before the sector/role reading)
     "Det er usikkert. PP-tjenesten er ikke nevnt blant sektorene, og en egen videreutdanningsordning for PPT "
     "etter 2018 er ikke funnet. Spør eier eller Udir; PPT er med i den kollektive ordningen."),
    ("kan assistenter søke?", "videreutdanning-tilskudd-2026", [{"entity": "role", "value": "assistent"}], "nb",
     "Det er usikkert. Ordningen nevner fagarbeidere og ansatte med høyere utdanning, men ikke assistenter uten "
     "fagbrev eller høyere utdanning. Spør eier eller Udir; fagbrev eller ABLU kan være andre veier."),
    ("gjeld det private barnehagar òg?", "kollektiv-videregaende", [{"entity": "sector", "value": "barnehage"}], "nn",
     "Nei, Kollektiv ordning for vidaregåande opplæring (frå 2026) gjeld vidaregåande opplæring og fag- og "
     "yrkesopplæring, ikkje barnehage. For barnehage kan du sjå på Kollektiv ordning for barnehage og grunnskule "
     "(frå 2026)."),
])
def test_eligibility_answers_say_no_and_uncertain_plainly(text, measure, entities, lang, first):
    t = tracker(text, intent="ask_measure", slots={"measure": measure, "language": lang}, entities=entities)
    messages, _ = run(ActionAnswerMeasure(), t)
    head, rest = texts(messages).split("\n\n", 1)
    assert head == first
    assert rest.startswith(("Ny videreutdanningsordning", "Kollektiv ordning for vidaregåande"))  # the who block


@pytest.mark.parametrize("text, measure, role", [
    ("Får rektorer stipend når de tar rektorutdanningen?", "rektorutdanning", "leder"),
    ("kan PP-rådgivere få videreutdanning betalt?", "videreutdanning-tilskudd-2026", "pp_radgiver"),
])
def test_a_money_question_naming_a_role_gets_no_yes_no_verdict(text, measure, role):
    # «Ja, Rektorutdanningen gjelder også for leder» in front of «Får rektorer stipend?» read as «yes»:
    # no verdict on the role. A catalog fact about the money («Nei. Udir betaler studieplassen …») may
    # answer it.
    from actions.knowledge import ActionAnswerFunding

    t = tracker(text, intent="ask_funding", slots={"measure": measure}, entities=[{"entity": "role", "value": role}])
    messages, _ = run(ActionAnswerFunding(), t)
    answer = texts(messages)
    assert not answer.startswith(("Ja,", "Nei,", "Etter det vi vet")), answer


def test_a_money_question_about_the_2026_scheme_says_assistants_are_not_named():
    from actions.knowledge import ActionAnswerFunding

    t = tracker("jeg er assistent uten fagbrev. kan jeg få 25 % fri med lønn?", intent="ask_funding",
                slots={"measure": "videreutdanning-tilskudd-2026"}, entities=[{"entity": "role", "value": "assistent"}])
    messages, _ = run(ActionAnswerFunding(), t)
    answer = texts(messages)
    assert answer.startswith("Det er usikkert.") and "ikke assistenter uten fagbrev" in answer, answer


def test_no_verdict_when_a_place_is_the_applicant():
    from actions.knowledge import ActionAnswerApply

    t = tracker("kan en enkelt skole søke?", intent="ask_apply", slots={"measure": "laeringsmiljoprosjektet"},
                entities=[{"entity": "sector", "value": "grunnskole"}])
    messages, _ = run(ActionAnswerApply(), t)
    assert not texts(messages).startswith(("Ja", "Nei")), texts(messages)


def test_how_to_apply_names_the_entry_requirement():
    from actions.knowledge import ActionAnswerApply

    t = tracker("jeg er teamleder, hvordan søker jeg på rektorutdanningen?", intent="ask_apply")
    messages, _ = run(ActionAnswerApply(), t)
    assert "Krav for å delta: En formell lederstilling" in texts(messages) and "Teamledere er ikke med" in texts(messages)


def test_concept_answer_in_nynorsk():
    t = tracker("kva er skilnaden på etterutdanning og vidareutdanning", intent="ask_concept",
                slots={"language": "nn"})
    messages, _ = run(ActionAnswerConcept(), t)
    body = texts(messages)
    assert "studiepoeng" in body and "Kjelde:" in body


def test_change_answer_without_choice_lists_current_answers():
    t = tracker("endre svar", intent="change_answer", slots={"sector": "sfo", "duration": "kort"})
    messages, events = run(ActionChangeAnswer(), t)
    assert events == []
    assert [b["payload"] for b in messages[0]["buttons"]][:2] == [
        '/change_answer{"criterion": "sector"}', '/change_answer{"criterion": "theme"}']
    assert len(messages[0]["buttons"]) == 6
    t = tracker('/change_answer{"criterion": "duration"}', intent="change_answer",
                entities=[{"entity": "criterion", "value": "duration"}], slots={"duration": "kort"})
    _, events = run(ActionChangeAnswer(), t)
    assert events == [SlotSet("duration", None), SlotSet("refine", "duration"), SlotSet("failed_attempts", 0),
                      SlotSet("guess", None), SlotSet("asked", {})]


def test_language_detection_action_follows_the_user():
    _, events = run(ActionDetectLanguage(), tracker("kva kan eg søkje om"))
    assert events == [SlotSet("language", "nn")]
    _, events = run(ActionDetectLanguage(), tracker("ja", slots={"language": "nn"}))
    assert events == []
    _, events = run(ActionDetectLanguage(), tracker("hva kan jeg søke om", slots={"language": "nn"}))
    assert events == [SlotSet("language", "nb")]
    # Payloads: only the widget's greeting on a nynorsk page names a language.
    _, events = run(ActionDetectLanguage(), tracker('/greet{"language": "nn"}', intent="greet"))
    assert events == [SlotSet("language", "nn")]
    _, events = run(ActionDetectLanguage(), tracker("/request_measures", slots={"language": "nn"}))
    assert events == []


def test_clarify_escalates_over_three_misses():
    miss = {"event": "user", "text": "xyz", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    ranking = [{"name": "nlu_fallback"}, {"name": "ask_measure"}, {"name": "request_measures"}]
    first, _ = run(ActionClarify(), tracker("xyz", intent="nlu_fallback", ranking=ranking))
    assert first[0]["text"] == "Mente du noe av dette?"
    assert [b["payload"] for b in first[0]["buttons"]] == ["/ask_measure", "/request_measures"]
    second, _ = run(ActionClarify(), tracker("xyz", intent="nlu_fallback", events=[miss]))
    assert "Prøv å skrive kort" in second[0]["text"]
    third, _ = run(ActionClarify(), tracker("xyz", intent="nlu_fallback", events=[miss, miss]))
    assert "statsforvalteren.no" in third[0]["text"]


def test_database_down_gives_a_norwegian_apology(monkeypatch, tmp_path):
    broken = CatalogStore(make_engine(f"sqlite:///{tmp_path}/nope/x.db", timeout=1))
    monkeypatch.setattr(common, "_store", broken)
    monkeypatch.setattr(common, "_view", None)
    t = tracker("flere år", slots={"sector": "barnehage", "theme": "sprak", "audience": "alle",
                                   "anchoring": "delvis", "duration": "flerarig"})
    messages, events = run(ActionSuggestMeasures(), t)
    assert events == []
    assert "får ikke kontakt med tiltaksdatabasen" in texts(messages)
    messages, events = run(ValidateAdvisorForm(), tracker("ja", slots={"requested_slot": "anchoring"}))
    assert events == [] and "tiltaksdatabasen" in texts(messages)


def test_out_of_scope_that_mentions_our_topic_asks_what_was_meant():
    from actions.knowledge import ActionOutOfScope

    messages, _ = run(ActionOutOfScope(), tracker("blablabla kompetanse??", intent="out_of_scope", confidence=0.6,
                                                  ranking=[{"name": "out_of_scope"}, {"name": "request_measures"}]))
    assert messages[0]["text"] == "Mente du noe av dette?"
    # A sure out-of-scope message is refused even with our words in it.
    messages, _ = run(ActionOutOfScope(), tracker("når åpner sfo om morgenen?", intent="out_of_scope", confidence=0.97,
                                                  entities=[{"entity": "sector", "value": "sfo"}]))
    assert messages[0]["response"] == "utter_out_of_scope"
    messages, _ = run(ActionOutOfScope(), tracker("hva blir været i morgen", intent="out_of_scope"))
    assert messages[0]["response"] == "utter_out_of_scope"


def test_summary_lists_the_need_and_the_suggestions_with_sources():
    from actions.advice import ActionSummarize

    t = tracker("lag oppsummering", intent="summarize",
                slots={"sector": "barnehage", "theme": "sprak", "audience": "alle", "anchoring": "delvis",
                       "duration": "flerarig", "suggested": ["kollektiv-barnehage-grunnskole", "sprakloyper"]})
    messages, events = run(ActionSummarize(), t)
    body = texts(messages)
    assert events == []
    assert body.startswith("Oppsummering av behovet:")
    assert "- Sektor: barnehage" in body and "- Varighet: flere år" in body
    assert "1. Kollektiv ordning for barnehage og grunnskole (fra 2026) – https://" in body


def test_show_more_before_any_suggestion_shows_suggestions():
    from actions.advice import ActionShowMore

    messages, events = run(ActionShowMore(), tracker("vis flere", intent="show_more", slots={"sector": "sfo"}))
    assert "Jeg har ikke foreslått noe" not in texts(messages)
    assert "1. " in texts(messages) and "velger tema selv" in texts(messages)
    assert SlotSet("theme", "ukjent") in events


def test_near_domain_question_says_who_answers_it_and_what_we_can_do():
    from actions.knowledge import ActionOutOfScope

    messages, _ = run(ActionOutOfScope(), tracker("kan jeg få studielån til videreutdanningen?", intent="out_of_scope",
                                                  confidence=0.95))
    text = messages[0]["text"]
    assert text.startswith("Lån og stipend til studier gir Lånekassen")
    assert "Kilde: https://lanekassen.no/" in text and "kompetansetiltak" in text
    assert [b["payload"] for b in messages[0]["buttons"]][-1] == "/request_measures"
    messages, _ = run(ActionOutOfScope(), tracker("kor mykje auke i løna får eg etter 30 studiepoeng?",
                                                  intent="out_of_scope", slots={"language": "nn"}))
    assert "fagforeininga" in messages[0]["text"] and "utanfor" in messages[0]["text"]
    # Inside the advisor form: the same answer without buttons; the form asks its question again.
    messages, _ = run(ActionOutOfScope(), tracker("og hva med sykepengene?", intent="out_of_scope",
                                                  active_loop="advisor_form"))
    assert "NAV" in messages[0]["text"] and not messages[0].get("buttons")
    messages, _ = run(ActionOutOfScope(), tracker("hva blir været i morgen", intent="out_of_scope",
                                                  active_loop="advisor_form"))
    assert messages[0]["response"] == "utter_out_of_scope"
