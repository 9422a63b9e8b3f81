"""Reading a free answer by meaning when the vocabulary finds nothing: take it, confirm it with a
button, or leave it. Thresholds measured on the development sets (see README, «Answer first»)."""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

from bot.understanding.semantic import Reading, index

# Confidence is how much the best value's examples beat the «none» examples; margin, how much they
# beat the next value's (cosine similarities). Probed on 28 hand-written need descriptions and
# non-answers (2026-12-07): descriptions scored +0.004 to +0.047 with margins 0.003 to 0.044; a
# generic request («vi trenger kompetanseheving for hele personalet») can score +0.029 but is close
# to every theme alike (margin 0.013), since the training data holds the same sentence with each
# theme's name in it. Both must clear their bar.
ACCEPT, ACCEPT_MARGIN = 0.012, 0.015
# Below ACCEPT, a value still ahead of «none» and of the others comes back as «Jeg forstod det som
# … – stemmer det?».
GUESS, GUESS_MARGIN = 0.0, 0.005
# A criterion read from a message that answered something else needs more.
IN_PASSING, IN_PASSING_MARGIN = 0.025, 0.02
# Below this similarity of the value's nearest examples nothing is read (e5 similarities are high).
MIN_SIMILARITY = 0.85


def read(text: str, slots: Sequence[str]) -> Dict[str, Reading]:
    if not text or text.startswith("/") or not slots:
        return {}
    return {s: r for s, r in index().read(text, slots).items() if r.similarity >= MIN_SIMILARITY}


def decide(reading: Optional[Reading], asked: bool) -> Tuple[Optional[str], Optional[str]]:
    """(value to take, value to confirm) for one reading."""
    if reading is None:
        return None, None
    bar, margin = (ACCEPT, ACCEPT_MARGIN) if asked else (IN_PASSING, IN_PASSING_MARGIN)
    if reading.confidence >= bar and reading.margin >= margin:
        return reading.value, None
    if asked and reading.confidence >= GUESS and reading.margin >= GUESS_MARGIN:
        return None, reading.value
    return None, None
