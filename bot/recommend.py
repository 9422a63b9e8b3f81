"""Rank measures against the user's criteria and explain the fit. Pure: no I/O.

Each criterion is checked separately so every suggestion can say which criteria
it meets and which it does not; when nothing meets them all, the criterion that
blocks most is named together with the alternative values that would give hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.catalog.records import ALL, Measure

CRITERIA = ("theme", "role", "form", "duration")
WEIGHTS = {"theme": 4.0, "role": 2.0, "form": 2.0, "duration": 1.5}
AUDIENCE_FORMS = {"individ": ("individuell", "begge"), "alle": ("kollektiv", "begge"),
                  "gruppe": ("individuell", "kollektiv", "begge")}
# Kinds that carry a measure (as opposed to a funding route) rank slightly higher.
KIND_BONUS = {"kompetansepakke": 0.3, "program": 0.2, "arbeidsplassbasert": 0.2,
              "videreutdanning": 0.2, "lederutdanning": 0.2, "utdanning": 0.1}
# A measure with an entry requirement (TiB needs another three-year education) ranks after an
# equally good one without: many who ask will not meet it. The suggestion names the requirement.
REQUIREMENT_PENALTY = 0.3
# A measure whose continuation after the 2026 change is not confirmed ranks after confirmed ones.
DOUBT_PENALTY = 0.5


@dataclass(frozen=True)
class Criteria:
    sector: Optional[str]  # None: not known (every sector)
    theme: Optional[str] = None
    audience: Optional[str] = None
    role: Optional[str] = None
    anchoring: Optional[str] = None
    duration: Optional[str] = None

    def replace(self, **changes: Optional[str]) -> "Criteria":
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values.update(changes)
        return Criteria(**values)


@dataclass(frozen=True)
class Suggestion:
    measure: Measure
    score: float
    met: Tuple[str, ...]
    unmet: Tuple[str, ...]
    theme_specific: bool

    @property
    def full_match(self) -> bool:
        return not self.unmet


@dataclass
class Recommendation:
    criteria: Criteria
    suggestions: List[Suggestion]
    ranked: List[Suggestion]
    full_matches: int
    blocking: Optional[str] = None
    # Each option is one button: the criteria to change and their new values.
    relax: List[Dict[str, str]] = field(default_factory=list)
    advice: List[str] = field(default_factory=list)


# Themes a collective measure "for any theme" does not cover: formal qualification is individual
# education, and collective scheme money cannot fund individual videreutdanning (reference, 2021–2025 rules).
NOT_ANY_COLLECTIVE_THEME = {"kvalifisering"}


def _check(m: Measure, c: Criteria) -> Dict[str, Optional[bool]]:
    """True/False per criterion, None when the user has not given it."""
    out: Dict[str, Optional[bool]] = {}
    out["theme"] = None if not c.theme else (
        c.theme in m.themes
        or (ALL in m.themes and not (m.form == "kollektiv" and c.theme in NOT_ANY_COLLECTIVE_THEME)))
    if c.audience == "alle":
        out["role"] = ALL in m.roles or m.form in ("kollektiv", "begge")
    elif c.role:
        out["role"] = c.role in m.roles or ALL in m.roles
    else:
        out["role"] = None
    out["form"] = None if not c.audience else m.form in AUDIENCE_FORMS.get(c.audience, ())
    out["duration"] = None if not c.duration else c.duration in m.duration
    return out


def evaluate(m: Measure, c: Criteria) -> Suggestion:
    checks = _check(m, c)
    met = tuple(k for k in CRITERIA if checks[k])
    unmet = tuple(k for k in CRITERIA if checks[k] is False)
    specific = bool(c.theme and c.theme in m.themes)
    score = sum(WEIGHTS[k] for k in met)
    if checks["theme"] and not specific:
        score -= 2.0  # "any theme" fits, but a measure on the theme itself fits better
    if not c.theme and ALL in m.themes:
        score += 1.0  # no theme known yet: a route where the staff choose the theme themselves leads
    if c.role and c.role in m.roles:
        score += 0.5
    score += KIND_BONUS.get(m.kind, 0.0)
    if m.requires:
        score -= REQUIREMENT_PENALTY
    if m.in_doubt:
        score -= DOUBT_PENALTY
    return Suggestion(m, score, met, unmet, specific)


def candidates(measures: Iterable[Measure], sector: Optional[str], today: date) -> List[Measure]:
    return [m for m in measures
            if (not sector or sector in m.sectors) and m.recommend and m.is_current(today)]


def themes_for(measures: Iterable[Measure], sector: Optional[str], today: date,
               order: Sequence[str], limit: int = 8) -> List[str]:
    """The themes worth offering as choices: those with most current measures in the sector (all
    sectors when it is not known yet), ties in vocabulary order, at most ``limit``."""
    counts: Dict[str, int] = {}
    for m in measures:
        if m.recommend and m.is_current(today) and (not sector or sector in m.sectors):
            for theme in m.themes:
                counts[theme] = counts.get(theme, 0) + 1
    ranked = sorted((t for t in order if counts.get(t)), key=lambda t: (-counts[t], order.index(t)))
    return ranked[:limit]


def rank(measures: Iterable[Measure], c: Criteria, today: date) -> List[Suggestion]:
    evaluated = [evaluate(m, c) for m in candidates(measures, c.sector, today)]
    return sorted(evaluated, key=lambda s: (len(s.unmet), -s.score, s.measure.id))


RELAXABLE = ("duration", "audience", "sector")


def _alternatives(c: Criteria, neighbours: Mapping[str, str]) -> Dict[str, List[str]]:
    return {
        "duration": [d for d in ("flerarig", "aar", "kort") if d != c.duration],
        "audience": [a for a in ("alle", "gruppe", "individ") if a != c.audience],
        "sector": [s for s in (neighbours.get(c.sector or ""),) if s],
    }


def _full_count(measures: Sequence[Measure], c: Criteria, today: date) -> int:
    return sum(1 for s in rank(measures, c, today) if s.full_match)


def _relax_options(measures: Sequence[Measure], c: Criteria, today: date,
                   neighbours: Mapping[str, str]) -> List[Dict[str, str]]:
    """Changes of one criterion (else two) that give full matches, best first per criterion; a
    sector is changed only to its neighbour (``neighbours``: vocabulary.yml's ``neighbour``)."""
    alts = _alternatives(c, neighbours)
    single: List[Dict[str, str]] = []
    for criterion in RELAXABLE:
        scored = [(_full_count(measures, c.replace(**{criterion: v}), today), v) for v in alts[criterion]]
        best = max(scored, default=(0, None))
        if best[0] > 0:
            single.append({criterion: best[1]})
    if single:
        return single
    best_pair, best_n = None, 0
    for i, first in enumerate(RELAXABLE):
        for second in RELAXABLE[i + 1:]:
            for v1 in alts[first]:
                for v2 in alts[second]:
                    n = _full_count(measures, c.replace(**{first: v1, second: v2}), today)
                    if n > best_n:
                        best_pair, best_n = {first: v1, second: v2}, n
    return [best_pair] if best_pair else []


def advice_for(c: Criteria, shown: Sequence[Suggestion]) -> List[str]:
    """Advice codes from Udir's success factors, given the answers."""
    advice = []
    # For one person's own course the anchoring advice is about leader and owner, not a behovsmelding.
    own = "_individual" if c.audience == "individ" else ""
    if c.anchoring == "ikke":
        advice.append("anchor_first" + own)
    elif c.anchoring == "delvis":
        advice.append("anchor_more" + own)
    if c.duration == "kort":
        advice.append("over_time")
    if c.audience == "alle" and any(s.measure.form == "individuell" for s in shown):
        advice.append("individual_for_collective")
    if c.audience in ("individ", "gruppe"):
        advice.append("share_individual")
    return advice


def _mixed_forms(pool: List[Suggestion], limit: int) -> List[Suggestion]:
    """Who it is for is not known yet (answer first): the first list holds a collective and an
    individual measure when the pool has both, so a staff group and one person each find theirs."""
    first = pool[:limit]
    if len(first) < limit:
        return pool
    collective = [s.measure.form != "individuell" for s in first]
    if all(collective) or not any(collective):
        other = next((s for s in pool[limit:] if (s.measure.form != "individuell") != collective[0]
                      and len(s.unmet) <= len(first[-1].unmet)), None)
        if other:
            return first[:-1] + [other] + [s for s in pool[limit - 1:] if s is not other]
    return pool


def recommend(measures: Sequence[Measure], c: Criteria, today: date,
              limit: int = 3, offset: int = 0, neighbours: Optional[Mapping[str, str]] = None) -> Recommendation:
    ranked = rank(measures, c, today)
    full = [s for s in ranked if s.full_match]
    # Near misses (one criterion off) come after the full matches, so the user
    # always gets two or more ideas and "show more" can go on.
    pool = full + [s for s in ranked if len(s.unmet) == 1]
    if len(pool) < 2:  # little close (a small sector): add the nearest with two misses, up to two ideas
        pool += [s for s in ranked if len(s.unmet) == 2][:2 - len(pool)]
    if not c.audience:
        pool = _mixed_forms(pool, limit)
    shown = pool[offset:offset + limit]
    rec = Recommendation(c, shown, pool, len(full))
    if not full:
        counts: Dict[str, int] = {}
        # What stops the suggestions the user sees (they fail on duration: say duration, even if
        # measures further down fail on the theme).
        for s in shown or ranked[:10]:
            for k in s.unmet:
                counts[k] = counts.get(k, 0) + 1
        rec.blocking = max(counts, key=lambda k: (counts[k], -CRITERIA.index(k))) if counts else None
        rec.relax = _relax_options(measures, c, today, neighbours or {})
    rec.advice = advice_for(c, shown)
    return rec
