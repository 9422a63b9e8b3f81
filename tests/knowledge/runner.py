"""Run the knowledge question set (questions.yml) against a running Rasa server.

Importable (tests/e2e/test_knowledge.py, bench/knowledge.py); only stdlib + requests + pyyaml.

    items = load_items()                      # validated; QuestionSetError names item id and field
    results = run_items(items, rasa_url)      # one fresh conversation per item, over the REST channel
    report = summarize(results)               # pass rate by topic and by language, failures
    print(format_report(report))

The answer checked is that of the LAST turn: the `text` of every returned message plus the
button titles, joined with newlines. Regexes are case-insensitive; the shorthands in MACROS
(e.g. {{uncertain}}, {{nn}}) are expanded first.
"""

from __future__ import annotations

import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import yaml

QUESTIONS = Path(__file__).with_name("questions.yml")
TOPICS = ("scheme", "followup", "measure", "concept", "funding", "language", "fallback")
LANGS = ("nb", "nn")
CHECKS = ("all", "any", "none")
ITEM_KEYS = {"id", "topic", "lang", "turns", "expect", "note"}

# A word is a language marker only when it is not part of a URL or a hyphenated compound.
_W = r"(?<![\w/-]){}(?![\w/-])"
NN_WORDS = ("ikkje|kven|korleis|kva|eg|dykk|frå|òg|berre|heile|meir|skule|skular|eigar|eigarar|tilsette|"
            "statsforvaltaren|vidareutdanning|tilskot|tilskotet|ordninga|ordningane|gjeld|søkjer|kjelde|"
            "dei|ein|eit|ikkje")
NB_WORDS = ("ikke|hvem|hvordan|hva|hvilke|hvilken|hvilket|jeg|fra|noe|mye|bare|hele|mer|eier|eiere|"
            "statsforvalteren|videreutdanning|tilskudd|tilskuddet|ordningen|ordningene|gjelder|kilde")
NN_ONLY = "ikkje|kven|korleis|kva|eg|dykk|frå|berre|heile|skule|eigar|statsforvaltaren|vidareutdanning|tilskot"
NB_ONLY = "ikke|hvem|hvordan|hva|hvilke|hvilken|hvilket|jeg|noe"
MACROS: Dict[str, str] = {
    "nn": _W.format(f"(?:{NN_WORDS})"),
    "nb": _W.format(f"(?:{NB_WORDS})"),
    "not_nb": _W.format(f"(?:{NB_ONLY})"),
    "not_nn": _W.format(f"(?:{NN_ONLY})"),
    "uncertain": (r"(?:usikker|ikke (?:bekreftet|avklart|kontrollert|fastsatt|kjent|stadfestet)"
                  r"|ikkje (?:stadfest|bekrefta|avklar|kontrollert|fastsett|kjent)|uklart|uvisst)"),
    "source": r"(?:kilde|kjelde):\s*https?://",
    "checked": r"sist (?:kontrollert|sjekka|sjekket)",
}
_MACRO = re.compile(r"\{\{(\w+)\}\}")


class QuestionSetError(ValueError):
    """The YAML is not a valid question set; the message names the item and the field."""


@dataclass
class Item:
    id: str
    topic: str
    lang: str
    turns: List[str]
    all: List[str] = field(default_factory=list)
    any: List[str] = field(default_factory=list)
    none: List[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Result:
    id: str
    topic: str
    lang: str
    turns: List[str]
    passed: bool
    failed: List[str]  # e.g. "all[2] 'statsforvalter'", "any (none matched)", "none[0] '…' matched '…'"
    answer: str
    error: Optional[str] = None


def expand(pattern: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) not in MACROS:
            raise KeyError(m.group(1))
        return MACROS[m.group(1)]

    return _MACRO.sub(sub, pattern)


def compile_pattern(pattern: str) -> re.Pattern:
    return re.compile(expand(pattern), re.IGNORECASE)


def _fail(item_id: str, fld: str, msg: str) -> QuestionSetError:
    return QuestionSetError(f"questions.yml item '{item_id}', field '{fld}': {msg}")


def _str_list(raw: Any, item_id: str, fld: str, required: bool) -> List[str]:
    if raw is None:
        if required:
            raise _fail(item_id, fld, "is required")
        return []
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(item_id, fld, "must be a list of non-empty strings")
    if required and not raw:
        raise _fail(item_id, fld, "must not be empty")
    return list(raw)


def validate(data: Any) -> List[Item]:
    if not isinstance(data, list) or not data:
        raise QuestionSetError("questions.yml must be a non-empty list of items")
    items: List[Item] = []
    seen: set = set()
    for n, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise QuestionSetError(f"questions.yml item #{n + 1} is not a mapping")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", item_id or ""):
            raise _fail(str(item_id) if item_id else f"#{n + 1}", "id", "must be a lowercase slug (a-z, 0-9, -)")
        if item_id in seen:
            raise _fail(item_id, "id", "is not unique")
        seen.add(item_id)
        unknown = set(raw) - ITEM_KEYS
        if unknown:
            raise _fail(item_id, sorted(unknown)[0], f"unknown field (allowed: {', '.join(sorted(ITEM_KEYS))})")
        if raw.get("topic") not in TOPICS:
            raise _fail(item_id, "topic", f"must be one of {', '.join(TOPICS)}, got {raw.get('topic')!r}")
        if raw.get("lang") not in LANGS:
            raise _fail(item_id, "lang", f"must be nb or nn, got {raw.get('lang')!r}")
        turns = _str_list(raw.get("turns"), item_id, "turns", required=True)
        expect = raw.get("expect")
        if not isinstance(expect, dict):
            raise _fail(item_id, "expect", "must be a mapping with all/any/none")
        bad = set(expect) - set(CHECKS)
        if bad:
            raise _fail(item_id, f"expect.{sorted(bad)[0]}", "unknown check (allowed: all, any, none)")
        checks = {c: _str_list(expect.get(c), item_id, f"expect.{c}", required=False) for c in CHECKS}
        if not checks["all"] and not checks["any"]:
            raise _fail(item_id, "expect", "needs at least one 'all' or 'any' regex")
        for c in CHECKS:
            for i, p in enumerate(checks[c]):
                try:
                    compile_pattern(p)
                except KeyError as exc:
                    raise _fail(item_id, f"expect.{c}[{i}]", f"unknown shorthand {{{{{exc.args[0]}}}}}") from None
                except re.error as exc:
                    raise _fail(item_id, f"expect.{c}[{i}]", f"invalid regex {p!r}: {exc}") from None
        note = raw.get("note", "")
        if not isinstance(note, str):
            raise _fail(item_id, "note", "must be a string")
        items.append(Item(id=item_id, topic=raw["topic"], lang=raw["lang"], turns=turns, note=note, **checks))
    return items


def load_items(path: Path = QUESTIONS) -> List[Item]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuestionSetError(f"{path}: not valid YAML: {exc}") from None
    return validate(data)


def check(item: Item, answer: str) -> List[str]:
    """The failed checks (empty when the answer passes)."""
    failed: List[str] = []
    for i, p in enumerate(item.all):
        if not compile_pattern(p).search(answer):
            failed.append(f"all[{i}] {p!r} not found")
    if item.any and not any(compile_pattern(p).search(answer) for p in item.any):
        failed.append(f"any {item.any!r}: none found")
    for i, p in enumerate(item.none):
        m = compile_pattern(p).search(answer)
        if m:
            failed.append(f"none[{i}] {p!r} matched {m.group(0)!r}")
    return failed


def answer_text(messages: Sequence[Dict[str, Any]]) -> str:
    parts: List[str] = []
    for m in messages:
        if m.get("text"):
            parts.append(m["text"])
        for b in m.get("buttons") or []:
            if b.get("title"):
                parts.append(b["title"])
    return "\n".join(parts)


Post = Callable[[str, str], List[Dict[str, Any]]]


def rest_poster(rasa_url: str, timeout: float = 60) -> Post:
    import requests

    url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"

    def post(sender: str, message: str) -> List[Dict[str, Any]]:
        r = requests.post(url, json={"sender": sender, "message": message}, timeout=timeout)
        r.raise_for_status()
        return r.json()

    return post


def run_item(item: Item, post: Post) -> Result:
    sender = f"knowledge-{item.id}-{uuid.uuid4().hex[:8]}"
    answer = ""
    try:
        for turn in item.turns:
            answer = answer_text(post(sender, turn))
    except Exception as exc:  # network or server error: a failed item, not a crashed run
        return Result(item.id, item.topic, item.lang, item.turns, False, [f"error: {exc}"], answer, str(exc))
    failed = check(item, answer)
    return Result(item.id, item.topic, item.lang, item.turns, not failed, failed, answer)


def run_items(items: Sequence[Item], rasa_url: Optional[str] = None, post: Optional[Post] = None,
              workers: int = 2) -> List[Result]:
    """Each item as a fresh conversation (unique sender); results in item order."""
    if post is None:
        if not rasa_url:
            raise ValueError("give rasa_url or post")
        post = rest_poster(rasa_url)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda it: run_item(it, post), items))


def _rate(rs: Sequence[Result]) -> Dict[str, Any]:
    passed = sum(r.passed for r in rs)
    return {"passed": passed, "total": len(rs), "rate": round(passed / len(rs), 4) if rs else 0.0}


def summarize(results: Sequence[Result]) -> Dict[str, Any]:
    return {
        "overall": _rate(results),
        "by_topic": {t: _rate([r for r in results if r.topic == t]) for t in TOPICS
                     if any(r.topic == t for r in results)},
        "by_lang": {lang: _rate([r for r in results if r.lang == lang]) for lang in LANGS
                    if any(r.lang == lang for r in results)},
        "failures": [{"id": r.id, "topic": r.topic, "lang": r.lang, "turns": r.turns, "failed": r.failed,
                      "answer": r.answer[:300]} for r in results if not r.passed],
        "results": [asdict(r) for r in results],
    }


def format_report(report: Dict[str, Any]) -> str:
    lines = ["Knowledge question set", f"{'group':<12} {'passed':>7} {'total':>6} {'rate':>7}"]

    def row(name: str, s: Dict[str, Any]) -> str:
        return f"{name:<12} {s['passed']:>7} {s['total']:>6} {s['rate'] * 100:>6.1f}%"

    for t, s in report["by_topic"].items():
        lines.append(row(t, s))
    lines.append("-" * 35)
    for lang, s in report["by_lang"].items():
        lines.append(row(lang, s))
    lines.append("-" * 35)
    lines.append(row("overall", report["overall"]))
    if report["failures"]:
        lines.append(f"\nFailures ({len(report['failures'])}):")
        for f in report["failures"]:
            lines.append(f"- {f['id']} [{f['topic']}/{f['lang']}] turns={f['turns']}")
            for c in f["failed"]:
                lines.append(f"    failed: {c}")
            lines.append("    answer: " + f["answer"].replace("\n", " ⏎ "))
    return "\n".join(lines)


def write_report(report: Dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
