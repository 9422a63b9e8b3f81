"""Intent ranking arithmetic for the LinearIntentClassifier and the EquivalenceFallbackClassifier
(stdlib only, so the application's tests can check it without the Rasa engine)."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

Ranking = List[Tuple[str, float]]


def merge_equivalent(ordered: Ranking, groups: Sequence[Sequence[str]]) -> Ranking:
    """[(intent, confidence)] best first: when the two best are in one group of intents the
    dialogue handles alike, the second's confidence goes to the first."""
    if len(ordered) < 2:
        return list(ordered)
    (first, c1), (second, c2) = ordered[0], ordered[1]
    if any(first in g and second in g for g in groups):
        return [(first, c1 + c2)] + list(ordered[2:])
    return list(ordered)


def blend(earlier: Dict[str, float], linear: Dict[str, float], weight: float, length: int = 10) -> Ranking:
    """(1 - weight) * earlier classifier + weight * linear, normalised, best first, at most `length` entries."""
    names = set(earlier) | set(linear)
    mixed = {n: (1 - weight) * earlier.get(n, 0.0) + weight * linear.get(n, 0.0) for n in names}
    total = sum(mixed.values()) or 1.0
    ordered = sorted(((n, c / total) for n, c in mixed.items()), key=lambda nc: (-nc[1], nc[0]))
    return ordered[:length]
