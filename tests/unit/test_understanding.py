"""Typed answers in context, measure/concept names, numbers, bokmål/nynorsk detection."""

from __future__ import annotations

import pytest
import yaml

from bot.understanding import (
    SlotParser,
    concept_matcher,
    find_concept,
    find_measures,
    measure_matcher,
    parse_number,
)
from kvnlu.language import detect_language
from kvnlu.matcher import (
    SLOT_GROUPS,
    VocabularyMatcher,
    match_text,
    ppt_or_its_partner,
    sector_of_hyphenated_role,
    self_named_role,
    vocabulary_entries,
)
from tests.conftest import CATALOG_DIR


@pytest.fixture(scope="module")
def parser(catalog):
    return SlotParser(catalog.terms)


@pytest.mark.parametrize("slot,text,intent,expected", [
    ("sector", "barnehgae", None, "barnehage"),
    ("sector", "vi er på ungdomsskulen", None, "grunnskole"),
    ("sector", "Skulefritidsordninga", None, "sfo"),
    ("sector", "pp-tenesta", None, "ppt"),
    ("sector", "lærebedrift", None, "fagopplaering"),
    ("audience", "heile personalet", None, "alle"),
    ("audience", "berre meg", None, "individ"),
    ("audience", "noen få", None, "gruppe"),
    ("anchoring", "delvis, styrer er med men ikke eier", None, "delvis"),
    ("anchoring", "ja", "affirm", "forankret"),
    ("anchoring", "styrer og eier er med", None, "forankret"),
    ("anchoring", "ledelsen og kommunen står bak", None, "forankret"),
    ("anchoring", "eier er med, men ikke de ansatte", None, "delvis"),
    ("anchoring", "eigar er med men ikkje dei tilsette", None, "delvis"),
    ("anchoring", "ja, alle er med, ikke noe problem", None, "forankret"),
    ("theme", "vi vil bli flinkere på systemrettet arbeid", None, "inkludering"),
    ("theme", "mest om atferd", None, "laeringsmiljo"),
    ("anchoring", "nei, ikkje enno", "deny", "ikke"),
    ("anchoring", "nope", "deny", "ikke"),
    ("duration", "fleire år", None, "flerarig"),
    ("duration", "et skoleår", None, "aar"),
    ("duration", "eitt skuleår", None, "aar"),
    ("duration", "vi vil heller ha noe over et helt barnehageår", None, "aar"),
    ("duration", "eitt og eit halvt år", None, "flerarig"),
    ("duration", "halvannet år, som styrerutdanningen", None, "flerarig"),
    ("anchoring", "rektor og fylket er med", None, "forankret"),
    ("anchoring", "daglig leder støtter det", None, "delvis"),
    ("anchoring", "styrer har godkjent", None, "delvis"),
    ("anchoring", "leiaren vår og kommunalsjefen står bak", None, "forankret"),
    ("anchoring", "bare jeg og en kollega så langt", None, "ikke"),
    ("duration", "bare en planleggingsdag", None, "kort"),
    ("theme", "språkarbeid", None, "sprak"),
    ("theme", "matte", None, "realfag"),
    ("theme", "mobbing", None, "laeringsmiljo"),
    ("role", "barnehagelærarar", None, "barnehagelaerer"),
    ("role", "assistentene", None, "assistent"),
])
def test_answers_map_to_vocabulary(parser, slot, text, intent, expected):
    assert parser.parse(slot, text, intent) == expected


def test_nonsense_is_not_an_answer(parser):
    assert parser.parse("sector", "blablabla", "inform") is None
    assert parser.parse("duration", "🙂", None) is None


def test_validation_rejects_unknown_values(parser):
    assert parser.is_valid("sector", "sfo")
    assert not parser.is_valid("sector", "'; DROP TABLE measures; --")
    assert not parser.is_valid("sector", {"x": 1})


def test_role_sector_links_come_from_the_vocabulary(parser):
    links = parser.links
    assert links.fits("barnehagelaerer", "barnehage")
    assert not links.fits("barnehagelaerer", "sfo")
    assert links.fits("assistent", "sfo")
    assert links.implied_sector("pp_radgiver") == "ppt"
    assert links.implied_sector("instruktor") == "fagopplaering"
    assert links.implied_sector("laerer") is None
    assert links.neighbours["sfo"] == "grunnskole" and "barnehage" not in links.neighbours


@pytest.mark.parametrize("text,n", [("fortell mer om 2", 2), ("mer om nummer 3", 3),
                                    ("den andre", 2), ("fortel meir om den fyrste", 1), ("nr. 1", 1)])
def test_numbers(text, n):
    assert parse_number(text) == n


def test_measure_and_concept_names(measures, catalog):
    names = measure_matcher(measures)
    assert find_measures("hva er rekomp?", names)[0] == "rekomp"
    assert "ablu" in find_measures("fortell om ABLU", names)
    assert find_measures("hva blir været", names) == []
    concepts = concept_matcher(list(catalog.concepts.values()))
    assert find_concept("hva er forskjellen på etterutdanning og videreutdanning", concepts) \
        == "etterutdanning-videreutdanning"


@pytest.mark.parametrize("text,lang", [
    ("Kva tiltak finst for tilsette i PPT som vil lære meir om inkludering?", "nn"),
    ("korleis søkjer me om dette", "nn"),
    ("vi trenger kompetanseheving om språk for hele personalet", "nb"),
    ("hvem kan søke da?", "nb"),
    ("god morgon", "nn"),
    ("god morgen", "nb"),
    ("kan du skrive en søknad for oss?", None),  # «oss» is both; it used to make this nynorsk
    ("ja", None),
    ("sfo", None),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang


@pytest.fixture(scope="module")
def entity_matcher():
    """The NLU entity extractor's matcher: every vocabulary group at once."""
    vocab = yaml.safe_load((CATALOG_DIR / "vocabulary.yml").read_text(encoding="utf-8"))
    return VocabularyMatcher(vocabulary_entries(vocab, SLOT_GROUPS))


def test_matcher_offsets_compounds_and_longest_match(entity_matcher):
    text = "Vi trenger noe om språkarbeid i fag- og yrkesopplæringa for hele personalet"
    found = match_text(entity_matcher, text)
    assert [(x.entity, x.value) for x in found] == [
        ("theme", "sprak"), ("sector", "fagopplaering"), ("audience", "alle")]
    assert [text[x.start:x.end] for x in found] == ["språkarbeid", "fag- og yrkesopplæringa", "hele personalet"]


@pytest.mark.parametrize("text,expected", [
    ("et par år", [("duration", "flerarig")]),          # not "et par" = some of the staff
    ("eit par dagar", [("duration", "kort")]),
    ("et par stykker", [("audience", "gruppe")]),
    ("styrer og eier er med", [("anchoring", "forankret")]),
])
def test_entities_take_the_longest_phrase_across_groups(entity_matcher, text, expected):
    assert [(x.entity, x.value) for x in match_text(entity_matcher, text)] == expected


@pytest.mark.parametrize("text,sectors", [
    ("vi er ppt og vil bli bedre på veiledning av skolene", ["ppt"]),
    ("jeg jobber i barnehage og vil samarbeide bedre med PPT", ["barnehage"]),
    ("jeg jobber på skolen, men dette gjelder SFO", ["grunnskole", "sfo"]),  # Rasa keeps the last
])
def test_ppt_and_a_partner_sector_keep_the_first_named(entity_matcher, text, sectors):
    found = ppt_or_its_partner(match_text(entity_matcher, text))
    assert [x.value for x in found if x.entity == "sector"] == sectors


@pytest.mark.parametrize("text,expected", [
    ("eg er SFO-leiar og treng noko om leik", [("sector", "sfo"), ("role", "leder")]),
    ("jeg er sfo-leder", [("sector", "sfo"), ("role", "leder")]),
    ("sfo-leder på en skole", [("role", "leder"), ("sector", "grunnskole")]),  # a sector named elsewhere wins
])
def test_a_role_written_with_a_sector_in_front_names_the_sector(entity_matcher, text, expected):
    norm = text.lower()
    found = sector_of_hyphenated_role(match_text(entity_matcher, text), entity_matcher, norm)
    assert [(x.entity, x.value) for x in found if x.entity in ("sector", "role")] == expected


@pytest.mark.parametrize("text,roles", [
    ("jeg er assistent i bhg og vil ta fagbrev, har ikke spurt styrer", ["assistent"]),
    ("eg jobbar som fagarbeidar i SFO, og rektor er positiv", ["fagarbeider"]),
    ("rektor vil at lærerne skal lære mer om vurdering", ["leder", "laerer"]),  # no own role: both stay
])
def test_a_role_the_user_gives_as_their_own_wins_over_roles_they_mention(entity_matcher, text, roles):
    found = self_named_role(match_text(entity_matcher, text), text.lower())
    assert [x.value for x in found if x.entity == "role"] == roles
