"""Which catalog entry a question is about when it names none: keywords and meaning together.

«Korleis kan instruktørane få hospitere?» names no entry (the catalog says «hospitering»), and
«den nye kollektive kompetanseordningen» is no alias. The entries are searched with BM25 over word
stems (names and aliases count double, then the description, who applies and the money) and with
sentence embeddings (the question against each entry's name and opening, multilingual-e5-small,
the process's one model); the two scores are scaled to the best and added. The best entry is
*clear* when it leads by a margin and the words back it; else the top few are candidates to offer.
Pure apart from the embeddings (``similar`` is passed in; None: keywords only).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from bot.catalog.records import Measure, local

STEM = 6  # a word's stem: its first letters («hospitere», «hospitering» → «hospit»)
K1, B = 1.4, 0.75
WEIGHT_WORDS, WEIGHT_MEANING = 0.5, 0.5
CLEAR_SCORE, CLEAR_MARGIN = 0.7, 0.2  # combined score of the best, and its lead over the next
CANDIDATE_SCORE = 0.45  # an entry worth offering as «Mente du …?»
MIN_WORDS = 0.2  # an entry shares words with the question: at least this share of the best's score
AGREE = 0.6  # the clear best is near the top both by words and by meaning
MIN_RAW = 3.0  # the best entry's keyword score (BM25) below which the words name no entry
MAX_CANDIDATES = 3

# Words that say nothing about which entry (bokmål and nynorsk function words and question words;
# domain words such as «ordning» stay: their weight is small because many entries have them).
STOPWORDS = frozenset("""
og i på til for med av som er det den de dei dette denne disse desse en ein et eit ei å at om har
hva kva hvem kven hvor kor hvordan korleis når kan kunne skal vil må får fikk blir vert var være vere
vi me jeg eg du dere de oss vår vårt våre vår min mitt mine meg deg seg han hun ho dem dei
ikke ikkje også òg bare berre så men eller nå no da då her der fra frå etter før over under ved
noe noko noen nokon nokre alle mye mykje mer meir litt enda ennå fortsatt framleis egentlig eigentleg
hei takk lurer lurar spørsmål the
""".split()) | frozenset(
    # what a question asks (the part), not which entry it is about
    """søke søkje søker søkjer søknad søknaden frist fristen frister fristar penger pengar pengene
    pengane koster kostar betaler betalar betale trenger treng trengs hjelp fungerer gjelder gjeld
    mulig mogleg finnes finst fins""".split())

_WORD = re.compile(r"[a-zæøåéü0-9]+")


def stems(text: str, pairs: bool = False) -> List[str]:
    """The stems of the words that say something; with ``pairs`` also each two neighbours («barneh
    grunns» for «barnehage og grunnskule»), so that a name's words together count more."""
    words = [w[:STEM] for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS and len(w) > 1]
    if pairs:
        words += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return words


# «den nye ordninga» is about one that began in 2026, «den gamle» about one that has ended.
NEW = re.compile(r"\b(ny|nye|nya|nytt|2026|fra i år|frå i år|i år|fra nyttår|frå nyttår)\b", re.IGNORECASE)
OLD = re.compile(r"\b(gammel|gamle|gamla|tidligere|tidlegare|før 2026|2025|2024|2023|var|fantes|fanst)\b", re.IGNORECASE)
PERIOD_WEIGHT = 0.15


def document(m: Measure) -> List[str]:
    """An entry's searchable words: names and aliases twice, then what it is, who applies, money."""
    names = [local(m.name, lang) for lang in ("nb", "nn")] + [local(m.short_name, lang) for lang in ("nb", "nn")]
    names += list(m.aliases) + ([m.abbreviation] if m.abbreviation else [])
    body = [local(getattr(m, f), lang) for f in ("description", "summary", "apply", "funding") for lang in ("nb", "nn")]
    words = [w for name in names for w in stems(name, pairs=True)]
    return words + words + stems(" ".join(body))


def passage(m: Measure, lang: str) -> str:
    """What the question is compared with by meaning: the name and the opening of the entry."""
    text = local(m.summary, lang) or local(m.description, lang)
    return f"{m.title(lang)}: {text[:300]}"


class Bm25:
    def __init__(self, docs: Sequence[Sequence[str]]):
        self.docs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(1, len(docs))
        df: Counter = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def scores(self, query: Sequence[str]) -> List[float]:
        out = []
        for d, length in zip(self.docs, self.lengths, strict=True):
            s = 0.0
            for w in set(query):
                tf = d.get(w, 0)
                if tf:
                    s += self.idf[w] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg))
            out.append(s)
        return out


@dataclass(frozen=True)
class Scored:
    id: str
    words: float  # share of the best entry's keyword score
    meaning: float  # 0 at the median entry, 1 at the nearest
    period: float  # + for «ny» and an entry from 2026, − for «ny» and one that has ended

    @property
    def score(self) -> float:
        return WEIGHT_WORDS * self.words + WEIGHT_MEANING * self.meaning + self.period


@dataclass(frozen=True)
class Found:
    """The entries a question may be about, best first, and whether the first is clearly it."""

    ids: Tuple[str, ...]
    clear: bool

    @property
    def best(self) -> Optional[str]:
        return self.ids[0] if self.ids else None


class CatalogSearch:
    def __init__(self, measures: Sequence[Measure]):
        self.measures = list(measures)
        self.bm25 = Bm25([document(m) for m in self.measures])

    def warm(self, similar: Callable[[str, Sequence[str]], List[float]]) -> None:
        """Embed every entry's passage once, before the first question (about 2 s for 60 entries)."""
        similar("oppvarming", [passage(m, lang) for m in self.measures for lang in ("nb", "nn")])

    def ranked(self, text: str, lang: str, today,
               similar: Optional[Callable[[str, Sequence[str]], List[float]]] = None) -> List[Scored]:
        """Every entry scored, best first: its keyword score as a share of the best entry's, its
        meaning between the median entry (0) and the nearest (1), and the period asked about."""
        if not self.measures:
            return []
        words = self.bm25.scores(stems(text, pairs=True))
        top_words = max(words)
        meaning = [0.0] * len(words)
        if similar is not None:
            sims = similar(text, [passage(m, lang) for m in self.measures])
            ordered = sorted(sims)
            median, span = ordered[len(ordered) // 2], ordered[-1] - ordered[len(ordered) // 2]
            if span > 0:
                meaning = [max(0.0, (s - median) / span) for s in sims]
        new, old = bool(NEW.search(text or "")), bool(OLD.search(text or ""))
        out = []
        for m, w, s in zip(self.measures, words, meaning, strict=True):
            period = 0.0
            if new != old:
                recent = m.valid_from is not None and m.valid_from.year >= 2026
                ended = m.has_ended(today)
                sign = 1 if new else -1
                period = sign * PERIOD_WEIGHT * (1 if recent else -1 if ended else 0)
            out.append(Scored(m.id, w / top_words if top_words > 0 else 0.0, s, period))
        return sorted(out, key=lambda x: -x.score)

    def find(self, text: str, lang: str, today,
             similar: Optional[Callable[[str, Sequence[str]], List[float]]] = None) -> Found:
        """The entries worth naming for ``text`` (some of its words must be theirs): clear when the
        best scores CLEAR_SCORE, leads by CLEAR_MARGIN and is near the top by words and by meaning."""
        if max(self.bm25.scores(stems(text, pairs=True)), default=0.0) < MIN_RAW:
            return Found((), False)
        ranked = [r for r in self.ranked(text, lang, today, similar) if r.words >= MIN_WORDS]
        if not ranked or ranked[0].score < CANDIDATE_SCORE:
            return Found((), False)
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        agreed = best.words >= AGREE and (similar is None or best.meaning >= AGREE)
        clear = agreed and best.score >= CLEAR_SCORE and best.score - runner_up >= CLEAR_MARGIN
        ids = tuple(r.id for r in ranked[:MAX_CANDIDATES] if r.score >= CANDIDATE_SCORE)
        return Found(ids[:1] if clear else ids, clear)
