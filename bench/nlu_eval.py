"""Held-out NLU evaluation against a running Rasa server (POST /model/parse)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Set, Tuple

import yaml

SLOT_ENTITIES = ("sector", "role", "theme", "audience", "anchoring", "duration")
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\{(?P<json>[^}]+)\}|\((?P<name>[^)]+)\))")


@dataclass
class Example:
    text: str
    intent: str
    entities: List[Tuple[int, int, str, str]]  # start, end, entity, value


def parse_examples(path: Path) -> List[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: List[Example] = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if not line.startswith("- "):
                continue
            raw, text, entities, pos = line[2:], "", [], 0
            for m in ANNOTATION.finditer(raw):
                text += raw[pos:m.start()]
                start = len(text)
                text += m.group("text")
                if m.group("json"):
                    meta = json.loads("{" + m.group("json") + "}")
                    name, value = meta["entity"], str(meta.get("value", m.group("text")))
                else:
                    name, value = m.group("name"), m.group("text")
                entities.append((start, len(text), name, value))
                pos = m.end()
            text += raw[pos:]
            out.append(Example(text, block["intent"], entities))
    return out


@dataclass
class Scores:
    n: int = 0
    correct: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: List[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def entity_f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(examples: List[Example], parse: Callable[[str], Dict]) -> Scores:
    """Intent accuracy and entity F1 (type, value and exact span) for the six slot entities."""
    s = Scores()
    for ex in examples:
        result = parse(ex.text)
        s.n += 1
        predicted = (result.get("intent") or {}).get("name")
        if predicted == ex.intent:
            s.correct += 1
        else:
            s.errors.append(f"intent {ex.intent} -> {predicted}: {ex.text}")
        gold: Set[Tuple] = {e for e in ex.entities if e[2] in SLOT_ENTITIES}
        got: Set[Tuple] = {(e["start"], e["end"], e["entity"], str(e.get("value")))
                           for e in result.get("entities", []) if e.get("entity") in SLOT_ENTITIES}
        s.tp += len(gold & got)
        s.fp += len(got - gold)
        s.fn += len(gold - got)
        for e in sorted(gold ^ got):
            s.errors.append(f"entity {'missed' if e in gold else 'extra'} {e}: {ex.text}")
    return s


def normalize_text(text: str) -> str:
    return " ".join(re.findall(r"[a-zæøå0-9]+", text.lower()))


def near_duplicate(a: str, b: str) -> bool:
    """Same words, or nearly (Jaccard >= 0.7), or one contains most of the other."""
    a, b = normalize_text(a), normalize_text(b)
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    sa, sb = set(ta), set(tb)
    if len(sa) >= 2 and len(sb) >= 2 and len(sa & sb) / len(sa | sb) >= 0.7:
        return True
    return _inside(ta, tb) or _inside(tb, ta)  # both ways: the check is symmetric


def _inside(short: List[str], long_: List[str]) -> bool:
    """Most of ``long_`` is ``short``, found inside it ("helse og oppvekst" in "helse og oppvekstfag")."""
    return 2 <= len(short) <= len(long_) and len(short) >= 0.6 * len(long_) and " ".join(short) in " ".join(long_)
