"""Plain, typed records of catalog content, shared by the loader, database and recommender."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Dict, List, Optional, Tuple

LANGS = ("nb", "nn")
Text = Dict[str, str]  # {"nb": ..., "nn": ...}

SECTORS = ("barnehage", "grunnskole", "sfo", "videregaende", "ppt", "fagopplaering")
KINDS = (
    "tilskuddsordning", "videreutdanning", "lederutdanning", "etterutdanning", "kompetansepakke",
    "arbeidsplassbasert", "stipend", "program", "utdanning",
)
FORMS = ("individuell", "kollektiv", "begge")
DURATIONS = ("kort", "aar", "flerarig")
ALL = "alle"
# An entry's status in 2026 (after the 1 January 2026 change), declared in the catalog with the
# line of the reference it rests on: confirmed (it applies), in_doubt (whether it still applies is
# not confirmed), ended (it no longer applies), superseded (ended and replaced by ``replaced_by``).
STATUSES = ("confirmed", "in_doubt", "ended", "superseded")
ENDED = ("ended", "superseded")


def local(text: Optional[Text], lang: str) -> str:
    """The text in ``lang``, falling back to bokmål."""
    if not text:
        return ""
    return text.get(lang) or text.get("nb") or ""


VERDICTS = ("yes", "no", "unsure")


# Longest summary (characters, per language): a phone screen with the title and the source.
SUMMARY_MAX = 340


@dataclass(frozen=True)
class Fact:
    """A yes/no a question can ask about an entry, decided by the reference: «får eg vikar under
    styrarutdanninga?» → no, «kan private barnehager være med?» → yes. ``terms``: the words a
    question names when it asks this (matched by word form); ``asks``: the question in each
    language (read by meaning); ``says``: the why, one or two sentences that follow «Ja.»/«Nei.»/
    «Det er usikkert.»; ``about``: the answer parts it concerns; ``basis``: the reference line."""

    answer: str
    terms: Tuple[str, ...]
    asks: Text
    says: Text
    basis: str
    about: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    id: str
    kind: str
    name: Text
    description: Text
    sectors: Tuple[str, ...]
    roles: Tuple[str, ...]
    themes: Tuple[str, ...]
    form: str
    duration: Tuple[str, ...]
    funding: Text
    apply: Text
    sources: Tuple[str, ...]
    last_checked: date
    # One of STATUSES, and the reference line it rests on (never defaulted: the catalog declares it).
    status: str
    status_basis: str
    short_name: Optional[Text] = None
    abbreviation: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    credits: Optional[int] = None
    funded_by: Tuple[str, ...] = ()
    # The funding routes (ids in ``funded_by``) the reference does not confirm: «kan kanskje», never
    # «kan finansieres gjennom».
    funded_by_doubt: Tuple[str, ...] = ()
    deadlines: Optional[Text] = None
    # What a participant must already have («annen treårig barnefaglig utdanning»), where the sources say.
    requires: Optional[Text] = None
    # The phone-screen answer to «hva er X?» (what, for whom, who applies to whom, the money), at
    # most SUMMARY_MAX characters; without it a short answer is put together from the fields.
    summary: Optional[Text] = None
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    replaced_by: Tuple[str, ...] = ()
    uncertain: Tuple[Text, ...] = ()
    # Per uncertain note, the answer parts it concerns (deadlines, apply, funding, who, status); a
    # note without any is shown with every part.
    uncertain_about: Tuple[Tuple[str, ...], ...] = ()
    recommend: bool = True
    source_file: str = ""
    facts: Tuple[Fact, ...] = ()

    def title(self, lang: str) -> str:
        return local(self.short_name, lang) or local(self.name, lang)

    @property
    def in_doubt(self) -> bool:
        """Whether it still applies from 2026 (in its earlier form) is not confirmed: never "gjelder nå"."""
        return self.status == "in_doubt"

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    def has_ended(self, today: date) -> bool:
        """Declared ended or superseded, or its last day has passed."""
        return self.status in ENDED or bool(self.valid_to and self.valid_to < today)

    def is_current(self, today: date) -> bool:
        if self.valid_from and self.valid_from > today:
            return False
        return not self.has_ended(today)

    def route_certain(self, scheme_id: str) -> bool:
        """Whether the reference confirms the route through ``scheme_id`` (one of ``funded_by``)."""
        return scheme_id not in self.funded_by_doubt


@dataclass(frozen=True)
class Concept:
    id: str
    title: Text
    text: Text
    sources: Tuple[str, ...]
    last_checked: date
    # confirmed, or in_doubt when what it says about 2026 is not all confirmed (the text says so),
    # with the reference line it rests on.
    status: str
    status_basis: str
    aliases: Tuple[str, ...] = ()
    # The scheme a money/apply/deadline question that names only this general word is about
    # («hvor mye penger får vi når en ansatt tar videreutdanning?» → today's videreutdanning scheme).
    scheme: Optional[str] = None


@dataclass(frozen=True)
class Term:
    """One vocabulary value, e.g. sector 'barnehage'."""

    group: str
    id: str
    label: Text
    synonyms: Tuple[str, ...] = ()
    answer_synonyms: Tuple[str, ...] = ()
    # The label in summaries and notes ("språk" for "språk, lesing og skriving"); default: the label
    # without its explanation in brackets.
    short: Optional[Text] = None
    # Sentences that describe the value in other words («ungene skal telle og måle mer»): labelled
    # examples for reading by meaning (bot.understanding.semantic).
    examples: Tuple[str, ...] = ()
    # Roles: the sectors where the role exists (empty: every sector); with ``implies_sector`` the
    # first of them is the sector the role alone tells («PP-rådgiver» → PP-tjenesten).
    sectors: Tuple[str, ...] = ()
    implies_sector: bool = False
    # Sectors: the neighbouring sector offered when this one has no fitting measure.
    neighbour: Optional[str] = None


@dataclass(frozen=True)
class OutsideTopic:
    """A question close to our field that the assistant does not answer (study loans, wages, a
    place in barnehage): the words that name it, and who answers it instead."""

    id: str
    title: Text
    terms: Tuple[str, ...]
    text: Text
    sources: Tuple[str, ...]
    last_checked: date


@dataclass
class Catalog:
    measures: Dict[str, Measure] = field(default_factory=dict)
    concepts: Dict[str, Concept] = field(default_factory=dict)
    outside: Dict[str, OutsideTopic] = field(default_factory=dict)
    terms: Dict[str, List[Term]] = field(default_factory=dict)  # group -> terms

    def term_ids(self, group: str) -> List[str]:
        return [t.id for t in self.terms.get(group, [])]

    def label(self, group: str, value: Optional[str], lang: str) -> str:
        for t in self.terms.get(group, []):
            if t.id == value:
                return local(t.label, lang)
        return value or ""
