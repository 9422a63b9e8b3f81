"""A direct answer to "gjelder det for SFO også?" / "kan assistenter søke?" about one measure. Pure.

The verdict is one sentence put before the measure's "who" block. It is read from the catalog's
sectors and roles, never from free text alone: when an uncertainty of the measure names what was
asked, or a role is named only in the description, the sentence says so instead of a plain yes/no.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Sequence, Set, Tuple

from bot.answers import Labels, requires_line
from bot.catalog.records import ALL, Measure
from bot.recommend import candidates
from bot.texts import join_and, t
from bot.understanding import SectorLinks, SlotParser

# The eier applies for its staff; it is not part of a measure's target group ("kan kommunen søke?"
# is a question about applying), so it gets no verdict.
NOT_AUDIENCE = {"eier"}
# The catalog does not record whether private or municipal places are included; a question about
# them gets a verdict only when the sector itself is not covered.
OWNERSHIP = re.compile(r"\b(privat\w*|kommunal\w*|ikke-kommunal\w*|ikkje-kommunal\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fit:
    """How a measure's sectors and roles answer the question. ``doubt``: 'uncertain' (one of the
    measure's uncertainties names what was asked) or 'described' (a missing role is named only in
    the description)."""

    missing_sectors: Tuple[str, ...]
    missing_roles: Tuple[str, ...]
    doubt: Optional[str] = None

    @property
    def covered(self) -> bool:
        return not (self.missing_sectors or self.missing_roles)


def _mentions(parser: SlotParser, texts) -> Set[str]:
    """Sector and role ids named in catalog texts ({"nb": …, "nn": …}), in either language."""
    return {v for text in texts for s in text.values() for v in parser.sectors_and_roles(s)}


def _fits_role(m: Measure, role: str, sectors: Sequence[str], links: SectorLinks) -> bool:
    if role in m.roles:
        return True
    return ALL in m.roles and any(links.fits(role, s) for s in sectors or m.sectors)


def check(m: Measure, sectors: Sequence[str], roles: Sequence[str], parser: SlotParser) -> Fit:
    """Which of the asked sectors (else roles) ``m`` does not cover, and whether the catalog is in doubt."""
    missing_s = tuple(s for s in sectors if s not in m.sectors)
    missing_r = () if missing_s else tuple(r for r in roles if not _fits_role(m, r, sectors, parser.links))
    # An uncertainty about a sector the measure's own name carries ("… i videregående opplæring")
    # is about details, not about whom it is for.
    named = _mentions(parser, [m.name] + ([m.short_name] if m.short_name else []))
    doubtful = _mentions(parser, m.uncertain) - named
    if doubtful & (set(sectors) | set(roles)):
        return Fit(missing_s, missing_r, "uncertain")
    if set(missing_r) & _mentions(parser, [m.description]):
        return Fit(missing_s, missing_r, "described")
    return Fit(missing_s, missing_r)


def asked_for(sectors: Sequence[str], roles: Sequence[str],
              links: SectorLinks) -> Tuple[List[str], List[str], List[str]]:
    """(sectors to check, roles to check, sectors to name): a role that exists in one sector only
    ("PP-rådgiver") is checked against that sector, but the sentence names only what the user named."""
    roles = [r for r in dict.fromkeys(roles) if r not in NOT_AUDIENCE]
    named = list(dict.fromkeys(sectors))
    implied = [s for s in (links.implied_sector(r) for r in roles) if s]
    checked = list(dict.fromkeys(named + implied))
    return checked, roles, [s for s in named if s not in implied]


def alternative(m: Measure, fit: Fit, sectors: Sequence[str], roles: Sequence[str], measures: Sequence[Measure],
                parser: SlotParser, today: date) -> Optional[Measure]:
    """A current measure of the same kind, form and theme as ``m`` that plainly covers what ``m``
    does not (the missing sectors, else the sectors asked, with the roles asked; without sectors,
    in one of ``m``'s); the one for fewest sectors. None when the catalog has no clear counterpart."""
    where = list(fit.missing_sectors or sectors)

    def counterpart(a: Measure) -> bool:
        if (a.id == m.id or a.kind != m.kind or a.form != m.form
                or not set(a.themes) & set(m.themes)):
            return False
        f = check(a, where, roles, parser)
        return f.covered and not f.doubt

    pool = {a.id: a for s in where or m.sectors for a in candidates(measures, s, today) if counterpart(a)}
    return min(pool.values(), key=lambda a: (len(a.sectors), a.id), default=None)


def verdict(m: Measure, sectors: Sequence[str], roles: Sequence[str], lang: str, labels: Labels,
            parser: SlotParser, measures: Sequence[Measure], today: date, question: str = "") -> str:
    """The sentence that answers a yes/no question naming ``sectors``/``roles`` (vocabulary ids)
    about ``m``; "" when there is nothing to say."""
    checked, roles, named = asked_for(sectors, roles, parser.links)
    if not checked and not roles:
        return ""
    fit = check(m, checked, roles, parser)
    if fit.covered and OWNERSHIP.search(question):
        return ""
    if fit.covered and not roles and set(checked) <= _mentions(parser, [m.name] + ([m.short_name] if m.short_name else [])):
        return ""  # «gjeld den kollektive ordninga for vidaregåande òg vidaregåande?»: its name says so

    def listed(group: str, ids: Sequence[str]) -> str:
        """'barnehage, grunnskole og SFO', in vocabulary order (the database sorts by id)."""
        order = parser.ids(group)
        ids = sorted(ids, key=lambda i: order.index(i) if i in order else len(order))
        return join_and([labels.short(group, i, lang) for i in ids])

    def who(sectors: Sequence[str], roles: Sequence[str]) -> str:
        """'SFO', 'assistent', 'lærer i videregående opplæring'."""
        if not roles:
            return listed("sectors", sectors)
        return listed("roles", roles) + (f" i {listed('sectors', sectors)}" if sectors else "")

    def for_who(sectors: Sequence[str], roles: Sequence[str]) -> str:
        text = who(sectors, roles)
        return t("for_roles", lang, roles=text) if roles else text

    name = m.title(lang)
    ended = m.has_ended(today)
    verb = t("verb_applied" if ended else "verb_applies", lang)
    if fit.doubt == "described":
        return t("elig_described", lang, name=name, who=who([], fit.missing_roles))
    if fit.doubt == "uncertain":
        key = "elig_unsure_yes" if fit.covered else "elig_unsure_no"
        return t(key, lang, name=name, verb=verb, who=for_who(named, roles))
    if fit.covered:
        text = t("elig_yes", lang, name=name, verb=verb, who=for_who(named, roles))
        # «Ja» to «kan assistenter ta TiB?» is only half the answer when it needs an earlier education.
        return f"{text} {requires_line(m, lang)}" if m.requires else text
    if fit.missing_sectors or ALL in m.roles:
        covered = listed("sectors", m.sectors)
    else:
        covered = t("for_roles", lang, roles=listed("roles", m.roles))
    # Name only what is missing: «gjelder det barnehage og SFO?» → «…, ikke SFO».
    if fit.missing_sectors:
        named, missing_roles = [s for s in named if s in fit.missing_sectors], roles
    else:
        missing_roles = list(fit.missing_roles)
    text = t("elig_no", lang, name=name, verb=verb, covered=covered, who=for_who(named, missing_roles))
    other = alternative(m, fit, checked, missing_roles, measures, parser, today)
    if other:
        text += " " + t("elig_other", lang, who=who(named, missing_roles), name=other.title(lang))
    return text
