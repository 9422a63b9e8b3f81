"""Catalog-vocabulary matching for Norwegian user text.

Pure Python (stdlib only) so that both the Rasa engine (a pipeline component,
Python 3.10) and the application (Python 3.12) use the same matcher.

A phrase matches a run of tokens when every token equals the phrase's word
exactly, by lemma, by a small edit distance (typos), or -- for the last word --
as the first part of a compound ("språkarbeidet" starts with "språk"); a single-word phrase of
eight letters or more also matches as the last part ("naturbarnehage" is a barnehage).
Overlaps are resolved by preferring the longest, then the most exact match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

TOKEN_RE = re.compile(r"[0-9a-zæøåéèêóòôüäö]+(?:[-.][0-9a-zæøåéèêóòôüäö]+)*-?", re.IGNORECASE)

# Match quality, higher is better; a typo costs a quarter point per edit.
EXACT, LEMMA, FUZZY, COMPOUND = 4.0, 3.0, 2.0, 1.0
IGNORE = "_ignore"  # phrases that look like vocabulary but are not (names of measures)
NEGATIONS = frozenset({"ikke", "ikkje", "ikkj", "ikk"})
# Small words allowed between a negation and what it negates: "ikke på skolen".
NEGATION_GAP = frozenset({"i", "på", "for", "om", "til", "den", "det", "de", "dei", "med", "hos", "en", "ei", "et", "ein", "eit"})
MIN_COMPOUND_PREFIX = 5
MIN_COMPOUND_HEAD, MIN_COMPOUND_MODIFIER = 8, 3


def normalize(text: str) -> str:
    """NFC, lower case, typographic dashes and quotes folded."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\u2013", "-").replace("\u2011", "-").replace("\u00ad", "")
    return text.lower()


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    lemma: Optional[str] = None


@dataclass(frozen=True)
class Match:
    entity: str
    value: str
    start: int
    end: int
    text: str
    quality: float
    words: int


def tokenize(text: str) -> List[Token]:
    """Word tokens with character offsets into ``text``."""
    return [Token(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            best = min(best, cur[j])
        if best > limit:
            return False
        prev2, prev = prev, cur
    return prev[len(b)] <= limit


def _typo_limit(word: str, text: str = "") -> int:
    if any(ch.isdigit() for ch in word + text):
        return 0  # «yrkesfaglærer» is not a typo of «yrkesfaglærer2», nor «1 år» of «2 år»
    n = min(len(word), len(text)) if text else len(word)
    if n >= 10:
        return 2
    if n >= 6:
        return 1
    return 0


def _edit_distance(a: str, b: str, limit: int) -> int:
    """The distance if it is <= limit, else limit + 1."""
    for d in range(limit + 1):
        if _edit_distance_at_most(a, b, d):
            return d
    return limit + 1


def _word_quality(token: Token, word: str, last: bool) -> float:
    text = token.text.rstrip("-.")
    if text == word or token.text == word:
        return EXACT
    if token.lemma and token.lemma.lower() == word:
        return LEMMA
    limit = _typo_limit(word, text)
    if limit:
        d = _edit_distance(text, word, limit)
        if d <= limit:
            return FUZZY - 0.25 * d
    if (
        last
        and len(word) >= MIN_COMPOUND_PREFIX
        and text.startswith(word)
        and len(text) > len(word) + 1
    ):
        return COMPOUND
    return 0


@dataclass
class Phrase:
    words: Tuple[str, ...]
    entity: str
    value: str


class VocabularyMatcher:
    """Finds vocabulary phrases in text; built once from (entity, value, phrase) triples."""

    def __init__(self, entries: Iterable[Tuple[str, str, str]]):
        self._by_first: Dict[str, List[Phrase]] = {}
        self._by_len: Dict[int, List[str]] = {}
        seen = set()
        for entity, value, phrase in entries:
            words = tuple(t.text.rstrip("-.") or t.text for t in tokenize(normalize(phrase)))
            if not words or (entity, value, words) in seen:
                continue
            seen.add((entity, value, words))
            if words[0] not in self._by_first:
                self._by_len.setdefault(len(words[0]), []).append(words[0])
            self._by_first.setdefault(words[0], []).append(Phrase(words, entity, value))
        self._cache: Dict[Tuple[str, Optional[str]], List[Tuple[str, float]]] = {}

    def _first_words(self, token: Token) -> List[Tuple[str, float]]:
        """Vocabulary words that ``token`` can stand for, with match quality."""
        key = (token.text, token.lemma)
        if key in self._cache:
            return self._cache[key]
        text = token.text.rstrip("-.") or token.text
        out: Dict[str, float] = {}
        if text in self._by_first:
            out[text] = EXACT
        lemma = (token.lemma or "").lower()
        if lemma and lemma in self._by_first:
            out.setdefault(lemma, LEMMA)
        for n in range(len(text) - 2, len(text) + 3):
            for word in self._by_len.get(n, ()):
                if word not in out:
                    q = _word_quality(token, word, last=False)
                    if COMPOUND < q < LEMMA:
                        out[word] = q
        for cut in range(MIN_COMPOUND_PREFIX, len(text) - 1):
            head = text[:cut]
            if head in self._by_first and head not in out:
                out[head] = COMPOUND
        # The head of a compound is its last part: a «naturbarnehage» is a barnehage. Only long
        # heads after a real first part (a «fagskole» is not a skole: «skole» is too short).
        for cut in range(MIN_COMPOUND_MODIFIER, len(text) - MIN_COMPOUND_HEAD + 1):
            tail = text[cut:]
            if tail in self._by_first and tail not in out:
                out[tail] = COMPOUND
        result = sorted(out.items(), key=lambda kv: -kv[1])
        if len(self._cache) < 20000:
            self._cache[key] = result
        return result

    def find(self, tokens: Sequence[Token], text: str) -> List[Match]:
        """All non-overlapping matches, ordered by position."""
        found: List[Match] = []
        for i, token in enumerate(tokens):
            for first, first_quality in self._first_words(token):
                for phrase in self._by_first[first]:
                    n = len(phrase.words)
                    if i + n > len(tokens):
                        continue
                    if first_quality == COMPOUND and n > 1:
                        continue
                    qualities = [first_quality] + [
                        _word_quality(tokens[i + k], w, last=(k == n - 1))
                        for k, w in enumerate(phrase.words[1:], start=1)
                    ]
                    if min(qualities) == 0:
                        continue
                    start, end = tokens[i].start, tokens[i + n - 1].end
                    while end > start and text[end - 1] in "-.":
                        end -= 1
                    found.append(
                        Match(phrase.entity, phrase.value, start, end, text[start:end],
                              min(qualities), n)
                    )
        return [m for m in _resolve_overlaps(found)
                if m.entity != IGNORE and not _negated(m, tokens)]


def _negated(match: Match, tokens: Sequence[Token]) -> bool:
    """True for "ikke skolen" / "ikkje på skulen": the user rules the value out."""
    before = [t for t in tokens if t.end <= match.start]
    for token in reversed(before[-3:]):
        word = token.text.rstrip("-.,")
        if word in NEGATIONS:
            return True
        if word not in NEGATION_GAP:
            return False
    return False


def _resolve_overlaps(matches: List[Match]) -> List[Match]:
    ranked = sorted(matches, key=lambda m: (-(m.end - m.start), -m.quality, m.start))
    chosen: List[Match] = []
    for m in ranked:
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def sector_of_hyphenated_role(matches: List[Match], matcher: "VocabularyMatcher", text: str) -> List[Match]:
    """«SFO-leiar», «PPT-rådgiver»: a role written with a sector in front also names the sector,
    unless the message names a sector elsewhere. The prefix is matched on its own (it must be a
    whole sector name, no typo tolerance beyond the matcher's own)."""
    if any(m.entity == "sector" for m in matches):
        return matches
    extra = []
    for m in matches:
        raw = text[m.start:m.end]
        if m.entity != "role" or "-" not in raw:
            continue
        prefix = raw.split("-", 1)[0]
        found = [x for x in match_text(matcher, prefix) if x.entity == "sector" and x.end - x.start == len(prefix)]
        if found:
            f = found[0]
            extra.append(Match(f.entity, f.value, m.start, m.start + len(prefix), prefix, f.quality, 1))
    return sorted(matches + extra, key=lambda x: (x.start, x.end)) if extra else matches


def ppt_or_its_partner(matches: List[Match]) -> List[Match]:
    """PP-tjenesten works with barnehager and skoler, so PPT and another sector often appear in one
    message. The first one named is where the user works («vi er ppt og vil bli bedre på veiledning
    av skolene» → PPT; «jeg jobber i barnehage og vil samarbeide bedre med PPT» → barnehage); the
    later one is dropped. Without this Rasa keeps the last sector entity. Other pairs of sectors
    keep that rule («skolen, men dette gjelder SFO» → SFO)."""
    sectors = [m for m in matches if m.entity == "sector"]
    if len({m.value for m in sectors}) < 2 or all(m.value != "ppt" for m in sectors):
        return matches
    first = min(sectors, key=lambda m: m.start).value
    return [m for m in matches if m.entity != "sector" or m.value == first]


# «jeg er assistent», «eg jobbar som fagarbeidar», «er ansatt som lærer»: the role is the user's own.
SELF_ROLE = re.compile(
    r"\b(?:(?:jeg|eg) (?:er|jobber som|jobbar som|arbeider som|arbeidar som)|"
    r"(?:jobber|jobbar|arbeider|arbeidar|er ansatt|er tilsett) som)(?: en| ein| ei)?\s*$", re.IGNORECASE)


def self_named_role(matches: List[Match], text: str) -> List[Match]:
    """When the user names their own role («jeg er assistent i bhg … har ikke spurt styrer»), the
    other roles in the message are people they talk about, not a role of theirs: they are dropped
    (Rasa would keep the last one). ``text`` is the text the offsets point into."""
    own = [m for m in matches if m.entity == "role" and SELF_ROLE.search(text[max(0, m.start - 30):m.start])]
    if len(own) != 1:
        return matches
    return [m for m in matches if m.entity != "role" or m is own[0]]


def match_text(matcher: VocabularyMatcher, text: str) -> List[Match]:
    """Tokenize ``text`` (no lemmas) and match it."""
    norm = normalize(text)
    return matcher.find(tokenize(norm), norm)


def vocabulary_entries(
    vocabulary: dict, groups: Dict[str, str], include_answers: bool = False
) -> List[Tuple[str, str, str]]:
    """(entity, value, phrase) triples from a parsed vocabulary.yml.

    ``groups`` maps a vocabulary group ("sectors") to an entity name ("sector").
    """
    out: List[Tuple[str, str, str]] = []
    for group, entity in groups.items():
        for item in vocabulary.get(group) or []:
            phrases = list(item.get("synonyms") or [])
            label = item.get("label") or {}
            phrases += [label.get("nb", ""), label.get("nn", "")]
            if include_answers:
                phrases += list(item.get("answer_synonyms") or [])
            out += [(entity, item["id"], str(p)) for p in phrases if str(p).strip()]
    out += [(IGNORE, IGNORE, str(p)) for p in vocabulary.get("not_entities") or []]
    return out


SLOT_GROUPS = {
    "sectors": "sector",
    "roles": "role",
    "themes": "theme",
    "audience": "audience",
    "anchoring": "anchoring",
    "duration": "duration",
}
