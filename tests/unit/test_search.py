"""Finding the entry a question is about when it names none (bot.knowledge.search), by words only
here (the meaning part needs the embedding model; tests/e2e runs it for real)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.knowledge.search import CatalogSearch, stems
from bot.understanding.semantic import similarities

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def search(catalog):
    return CatalogSearch(list(catalog.measures.values()))


def test_stems_drop_function_words_and_keep_word_pairs():
    assert stems("Korleis kan vi hospitere?") == ["hospit"]
    assert "barneh grunns" in stems("ordninga for barnehage og grunnskule", pairs=True)


@pytest.mark.parametrize("text, expected", [
    ("Korleis kan instruktørane våre få hospitere på ein vidaregåande skule?", "hospitering"),
    ("Hva er TIB-greia?", "tilleggsutdanning-barnehagepedagogikk"),
    ("kva med den nye ordninga for barnehage og grunnskule då, kan vi søkje på den òg?",
     "kollektiv-barnehage-grunnskole"),
])
def test_a_clear_best_entry_is_found_by_words_and_meaning(search, text, expected):
    found = search.find(text, "nb", TODAY, similarities)
    assert found.clear and found.best == expected, found


def test_close_entries_are_offered_not_guessed(search):
    # Two schemes began in 2026: «den nye ordningen» is either, so both are offered.
    found = search.find("hva er den nye ordningen?", "nb", TODAY, similarities)
    assert not found.clear and len(found.ids) >= 2
    assert "videreutdanning-tilskudd-2026" in found.ids and "rekomp" not in found.ids


@pytest.mark.parametrize("text", ["Hva er Erasmus+?", "hvem kan søke?", "når er fristen", "vi trenger hjelp"])
def test_words_that_name_no_entry_find_nothing(search, text):
    assert search.find(text, "nb", TODAY, similarities).ids == ()


def test_den_nye_prefers_what_began_in_2026(search):
    ranked = search.ranked("hva er den nye ordningen?", "nb", TODAY)
    top = [r.id for r in ranked[:3]]
    assert "rekomp" not in top and any(i in top for i in ("videreutdanning-tilskudd-2026", "kollektiv-videregaende",
                                                          "kollektiv-barnehage-grunnskole"))
