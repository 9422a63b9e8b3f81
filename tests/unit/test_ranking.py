"""Blending an earlier classifier's intent ranking with the linear model's, and merging equivalent intents (kvnlu.ranking)."""

from __future__ import annotations

import pytest

from kvnlu.ranking import blend, merge_equivalent

GROUPS = [["inform", "request_measures"]]


def test_blend_weights_and_normalises():
    ranking = blend({"a": 0.8, "b": 0.2}, {"a": 0.1, "b": 0.9}, weight=0.6)
    assert [n for n, _ in ranking] == ["b", "a"]
    assert ranking[0][1] == pytest.approx(0.4 * 0.2 + 0.6 * 0.9)
    assert sum(c for _, c in ranking) == pytest.approx(1.0)


def test_weight_zero_keeps_the_earlier_ranking_and_intents_missing_on_one_side_count_as_zero():
    assert blend({"a": 0.7, "b": 0.3}, {"c": 1.0}, weight=0.0)[0] == ("a", pytest.approx(0.7))
    assert dict(blend({"a": 1.0}, {"c": 1.0}, weight=0.5)) == {"a": pytest.approx(0.5), "c": pytest.approx(0.5)}


def test_ranking_is_cut_to_length():
    linear = {f"i{k}": 1 / 15 for k in range(15)}
    assert len(blend({}, linear, weight=1.0, length=10)) == 10


def test_equivalent_top_two_are_merged_so_they_are_not_ambiguous():
    ranking = blend({"request_measures": 0.5, "inform": 0.5}, {"request_measures": 0.52, "inform": 0.48},
                    weight=0.6)
    assert ranking[0][1] - ranking[1][1] < 0.05  # ambiguous for Rasa's FallbackClassifier
    merged = merge_equivalent(ranking, GROUPS)
    assert merged[0] == ("request_measures", pytest.approx(1.0))
    assert "inform" not in dict(merged)


@pytest.mark.parametrize("ordered", [
    [("inform", 0.5), ("ask_apply", 0.45), ("request_measures", 0.05)],  # not the two best
    [("ask_apply", 0.5), ("ask_funding", 0.5)],                          # not a group
])
def test_other_rankings_are_left_alone(ordered):
    assert merge_equivalent(ordered, GROUPS) == ordered


def test_short_rankings():
    assert merge_equivalent([], GROUPS) == []
    assert merge_equivalent([("inform", 1.0)], GROUPS) == [("inform", 1.0)]
