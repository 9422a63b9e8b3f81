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
    details = measure_details(m, catalog.measures, "nb", TODAY, full=True).text
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


# --- answers follow the declared status ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_only_confirmed_entries_are_answered_as_current(catalog, lang):
    current = "Dette gjelder nå" if lang == "nb" else "Dette gjeld no"
    for m in catalog.measures.values():
        text = field_reply("status", [m], catalog.measures, lang, TODAY).text
        said_current = current in text
        assert said_current == (m.confirmed and m.is_current(TODAY)), f"{m.id} ({m.status}):\n{text}"


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_a_route_is_printed_as_certain_only_when_confirmed(catalog, lang):
    from bot.answers import funding_routes

    certain_head = "Kan finansieres gjennom:" if lang == "nb" else "Kan finansierast gjennom:"
    for m in catalog.measures.values():
        certain, doubtful, past = funding_routes(m, catalog.measures, TODAY)
        text = field_reply("funding", [m], catalog.measures, lang, TODAY).text
        line = next((x for x in text.split("\n") if x.startswith(certain_head)), "")
        for r in doubtful + past:
            assert r.title(lang) not in line, f"{m.id}: {r.id} printed as a certain route:\n{text}"
        for r in certain:
            assert r.confirmed and m.route_certain(r.id) and r.title(lang) in line, m.id


def test_hospitering_and_y2_are_not_funded_through_the_vgo_scheme_as_fact(catalog):
    vgo = catalog.measures["kollektiv-videregaende"].title("nb")
    for mid in ("hospitering", "yrkesfaglaerer-2"):
        short = measure_details(catalog.measures[mid], catalog.measures, "nb", TODAY).text
        text = measure_details(catalog.measures[mid], catalog.measures, "nb", TODAY, full=True).text
        assert f"Kan finansieres gjennom: {vgo}" not in text and "Kan finansieres gjennom" not in short
        assert f"Mulig finansiering, ikke bekreftet: {vgo}" in text, text
        assert "Tidligere finansiert gjennom:" in text  # the 2019–2025 scheme


@pytest.mark.parametrize("lang, right", [("nb", "ingen individuell rett"), ("nn", "inga individuell rett")])
def test_the_money_answer_of_the_2026_scheme_says_the_owner_prioritises(catalog, lang, right):
    for mid in ("videreutdanning-tilskudd-2026", "videreutdanning-fagarbeidere-2026"):
        text = field_reply("funding", [catalog.measures[mid]], catalog.measures, lang, TODAY).text
        assert right in text, text


@pytest.mark.parametrize("mid", ["veilederutdanning", "profesjonsfaglig-digital-kompetanse",
                                 "samisk-videreutdanning", "videreutdanning-yrkesfaglaerere"])
def test_2026_funding_through_the_25_percent_scheme_is_not_stated_as_fact(catalog, mid):
    m = catalog.measures[mid]
    text = field_reply("funding", [m], catalog.measures, "nb", TODAY).text
    assert "ikke bekreftet" in text and "Kan finansieres gjennom: Ny videreutdanningsordning" not in text, text


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_packages_never_promise_the_2026_collective_schemes(catalog, lang):
    promise = ("og kan inngå i tiltak i de kollektive ordningene fra 2026" if lang == "nb"
               else "og kan inngå i tiltak i dei kollektive ordningane frå 2026")
    for m in catalog.measures.values():
        if m.kind == "kompetansepakke":
            text = measure_details(m, catalog.measures, lang, TODAY).text
            assert promise not in text, m.id
            assert "Kan finansieres gjennom: Kollektiv" not in text, m.id
    for c in catalog.concepts.values():
        assert promise not in c.text[lang], c.id


def test_an_ended_entry_without_an_end_date_says_it_has_ended(catalog):
    m = catalog.measures["innovasjonsordningen"]
    assert m.valid_to is None and not m.is_current(TODAY)
    for lang, marker in (("nb", "tidligere ordning"), ("nn", "tidlegare ordning")):
        for text in (measure_details(m, catalog.measures, lang, TODAY).text,
                     field_reply("status", [m], catalog.measures, lang, TODAY).text):
            assert marker in text and "None" not in text, text


def test_a_short_answer_shows_the_caveats_of_its_part_and_counts_the_rest(catalog):
    """A who-answer is what it is and for whom (the money is a button away); its caveats are the
    ones about whom it is for, the note the question names first, and the count of the others."""
    m = catalog.measures["videreutdanning-tilskudd-2026"]
    text = field_reply("who", [m], catalog.measures, "nb", TODAY).text
    assert "Finansiering:" not in text and "Assistenter uten fagbrev" in text, text
    pp = field_reply("funding", [m], catalog.measures, "nb", TODAY,
                     prefer=lambda note: "PP-tjenesten" in note["nb"]).text
    assert pp.index("PP-tjenesten er ikke nevnt") < pp.index("152 mill."), pp
    # A short description says that something is not confirmed, and where the rest is.
    short = measure_details(m, catalog.measures, "nb", TODAY).text
    assert f"Noe er ikke bekreftet: {len(m.uncertain)} forbehold står under «Les mer»." in short, short
    assert len(measure_details(m, catalog.measures, "nb", TODAY).text) < 600
