"""The advisor's one slot table: which answers give first suggestions, which refine them, how
each question offers its choices, and how often a question may be asked. Pure.

Answer first (../shared/CONVERSATIONS.md, rule 0): what the need is about (theme) is enough for
suggestions, where (sector) makes them fit and is asked first when neither is known; who it is
for, the user's role, anchoring and duration refine them, asked only when the user taps a
refinement or says it in passing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

# A question answered «vet ikke», skipped, or missed twice: known to be unknown, never asked again
# unless the user asks to change it.
UNKNOWN = "ukjent"
# A question is asked at most this many times; then the advisor moves on without it.
MAX_ASKS = 2


@dataclass(frozen=True)
class Question:
    slot: str
    group: str  # the vocabulary group of its values
    needed: bool  # needed for the first suggestions (where + what)
    buttons: str  # "all": one per value; "themes": the sector's most common themes
    semantic: bool  # also read by meaning (bot.understanding.semantic)


QUESTIONS: Dict[str, Question] = {q.slot: q for q in (
    Question("sector", "sectors", True, "all", True),
    Question("theme", "themes", True, "themes", True),
    Question("audience", "audience", False, "all", True),
    Question("role", "roles", False, "all", False),
    Question("anchoring", "anchoring", False, "all", True),
    Question("duration", "duration", False, "all", True),
)}
SLOTS = tuple(QUESTIONS)
NEEDED = tuple(s for s, q in QUESTIONS.items() if q.needed)
REFINEMENTS = tuple(s for s, q in QUESTIONS.items() if not q.needed)


def known(value: object) -> bool:
    return value not in (None, UNKNOWN, "")


def next_question(values: Mapping[str, Optional[str]], refine: Optional[str]) -> Optional[str]:
    """The slot to ask for next, or None when suggestions can be shown. What the need is about is
    enough to answer: a need without a place gets suggestions for every sector, with the sectors
    as one-tap refinements. With neither, where comes first (one word to answer), then what."""
    if values.get("theme") is None:
        return "sector" if values.get("sector") is None else "theme"
    if refine in QUESTIONS and values.get(refine) is None:
        return refine
    return None


def open_refinements(values: Mapping[str, Optional[str]]) -> List[str]:
    """Refinements not given yet, in table order (role only when the audience is not everyone)."""
    out = [] if known(values.get("sector")) else ["sector"]
    for slot in REFINEMENTS:
        if slot == "role" and values.get("audience") == "alle":
            continue
        if not known(values.get(slot)):
            out.append(slot)
    return out
