"""One reading of knowledge questions: what they are about and which part of the answer they want."""

from __future__ import annotations

import pytest

from bot.knowledge.plan import plan_answer
from bot.understanding import concept_matcher, measure_matcher
from kvnlu.matcher import VocabularyMatcher
from kvnlu.questions import (
    catalog_name_entries,
    is_question,
    names_outside_topic,
    question_cues,
    route_question,
)


@pytest.fixture(scope="module")
def names(catalog):
    return (measure_matcher(list(catalog.measures.values())), concept_matcher(list(catalog.concepts.values())),
            {c.id: c.scheme for c in catalog.concepts.values() if c.scheme})


def plan(names, text, intent="ask_measure", context=None, suggested=()):
    return plan_answer(text, intent, names[0], names[1], context, suggested, scheme_of=names[2])


@pytest.mark.parametrize("text,intent,kind,measure,fields", [
    # The longer name wins: the 2026 scheme, not the concept "kollektive tiltak".
    ("Hva er den nye tilskuddsordningen for kollektiv kompetanseutvikling i barnehage og grunnskole?",
     "ask_concept", "details", "kollektiv-barnehage-grunnskole", []),
    ("Hva er den nye videreutdanningsordningen fra 2026?", "ask_concept", "details",
     "videreutdanning-tilskudd-2026", []),
    ("Når er fristen for behovsmelding i den kollektive ordningen i 2026?", "ask_measure", "fields",
     "kollektiv-barnehage-grunnskole", ["deadlines"]),
    ("hvem kunne søke dekomp midler?", "ask_measure", "fields", "dekomp", ["apply"]),
    ("Kor stor eigendel hadde skuleeigar i dekomp?", "ask_apply", "fields", "dekomp", ["funding"]),
    ("Hvordan søker jeg videreutdanning som lærer?", "ask_concept", "fields", "videreutdanning-laerere", ["apply"]),
    ("Finst det ein kompetansepakke for SFO?", "ask_measure", "details", "kompetansepakke-sfo", []),
    ("Gjeld tilskotet til rettleiing av nyutdanna lærarar òg i barnehagen?", "ask_measure", "fields",
     "veiledning-nyutdannede", ["who"]),
    # Only the general word named: a money question is about today's videreutdanning scheme.
    ("hvor mye penger får barnehagen når en barnehagelærer tar videreutdanning?", "ask_funding", "fields",
     "videreutdanning-tilskudd-2026", ["funding"]),
    ("kor mykje pengar får vi når ein tilsett tek vidareutdanning", "ask_funding", "fields",
     "videreutdanning-tilskudd-2026", ["funding"]),
])
def test_named_measure_questions(names, text, intent, kind, measure, fields):
    p = plan(names, text, intent)
    assert (p.kind, p.measures[:1], p.fields) == (kind, [measure], fields)


@pytest.mark.parametrize("text,context,fields", [
    ("og fristen?", "rekomp", ["deadlines"]),
    ("hvem kan søke da?", "rekomp", ["apply"]),
    ("gjelder det private barnehager også?", "kollektiv-barnehage-grunnskole", ["who"]),
    ("er den for lærere i videregående?", "kollektiv-barnehage-grunnskole", ["who"]),
    ("kan en PPT-rådgiver være med?", "kollektiv-barnehage-grunnskole", ["who", "apply"]),
    ("hva erstattet den?", "dekomp", ["status"]),
    ("hvordan finansierer vi dette?", "ablu", ["funding"]),
])
def test_follow_ups_use_the_measure_in_context(names, text, context, fields):
    p = plan(names, text, "ask_measure", context=context)
    assert (p.kind, p.measures, p.fields) == ("fields", [context], fields)


def test_a_name_that_combines_two_named_things_wins(names, catalog):
    aliases = {m.id: list(m.aliases) for m in catalog.measures.values()}
    p = plan_answer("Kan barnehageeigar få tilretteleggingsmidlar for tilsette som tek ABLU?", "ask_funding",
                    names[0], names[1], aliases=aliases)
    assert p.measures == ["tilretteleggingsmidler-blu"]
    p = plan_answer("Hva er forskjellen på rekomp og dekomp?", "ask_measure", names[0], names[1], aliases=aliases)
    assert p.kind == "compare" and p.measures == ["rekomp", "dekomp"]  # a comparison answers both


def test_concepts_and_menus(names):
    assert plan(names, "Hva er forskjellen på etterutdanning og videreutdanning?", "ask_concept").concept == \
        "etterutdanning-videreutdanning"
    assert plan(names, "Hva er forskjellen på etterutdanning og videreutdanning?", "ask_funding").concept == \
        "etterutdanning-videreutdanning"
    assert plan(names, "Kva skal til for at kompetanseutvikling skal verke?", "ask_concept").concept == "suksessfaktorer"
    assert plan(names, "Hva skjedde med tilskuddsordningene 1. januar 2026?", "ask_measure").concept == "endringer-2026"
    assert plan(names, "hva med det andre da", "ask_concept").kind == "concept_menu"
    assert plan(names, "fortell om ordningen", "ask_measure").kind == "which"
    # A field question with nothing named and nothing discussed asks about the suggestions.
    p = plan(names, "hvordan søker vi?", "ask_apply", suggested=["ablu", "rekomp"])
    assert (p.kind, p.measures) == ("fields", ["ablu", "rekomp"])


def test_router_sends_near_domain_questions_out_of_scope(catalog):
    pairs = [("measure", {"id": m.id, "name": m.name, "aliases": list(m.aliases)}) for m in catalog.measures.values()]
    entries = catalog_name_entries(pairs)
    m = VocabularyMatcher(e for e in entries if e[0] == "measure")
    c = VocabularyMatcher([])
    out = VocabularyMatcher(("outside", o.id, term) for o in catalog.outside.values() for term in o.terms)
    assert names_outside_topic("kan jeg få studielån og stipend fra Lånekassa?", out) == "studielan"
    assert names_outside_topic("eg er sjukmeld no, kven betalar sjukepengane?", out) == "sykepenger"
    assert names_outside_topic("Dekkjer arbeidsgivaren skulepengane på fagskulen?", out) is None  # not a typo
    assert names_outside_topic("har vi rett på 25 % fri med lønn?", out) is None  # in our field
    # Whatever else it names or the classifier thought.
    assert route_question("Får jeg høyere lønn etter videreutdanningsordningen?", "ask_funding", m, c,
                          outside=out) == "out_of_scope"
    assert route_question("når er fristen for barnehageopptaket?", "ask_deadline", m, c, outside=out) == "out_of_scope"
    # A need that mentions wages stays a need.
    assert route_question("videreutdanning som gir høyere lønnstrinn, hva finnes for barnehagelærere?",
                          "request_measures", m, c, names_slot_value=True, outside=out) is None


def test_question_cues_and_form():
    assert is_question("hva er rekomp") and is_question("rekomp?") and not is_question("vi trenger kurs")
    assert question_cues("Når er søknadsfristen, og hvem kan søke?") >= {"deadlines", "apply"}
    assert "funding" in question_cues("kor mykje kostar det") and "status" in question_cues("finst den framleis")


def test_router_overrides_only_questions_that_name_catalog_things(catalog):
    pairs = [("measure", {"id": m.id, "name": m.name, "aliases": list(m.aliases)}) for m in catalog.measures.values()]
    pairs += [("concept", {"id": c.id, "title": c.title, "aliases": list(c.aliases)}) for c in catalog.concepts.values()]
    entries = catalog_name_entries(pairs)
    m = VocabularyMatcher(e for e in entries if e[0] == "measure")
    c = VocabularyMatcher(e for e in entries if e[0] == "concept")
    assert route_question("hva va REKOM for noe egentlig", "bot_challenge", m, c) == "ask_measure"
    assert route_question("Hvordan fungerer Yrkesfaglærer 2?", "ask_help", m, c) == "ask_measure"
    assert route_question("Hva er Kompetanseløftet for spesialpedagogikk?", "request_measures", m, c) == "ask_measure"
    # Requests for suggestions stay requests, even when they name a measure or a concept.
    assert route_question("hvilke tilbud finnes for nyutdannede barnehagelærere", "request_measures", m, c) is None
    assert route_question("kan jeg få videreutdanning i matte?", "request_measures", m, c) is None
    assert route_question("vi trenger noe om rekomp", "greet", m, c) is None  # not a question
    # A knowledge intent is kept (and made confident) when the question names something.
    assert route_question("Hva er rekomp?", "ask_deadline", m, c) == "ask_deadline"
    assert route_question("og fristen?", "ask_deadline", m, c) is None
    assert route_question("Gjeld tilskotet til rettleiing av nyutdanna lærarar òg i barnehagen?",
                          "request_measures", m, c) == "ask_measure"
    # A bare measure name is a question about it, unless it also answers the advisor ("ppu" is a theme).
    assert route_question("TiB", "nlu_fallback", m, c) == "ask_measure"
    assert route_question("rekomp", "inform", m, c) == "ask_measure"
    assert route_question("Rekomp", "request_measures", m, c, names_slot_value=True) is None
    assert route_question("rekomp for barnehagen", "request_measures", m, c) is None
    assert route_question("og yrkesfaglærer 2?", "inform", m, c) == "ask_measure"
    assert route_question("kva med ABLU", "request_measures", m, c) == "ask_measure"


@pytest.mark.parametrize("text, measure", [
    ("kven søkjer om tilretteleggingsmidlane for ABLU?", "tilretteleggingsmidler-blu"),
    ("hvor mye tilretteleggingsmidler får barnehagen for en ablu-student?", "tilretteleggingsmidler-blu"),
])
def test_money_for_a_named_education_is_that_educations_money(catalog, names, text, measure):
    aliases = {m.id: list(m.aliases) for m in catalog.measures.values()}
    p = plan_answer(text, "ask_funding", names[0], names[1], aliases=aliases)
    assert p.measures == [measure], p


def test_a_role_word_is_not_a_typo_of_a_measure_with_a_number(names):
    p = plan(names, "Jeg er yrkesfaglærer i elektro. Kan jeg få videreutdanning?", "ask_apply")
    assert "yrkesfaglaerer-2" not in p.measures, p
