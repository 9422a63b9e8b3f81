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
    STATUSES,
    SUMMARY_MAX,
    VERDICTS,
    Catalog,
    Concept,
    Fact,
    Measure,
    OutsideTopic,
    Term,
)

ENTRY_FILES = ("schemes.yml", "measures.yml", "packages.yml")
VOCABULARY_FILE = "vocabulary.yml"
# The parts of an answer an uncertain note can concern (bot.answers.field_reply).
ANSWER_PARTS = ("status", "who", "apply", "funding", "deadlines")
CONCEPTS_FILE = "concepts.yml"
OUTSIDE_FILE = "outside.yml"
VOCABULARY_GROUPS = ("sectors", "roles", "themes", "audience", "anchoring", "duration")
# Optional: what a user may type to any question («vet ikke», «vis forslag nå»).
OPTIONAL_GROUPS = ("acts",)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# A status basis starts with the section of ../shared/domain/reference.md it rests on:
# "A1 …", "B13 …", "I gap 8 …", "K Still uncertain: …", "1. Timeline …".
BASIS_RE = re.compile(r"^(?:[A-K]\d{0,2}|\d{1,2}\.)(?=[\s:;,.()/]|$)")
# The 2026 status of a concept: it explains, it does not end (a past scheme is explained as past).
CONCEPT_STATUSES = ("confirmed", "in_doubt")
# Entries valid before this day only cannot be confirmed or in doubt for 2026.
CHANGE_DAY = date(2026, 1, 1)
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

    def status(self, raw: dict, entry: str, allowed: Tuple[str, ...] = STATUSES) -> Tuple[str, str]:
        """``status: {value: confirmed|in_doubt|ended|superseded, basis: "<reference line>"}``."""
        value = raw.get("status")
        if value is None:
            self.add(entry, "status", f"missing: declare the 2026 status as {{value: {'|'.join(allowed)}, "
                                      "basis: '<the reference line it rests on>'}")
            return "", ""
        if not isinstance(value, dict):
            self.add(entry, "status", "must be a mapping with 'value' and 'basis'")
            return "", ""
        extra = [k for k in value if k not in ("value", "basis")]
        if extra:
            self.add(entry, "status", f"unexpected key '{extra[0]}' (allowed: value, basis)")
        v = value.get("value")
        if v not in allowed:
            self.add(entry, "status.value", f"unknown value '{v}' (allowed: {', '.join(allowed)})")
            v = ""
        basis = value.get("basis")
        if not isinstance(basis, str) or not basis.strip():
            self.add(entry, "status.basis", "missing: name the line of the reference the status rests on")
            basis = ""
        elif not BASIS_RE.match(basis.strip()):
            self.add(entry, "status.basis", "must start with the section of the reference it rests on "
                                            f"('A1 …', 'B13 …', 'I gap 8 …', 'K …', '1. …'), not '{basis.strip()[:30]}'")
        return str(v), basis.strip()

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
            links = _sector_links(raw, group, tid, ck)
            terms.setdefault(group, []).append(
                Term(group, tid, label or {}, tuple(str(s).lower() for s in syns),
                     tuple(str(s).lower() for s in raw.get("answer_synonyms") or []),
                     ck.text(raw, tid, "short", required=False), tuple(examples), *links)
            )
    if "sectors" in terms and tuple(t.id for t in terms["sectors"]) != SECTORS:
        ck.add("sectors", "id", f"sector ids must be exactly {', '.join(SECTORS)}")
    problems += ck.problems
    return terms


def _sector_links(raw: dict, group: str, tid: str, ck: "_Checker") -> Tuple[Tuple[str, ...], bool, Optional[str]]:
    """(sectors, implies_sector, neighbour) of a role or sector term, checked against SECTORS."""
    allowed = {"roles": ("sectors", "implies_sector"), "sectors": ("neighbour",)}.get(group, ())
    for key in ("sectors", "implies_sector", "neighbour"):
        if key in raw and key not in allowed:
            ck.add(tid, key, f"only {'roles' if key != 'neighbour' else 'sectors'} have '{key}'")
    sectors = raw.get("sectors") or [] if "sectors" in allowed else []
    if not isinstance(sectors, list) or any(s not in SECTORS for s in sectors):
        ck.add(tid, "sectors", f"must be a list of sector ids ({', '.join(SECTORS)})")
        sectors = []
    implies = raw.get("implies_sector", False) if "implies_sector" in allowed else False
    if not isinstance(implies, bool):
        ck.add(tid, "implies_sector", "must be true or false")
        implies = False
    if implies and not sectors:
        ck.add(tid, "implies_sector", "needs 'sectors' (the first is the implied sector)")
        implies = False
    neighbour = raw.get("neighbour") if "neighbour" in allowed else None
    if neighbour is not None and (neighbour not in SECTORS or neighbour == tid):
        ck.add(tid, "neighbour", f"must be another sector id ({', '.join(SECTORS)})")
        neighbour = None
    return tuple(sectors), implies, neighbour


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
    if "in_doubt" in raw:
        ck.add(mid, "in_doubt", "replaced by 'status: {value: in_doubt, basis: …}' (one source of truth)")
    status, basis = ck.status(raw, mid)
    funded_by, funded_by_doubt = _funding_routes(raw, mid, ck)
    facts = _facts(raw, mid, ck)
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
        funded_by=funded_by,
        funded_by_doubt=funded_by_doubt,
        apply=ck.text(raw, mid, "apply") or {},
        deadlines=ck.text(raw, mid, "deadlines", required=False),
        requires=ck.text(raw, mid, "requires", required=False),
        summary=_summary(raw, mid, ck),
        valid_from=ck.date(raw, mid, "valid_from"),
        valid_to=ck.date(raw, mid, "valid_to"),
        replaced_by=tuple(raw.get("replaced_by") or ()),
        uncertain=tuple(uncertain),
        uncertain_about=tuple(uncertain_about),
        recommend=bool(raw.get("recommend", True)),
        sources=ck.sources(raw, mid),
        last_checked=last_checked or date.min,
        status=status,
        status_basis=basis,
        source_file=ck.file,
        facts=facts,
    )
    if measure.valid_from and measure.valid_to and measure.valid_to < measure.valid_from:
        ck.add(mid, "valid_to", "is before valid_from")
    _check_status(measure, ck)
    return measure


def _summary(raw: dict, mid: str, ck: _Checker) -> Optional[Dict[str, str]]:
    """The optional phone-screen summary: nb and nn, each at most SUMMARY_MAX characters."""
    summary = ck.text(raw, mid, "summary", required=False)
    for lang, text in (summary or {}).items():
        if len(text) > SUMMARY_MAX:
            ck.add(mid, "summary", f"'{lang}' text is {len(text)} characters (at most {SUMMARY_MAX})")
    return summary


def _facts(raw: dict, mid: str, ck: _Checker) -> Tuple[Fact, ...]:
    """The entry's yes/no facts (``facts:``), each with its answer, terms, question, why and basis."""
    items = raw.get("facts") or []
    if not isinstance(items, list):
        ck.add(mid, "facts", "must be a list")
        return ()
    out: List[Fact] = []
    for i, item in enumerate(items):
        where = f"facts[{i}]"
        if not isinstance(item, dict):
            ck.add(mid, where, "must be a mapping with answer, terms, asks, says and basis")
            continue
        unknown = set(item) - {"answer", "terms", "asks", "says", "basis", "about"}
        if unknown:
            ck.add(mid, where, f"unknown field(s): {', '.join(sorted(unknown))}")
        answer = item.get("answer")
        if answer not in VERDICTS:
            # YAML reads a bare no/yes as a boolean: the answer must be quoted.
            ck.add(mid, f"{where}.answer", f"must be one of {', '.join(VERDICTS)} (quoted), got {answer!r}")
        terms = item.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(x, str) and x.strip() for x in terms):
            ck.add(mid, f"{where}.terms", "must be a non-empty list of words or phrases")
            terms = []
        about = item.get("about") or []
        if not isinstance(about, list) or not set(about) <= set(ANSWER_PARTS):
            ck.add(mid, f"{where}.about", f"must be a list of: {', '.join(ANSWER_PARTS)}")
            about = []
        basis = str(item.get("basis") or "").strip()
        if not BASIS_RE.match(basis):
            ck.add(mid, f"{where}.basis", "must start with the section of the reference it rests on (e.g. 'A3 …', 'I …')")
        asks = ck.text(item, mid, "asks")
        says = ck.text(item, mid, "says")
        if asks is None or says is None:
            continue  # reported by ck.text
        out.append(Fact(answer=str(answer), terms=tuple(str(x).strip().lower() for x in terms), asks=asks,
                        says=says, basis=basis, about=tuple(about)))
    return tuple(out)


def _funding_routes(raw: dict, mid: str, ck: _Checker) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """``funded_by`` items are an entry id (a route the reference confirms) or ``{id: …, certain:
    false}`` (a route it does not confirm); returns (all ids, the unconfirmed ones)."""
    items = raw.get("funded_by") or []
    if not isinstance(items, list):
        ck.add(mid, "funded_by", "must be a list of entry ids")
        return (), ()
    ids: List[str] = []
    doubt: List[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            ids.append(item)
        elif (isinstance(item, dict) and isinstance(item.get("id"), str) and set(item) <= {"id", "certain"}
              and isinstance(item.get("certain", True), bool)):
            ids.append(item["id"])
            if not item.get("certain", True):
                doubt.append(item["id"])
        else:
            ck.add(mid, f"funded_by[{i}]", "must be an entry id or {id: <entry id>, certain: false}")
    return tuple(ids), tuple(doubt)


def _check_status(m: Measure, ck: _Checker) -> None:
    """The declared status agrees with the dates, the replacements and the uncertain notes."""
    if not m.status:
        return
    if m.status == "superseded" and not m.replaced_by:
        ck.add(m.id, "replaced_by", "status superseded needs 'replaced_by' (what replaced it)")
    if m.replaced_by and m.status != "superseded":
        ck.add(m.id, "status.value", f"'{m.status}' with 'replaced_by': an entry that was replaced is superseded")
    if m.status in ("confirmed", "in_doubt") and m.valid_to and m.valid_to < CHANGE_DAY:
        ck.add(m.id, "status.value", f"'{m.status}', but valid_to {m.valid_to} is before 2026: it has ended")
    if m.status == "in_doubt" and not m.uncertain:
        ck.add(m.id, "uncertain", "status in_doubt needs an uncertain note saying what is not confirmed")


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
        status, basis = ck.status(raw, cid, CONCEPT_STATUSES)
        out[cid] = Concept(
            id=cid,
            title=ck.text(raw, cid, "title") or {},
            text=ck.text(raw, cid, "text") or {},
            sources=ck.sources(raw, cid),
            last_checked=ck.date(raw, cid, "last_checked", required=True) or date.min,
            status=status,
            status_basis=basis,
            aliases=tuple(str(a).lower() for a in raw.get("aliases") or []),
            scheme=str(raw["scheme"]) if raw.get("scheme") else None,
        )
    problems += ck.problems
    return out


def _load_outside(path: Path, problems: List[Problem]) -> Dict[str, OutsideTopic]:
    """Near-domain topics the assistant refers elsewhere (outside.yml)."""
    ck = _Checker(path.name)
    data = _read_yaml(path, ck) or {}
    out: Dict[str, OutsideTopic] = {}
    for raw in data.get("topics") or []:
        tid = str(raw.get("id", ""))
        if not ID_RE.match(tid):
            ck.add(tid or "?", "id", "missing or not a slug")
            continue
        if tid in out:
            ck.add(tid, "id", "duplicate id")
        terms = raw.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(x, str) and x.strip() for x in terms):
            ck.add(tid, "terms", "must be a non-empty list of words or phrases")
            terms = []
        out[tid] = OutsideTopic(
            id=tid,
            title=ck.text(raw, tid, "title") or {},
            terms=tuple(str(x).strip().lower() for x in terms),
            text=ck.text(raw, tid, "text") or {},
            sources=ck.sources(raw, tid),
            last_checked=ck.date(raw, tid, "last_checked", required=True) or date.min,
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
        for ref in m.funded_by_doubt:
            if ref in measures and measures[ref].status in ("ended", "superseded"):
                problems.append(Problem(m.source_file, m.id, "funded_by",
                                        f"'{ref}' has ended: a route through it is past, not uncertain "
                                        "(drop 'certain: false')"))
    concepts = _load_concepts(directory / CONCEPTS_FILE, problems)
    for c in concepts.values():
        if c.scheme and c.scheme not in measures:
            problems.append(Problem(CONCEPTS_FILE, c.id, "scheme", f"refers to unknown entry '{c.scheme}'"))
    outside = _load_outside(directory / OUTSIDE_FILE, problems)
    if problems:
        raise CatalogError(problems)
    return Catalog(measures=measures, concepts=concepts, terms=terms, outside=outside)
