"""Compose the assistant's replies from catalog records. Pure: no I/O, no Rasa."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bot.advisor.form import UNKNOWN
from bot.catalog.records import Catalog, Measure, OutsideTopic, Term, Text, local
from bot.recommend import Criteria, Recommendation, Suggestion
from bot.texts import format_date, join_and, t

Button = Dict[str, str]


@dataclass
class Reply:
    """A reply as one text (REST and any plain client) plus, for suggestion results, the same
    content split into header, one card per measure and footer (the chat widget renders cards)."""

    text: str
    buttons: List[Button] = field(default_factory=list)
    cards: List[Dict[str, str]] = field(default_factory=list)
    header: str = ""
    footer: str = ""


def short_label(text: str, limit: int = 60) -> str:
    """A button label of at most ``limit`` characters: cut at a word, never inside parentheses
    («Regional ordning … (Rekomp» reads as broken), with "…" when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    if cut.count("(") > cut.count(")"):
        cut = cut[:cut.rindex("(")]
    return cut.rstrip(" –-,:(") + "…"


def button(title: str, intent: str, **entities: str) -> Button:
    if entities:
        pairs = ", ".join(f'"{k}": "{v}"' for k, v in entities.items())
        return {"title": title, "payload": f"/{intent}{{{pairs}}}"}
    return {"title": title, "payload": f"/{intent}"}


class Labels:
    """Vocabulary labels for slot values, in the user's language."""

    def __init__(self, terms: Dict[str, List[Term]]):
        self._labels = {(g, term.id): term.label for g, ts in terms.items() for term in ts}
        self._short = {(g, term.id): term.short for g, ts in terms.items() for term in ts if term.short}

    def get(self, group: str, value: Optional[str], lang: str) -> str:
        if value == UNKNOWN:
            return t("unknown_value", lang)
        label = self._labels.get((group, value or ""))
        return local(label, lang) if label else (value or "")

    def short(self, group: str, value: Optional[str], lang: str) -> str:
        """The term's short label ('språk' for 'språk, lesing og skriving'), else the label without
        the explanation in brackets: 'leder (styrer, rektor)' → 'leder'."""
        short = self._short.get((group, value or ""))
        return local(short, lang) if short else self.get(group, value, lang).split(" (")[0]


GROUP_OF = {"sector": "sectors", "role": "roles", "theme": "themes", "audience": "audience",
            "anchoring": "anchoring", "duration": "duration"}


def criteria_summary(c: Criteria, labels: Labels, lang: str) -> str:
    parts = [labels.short("sectors", c.sector, lang)]
    if c.theme:
        parts.append(labels.short("themes", c.theme, lang))
    if c.audience == "alle" or not c.role:
        if c.audience:
            parts.append(labels.short("audience", c.audience, lang))
    else:
        parts.append(labels.short("roles", c.role, lang))
    if c.duration:
        parts.append(t(f"duration_{c.duration}", lang))
    return " · ".join(p for p in parts if p)


def period(m: Measure, lang: str) -> str:
    if m.valid_from and m.valid_to:
        return t("period_between", lang, start=m.valid_from.year, end=m.valid_to.year)
    if m.valid_from:
        return t("period_from", lang, date=format_date(m.valid_from, lang))
    if m.valid_to:
        return t("period_until", lang, date=format_date(m.valid_to, lang))
    return ""


def title_with_period(m: Measure, lang: str, full: bool = False) -> str:
    title = local(m.name, lang) if full else m.title(lang)
    years = {str(d.year) for d in (m.valid_from, m.valid_to) if d}
    if any(y in title for y in years):
        return title  # the name already says when it applies
    p = period(m, lang)
    return f"{title} ({p})" if p else title


def source_line(m_sources: Sequence[str], last_checked, lang: str) -> str:
    if not m_sources:
        return ""
    return (f"{t('source', lang)}: {m_sources[0]} "
            f"({t('last_checked', lang, date=format_date(last_checked, lang))})")


def why_parts(s: Suggestion, c: Criteria, labels: Labels, lang: str) -> List[str]:
    m = s.measure
    parts = [labels.short("sectors", c.sector, lang)] if c.sector else []
    for k in s.met:
        if k == "theme":
            theme = labels.short("themes", c.theme, lang)
            parts.append(t("why_theme" if s.theme_specific else "why_theme_any", lang, theme=theme))
        elif k == "role":
            if c.audience == "alle":
                parts.append(t("why_role_all", lang))
            else:
                parts.append(t("why_role", lang, role=labels.short("roles", c.role, lang)))
        elif k == "form":
            parts.append(t(f"why_form_{m.form}", lang))
        elif k == "duration":
            parts.append(t("why_duration", lang, duration=t(f"duration_{c.duration}", lang)))
    return parts


def unmet_parts(s: Suggestion, c: Criteria, labels: Labels, lang: str) -> List[str]:
    m = s.measure
    out = []
    for k in s.unmet:
        if k == "theme":
            out.append(t("unmet_theme", lang, theme=labels.short("themes", c.theme, lang)))
        elif k == "role":
            who = (labels.short("audience", "alle", lang) if c.audience == "alle"
                   else labels.short("roles", c.role, lang))
            out.append(t("unmet_role", lang, role=who))
        elif k == "form":
            wanted = "kollektiv" if c.audience == "alle" else "individuell"
            out.append(t("unmet_form", lang, form=t(f"form_{m.form}", lang),
                         wanted=t(f"form_{wanted}", lang)))
        elif k == "duration":
            actual = " / ".join(t(f"duration_{d}", lang) for d in m.duration)
            out.append(t("unmet_duration", lang, actual=actual,
                         wanted=t(f"duration_{c.duration}", lang)))
    return out


# A sentence ends at «. » before a capital or a digit, not after «bl.a.», «f.eks.», «ca.» or «mill.».
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bbl\.a\.)(?<!\bf\.eks\.)(?<!\bca\.)(?<!\bmill\.)(?<!\bdvs\.)(?<!\bnr\.)"
                           r"(?<!\bkr\.)\s+(?=[A-ZÆØÅ0-9«(])")


def funding_routes(m: Measure, related: Optional[Dict[str, Measure]], today=None):
    """The schemes in ``m.funded_by`` as (certain, doubtful, past): a route is certain only when
    the reference confirms both the route and the scheme (status confirmed); a scheme that has
    ended is a past route; anything else may fund it, but that is not confirmed."""
    certain: List[Measure] = []
    doubtful: List[Measure] = []
    past: List[Measure] = []
    for i in m.funded_by:
        r = (related or {}).get(i)
        if r is None:
            continue
        ended = r.has_ended(today) if today is not None else r.status in ("ended", "superseded")
        if ended:
            past.append(r)
        elif r.confirmed and m.route_certain(i):
            certain.append(r)
        else:
            doubtful.append(r)
    return certain, doubtful, past


def funding_lines(m: Measure, related: Dict[str, Measure], lang: str, today) -> List[str]:
    """«Kan finansieres gjennom: …» for the confirmed routes only; the others as not confirmed or
    as past (Rekomp after 2025)."""
    certain, doubtful, past = funding_routes(m, related, today)
    lines = []
    for key, group in (("funded_by", certain), ("funded_by_uncertain", doubtful), ("funded_by_past", past)):
        if group:
            lines.append(t(key, lang, names=", ".join(title_with_period(r, lang) for r in group)))
    return lines


def short_funding(m: Measure, related: Optional[Dict[str, Measure]], lang: str, today=None,
                  hint: str = "see_uncertain") -> str:
    """One line on how a measure is paid for: the confirmed current schemes that fund it, else the
    first sentence of its funding text; marked when something about it is not confirmed."""
    certain, doubtful, _ = funding_routes(m, related, today)
    if certain:
        line = t("funded_via", lang, names=join_and([r.title(lang) for r in certain]))
    else:
        line = _SENTENCE_END.split(local(m.funding, lang).strip())[0]
        if len(line) > 160:
            line = line[:157].rsplit(" ", 1)[0] + " …"
    # A route named here as certain must not hide the unconfirmed ones; «Gratis.» needs no mark
    # for a route it does not name.
    if (not m.confirmed or (certain and doubtful)
            or any(set(about) & {"funding", "status"} or not about for about in _abouts(m))):
        line += " " + t(hint, lang) if hint else ""
    return line


def _abouts(m: Measure) -> List[Sequence[str]]:
    return [m.uncertain_about[i] if i < len(m.uncertain_about) else () for i in range(len(m.uncertain))]


def suggestion_text(n: int, s: Suggestion, c: Criteria, labels: Labels, lang: str,
                    related: Optional[Dict[str, Measure]] = None, today=None) -> str:
    """Name, one line of why (with what does not fit or is required), one line of funding; the
    rest is behind «Fortell mer om N»."""
    m = s.measure
    why = ", ".join(p for p in why_parts(s, c, labels, lang) if p)
    lines = [f"{n}. {title_with_period(m, lang)}",
             f"   {t('fits_because', lang)}: {why}." if why else ""]
    unmet = unmet_parts(s, c, labels, lang)
    if unmet:
        lines.append(f"   {t('does_not_fit', lang)}: {', '.join(unmet)}.")
    if m.requires:
        lines.append(f"   {requires_line(m, lang)}")
    lines.append(f"   {t('funding', lang)}: {short_funding(m, related, lang, today)}")
    return "\n".join(line for line in lines if line)


def suggestion_card(n: int, s: Suggestion, c: Criteria, labels: Labels, lang: str,
                    related: Optional[Dict[str, Measure]] = None, today=None) -> Dict[str, str]:
    """The fields of one suggestion for the widget's card; the same facts as suggestion_text."""
    m = s.measure
    unmet = unmet_parts(s, c, labels, lang)
    return {
        "id": m.id, "number": str(n), "title": m.title(lang), "period": period(m, lang),
        "why": ", ".join(p for p in why_parts(s, c, labels, lang) if p) + ".",
        "unmet": (", ".join(unmet) + ".") if unmet else "",
        "requires": local(m.requires, lang) if m.requires else "",
        "funding": short_funding(m, related, lang, today),
        "uncertain": local(m.uncertain[0], lang) if m.uncertain else "",
        "url": m.sources[0] if m.sources else "",
        "source_label": t("source", lang),
        "last_checked": t("last_checked", lang, date=format_date(m.last_checked, lang)),
    }


CARD_LABELS = ("fits_because", "does_not_fit", "requires", "funding", "uncertain", "source")


def card_labels(lang: str) -> Dict[str, str]:
    return {k: t(k, lang) for k in CARD_LABELS}


SECTOR_BUTTONS = ("barnehage", "grunnskole", "sfo", "videregaende", "ppt", "fagopplaering")


def result_buttons(count: int, lang: str, more: bool, first: int = 1,
                   refine: Sequence[str] = ()) -> List[Button]:
    """``first``: the number of the first suggestion shown (4 after «Vis flere»). ``refine``: the
    criteria not given yet, each a one-tap refinement (at most three); with none open, «Endre et
    svar» and «Hvordan søker vi?» take their place."""
    if refine and refine[0] == "sector":
        # Where the user works changes most: its values are the buttons, one tap each.
        buttons = [button(t(f"sector_{s}", lang), "inform", sector=s) for s in SECTOR_BUTTONS]
    else:
        buttons = [button(t(f"btn_refine_{slot}", lang), "change_answer", criterion=slot) for slot in refine[:3]]
    if count:
        buttons.append(button(t("btn_more_about", lang, n=first), "more_about", number=str(first)))
    if more:
        buttons.append(button(t("btn_show_more", lang), "show_more"))
    if not refine:
        buttons.append(button(t("btn_apply", lang), "ask_apply"))
    if count:
        buttons.append(button(t("btn_summary", lang), "summarize"))
    if not refine:
        buttons.append(button(t("btn_change", lang), "change_answer"))
    buttons.append(button(t("btn_restart", lang), "start_over"))
    return buttons


def results_reply(rec: Recommendation, labels: Labels, lang: str, offset: int = 0,
                  notes: Sequence[str] = (), refine: Sequence[str] = (),
                  related: Optional[Dict[str, Measure]] = None, today=None, first: bool = True) -> Reply:
    """The suggestions. ``notes``: what changed or was assumed, said first; ``refine``: the
    criteria still open, offered as buttons, with one sentence on why the first of anchoring and
    duration matters (``first``: only with the first list)."""
    c = rec.criteria
    summary = criteria_summary(c, labels, lang) or t("summary_nothing_known", lang)
    head: List[str] = list(notes)
    shown = rec.suggestions
    if rec.full_matches == 0:
        blocking = t(f"crit_{rec.blocking}", lang) if rec.blocking else t("crit_theme", lang)
        head.append(t("no_match", lang, summary=summary, blocking=blocking))
        if shown:
            head.append(t("closest", lang))
    elif offset:
        head.append(t("more_header", lang, summary=summary))
    elif rec.full_matches < len(shown):
        head.append(t("results_partial_header", lang, full=rec.full_matches, summary=summary))
    else:
        head.append(t("results_header", lang, count=_count_word(len(shown), lang), summary=summary))
    numbered = list(enumerate(shown, start=offset + 1))
    body = [suggestion_text(i, s, c, labels, lang, related, today) for i, s in numbered]
    cards = [suggestion_card(i, s, c, labels, lang, related, today) for i, s in numbered]
    foot = [t(f"advice_{code}", lang) for code in rec.advice]
    why_ask = next((s for s in ("sector", "anchoring", "duration") if s in refine), None)
    if why_ask and not offset and first:  # said once, with the first list; the buttons stay
        foot.append(t(f"why_ask_{why_ask}", lang))
    if not shown:
        foot.append(t("no_more", lang))
    else:
        # Where the first suggestion's facts come from (the rest: «Fortell mer om N»).
        top = shown[0].measure
        foot.append(t("source_of_first", lang, n=offset + 1,
                      source=source_line(top.sources, top.last_checked, lang)))
    more = len(rec.ranked) > offset + len(shown)
    buttons = []
    if rec.full_matches == 0 and rec.relax:
        foot.append(t("relax_question", lang))
        buttons += relax_buttons(rec.relax, labels, lang)
    # A refinement the user can tap: anchoring or duration first when their advice is missing.
    order = sorted(refine, key=lambda s: (s != why_ask, list(refine).index(s)))
    buttons += result_buttons(len(shown), lang, more, first=offset + 1, refine=order)
    return Reply("\n\n".join(head + body + foot), buttons, cards=cards,
                 header="\n\n".join(head), footer="\n\n".join(foot) or t("next_step", lang))


def relax_buttons(relax: List[Dict[str, str]], labels: Labels, lang: str) -> List[Button]:
    out = []
    for option in relax:
        parts = []
        for criterion, value in option.items():
            if criterion == "duration":
                parts.append(t(f"duration_{value}", lang))
            elif criterion == "audience":
                parts.append(t("relax_for", lang, value=labels.short("audience", value, lang)))
            elif criterion == "sector":
                parts.append(t("relax_for", lang, value=labels.short("sectors", value, lang)))
        if parts:
            out.append(button(t("btn_relax", lang, value=", ".join(parts)), "inform", **option))
    return out


def _count_word(n: int, lang: str) -> str:
    words = {"nb": ["Ingen", "Ett", "To", "Tre", "Fire"], "nn": ["Ingen", "Eitt", "To", "Tre", "Fire"]}
    return words[lang][n] if n < 5 else str(n)


def names(ids: Sequence[str], measures: Dict[str, Measure], lang: str) -> str:
    return ", ".join(title_with_period(measures[i], lang) for i in ids if i in measures)


def status_line(m: Measure, related: Dict[str, Measure], lang: str, today) -> str:
    """What the declared status says, in one sentence: nothing for a confirmed entry in force (the
    only one a «gjelder nå» may follow), not begun, not confirmed after the 2026 change, or ended
    (and what replaced it)."""
    if m.is_current(today):
        return "" if m.confirmed else t("in_doubt", lang)
    if m.valid_from and m.valid_from > today and not m.has_ended(today):
        return t("not_yet", lang, date=format_date(m.valid_from, lang))
    replacements = names(m.replaced_by, related, lang)
    if replacements:
        return t("historic_now", lang, names=replacements)
    when = period(m, lang)
    return t("historic_ended", lang, period=when) if when else t("historic_ended_undated", lang)


def first_sentences(text: str, limit: int = 220) -> str:
    """The opening sentence(s) of ``text`` that fit in ``limit`` characters (at least one; a long
    first sentence is cut at a word with «…»)."""
    sentences = _SENTENCE_END.split(text.strip())
    out = sentences[0]
    for s in sentences[1:]:
        if len(out) + 1 + len(s) > limit:
            break
        out += " " + s
    if len(out) > limit + 60:
        out = out[:limit].rsplit(" ", 1)[0] + " …"
    return out


# The description's opening in a short answer (characters; at least one sentence).
SHORT_DESCRIPTION = 260

# Uncertain notes shown in a short answer; the rest stand behind «Les mer».
MAX_NOTES = 1


def note_lines(notes: Sequence[Text], lang: str, limit: int = MAX_NOTES) -> List[str]:
    """«Usikkert: …» for the first ``limit`` notes and, when there are more, how many are left."""
    lines = [f"{t('uncertain', lang)}: {local(u, lang)}" for u in notes[:limit]]
    if len(notes) > limit:
        lines.append(t("more_uncertain", lang, n=len(notes) - limit))
    return lines


def read_more_button(m: Measure, lang: str) -> Button:
    return button(short_label(t("btn_read_more", lang, name=m.title(lang))), "ask_measure", measure=m.id, part="all")


def measure_details(m: Measure, related: Dict[str, Measure], lang: str, today,
                    labels: Optional["Labels"] = None, full: bool = False) -> Reply:
    """One measure: by default a phone screen (what it is, for whom, status, what is not confirmed,
    source) with «Les mer» and buttons for applying, money and deadlines; ``full``: everything."""
    if full:
        return measure_everything(m, related, lang, today, labels)
    title = title_with_period(m, lang)
    named = m.abbreviation and m.abbreviation.lower() not in title.lower()
    lines = [title + (f" – {m.abbreviation}" if named else "")]
    if m.summary:
        # Written for this: what, for whom, who applies to whom, the money.
        lines.append(local(m.summary, lang))
        if m.credits:
            lines.append(t("credits_line", lang, n=m.credits))
    else:
        lines.append(first_sentences(local(m.description, lang), SHORT_DESCRIPTION))
        who = audience_line(m, labels, lang)
        if who:
            lines.append(who)
        if m.credits:
            lines.append(t("credits_line", lang, n=m.credits))
        # What a «hva er X?» needs besides what and for whom: who applies to whom, and the money.
        if m.apply:
            lines.append(f"{t('apply', lang)}: {first_sentences(local(m.apply, lang), 160)}")
        if m.funding or m.funded_by:
            lines.append(f"{t('funding', lang)}: {short_funding(m, related, lang, today, hint='')}")
        replaces = replaces_line(m, related, lang)
        if replaces:
            lines.append(replaces)
    status = status_line(m, related, lang, today)
    if status:
        lines.append(status)
    if m.in_doubt and m.uncertain:
        lines += note_lines(m.uncertain, lang, limit=1)
    elif m.uncertain:
        lines.append(t("uncertain_count", lang, n=len(m.uncertain)))
    lines.append(source_line(m.sources, m.last_checked, lang))
    buttons = replacement_buttons(m, related, lang, today) + [read_more_button(m, lang)]
    if m.is_current(today):
        buttons += [button(t("btn_apply", lang), "ask_apply"), button(t("btn_funding", lang), "ask_funding"),
                    button(t("btn_deadline", lang), "ask_deadline")]
    return Reply("\n\n".join(lines), buttons)


def measure_everything(m: Measure, related: Dict[str, Measure], lang: str, today,
                       labels: Optional["Labels"] = None) -> Reply:
    """Everything about one measure: what, for whom, period, money, how to apply, source."""
    title = title_with_period(m, lang, full=True)
    named = m.abbreviation and m.abbreviation.lower() not in title.lower()
    lines = [title + (f" – {m.abbreviation}" if named else ""),
             local(m.description, lang)]
    who = audience_line(m, labels, lang)
    if who:
        lines.append(who)
    if m.requires:
        lines.append(requires_line(m, lang))
    if m.credits:
        lines.append(t("credits_line", lang, n=m.credits))
    status = status_line(m, related, lang, today)
    if status:
        lines.append(status)
    lines.append(f"{t('apply', lang)}: {local(m.apply, lang)}")
    lines.append(f"{t('funding', lang)}: {local(m.funding, lang)}")
    lines += funding_lines(m, related, lang, today)
    if m.deadlines:
        lines.append(f"{t('deadlines', lang)}: {local(m.deadlines, lang)}")
    for u in m.uncertain:
        lines.append(f"{t('uncertain', lang)}: {local(u, lang)}")
    lines.append(source_line(m.sources, m.last_checked, lang))
    buttons = replacement_buttons(m, related, lang, today) or [
        button(t("btn_apply", lang), "ask_apply"), button(t("btn_funding", lang), "ask_funding"),
        button(t("btn_deadline", lang), "ask_deadline")]
    return Reply("\n\n".join(lines), buttons)


def compare_reply(ms: Sequence[Measure], related: Dict[str, Measure], lang: str, today,
                  labels: Optional["Labels"] = None) -> Reply:
    """Two or three entries side by side, a few lines each: what it is, for whom, how big, whether
    it applies now, how it is paid for – then the sources, and a «Les mer» per entry."""
    blocks = []
    for m in ms:
        lines = [title_with_period(m, lang) + ":", first_sentences(local(m.description, lang), 160)]
        who = audience_line(m, labels, lang)
        if who:
            lines.append(who)
        if m.credits:
            lines.append(t("credits_line", lang, n=m.credits))
        status = status_line(m, related, lang, today)
        if status:
            lines.append(status)
        lines.append(f"{t('funding', lang)}: {short_funding(m, related, lang, today, hint='see_read_more')}")
        blocks.append("\n".join(lines))
    sources = "\n".join(f"{m.title(lang)} – {source_line(m.sources, m.last_checked, lang)}" for m in ms)
    return Reply("\n\n".join(blocks + [sources]), [read_more_button(m, lang) for m in ms])


def replaces_line(m: Measure, related: Dict[str, Measure], lang: str) -> str:
    """«Erstatter: Rekomp, Dekomp …» for a scheme that took over from earlier ones (empty else)."""
    earlier = [r for r in related.values() if m.id in r.replaced_by]
    if not earlier:
        return ""
    return t("replaces", lang, names=join_and(sorted(r.title(lang) for r in earlier)))


def replacement_buttons(m: Measure, related: Dict[str, Measure], lang: str, today) -> List[Button]:
    """For an entry that has ended: one button per scheme that replaced it («og hva gjelder nå?»
    after Rekomp leads on to the 2026 scheme)."""
    if m.is_current(today):
        return []
    return [button(short_label(t("btn_about", lang, name=related[r].title(lang))), "ask_measure", measure=r)
            for r in m.replaced_by if r in related]


def requires_line(m: Measure, lang: str) -> str:
    """'Krav for å delta: …' (empty when the measure has no entry requirement)."""
    return f"{t('requires', lang)}: {local(m.requires, lang)}" if m.requires else ""


def audience_line(m: Measure, labels: Optional["Labels"], lang: str) -> str:
    """'Gjelder: barnehage, grunnskole, SFO · for: alle ansatte · kollektivt'."""
    if labels is None:
        return ""
    sectors = ", ".join(labels.short("sectors", s, lang) for s in m.sectors)
    roles = ", ".join(labels.short("roles", r, lang) for r in m.roles)
    parts = [sectors]
    if roles:
        parts.append(t("for_roles", lang, roles=roles))
    parts.append(t(f"form_{m.form}", lang))
    return f"{t('applies_to', lang)}: " + " · ".join(p for p in parts if p) + "."


FIELD_KINDS = ("status", "who", "apply", "funding", "deadlines")


def notes_for(m: Measure, kinds: Sequence[str]) -> List[Text]:
    """The uncertain notes that concern the parts shown (a note tagged with none concerns all):
    «når er fristen?» gets the deadline note, not the budget estimate. An entry in doubt keeps all."""
    return [u for u, _ in _notes_with_tags(m, kinds)]


def _notes_with_tags(m: Measure, kinds: Sequence[str]) -> List[Tuple[Text, bool]]:
    """(note, tagged with one of ``kinds``) for the notes that concern the parts shown."""
    about = list(m.uncertain_about) + [()] * (len(m.uncertain) - len(m.uncertain_about))
    out = []
    for u, a in zip(m.uncertain, about, strict=True):
        tagged = bool(set(a) & set(kinds))
        if m.in_doubt or not a or tagged:
            out.append((u, tagged))
    return out


def short_notes(m: Measure, kinds: Sequence[str], lang: str,
                prefer: Optional[Callable[[Text], bool]] = None) -> List[str]:
    """The caveats of a short answer: every note tagged with the part asked about, then (the ones
    ``prefer`` picks first) at most MAX_NOTES of the general ones, and how many more «Les mer» has."""
    notes = _notes_with_tags(m, kinds)
    tagged = [u for u, is_tagged in notes if is_tagged]
    general = [u for u, is_tagged in notes if not is_tagged]
    if prefer is not None:
        general.sort(key=lambda u: not prefer(u))
        tagged.sort(key=lambda u: not prefer(u))
    lines = [f"{t('uncertain', lang)}: {local(u, lang)}" for u in tagged]
    return lines + note_lines(general, lang)


def field_reply(kinds, ms: Sequence[Measure], related: Dict[str, Measure], lang: str, today,
                labels: Optional["Labels"] = None, prefer: Optional[Callable[[Text], bool]] = None) -> Reply:
    """Some fields ('status', 'who', 'apply', 'funding', 'deadlines') of one or more measures."""
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    intro = {"apply": "apply_intro", "funding": "funding_intro", "deadlines": "deadlines_intro"}
    lines = [t(intro[kinds[0]], lang)] if len(kinds) == 1 and kinds[0] in intro else []
    for m in ms:
        head = title_with_period(m, lang)
        parts: List[str] = []
        status = status_line(m, related, lang, today)
        shown = _shown_parts(m, kinds, bool(status))
        for kind in kinds:
            if kind == "status":
                if status:
                    parts.append(status)
                elif m.confirmed:  # «Dette gjelder nå» only where the reference confirms it
                    parts.append(t("current_now", lang, period=period(m, lang) or t("in_force", lang)))
                status = ""
            elif kind == "who":
                # "Gjelder det …?" is answered by what it is and for whom (how to apply and the
                # money are a button away).
                parts += [first_sentences(local(m.description, lang)), audience_line(m, labels, lang),
                          requires_line(m, lang)]
            elif kind == "deadlines" and not m.deadlines:
                parts.append(t("no_deadline_short", lang))
            elif kind in ("apply", "funding", "deadlines"):
                value = local(getattr(m, kind), lang)
                parts.append(f"{t(kind, lang)}: {value}" if len(kinds) > 1 else value)
                if kind == "apply" and "who" not in kinds:
                    # «kan jeg som teamleder ta rektorutdanningen?»: who may take part is part of applying.
                    parts.append(requires_line(m, lang))
                if kind == "apply" and m.deadlines and "deadlines" not in kinds:
                    # How to apply is only half an answer without when.
                    parts.append(f"{t('deadlines', lang)}: {local(m.deadlines, lang)}")
                if kind == "funding":
                    parts += funding_lines(m, related, lang, today)
        if status:
            parts.append(status)
        parts += short_notes(m, shown, lang, prefer)
        parts.append(source_line(m.sources, m.last_checked, lang))
        lines.append(f"{head}:\n" + "\n".join(p for p in parts if p))
    return Reply("\n\n".join(lines))


def _shown_parts(m: Measure, kinds: Sequence[str], status_shown: bool) -> List[str]:
    """The answer parts a field reply shows, so that every caveat about them reaches it: an
    apply-answer also shows the deadlines, and any answer about an entry not confirmed its status."""
    shown = list(kinds)
    if "apply" in kinds and m.deadlines:
        shown.append("deadlines")
    if status_shown:
        shown.append("status")
    return shown


def outside_reply(topic: OutsideTopic, lang: str, offer: Optional[Measure] = None) -> Reply:
    """A near-domain question: who answers it instead, what the assistant can do, the source."""
    text = "\n\n".join([local(topic.text, lang), t("outside_offer", lang),
                         source_line(topic.sources, topic.last_checked, lang)])
    buttons = [button(t("btn_find_measures", lang), "request_measures")]
    if offer is not None:
        buttons.insert(0, button(short_label(offer.title(lang)), "ask_measure", measure=offer.id))
    return Reply(text, buttons)


def catalog_labels(catalog: Catalog) -> Labels:
    return Labels(catalog.terms)
