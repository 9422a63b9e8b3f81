"""Read and validate data/catalog/*.yml.

Every problem is reported with file, entry id and field, all at once, so an
editor can fix a file in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bot.catalog.records import (
    ALL,
    DURATIONS,
    FORMS,
    KINDS,
    LANGS,
    SECTORS,
    Catalog,
    Concept,
    Measure,
    Term,
)

ENTRY_FILES = ("schemes.yml", "measures.yml", "packages.yml")
VOCABULARY_FILE = "vocabulary.yml"
# The parts of an answer an uncertain note can concern (bot.answers.field_reply).
ANSWER_PARTS = ("status", "who", "apply", "funding", "deadlines")
CONCEPTS_FILE = "concepts.yml"
VOCABULARY_GROUPS = ("sectors", "roles", "themes", "audience", "anchoring", "duration")
# Optional: what a user may type to any question («vet ikke», «vis forslag nå»).
OPTIONAL_GROUPS = ("acts",)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: entry '{self.entry}', field '{self.field}': {self.message}"


class CatalogError(Exception):
    """The catalog content is invalid; ``problems`` lists every finding."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the catalog:\n{lines}")


class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: List[Problem] = []

    def add(self, entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, entry, field, message))

    def text(self, raw: dict, entry: str, field: str, required: bool = True) -> Optional[Dict[str, str]]:
        value = raw.get(field)
        if value is None:
            if required:
                self.add(entry, field, "missing (needs nb and nn text)")
            return None
        if not isinstance(value, dict):
            self.add(entry, field, "must be a mapping with 'nb' and 'nn'")
            return None
        extra = [k for k in value if k not in LANGS]
        if extra:
            # `{nb: språk, lesing og skriving, nn: …}` is cut at the comma: quote such texts.
            self.add(entry, field, f"unexpected key '{extra[0]}' (quote a text that contains a comma)")
        out = {}
        for lang in LANGS:
            s = value.get(lang)
            if not isinstance(s, str) or not s.strip():
                self.add(entry, field, f"missing '{lang}' text")
            else:
                out[lang] = s.strip()
        return out or None

    def date(self, raw: dict, entry: str, field: str, required: bool = False) -> Optional[date]:
        value = raw.get(field)
        if value is None:
            if required:
                self.add(entry, field, "missing date (YYYY-MM-DD)")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.add(entry, field, f"'{value}' is not a date (YYYY-MM-DD)")
            return None

    def ids(self, raw: dict, entry: str, field: str, allowed: Tuple[str, ...] | List[str],
            required: bool = True, allow_all: bool = False) -> Tuple[str, ...]:
        value = raw.get(field)
        if value is None:
            if required:
                self.add(entry, field, "missing")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or (required and not value):
            self.add(entry, field, "must be a non-empty list")
            return ()
        out = []
        for v in value:
            if allow_all and v == ALL:
                out.append(ALL)
            elif v not in allowed:
                self.add(entry, field, f"unknown value '{v}' (allowed: {', '.join(allowed)})")
            else:
                out.append(str(v))
        if allow_all and ALL in out and len(out) > 1:
            self.add(entry, field, f"'{ALL}' must stand alone")
        return tuple(out)

    def sources(self, raw: dict, entry: str) -> Tuple[str, ...]:
        value = raw.get("sources")
        if not isinstance(value, list) or not value:
            self.add(entry, "sources", "missing: every entry needs at least one source URL")
            return ()
        for url in value:
            if not isinstance(url, str) or not URL_RE.match(url):
                self.add(entry, "sources", f"'{url}' is not an http(s) URL")
        return tuple(str(u) for u in value)


def _read_yaml(path: Path, checker: _Checker) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError:
        checker.add("-", "-", "file not found")
    except yaml.YAMLError as exc:
        checker.add("-", "-", f"not valid YAML: {exc}")
    return None


def _load_vocabulary(path: Path, problems: List[Problem]) -> Dict[str, List[Term]]:
    ck = _Checker(path.name)
    data = _read_yaml(path, ck) or {}
    terms: Dict[str, List[Term]] = {}
    for group in VOCABULARY_GROUPS + OPTIONAL_GROUPS:
        items = data.get(group)
        if group in OPTIONAL_GROUPS and items is None:
            continue
        if not isinstance(items, list) or not items:
            ck.add(group, group, "missing vocabulary group")
            continue
        seen = set()
        for raw in items:
            tid = str(raw.get("id", ""))
            if not ID_RE.match(tid):
                ck.add(tid or "?", "id", "missing or not a slug")
                continue
            if tid in seen:
                ck.add(tid, "id", f"duplicate id in {group}")
            seen.add(tid)
            label = ck.text(raw, tid, "label")
            syns = raw.get("synonyms") or []
            if not isinstance(syns, list) or not syns:
                ck.add(tid, "synonyms", "needs at least one synonym")
                syns = []
            for s in syns:  # (answers may be bare numbers: «3» to "how many is it for?")
                if str(s).strip().isdigit():
                    # `[…, 1,5 år, …]` in a YAML list is the two items "1" and "5 år": quote it.
                    ck.add(tid, "synonyms", f"'{s}' is only a number (a comma inside an unquoted item?)")
            examples = raw.get("examples") or []
            if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
                ck.add(tid, "examples", "must be a list of example sentences")
                examples = []
            terms.setdefault(group, []).append(
                Term(group, tid, label or {}, tuple(str(s).lower() for s in syns),
                     tuple(str(s).lower() for s in raw.get("answer_synonyms") or []),
                     ck.text(raw, tid, "short", required=False), tuple(examples))
            )
    if "sectors" in terms and tuple(t.id for t in terms["sectors"]) != SECTORS:
        ck.add("sectors", "id", f"sector ids must be exactly {', '.join(SECTORS)}")
    problems += ck.problems
    return terms


def _load_measure(raw: dict, ck: _Checker, terms: Dict[str, List[Term]]) -> Optional[Measure]:
    mid = str(raw.get("id", "")) if isinstance(raw, dict) else ""
    if not isinstance(raw, dict) or not ID_RE.match(mid):
        ck.add(mid or "?", "id", "missing or not a slug [a-z0-9-]")
        return None
    kind = raw.get("kind")
    if kind not in KINDS:
        ck.add(mid, "kind", f"unknown kind '{kind}' (allowed: {', '.join(KINDS)})")
    form = raw.get("form")
    if form not in FORMS:
        ck.add(mid, "form", f"unknown form '{form}' (allowed: {', '.join(FORMS)})")
    role_ids = [t.id for t in terms.get("roles", [])]
    theme_ids = [t.id for t in terms.get("themes", [])]
    credits = raw.get("credits")
    if credits is not None and not isinstance(credits, int):
        ck.add(mid, "credits", "must be a whole number")
    uncertain, uncertain_about = [], []
    for i, u in enumerate(raw.get("uncertain") or []):
        t = ck.text({"u": {k: v for k, v in u.items() if k != "about"} if isinstance(u, dict) else u}, mid, "u")
        if t:
            uncertain.append(t)
        else:
            ck.add(mid, f"uncertain[{i}]", "needs nb and nn text")
        about = u.get("about", []) if isinstance(u, dict) else []
        if not isinstance(about, list) or not set(about) <= set(ANSWER_PARTS):
            ck.add(mid, f"uncertain[{i}].about", f"must be a list of: {', '.join(ANSWER_PARTS)}")
            about = []
        if t:
            uncertain_about.append(tuple(about))
    last_checked = ck.date(raw, mid, "last_checked", required=True)
    measure = Measure(
        id=mid,
        kind=str(kind),
        name=ck.text(raw, mid, "name") or {},
        short_name=ck.text(raw, mid, "short_name", required=False),
        abbreviation=raw.get("abbreviation"),
        aliases=tuple(str(a).lower() for a in raw.get("aliases") or []),
        description=ck.text(raw, mid, "description") or {},
        sectors=ck.ids(raw, mid, "sectors", SECTORS),
        roles=ck.ids(raw, mid, "roles", role_ids, allow_all=True),
        themes=ck.ids(raw, mid, "themes", theme_ids, allow_all=True),
        form=str(form),
        duration=ck.ids(raw, mid, "duration", DURATIONS),
        credits=credits if isinstance(credits, int) else None,
        funding=ck.text(raw, mid, "funding") or {},
        funded_by=tuple(raw.get("funded_by") or ()),
        apply=ck.text(raw, mid, "apply") or {},
        deadlines=ck.text(raw, mid, "deadlines", required=False),
        requires=ck.text(raw, mid, "requires", required=False),
        valid_from=ck.date(raw, mid, "valid_from"),
        valid_to=ck.date(raw, mid, "valid_to"),
        replaced_by=tuple(raw.get("replaced_by") or ()),
        uncertain=tuple(uncertain),
        uncertain_about=tuple(uncertain_about),
        recommend=bool(raw.get("recommend", True)),
        in_doubt=bool(raw.get("in_doubt", False)),
        sources=ck.sources(raw, mid),
        last_checked=last_checked or date.min,
        source_file=ck.file,
    )
    if measure.valid_from and measure.valid_to and measure.valid_to < measure.valid_from:
        ck.add(mid, "valid_to", "is before valid_from")
    return measure


def _load_concepts(path: Path, problems: List[Problem]) -> Dict[str, Concept]:
    ck = _Checker(path.name)
    data = _read_yaml(path, ck) or {}
    out: Dict[str, Concept] = {}
    for raw in data.get("concepts") or []:
        cid = str(raw.get("id", ""))
        if not ID_RE.match(cid):
            ck.add(cid or "?", "id", "missing or not a slug")
            continue
        if cid in out:
            ck.add(cid, "id", "duplicate id")
        out[cid] = Concept(
            id=cid,
            title=ck.text(raw, cid, "title") or {},
            text=ck.text(raw, cid, "text") or {},
            sources=ck.sources(raw, cid),
            last_checked=ck.date(raw, cid, "last_checked", required=True) or date.min,
            aliases=tuple(str(a).lower() for a in raw.get("aliases") or []),
            scheme=str(raw["scheme"]) if raw.get("scheme") else None,
        )
    problems += ck.problems
    return out


def load_catalog(directory: Path) -> Catalog:
    """Read and validate the whole catalog; raises CatalogError listing every problem."""
    directory = Path(directory)
    problems: List[Problem] = []
    terms = _load_vocabulary(directory / VOCABULARY_FILE, problems)
    measures: Dict[str, Measure] = {}
    for name in ENTRY_FILES:
        ck = _Checker(name)
        data = _read_yaml(directory / name, ck)
        entries = data.get("entries") if isinstance(data, dict) else None
        if data is not None and not isinstance(entries, list):
            ck.add("-", "entries", "the file must contain 'entries:' with a list")
        for raw in entries or []:
            m = _load_measure(raw, ck, terms)
            if m is None:
                continue
            if m.id in measures:
                ck.add(m.id, "id", f"duplicate id (also in {measures[m.id].source_file})")
            measures[m.id] = m
        problems += ck.problems
    for m in measures.values():
        for field_name in ("funded_by", "replaced_by"):
            for ref in getattr(m, field_name):
                if ref not in measures:
                    problems.append(Problem(m.source_file, m.id, field_name,
                                            f"refers to unknown entry '{ref}'"))
    concepts = _load_concepts(directory / CONCEPTS_FILE, problems)
    for c in concepts.values():
        if c.scheme and c.scheme not in measures:
            problems.append(Problem(CONCEPTS_FILE, c.id, "scheme", f"refers to unknown entry '{c.scheme}'"))
    if problems:
        raise CatalogError(problems)
    return Catalog(measures=measures, concepts=concepts, terms=terms)
