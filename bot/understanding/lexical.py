"""Understanding typed answers in context: slot values, measure names, numbers. Pure."""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Optional, Sequence, Set

from bot.catalog.records import Concept, Measure, Term
from kvnlu.matcher import VocabularyMatcher, match_text

SLOT_GROUP = {"sector": "sectors", "role": "roles", "theme": "themes", "audience": "audience",
              "anchoring": "anchoring", "duration": "duration"}
FORM_SLOTS = ("sector", "theme", "audience", "role", "anchoring", "duration")



class SectorLinks:
    """What the vocabulary says about roles and sectors (data/catalog/vocabulary.yml): the sector a
    role alone tells, the sectors where a role exists, and a sector's neighbour."""

    def __init__(self, terms: Dict[str, List[Term]]):
        roles = terms.get("roles", [])
        self._implied = {t.id: t.sectors[0] for t in roles if t.implies_sector and t.sectors}
        self._where = {t.id: set(t.sectors) for t in roles if t.sectors}
        self._neighbour: Dict[str, str] = {t.id: t.neighbour for t in terms.get("sectors", []) if t.neighbour}

    def implied_sector(self, role: Optional[str]) -> Optional[str]:
        """«PP-rådgiver» → ppt; None for a role found in several sectors."""
        return self._implied.get(role or "")

    def fits(self, role: Optional[str], sector: Optional[str]) -> bool:
        """False only for a role that does not exist in the sector (a barnehagelærer in SFO)."""
        if not role or not sector or role not in self._where:
            return True
        return sector in self._where[role]

    @property
    def neighbours(self) -> Dict[str, str]:
        """sector → the neighbouring sector offered when it has no fitting measure."""
        return dict(self._neighbour)


ORDINALS = {
    "første": 1, "fyrste": 1, "først": 1, "en": 1, "ein": 1, "ett": 1, "eitt": 1,
    "andre": 2, "annen": 2, "anna": 2, "to": 2, "tredje": 3, "tre": 3,
    "fjerde": 4, "fire": 4, "femte": 5, "fem": 5, "sjette": 6, "seks": 6,
}
_COUNT = r"(?:\d{1,3}|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv)"
# A count of people as the answer to "who is it for?" (not «to år»: a count before a unit of time).
GROUP_COUNT = re.compile(
    r"\b(?:vi er|me er|oss|dei|de|ca\.?|cirka|omtrent|rundt)\s+" + _COUNT + r"\b(?!\s*(?:år|uker|veker|dager|dagar|måneder|månader|timer|timar))|"
    r"\b" + _COUNT + r"\s+(?:stk|stykker|stykke|av oss|personer|personar|lærere|lærarar|pedagogiske|pedagogar|"
    r"ansatte|tilsette|instruktører|instruktørar|assistenter|assistentar|fagarbeidere|fagarbeidarar|ledere|leiarar|kolleger|kollegaer)\b",
    re.IGNORECASE)
NUMBER_RE = re.compile(r"\b(?:nr\.?|nummer|forslag)?\s*(\d{1,2})\b")


class SlotParser:
    """Maps a typed answer to a vocabulary value, knowing which question was asked."""

    def __init__(self, terms: Dict[str, List[Term]]):
        self._ordered = {g: [x.id for x in ts] for g, ts in terms.items()}
        self._ids = {g: set(ids) for g, ids in self._ordered.items()}
        self._matchers: Dict[str, VocabularyMatcher] = {}
        entries_of: Dict[str, list] = {}
        for slot, group in SLOT_GROUP.items():
            entries = []
            for term in terms.get(group, []):
                phrases = list(term.synonyms) + list(term.answer_synonyms)
                phrases += [term.label.get("nb", ""), term.label.get("nn", "")]
                entries += [(slot, term.id, p) for p in phrases if p]
            entries_of[slot] = entries
            self._matchers[slot] = VocabularyMatcher(entries)
        self.links = SectorLinks(terms)
        # Sectors and roles in one matcher, so the longer name wins: «barnehageeier» is the eier.
        self._who = VocabularyMatcher(entries_of["sector"] + entries_of["role"])
        self._acts = VocabularyMatcher([("act", term.id, p) for term in terms.get("acts", [])
                                        for p in list(term.synonyms) + [term.label.get("nb", ""), term.label.get("nn", "")] if p])

    def ids(self, group: str) -> List[str]:
        return list(self._ordered.get(group, []))

    def is_valid(self, slot: str, value: object) -> bool:
        return isinstance(value, str) and value in self._ids.get(SLOT_GROUP[slot], set())

    def parse(self, slot: str, text: str, intent: Optional[str] = None) -> Optional[str]:
        matches = match_text(self._matchers[slot], text or "")
        if matches:
            values = {m.value for m in matches}
            # "Eier er med, men ikke de ansatte": full anchoring and less in one answer is partial.
            if slot == "anchoring" and {"forankret", "delvis"} <= values:
                return "delvis"
            # The value whose mentions cover most of the answer wins: «nei vent, sfo-lederen vet om
            # det» is «vet om det» (partial), not the bare «nei». Ties go to the first mention.
            votes: Counter = Counter()
            for m in matches:
                votes[m.value] += m.end - m.start
            best = max(votes.values())
            return next(m.value for m in matches if votes[m.value] == best)
        if slot == "audience" and GROUP_COUNT.search(text or ""):
            return "gruppe"  # «vi er fire lærere», «oss tre pedagogiske ledere», «småbarnsavdelingen, 6 stk»
        if slot == "anchoring" and intent == "affirm":
            return "forankret"
        if slot == "anchoring" and intent == "deny":
            return "ikke"
        return None

    def act(self, text: str) -> Optional[str]:
        """«vet ikke» / «hopp over» → ``vet_ikke``, «bare vis meg forslag» → ``vis_forslag``: only
        when the phrase is most of a short message («rektor vet ikke om det» answers the question)."""
        words = len(re.findall(r"\w+", text or ""))
        matches = match_text(self._acts, text or "")
        if not matches or words > 9:
            return None
        covered = sum(m.end - m.start for m in matches)
        letters = len(re.sub(r"\W", "", text)) or 1
        best = max(matches, key=lambda m: m.end - m.start)
        return best.value if covered >= 0.5 * letters or words <= 4 else None

    def sectors_and_roles(self, text: str) -> Set[str]:
        """The sector and role ids that ``text`` names (catalog text: "lærere og barnehageeier"); like
        every match, one right after a negation ("ikke SFO") is left out."""
        return {m.value for m in match_text(self._who, text or "")}


def parse_number(text: str) -> Optional[int]:
    text = (text or "").lower()
    m = NUMBER_RE.search(text)
    if m:
        return int(m.group(1))
    for word in re.findall(r"[a-zæøå]+", text):
        if word in ORDINALS and word not in ("en", "ein", "ett", "eitt", "to", "tre", "fire"):
            return ORDINALS[word]
    for word in re.findall(r"[a-zæøå]+", text):
        if word in ("to", "tre", "fire", "fem"):
            return ORDINALS[word]
    return None


def measure_matcher(measures: Sequence[Measure]) -> VocabularyMatcher:
    """Names users type for measures: aliases, abbreviations, full and short names."""
    entries = []
    for m in measures:
        names = list(m.aliases) + [m.name.get("nb", ""), m.name.get("nn", "")]
        if m.abbreviation:
            names.append(m.abbreviation)
        if m.short_name:
            names += [m.short_name.get("nb", ""), m.short_name.get("nn", "")]
        entries += [("measure", m.id, n) for n in names if n and len(n) >= 2]
    return VocabularyMatcher(entries)


def concept_matcher(concepts: Sequence[Concept]) -> VocabularyMatcher:
    entries = []
    for c in concepts:
        entries += [("concept", c.id, a) for a in c.aliases]
        entries += [("concept", c.id, c.title.get("nb", "")), ("concept", c.id, c.title.get("nn", ""))]
    return VocabularyMatcher(entries)


def find_measures(text: str, matcher: VocabularyMatcher) -> List[str]:
    """Ids of measures named in ``text``, in order of mention (``matcher`` from measure_matcher)."""
    seen: List[str] = []
    for match in match_text(matcher, text):
        if match.value not in seen:
            seen.append(match.value)
    return seen


def find_concept(text: str, matcher: VocabularyMatcher) -> Optional[str]:
    """The concept asked about (``matcher`` from concept_matcher)."""
    matches = match_text(matcher, text)
    if not matches:
        return None
    votes = Counter(m.value for m in matches)
    # The concept whose aliases cover most of the text wins ("forskjell på etter- og videreutdanning").
    return max(votes, key=lambda v: (sum(m.end - m.start for m in matches if m.value == v), votes[v]))
