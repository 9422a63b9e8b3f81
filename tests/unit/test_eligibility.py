"""Direct answers to "gjelder det for SFO også?": yes, no (with a counterpart), and never a plain
yes/no where the catalog is uncertain."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers import Labels
from bot.knowledge.eligibility import verdict
from bot.understanding import SlotParser

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def say(catalog):
    labels, parser, measures = Labels(catalog.terms), SlotParser(catalog.terms), list(catalog.measures.values())

    def say(mid, sectors=(), roles=(), lang="nb", question=""):
        return verdict(catalog.measures[mid], list(sectors), list(roles), lang, labels, parser, measures, TODAY,
                       question)
    return say


def test_yes_for_a_sector_and_for_a_role(say):
    assert say("kollektiv-barnehage-grunnskole", ["sfo"]) == \
        "Ja, Kollektiv ordning for barnehage og grunnskole (fra 2026) gjelder også SFO."
    assert say("kollektiv-barnehage-grunnskole", roles=["assistent"]) == \
        "Ja, Kollektiv ordning for barnehage og grunnskole (fra 2026) gjelder også for assistent."


def test_no_verdict_when_the_name_already_says_it(say):
    assert say("kollektiv-videregaende", ["videregaende"], lang="nn") == ""


def test_a_yes_names_the_entry_requirement(say):
    text = say("tilleggsutdanning-barnehagepedagogikk", roles=["assistent"])
    assert text.startswith("Ja, ") and text.endswith(
        "Krav for å delta: Annen treårig barnefaglig eller pedagogisk utdanning enn barnehagelærerutdanning.")


def test_no_names_what_it_is_for_and_a_counterpart_that_covers_the_sector(say):
    assert say("kompetansepakke-barnehagemiljo", ["sfo"]) == (
        "Nei, Kompetansepakke: Trygt og godt barnehagemiljø gjelder barnehage, ikke SFO. "
        "For SFO kan du se på Kompetansepakke for SFO.")
    assert say("kollektiv-barnehage-grunnskole", ["videregaende"], ["laerer"]) == (
        "Nei, Kollektiv ordning for barnehage og grunnskole (fra 2026) gjelder barnehage, grunnskole, SFO og "
        "PP-tjenesten, ikke for lærer i videregående opplæring. For lærer i videregående opplæring kan du se "
        "på Kollektiv ordning for videregående opplæring (fra 2026).")


def test_no_names_only_what_is_missing(say):
    text = say("sprakloyper", ["barnehage", "sfo"])
    assert text.startswith("Nei, Språkløyper gjelder barnehage, grunnskole og videregående opplæring, ikke SFO.")


def test_a_role_of_one_sector_is_checked_against_that_sector(say):
    # PP-rådgivere work in PPT, which the videregående scheme does not cover.
    assert say("kollektiv-videregaende", roles=["pp_radgiver"]).startswith(
        "Nei, Kollektiv ordning for videregående opplæring (fra 2026) gjelder videregående opplæring og "
        "fag- og yrkesopplæring, ikke for PP-rådgiver. For PP-rådgiver kan du se på Kollektiv ordning for "
        "barnehage og grunnskole")


def test_no_counterpart_unless_the_catalog_has_a_clear_one(say):
    # The only PPT scheme is collective; the individual videreutdanning scheme has no PPT counterpart
    # (and whether PPT staff can use it is not in the sources: a hedge, never a plain «Nei»).
    assert say("videreutdanning-tilskudd-2026", roles=["pp_radgiver"]) == (
        "Etter det vi vet, gjelder Ny videreutdanningsordning (fra 2026) ikke for PP-rådgiver, men ikke alt "
        "om dette er avklart – se «Usikkert» under og sjekk kilden.")
    assert "kan du se på" not in say("sprakloyper", ["sfo"])  # the SFO package is about another theme


@pytest.mark.parametrize("roles, answer", [(["assistent"], "ikke"), (["laerer"], "også")])
def test_an_uncertainty_that_names_the_role_is_never_a_plain_yes_or_no(say, roles, answer):
    text = say("videreutdanning-tilskudd-2026", roles=roles)
    assert text.startswith(f"Etter det vi vet, gjelder Ny videreutdanningsordning (fra 2026) {answer} for ")
    assert "ikke alt om dette er avklart" in text and "sjekk kilden" in text
    assert not text.startswith(("Ja", "Nei"))


def test_a_role_named_only_in_the_description_is_not_certain(say):
    text = say("videreutdanning-fagarbeidere-2026", roles=["laerer"])
    assert text.startswith("Beskrivelsen av ") and "nevner lærer, men lærer står ikke i målgruppen" in text
    assert "ikke sikkert" in text


def test_nynorsk(say):
    assert say("kollektiv-barnehage-grunnskole", ["sfo"], lang="nn") == \
        "Ja, Kollektiv ordning for barnehage og grunnskule (frå 2026) gjeld òg SFO."
    assert say("kompetansepakke-sfo", ["barnehage"], lang="nn") == (
        "Nei, Kompetansepakke for SFO gjeld SFO, ikkje barnehage. "
        "For barnehage kan du sjå på Kompetansepakke: Trygt og godt barnehagemiljø.")
    assert say("videreutdanning-tilskudd-2026", roles=["assistent"], lang="nn") == (
        "Etter det vi veit, gjeld Ny vidareutdanningsordning (frå 2026) ikkje for assistent, men ikkje alt om "
        "dette er avklart – sjå «Usikkert» under og sjekk kjelda.")


def test_an_ended_scheme_is_spoken_of_in_the_past_and_points_to_a_current_one(say):
    assert say("rekomp", ["sfo"]) == (
        "Nei, Regional ordning for kompetanseutvikling i barnehage (Rekomp) gjaldt barnehage, ikke SFO. "
        "For SFO kan du se på Kollektiv ordning for barnehage og grunnskole (fra 2026).")


def test_nothing_to_say_without_a_sector_or_staff_role_or_about_private_places(say):
    assert say("kollektiv-barnehage-grunnskole") == ""
    assert say("videreutdanning-laerere", roles=["eier"]) == ""  # the eier applies; not a target group
    # The catalog has no field for private/municipal places: no yes, but a sector that is not covered is a no.
    assert say("videreutdanning-tilskudd-2026", ["barnehage"], question="gjelder det private barnehager?") == ""
    assert say("kollektiv-videregaende", ["barnehage"], question="gjelder det private barnehager?").startswith("Nei,")
