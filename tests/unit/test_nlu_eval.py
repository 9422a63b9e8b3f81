"""The near-copy check that keeps held-out sets out of the training data."""

from __future__ import annotations

import pytest

from bench.nlu_eval import near_duplicate


@pytest.mark.parametrize("a, b", [
    ("yrkesfaglærer i helse og oppvekst", "yrkesfaglærer i helse- og oppvekstfag"),  # one word is a prefix
    ("Hva er rekomp?", "hva er rekomp"),
    ("hei, hva er rekomp for noe", "hva er rekomp for noe"),
])
def test_near_copies_are_found_whichever_side_is_the_held_out_one(a, b):
    assert near_duplicate(a, b) and near_duplicate(b, a)


@pytest.mark.parametrize("a, b", [
    ("hva er rekomp", "hva er dekomp og hvem kan søke om det"),
    ("barnehage", "barnehage"[:3]),
])
def test_different_messages_are_not_near_copies(a, b):
    assert not near_duplicate(a, b) and not near_duplicate(b, a)
