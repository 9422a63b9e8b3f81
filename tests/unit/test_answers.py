"""Composed answers: an entry that is not in force today is never shown as current."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers import field_reply, measure_details, short_label

TODAY = date(2026, 11, 28)
CURRENT_WORDS = ("gjelder nå:", "gjeld no:")


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_expired_entries_say_they_are_historic_in_every_answer(catalog, lang):
    expired = [m for m in catalog.measures.values() if m.valid_to and m.valid_to < TODAY]
    assert len(expired) >= 8  # Rekomp, Dekomp, Kompetanseløftet, the old videreutdanning models ...
    marker = "tidligere ordning" if lang == "nb" else "tidlegare ordning"
    for m in expired:
        answers = [measure_details(m, catalog.measures, lang, TODAY).text]
        answers += [field_reply(kind, [m], catalog.measures, lang, TODAY).text
                    for kind in ("apply", "funding", "deadlines") if kind != "deadlines" or m.deadlines]
        for text in answers:
            assert marker in text, f"{m.id} ({lang}) is shown without saying it has ended:\n{text}"
            assert str(m.valid_to.year) in text, f"{m.id} ({lang}) does not say its period:\n{text}"
            if m.replaced_by:
                for rid in m.replaced_by:
                    assert catalog.measures[rid].title(lang) in text, f"{m.id}: replacement {rid} missing"


def test_current_entries_are_not_called_historic(catalog):
    for m in catalog.measures.values():
        if m.is_current(TODAY):
            text = measure_details(m, catalog.measures, "nb", TODAY).text
            assert "tidligere ordning" not in text and not any(w in text for w in CURRENT_WORDS), m.id


def test_an_entry_that_has_not_begun_says_from_when(catalog):
    m = next(m for m in catalog.measures.values() if m.valid_from and m.valid_from.year == 2026)
    text = measure_details(m, catalog.measures, "nb", date(2025, 12, 1)).text
    assert f"Dette gjelder først fra {m.valid_from.day}." in text


@pytest.mark.parametrize("text, expected", [
    ("Kort tittel", "Kort tittel"),
    ("Regional ordning for kompetanseutvikling i barnehage (Rekomp)",
     "Regional ordning for kompetanseutvikling i barnehage…"),
    ("Desentralisert ordning for kompetanseutvikling i grunnskole og videregående",
     "Desentralisert ordning for kompetanseutvikling i…"),
])
def test_button_labels_are_cut_at_a_word_and_never_inside_brackets(text, expected):
    label = short_label(text, 55)
    assert label == expected
    assert len(label) <= 55 and label.count("(") == label.count(")")


def test_details_name_the_abbreviation_once_and_credits_as_a_sentence(catalog):
    for m in catalog.measures.values():
        head, *rest = measure_details(m, catalog.measures, "nb", TODAY).text.split("\n")
        if m.abbreviation:
            assert head.lower().count(m.abbreviation.lower()) == 1, head
        if m.credits:
            assert f"Omfang: {m.credits} studiepoeng." in rest


def test_who_and_apply_together_say_who_applies_once(catalog):
    m = catalog.measures["rekomp"]
    text = field_reply(["who", "apply"], [m], catalog.measures, "nb", TODAY).text
    assert text.count("Hvem søker") + text.count("Slik søker") <= 1, text
    assert m.apply["nb"] in text


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_an_entry_in_doubt_is_never_called_current(catalog, lang):
    doubtful = [m for m in catalog.measures.values() if m.in_doubt]
    assert {"vikarordning", "stipendordning", "laererspesialistutdanning"} <= {m.id for m in doubtful}
    current = ("Dette gjelder nå", "Dette gjeld no")
    for m in doubtful:
        answers = [measure_details(m, catalog.measures, lang, TODAY).text]
        answers += [field_reply(kind, [m], catalog.measures, lang, TODAY).text
                    for kind in ("status", "apply", "funding", "deadlines")]
        for text in answers:
            assert not any(c in text for c in current), f"{m.id} ({lang}) is called current:\n{text}"
            assert ("ikke bekreftet" if lang == "nb" else "ikkje stadfesta") in text, m.id


def test_a_field_answer_shows_the_uncertain_notes_about_that_field(catalog):
    m = catalog.measures["videreutdanning-tilskudd-2026"]
    deadline = field_reply("deadlines", [m], catalog.measures, "nb", TODAY).text
    assert "Søknadsfrister og søknadsvei for 2026 er ikke bekreftet" in deadline
    assert "152 mill." not in deadline  # the budget estimate is about money, not the deadline
    money = field_reply("funding", [m], catalog.measures, "nb", TODAY).text
    assert "152 mill." in money and "75 %" in money
    details = measure_details(m, catalog.measures, "nb", TODAY).text
    assert details.count("Usikkert:") == len(m.uncertain)  # the whole picture keeps every note


def test_the_more_about_button_names_the_first_suggestion_on_the_page(catalog, measures):
    from bot.answers import catalog_labels, results_reply
    from bot.recommend import Criteria, recommend

    c = Criteria(sector="barnehage", theme="sprak", audience="alle", duration="flerarig")
    reply = results_reply(recommend(measures, c, TODAY, offset=3), catalog_labels(catalog), "nb", offset=3)
    first = reply.buttons[0]
    assert first["title"] == "Fortell mer om 4" and '"number": "4"' in first["payload"]


def test_an_ended_scheme_offers_what_replaced_it_as_buttons(catalog):
    rekomp = catalog.measures["rekomp"]
    reply = measure_details(rekomp, catalog.measures, "nb", TODAY)
    payloads = [b["payload"] for b in reply.buttons]
    assert payloads and all(p.startswith('/ask_measure{"measure": "') for p in payloads)
    assert any(r in p for r in rekomp.replaced_by for p in payloads)
