"""Decide what a knowledge question asks about and which part of the answer it wants. Pure.

One reading for all knowledge intents: the classifier's intent is only a hint. A question names a
measure/scheme or a concept (the longer name wins: "den nye ordningen for kollektiv
kompetanseutvikling" is the scheme, not the concept "kollektive tiltak"), or it follows up on the
one discussed; its cues say whether it wants the deadline, who applies, the money, whether it still
applies, who it is for, or the whole description.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from kvnlu.matcher import VocabularyMatcher, match_text
from kvnlu.questions import question_cues

FIELD_INTENTS = {"ask_deadline": "deadlines", "ask_apply": "apply", "ask_funding": "funding"}
FIELD_ORDER = ("status", "who", "apply", "funding", "deadlines")
ELIGIBILITY = re.compile(
    r"\b(gjelder (det|den|dette|ordningen|tilskuddet)|gjeld (det|den|dette|ordninga|tilskotet)|omfatter|"
    r"for (private|kommunale|alle)|(private|kommunale|ikke-kommunale|ikkje-kommunale) "
    r"(barnehager|barnehagar|skoler|skular|skuler)|kan (assistent\w*|fagarbeid\w*|private|barne- og)|"
    r"hvem er (den|det|ordningen) for|kven er (den|det|ordninga) for|rett på|"
    r"er (den|det|ordningen|ordninga) (også |òg |bare |berre )?for (?!sent|seint|lite|mye|mykje)|"
    r"kan (en|ein) [\w-]+ (være|vere) med)\b",
    re.IGNORECASE)
# Questions that want the whole picture of a named measure: "Kan vi få tilskudd til …?",
# "Hvem kan ta rektorutdanningen?", "Korleis kan assistentar ta fagbrev?".
WHOLE_PICTURE = re.compile(
    r"^\s*(kan (vi|me|jeg|eg|man|ein|en|\w+ere|\w+arar|\w+arer) (få|ta)\b|(hvem|kven) kan ta\b|"
    r"(hvordan|korleis) kan \w+( \w+){0,3} ta\b)", re.IGNORECASE)
# Two or more entries asked about together: «forskjellen på ABLU og fagskolen», «kva skil dei»,
# «… på nokon av dei?».
COMPARE = re.compile(
    r"\b(forskjell\w*|skilnad\w*|skil(?:jer|ler)?|sammenlign\w*|samanlikn\w*|versus|vs|likhet\w*|"
    r"likskap\w*|best av|begge|hver av|kvar av|noen av dem|nokon av dei|de to|dei to)\b", re.IGNORECASE)
MAX_COMPARED = 2  # «rektor- og styrarutdanninga … vikarmidlar på nokon av dei?» compares two
# A concept name must be clearly longer than a measure name to win ("vikarordningen … videreutdanning"
# is the scheme; "forskjellen på individuelle og kollektive tiltak" is the concept).
CONCEPT_MARGIN = 8


def asked_fields(text: str, intent: Optional[str], cues=None) -> List[str]:
    """The parts a question asks for, in answer order; the intent's part when the words name none."""
    cues = question_cues(text) if cues is None else cues
    fields = [f for f in FIELD_ORDER if f in cues]
    if ELIGIBILITY.search(text or ""):
        fields.insert(0, "who")
    if not fields and intent in FIELD_INTENTS:
        fields = [FIELD_INTENTS[intent]]
    return fields


def plan_about(text: str, intent: Optional[str], measure: str) -> "Plan":
    """The answer about one entry (named, or found by search): the whole description for «hva er
    …?» or «kan vi få …?», else the parts asked for."""
    cues = question_cues(text)
    fields = asked_fields(text, intent, cues)
    if "define" in cues or "exists" in cues or not fields or WHOLE_PICTURE.search(text):
        return Plan("details", [measure])
    return Plan("fields", [measure], fields)


@dataclass
class Plan:
    """What to answer: 'details' of a measure, some 'fields' of measures, a 'compare' of two or
    three, a 'concept', or ask 'which' measure / which concept ('concept_menu')."""

    kind: str
    measures: List[str] = field(default_factory=list)
    fields: List[str] = field(default_factory=list)
    concept: Optional[str] = None


def _longest(matches) -> int:
    return max((m.end - m.start for m in matches), default=0)


def combined_name(match_texts: Sequence[str], aliases: Dict[str, Sequence[str]]) -> Optional[str]:
    """The measure one of whose names covers every named thing: "tilretteleggingsmidlar … ABLU"
    names the facilitation money *for* ABLU, not the facilitation money and ABLU separately (also
    inflected or as a compound: «tilretteleggingsmidlane», «ablu-student»)."""
    words = [w.lower() for w in match_texts]
    for mid, names in aliases.items():
        lowered = [n.lower() for n in names]
        if all(any(w in n or w.split("-")[0] in n.split() or _same_stem(w, n) for n in lowered) for w in words):
            return mid
    return None


def _same_stem(word: str, name: str) -> bool:
    """«tilretteleggingsmidlane» and «tilretteleggingsmidlar ablu»: one of the name's words is the
    same word inflected (a long common beginning)."""
    return len(word) >= 6 and any(len(os.path.commonprefix([word, x])) >= max(6, len(word) - 4)
                                  for x in name.split())


def plan_answer(text: str, intent: Optional[str], measure_names: VocabularyMatcher,
                concept_names: VocabularyMatcher, context: Optional[str] = None,
                suggested: Sequence[str] = (), is_current=lambda _id: True,
                aliases: Optional[Dict[str, Sequence[str]]] = None,
                scheme_of: Optional[Dict[str, str]] = None) -> Plan:
    """``scheme_of``: concept id -> the scheme a money/apply/deadline question that names only that
    general word is about (the catalog's concept field ``scheme``): «hvor mye penger får barnehagen
    når en barnehagelærer tar videreutdanning?» is about today's scheme, not the concept."""
    scheme_of = scheme_of or {}
    payload = text.startswith("/")
    m_matches = [] if payload else match_text(measure_names, text)
    c_matches = [] if payload else match_text(concept_names, text)
    named: List[str] = []
    for m in m_matches:
        if m.value not in named:
            named.append(m.value)
    # Prefer what applies today when a name fits several entries.
    named.sort(key=lambda i: not is_current(i))
    if len(named) > 1 and aliases:
        combined = combined_name([m.text for m in m_matches], aliases)
        if combined:
            named = [combined]
    cues = question_cues(text) if not payload else set()
    fields = asked_fields(text, intent, cues)
    concept = None
    if c_matches:
        votes: dict = {}
        for m in c_matches:
            votes[m.value] = votes.get(m.value, 0) + (m.end - m.start)
        concept = max(votes, key=votes.get)
    if (not named and not context and intent in FIELD_INTENTS and concept in scheme_of
            and all(" " not in m.text.strip() for m in c_matches)):
        named, concept = [scheme_of[concept]], None
    if len(named) > 1 and COMPARE.search(text or ""):
        return Plan("fields", named[:MAX_COMPARED], fields) if fields else Plan("compare", named[:MAX_COMPARED])
    if named and (not concept or _longest(m_matches) + CONCEPT_MARGIN >= _longest(c_matches)):
        return plan_about(text, intent, named[0])
    if concept and (intent == "ask_concept" or not (context and fields)):
        return Plan("concept", concept=concept)
    if context and fields:
        return Plan("fields", [context], fields)
    if context and intent == "ask_measure" and not payload and ("define" in cues or not cues):
        return Plan("details", [context])
    if intent in FIELD_INTENTS and suggested:
        return Plan("fields", list(suggested), fields or [FIELD_INTENTS[intent]])
    if intent == "ask_concept":
        return Plan("concept_menu")
    return Plan("which")
