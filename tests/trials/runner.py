"""Score the user-trial sets in tests/trials/ end to end against a running Rasa server.

Importable (tests/e2e/test_trials.py, bench/trials.py); stdlib + requests + pyyaml + the catalog loader.

    items = load_advisor(TRIALS_DIR / "advisor_dev.yml")      # validated; TrialSetError names file, id, field
    results = run_advisor(items, rasa_url)                   # one fresh conversation per item, over REST
    summary = summarize_advisor(results, name="advisor_dev")
    print(format_report(summary, blind=False))
    write_report(summary, blind=False)                       # test-output/trials_advisor_dev.json

    items = load_knowledge([TRIALS_DIR / "knowledge_dev_a.yml", TRIALS_DIR / "knowledge_dev_b.yml"])
    summary = summarize_knowledge(run_knowledge(items, rasa_url), name="knowledge_dev")

The sets (SETS): advisor_dev, advisor_blind, advisor_fresh_blind (guided conversations: does the user get a fitting
suggestion?) and knowledge_dev (knowledge_dev_a + _b), knowledge_blind (questions: is the last answer
right?). A missing file is skipped with a message.

Blind sets (file name ending in `_blind`): nobody reads their per-item results. For them the
summary, the printed report, the JSON file and every message carry aggregate figures only (counts,
rates by language/kind, medians) – no item ids, turns, answers or failure lists; their senders do
not carry item ids either. Validation errors name file, item id and field, but no content.

What the user sees as a suggestion: a numbered line `N. <title> …` in a reply's text whose
normalised text (lowercase, spaces collapsed, markdown `**` removed) starts with the normalised nb or
nn `name`/`short_name` of a catalog entry (longest name wins; the name must end at a word boundary),
or a card of a custom `{"type": "measure_cards", "cards": [{"id": …}]}` message. Reference codes
(A1, B21, C13, …) map to catalog ids through the `# --- B1 ---` comment lines before each entry in
data/catalog/{schemes,measures,packages}.yml, and headings `### B20. … – see A17.` in
../shared/domain/reference.md for codes without an entry of their own.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.settings import ROOT
from tests.knowledge.runner import MACROS, answer_text, check, expand

TRIALS_DIR = Path(__file__).resolve().parent
CATALOG_DIR = ROOT / "data" / "catalog"
CODE_FILES = ("schemes.yml", "measures.yml", "packages.yml")
REFERENCE = ROOT.parent / "shared" / "domain" / "reference.md"
OUTPUT_DIR = ROOT / "test-output"
LANGS = ("nb", "nn")
CHECKS = ("first", "all", "any", "none")
WORKERS = 4
TIMEOUT = 60.0  # seconds per request
FIRST_CHARS = 120
MIN_BLIND_GROUP = 3  # a blind set's rate by kind pools kinds with fewer items

# set name -> (type, files in tests/trials)
SETS: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "advisor_dev": ("advisor", ("advisor_dev.yml",)),
    "advisor_blind": ("advisor", ("advisor_blind.yml",)),
    "advisor_fresh_blind": ("advisor", ("advisor_fresh_blind.yml",)),
    "advisor_dev_b": ("advisor", ("advisor_dev_b.yml",)),
    "knowledge_dev": ("knowledge", ("knowledge_dev_a.yml", "knowledge_dev_b.yml")),
    "knowledge_blind": ("knowledge", ("knowledge_blind.yml",)),
}

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def is_blind(name_or_path: Any) -> bool:
    """A set (or file) is blind when its name ends in `_blind`."""
    return Path(str(name_or_path)).stem.endswith("_blind")


def set_label(name: str) -> str:
    return "(blind: errors never read)" if is_blind(name) else "(development set: drove fixes)"


def set_files(name: str) -> Tuple[List[Path], List[Path]]:
    """(present, missing) files of a set."""
    paths = [TRIALS_DIR / f for f in SETS[name][1]]
    return [p for p in paths if p.exists()], [p for p in paths if not p.exists()]


class TrialSetError(ValueError):
    """A set file is not valid; the message names the file, the item id and the field."""


# --------------------------------------------------------------------------- catalog: codes and names

_CODE_COMMENT = re.compile(r"^\s*#\s*---+\s*(.*?)\s*-*\s*$")
_CODE = re.compile(r"\b([A-Z]\d{1,3})\b")
_ID_LINE = re.compile(r"""^\s*-\s+id:\s*["']?([A-Za-z0-9_-]+)""")
_HEADING = re.compile(r"###\s*([A-Z]\d{1,3})\.\s*([^#\n]*)")
_SEE = re.compile(r"[–—-]\s*see\s+([A-Z]\d{1,3})\b", re.IGNORECASE)


@lru_cache(maxsize=None)
def catalog_codes(directory: Path = CATALOG_DIR) -> Dict[str, Tuple[str, ...]]:
    """Reference code -> catalog ids, from the `# --- B1 ---` comment right before each `- id:`."""
    codes: Dict[str, List[str]] = {}
    for name in CODE_FILES:
        pending: List[str] = []
        for line in (Path(directory) / name).read_text(encoding="utf-8").splitlines():
            m = _CODE_COMMENT.match(line)
            if m:
                pending = _CODE.findall(re.sub(r"\([^)]*\)", " ", m.group(1)))
                continue
            m = _ID_LINE.match(line)
            if m:
                for code in pending:
                    ids = codes.setdefault(code, [])
                    if m.group(1) not in ids:
                        ids.append(m.group(1))
                pending = []
    return {k: tuple(v) for k, v in codes.items()}


@lru_cache(maxsize=None)
def reference_aliases(path: Path = REFERENCE) -> Dict[str, str]:
    """Code -> code from headings like `### B20. Oppfølgingsordningen – see A17.` (several per line too)."""
    path = Path(path)
    if not path.exists():
        _stderr(f"trials: {path} not found; codes like B20 (– see A17) are not resolved")
        return {}
    aliases: Dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("###"):
            continue
        for h in _HEADING.finditer(line):
            see = _SEE.search(h.group(2))
            if see and see.group(1) != h.group(1):
                aliases[h.group(1)] = see.group(1)
    return aliases


def resolve_code(code: str) -> Tuple[str, ...]:
    """Catalog ids of a reference code (its own entries, else those of the code it refers to); () if unknown."""
    codes = catalog_codes()
    aliases = reference_aliases()
    seen = set()
    while code not in codes and code in aliases and code not in seen:
        seen.add(code)
        code = aliases[code]
    return codes.get(code, ())


_WARNED: set = set()


def _resolve_fitting(codes: Sequence[str], blind: bool, unknown: List[str]) -> List[str]:
    ids: List[str] = []
    for code in codes:
        found = resolve_code(code.strip())
        if not found:
            unknown.append(code)
            if not blind and code not in _WARNED:
                _WARNED.add(code)
                _stderr(f"trials: unknown reference code {code!r} ignored")
        for i in found:
            if i not in ids:
                ids.append(i)
    return ids


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "").lower()).strip()


@lru_cache(maxsize=None)
def name_index(directory: Path = CATALOG_DIR) -> Tuple[Tuple[str, str], ...]:
    """(normalised nb/nn name or short name, catalog id), longest name first."""
    from bot.catalog.loader import load_catalog

    names = set()
    for m in load_catalog(Path(directory)).measures.values():
        for text in (m.name, m.short_name or {}):
            for value in text.values():
                if value and value.strip():
                    names.add((norm(value), m.id))
    return tuple(sorted(names, key=lambda x: (-len(x[0]), x[0])))


_NUMBERED = re.compile(r"^(\d{1,2})\.\s+(.*)$")


def line_entry(line: str) -> Optional[str]:
    """The catalog id a numbered line `N. <title> …` names, else None."""
    m = _NUMBERED.match(norm(line))
    if not m:
        return None
    body = m.group(2)
    for name, mid in name_index():
        if body.startswith(name) and (len(body) == len(name) or not body[len(name)].isalnum()):
            return mid
    return None


def _cards(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    custom = message.get("custom")
    if not isinstance(custom, dict):
        return []
    for payload in (custom, custom.get("data")):
        if isinstance(payload, dict) and payload.get("type") == "measure_cards":
            return [c for c in payload.get("cards") or [] if isinstance(c, dict)]
    return []


def shown_suggestions(messages: Sequence[Dict[str, Any]]) -> List[str]:
    """Catalog ids shown as suggestions in one reply (numbered lines and measure cards), in order."""
    known = {mid for _, mid in name_index()}
    ids: List[str] = []
    for msg in messages:
        for line in (msg.get("text") or "").splitlines():
            mid = line_entry(line)
            if mid and mid not in ids:
                ids.append(mid)
        for card in _cards(msg):
            mid = card.get("id")
            if isinstance(mid, str) and mid in known and mid not in ids:
                ids.append(mid)
    return ids


def reply_texts(messages: Sequence[Dict[str, Any]]) -> List[str]:
    return [m["text"] for m in messages if isinstance(m.get("text"), str) and m["text"]]


def reply_buttons(messages: Sequence[Dict[str, Any]]) -> List[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or [] if b.get("title")]


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def questions(text: str) -> List[str]:
    """The sentences of a text that end in '?', normalised."""
    out: List[str] = []
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line.strip()):
            s = sentence.strip().rstrip("*»”\"' ")
            if s.endswith("?"):
                out.append(norm(s))
    return out


# --------------------------------------------------------------------------- loading and validation

def _fail(path: Path, item_id: str, fld: str, msg: str) -> TrialSetError:
    return TrialSetError(f"{Path(path).name}: item '{item_id}', field '{fld}': {msg}")


def _read(path: Path) -> Optional[List[Any]]:
    path = Path(path)
    if not path.exists():
        _stderr(f"trials: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
                "not found; skipped")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TrialSetError(f"{path.name}: not valid YAML{where}") from None
    if isinstance(data, dict):  # tolerate `items: [...]`
        data = data.get("items")
    if not isinstance(data, list) or not data:
        raise TrialSetError(f"{path.name}: must be a non-empty list of items")
    return data


def _text(raw: Dict[str, Any], path: Path, item_id: str, fld: str) -> str:
    value = raw.get(fld)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(path, item_id, fld, "must be a string")
    return value


def _str_list(raw: Any, path: Path, item_id: str, fld: str, required: bool) -> List[str]:
    if raw is None:
        if required:
            raise _fail(path, item_id, fld, "is required")
        return []
    if isinstance(raw, str) and fld == "fitting":
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _fail(path, item_id, fld, "must be a list of non-empty strings")
    if required and not raw:
        raise _fail(path, item_id, fld, "must not be empty")
    return [x.strip() for x in raw] if fld == "fitting" else list(raw)


def _common(raw: Any, n: int, path: Path, seen: set) -> Tuple[str, str, List[str]]:
    if not isinstance(raw, dict):
        raise TrialSetError(f"{Path(path).name}: item #{n + 1} is not a mapping")
    item_id = raw.get("id")
    if isinstance(item_id, int):
        item_id = str(item_id)
    if not isinstance(item_id, str) or not item_id.strip():
        raise _fail(path, f"#{n + 1}", "id", "is required (a non-empty string)")
    if item_id in seen:
        raise _fail(path, item_id, "id", "is not unique in the set")
    seen.add(item_id)
    if raw.get("lang") not in LANGS:
        raise _fail(path, item_id, "lang", "must be nb or nn")
    turns = _str_list(raw.get("turns"), path, item_id, "turns", required=True)
    return item_id, raw["lang"], turns


@dataclass
class AdvisorItem:
    id: str
    lang: str
    turns: List[str]
    fitting: List[str]  # reference codes as written
    fitting_ids: List[str]  # catalog ids (unknown codes dropped)
    persona: str = ""
    goal: str = ""
    note: str = ""
    unknown_codes: List[str] = field(default_factory=list)
    blind: bool = False


@dataclass
class KnowledgeItem:
    id: str
    kind: str
    lang: str
    turns: List[str]
    first: Optional[str] = None
    all: List[str] = field(default_factory=list)
    any: List[str] = field(default_factory=list)
    none: List[str] = field(default_factory=list)
    fitting: List[str] = field(default_factory=list)
    fitting_ids: List[str] = field(default_factory=list)
    persona: str = ""
    note: str = ""
    unknown_codes: List[str] = field(default_factory=list)
    blind: bool = False


def _report_unknown(items: Sequence[Any], path: Path, blind: bool, log: Log) -> None:
    n = sum(len(i.unknown_codes) for i in items)
    if blind and n:
        log(f"trials: {Path(path).name}: {n} unknown reference code(s) ignored")


def load_advisor(path: Path, log: Log = _stderr) -> List[AdvisorItem]:
    """The guided conversations of one file ([] with a message when the file is missing)."""
    path = Path(path)
    data = _read(path)
    if data is None:
        return []
    blind = is_blind(path)
    items: List[AdvisorItem] = []
    seen: set = set()
    for n, raw in enumerate(data):
        item_id, lang, turns = _common(raw, n, path, seen)
        fitting = _str_list(raw.get("fitting"), path, item_id, "fitting", required=True)
        unknown: List[str] = []
        ids = _resolve_fitting(fitting, blind, unknown)
        items.append(AdvisorItem(
            id=item_id, lang=lang, turns=turns, fitting=fitting, fitting_ids=ids,
            persona=_text(raw, path, item_id, "persona"), goal=_text(raw, path, item_id, "goal"),
            note=_text(raw, path, item_id, "note"), unknown_codes=unknown, blind=blind))
    _report_unknown(items, path, blind, log)
    return items


def _pattern(p: Any, path: Path, item_id: str, fld: str, blind: bool) -> str:
    if not isinstance(p, str) or not p.strip():
        raise _fail(path, item_id, fld, "must be a non-empty string (a regex)")
    try:
        re.compile(expand(p), re.IGNORECASE)
    except KeyError as exc:
        raise _fail(path, item_id, fld, f"unknown shorthand {{{{{exc.args[0]}}}}} "
                                        f"(known: {', '.join(sorted(MACROS))})") from None
    except re.error as exc:
        raise _fail(path, item_id, fld, "invalid regex" + ("" if blind else f" {p!r}") + f": {exc}") from None
    return p


def load_knowledge(paths: Iterable[Path], log: Log = _stderr) -> List[KnowledgeItem]:
    """The questions of one or more files, ids unique over all of them; missing files are skipped."""
    items: List[KnowledgeItem] = []
    seen: set = set()
    for path in [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]:
        data = _read(path)
        if data is None:
            continue
        blind = is_blind(path)
        file_items: List[KnowledgeItem] = []
        for n, raw in enumerate(data):
            item_id, lang, turns = _common(raw, n, path, seen)
            kind = raw.get("kind")
            kind = str(kind).strip() if kind is not None and str(kind).strip() else "(none)"
            expect = raw.get("expect")
            if expect is None:
                expect = {}
            if not isinstance(expect, dict):
                raise _fail(path, item_id, "expect", "must be a mapping with first/all/any/none")
            bad = sorted(set(expect) - set(CHECKS))
            if bad:
                raise _fail(path, item_id, f"expect.{bad[0]}", "unknown check (allowed: first, all, any, none)")
            first = expect.get("first")
            if first is not None:
                first = _pattern(first, path, item_id, "expect.first", blind)
            lists: Dict[str, List[str]] = {}
            for c in ("all", "any", "none"):
                raw_list = expect.get(c)
                if isinstance(raw_list, str):
                    raw_list = [raw_list]
                lists[c] = _str_list(raw_list, path, item_id, f"expect.{c}", required=False)
                for i, p in enumerate(lists[c]):
                    _pattern(p, path, item_id, f"expect.{c}[{i}]", blind)
            fitting = _str_list(raw.get("fitting"), path, item_id, "fitting", required=False)
            if first is None and not lists["all"] and not lists["any"] and not lists["none"] and not fitting:
                raise _fail(path, item_id, "expect", "no check given (expect.first/all/any/none or fitting)")
            unknown: List[str] = []
            ids = _resolve_fitting(fitting, blind, unknown)
            file_items.append(KnowledgeItem(
                id=item_id, kind=kind, lang=lang, turns=turns, first=first, fitting=fitting, fitting_ids=ids,
                persona=_text(raw, path, item_id, "persona"), note=_text(raw, path, item_id, "note"),
                unknown_codes=unknown, blind=blind, **lists))
        _report_unknown(file_items, path, blind, log)
        items += file_items
    return items


def load_set(name: str, log: Log = _stderr) -> Optional[Tuple[str, list]]:
    """(type, items) of a named set, or None (with a message) when none of its files exists."""
    kind, _ = SETS[name]
    present, missing = set_files(name)
    if not present:
        log(f"{name}: skipped, no file yet ({', '.join(p.name for p in missing)})")
        return None
    for p in missing:
        log(f"{name}: {p.name} not found; running the set without it")
    items = load_advisor(present[0], log) if kind == "advisor" else load_knowledge(present, log)
    return kind, items


# --------------------------------------------------------------------------- running

Post = Callable[[str, str], List[Dict[str, Any]]]


def rest_poster(rasa_url: str, timeout: float = TIMEOUT) -> Post:
    import requests

    url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    local = threading.local()

    def post(sender: str, message: str) -> List[Dict[str, Any]]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        r = session.post(url, json={"sender": sender, "message": message}, timeout=timeout)
        r.raise_for_status()
        data = r.json()
        if not isinstance(data, list):
            raise ValueError(f"unexpected REST response of type {type(data).__name__}")
        return data

    return post


def _sender(item: Any, prefix: str) -> str:
    if item.blind:  # nothing that links a stored conversation to an item
        return f"trial-{uuid.uuid4().hex}"
    return f"trial-{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '_', item.id)[:40]}-{uuid.uuid4().hex[:8]}"


def _converse(item: Any, post: Post, prefix: str) -> Tuple[List[List[Dict[str, Any]]], Optional[str]]:
    """Send the turns in order (whatever the replies); the replies, and an error that stopped it."""
    sender = _sender(item, prefix)
    replies: List[List[Dict[str, Any]]] = []
    try:
        for turn in item.turns:
            replies.append(post(sender, turn))
    except Exception as exc:  # network or server error: a failed item, not a crashed run
        return replies, f"{type(exc).__name__}: {exc}"
    return replies, None


def _pool_map(fn: Callable[[Any], Any], items: Sequence[Any], workers: int) -> List[Any]:
    name_index()  # load the catalog once, before the threads
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(fn, items))


@dataclass
class TurnRecord:
    user: str
    texts: List[str]
    buttons: List[str]
    suggested: List[str]
    question: Optional[str]  # the last '?'-sentence of the reply, normalised
    asks: bool  # the reply contains a '?'-sentence


@dataclass
class AdvisorResult:
    id: str
    lang: str
    persona: str
    goal: str
    fitting: List[str]
    fitting_ids: List[str]
    passed: bool
    got_suggestions: bool
    first_suggestion_turn: Optional[int]
    questions_before_first: int
    max_repeats: int
    repeated_question: Optional[str]
    shown: List[str]
    hits: List[str]
    failed: List[str]
    turns: List[TurnRecord]
    error: Optional[str] = None
    blind: bool = False


def score_advisor(item: AdvisorItem, replies: Sequence[Sequence[Dict[str, Any]]],
                  error: Optional[str] = None) -> AdvisorResult:
    records: List[TurnRecord] = []
    for user, reply in zip(item.turns[: len(replies)], replies, strict=True):
        texts = reply_texts(reply)
        qs = questions("\n".join(texts))
        records.append(TurnRecord(user, texts, reply_buttons(reply), shown_suggestions(reply),
                                  qs[-1] if qs else None, bool(qs)))
    first = next((n for n, r in enumerate(records, 1) if r.suggested), None)
    before = records[: first - 1] if first else records
    asked = Counter(r.question for r in records if r.question)
    repeated, max_repeats = asked.most_common(1)[0] if asked else (None, 0)
    shown: List[str] = []
    for r in records:
        shown += [i for i in r.suggested if i not in shown]
    hits = [i for i in shown if i in item.fitting_ids]
    failed: List[str] = []
    if error:
        failed.append(f"error at turn {len(replies) + 1}: {error}")
    if not item.fitting_ids:
        failed.append(f"no known fitting code in {item.fitting}")
    elif not shown:
        failed.append("no suggestions shown")
    elif not hits:
        failed.append(f"shown {shown}, none fitting {item.fitting} = {item.fitting_ids}")
    return AdvisorResult(
        id=item.id, lang=item.lang, persona=item.persona, goal=item.goal, fitting=item.fitting,
        fitting_ids=item.fitting_ids, passed=bool(hits) and error is None, got_suggestions=first is not None,
        first_suggestion_turn=first, questions_before_first=sum(r.asks for r in before),
        max_repeats=max_repeats, repeated_question=repeated, shown=shown, hits=hits, failed=failed,
        turns=records, error=error, blind=item.blind)


def run_advisor(items: Sequence[AdvisorItem], rasa_url: Optional[str] = None, post: Optional[Post] = None,
                workers: int = WORKERS, timeout: float = TIMEOUT) -> List[AdvisorResult]:
    """Each item as a fresh conversation; results in item order."""
    post = post or rest_poster(_need(rasa_url), timeout)
    return _pool_map(lambda it: score_advisor(it, *_converse(it, post, "advisor")), items, workers)


@dataclass
class KnowledgeResult:
    id: str
    kind: str
    lang: str
    persona: str
    turns: List[str]
    passed: bool
    failed: List[str]  # what failed, with patterns (dev only)
    failed_checks: List[str]  # which checks failed: first, all, any, none, fitting, error
    first_text: str  # the first FIRST_CHARS characters checked by expect.first
    answer: str  # last reply: texts + button titles
    suggested: List[str]
    reply_chars: Optional[int]  # texts of the last reply; single-turn items only
    error: Optional[str] = None
    blind: bool = False


def first_text(messages: Sequence[Dict[str, Any]]) -> str:
    texts = reply_texts(messages)
    return re.sub(r"^[\s*]+", "", texts[0])[:FIRST_CHARS] if texts else ""


def score_knowledge(item: KnowledgeItem, replies: Sequence[Sequence[Dict[str, Any]]],
                    error: Optional[str] = None) -> KnowledgeResult:
    last: Sequence[Dict[str, Any]] = replies[-1] if replies and not error else []
    answer = answer_text(last)
    head = first_text(last)
    suggested = shown_suggestions(last)
    failed: List[str] = []
    checks: List[str] = []
    if error:
        failed.append(f"error at turn {len(replies) + 1}: {error}")
        checks.append("error")
    else:
        if item.first is not None and not re.search(expand(item.first), head, re.IGNORECASE):
            failed.append(f"first {item.first!r} not found at the start: {head!r}")
            checks.append("first")
        for msg in check(item, answer):  # all / any / none, as in tests/knowledge/runner.py
            failed.append(msg)
            name = msg.split("[", 1)[0].split(" ", 1)[0]
            if name not in checks:
                checks.append(name)
        if item.fitting and not set(suggested) & set(item.fitting_ids):
            failed.append(f"fitting {item.fitting} = {item.fitting_ids}: shown {suggested or 'none'}")
            checks.append("fitting")
    chars = len("\n".join(reply_texts(last))) if len(item.turns) == 1 and not error else None
    return KnowledgeResult(
        id=item.id, kind=item.kind, lang=item.lang, persona=item.persona, turns=item.turns,
        passed=not failed, failed=failed, failed_checks=checks, first_text=head, answer=answer,
        suggested=suggested, reply_chars=chars, error=error, blind=item.blind)


def run_knowledge(items: Sequence[KnowledgeItem], rasa_url: Optional[str] = None, post: Optional[Post] = None,
                  workers: int = WORKERS, timeout: float = TIMEOUT) -> List[KnowledgeResult]:
    """Each item as a fresh conversation; the LAST turn's reply is checked; results in item order."""
    post = post or rest_poster(_need(rasa_url), timeout)
    return _pool_map(lambda it: score_knowledge(it, *_converse(it, post, "knowledge")), items, workers)


def _need(rasa_url: Optional[str]) -> str:
    if not rasa_url:
        raise ValueError("give rasa_url or post")
    return rasa_url


def run_set(name: str, items: Sequence[Any], rasa_url: str, workers: int = WORKERS,
            timeout: float = TIMEOUT) -> Dict[str, Any]:
    """Run a loaded set and summarise it (per-item results only for development sets)."""
    if SETS[name][0] == "advisor":
        return summarize_advisor(run_advisor(items, rasa_url, workers=workers, timeout=timeout), name)
    return summarize_knowledge(run_knowledge(items, rasa_url, workers=workers, timeout=timeout), name)


# --------------------------------------------------------------------------- summaries and reports

# The only keys of a blind summary (and of its printed report and JSON file).
AGGREGATE_KEYS = ("set", "type", "blind", "items", "errors", "overall", "by_lang", "by_kind", "failed_checks",
                  "got_suggestions", "median_questions_before_first", "median_first_suggestion_turn",
                  "max_repeats", "repeated_3plus", "reply_chars", "unknown_codes", "no_known_fitting")


def _rate(rs: Sequence[Any]) -> Dict[str, Any]:
    passed = sum(r.passed for r in rs)
    return {"passed": passed, "total": len(rs), "rate": round(passed / len(rs), 4) if rs else 0.0}


def _median(values: Sequence[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def _by(results: Sequence[Any], attr: str, order: Sequence[str] = ()) -> Dict[str, Any]:
    keys = [k for k in order if any(getattr(r, attr) == k for r in results)]
    keys += sorted({getattr(r, attr) for r in results} - set(keys))
    return {k: _rate([r for r in results if getattr(r, attr) == k]) for k in keys}


def _kinds(results: Sequence[Any], blind: bool) -> Dict[str, Any]:
    """Rates by kind; in a blind set kinds with fewer than MIN_BLIND_GROUP items are pooled, so that
    no row stands for one or two items."""
    if not blind:
        return _by(results, "kind")
    sizes = Counter(r.kind for r in results)
    small = {k for k, n in sizes.items() if n < MIN_BLIND_GROUP}
    out = {k: _rate([r for r in results if r.kind == k]) for k in sorted(sizes) if k not in small}
    if small:
        out[f"(other kinds: {len(small)})"] = _rate([r for r in results if r.kind in small])
    return out


def _blind_of(results: Sequence[Any], name: Optional[str]) -> bool:
    """Blind when the set's name says so or any result comes from a blind file."""
    return is_blind(name or "") or any(r.blind for r in results)


def summarize_advisor(results: Sequence[AdvisorResult], name: str = "advisor", blind: Optional[bool] = None
                      ) -> Dict[str, Any]:
    blind = _blind_of(results, name) if blind is None else blind
    got = [r for r in results if r.got_suggestions]
    summary: Dict[str, Any] = {
        "set": name, "type": "advisor", "blind": blind, "items": len(results),
        "errors": sum(r.error is not None for r in results),
        "overall": _rate(results), "by_lang": _by(results, "lang", LANGS),
        "got_suggestions": {"count": len(got), "total": len(results),
                            "rate": round(len(got) / len(results), 4) if results else 0.0},
        "median_questions_before_first": _median([r.questions_before_first for r in got]),
        "median_first_suggestion_turn": _median([r.first_suggestion_turn for r in got]),
        "max_repeats": max((r.max_repeats for r in results), default=0),
        "repeated_3plus": sum(r.max_repeats >= 3 for r in results),
        "no_known_fitting": sum(not r.fitting_ids for r in results),
    }
    if blind:
        return summary
    summary["failures"] = [_advisor_detail(r) for r in results if not r.passed]
    summary["repeats"] = [{"id": r.id, "lang": r.lang, "times": r.max_repeats, "question": r.repeated_question}
                          for r in results if r.max_repeats >= 3]
    summary["results"] = [asdict(r) for r in results]
    return summary


def _advisor_detail(r: AdvisorResult) -> Dict[str, Any]:
    return {"id": r.id, "lang": r.lang, "persona": r.persona, "goal": r.goal, "fitting": r.fitting,
            "fitting_ids": r.fitting_ids, "failed": r.failed, "shown": r.shown,
            "first_suggestion_turn": r.first_suggestion_turn, "max_repeats": r.max_repeats,
            "turns": [{"user": t.user, "bot": "\n".join(t.texts), "buttons": t.buttons, "suggested": t.suggested}
                      for t in r.turns]}


def summarize_knowledge(results: Sequence[KnowledgeResult], name: str = "knowledge",
                        blind: Optional[bool] = None) -> Dict[str, Any]:
    blind = _blind_of(results, name) if blind is None else blind
    chars = [r.reply_chars for r in results if r.reply_chars is not None]
    failed_checks = Counter(c for r in results for c in r.failed_checks)
    summary: Dict[str, Any] = {
        "set": name, "type": "knowledge", "blind": blind, "items": len(results),
        "errors": sum(r.error is not None for r in results),
        "overall": _rate(results), "by_lang": _by(results, "lang", LANGS), "by_kind": _kinds(results, blind),
        "failed_checks": {c: failed_checks[c] for c in (*CHECKS, "fitting", "error") if failed_checks[c]},
        "reply_chars": {"items": len(chars), "median": _median(chars), "max": max(chars, default=None)},
    }
    if blind:
        return summary
    summary["failures"] = [
        {"id": r.id, "kind": r.kind, "lang": r.lang, "persona": r.persona, "turns": r.turns, "failed": r.failed,
         "first_text": r.first_text, "suggested": r.suggested, "answer": r.answer}
        for r in results if not r.passed]
    summary["results"] = [asdict(r) for r in results]
    return summary


def aggregate_only(summary: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in summary.items() if k in AGGREGATE_KEYS}


def _pct(s: Dict[str, Any]) -> str:
    return f"{s['passed']:>7} {s['total']:>6} {s['rate'] * 100:>6.1f}%"


def _one_line(text: str, limit: int) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_report(summary: Dict[str, Any], blind: Optional[bool] = None, name: Optional[str] = None,
                  answer_chars: int = 400) -> str:
    """The report block of one set; a blind set (or blind=True) prints aggregate figures only."""
    blind = bool(summary.get("blind")) if blind is None else (blind or bool(summary.get("blind")))
    if blind:
        summary = aggregate_only(summary)
    name = name or summary.get("set", "")
    label = "(blind: errors never read)" if blind else "(development set: drove fixes)"
    lines = [f"== {name} {label}", f"{summary['items']} items, {summary['errors']} with a request error",
             f"{'group':<22} {'passed':>7} {'total':>6} {'rate':>7}"]
    groups = [("lang " + k, v) for k, v in summary["by_lang"].items()]
    groups += [("kind " + k, v) for k, v in summary.get("by_kind", {}).items()]
    lines += [f"{g:<22} {_pct(s)}" for g, s in groups]
    lines += ["-" * 45, f"{'overall':<22} {_pct(summary['overall'])}"]
    if summary["type"] == "advisor":
        g = summary["got_suggestions"]
        q, t = summary["median_questions_before_first"], summary["median_first_suggestion_turn"]
        lines += [f"got any suggestions: {g['count']}/{g['total']} ({g['rate'] * 100:.1f}%)",
                  "median questions before the first suggestions: "
                  + (f"{q:g} (median turn {t:g})" if q is not None else "n/a (none got suggestions)"),
                  f"most times one question was asked: {summary['max_repeats']}; "
                  f"conversations with a question asked 3+ times: {summary['repeated_3plus']}"]
        if summary["no_known_fitting"]:
            lines.append(f"items with no known fitting code (cannot pass): {summary['no_known_fitting']}")
    else:
        fc = summary["failed_checks"]
        lines.append("failed checks: " + (", ".join(f"{k} {v}" for k, v in fc.items()) if fc else "none"))
        rc = summary["reply_chars"]
        if rc["items"]:
            lines.append(f"reply length (single-turn items, {rc['items']}): median {rc['median']:g} chars, "
                         f"longest {rc['max']}")
    if blind:
        return "\n".join(lines)
    if summary["type"] == "advisor":
        for rep in summary.get("repeats", []):
            lines.append(f"repeated {rep['times']}x in {rep['id']} [{rep['lang']}]: {rep['question']!r}")
    failures = summary.get("failures", [])
    if failures:
        lines.append(f"\nFailures ({len(failures)}):")
    for f in failures:
        if summary["type"] == "advisor":
            lines.append(f"- {f['id']} [{f['lang']}] {f['persona']}: {f['goal']}".rstrip(": "))
            lines.append(f"    fitting: {' '.join(f['fitting'])} = {', '.join(f['fitting_ids']) or '-'}")
            for c in f["failed"]:
                lines.append(f"    failed: {c}")
            for n, t in enumerate(f["turns"], 1):
                lines.append(f"    {n}> {t['user']}")
                sug = f"  [shown: {', '.join(t['suggested'])}]" if t["suggested"] else ""
                buttons = f"  [buttons: {' | '.join(t['buttons'])}]" if t["buttons"] else ""
                lines.append(f"    {n}< {_one_line(t['bot'], answer_chars)}{buttons}{sug}")
        else:
            lines.append(f"- {f['id']} [{f['kind']}/{f['lang']}] turns={f['turns']}")
            for c in f["failed"]:
                lines.append(f"    failed: {c}")
            if f["suggested"]:
                lines.append(f"    shown: {', '.join(f['suggested'])}")
            lines.append(f"    answer: {_one_line(f['answer'], answer_chars)}")
    return "\n".join(lines)


def write_report(summary: Dict[str, Any], blind: Optional[bool] = None, name: Optional[str] = None,
                 directory: Path = OUTPUT_DIR) -> Path:
    """test-output/trials_<set>.json; a blind set stores aggregate figures only."""
    blind = bool(summary.get("blind")) if blind is None else (blind or bool(summary.get("blind")))
    data = aggregate_only(summary) if blind else summary
    path = Path(directory) / f"trials_{name or summary['set']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path
