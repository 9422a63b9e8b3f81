"""Yes/no questions answered from the catalog's facts: «Ja.», «Nei.» or «Det er usikkert.» first,
then why, then the source. Pure.

A question is a yes/no question when one of its question sentences starts with a finite verb
(«kan vi …?», «får eg …?», «må me …?») or asks whether something said is true («… stemmer det?»);
«kan du fortelle om …?» and «finnes det noe for …?» ask for information, not a verdict. The fact
is the one of the entry asked about whose terms the question sentences name (word forms, typos and
compounds tolerated, the earliest named wins), else the one whose question is nearest in meaning,
when clearly nearest. A question no fact decides is left to the rest of the answer plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from bot.answers import Reply, period, read_more_button, replacement_buttons, source_line
from bot.catalog.records import Fact, Measure, local
from bot.texts import format_date, join_and, t
from kvnlu.matcher import VocabularyMatcher, match_text
from kvnlu.questions import question_cues, yes_no_sentences

LEADS = {"yes": "fact_yes", "no": "fact_no", "unsure": "fact_unsure"}
# The meaning route: the fact's question must be this near (cosine, multilingual-e5-small) and
# nearer by MARGIN than the next fact of the entry.
NEAR, MARGIN = 0.93, 0.03


@dataclass(frozen=True)
class Verdict:
    measure: Measure
    fact: Fact
    by_meaning: bool = False


# «kan vi søke en ny runde rekomp nå?» about an entry that has ended is answered by its status too.
NOW = re.compile(r"\b(nå|no|i år|neste år|til høsten|til hausten|til våren|2026|2027|ny runde|igjen|lenger)\b", re.IGNORECASE)


def status_verdict(text: str, m: Measure, related: Dict[str, Measure], lang: str, today) -> Optional[Verdict]:
    """«finnes rekomp fortsatt?», «gjeld KFK framleis?», «kan vi søke rekomp igjen nå?»: decided by
    the declared status – ended or superseded (and what replaced it) is no, confirmed and in force
    is yes, anything else is unsure. None when the question does not ask whether it still applies."""
    if not asks_status(text, m, today):
        return None
    ended = m.has_ended(today)
    name = m.title(lang)
    if ended:
        answer = "no"
        says = (t("status_ended", lang, name=name, end=format_date(m.valid_to, lang)) if m.valid_to
                else t("status_ended_undated", lang, name=name))
        replaced = [related[r].title(lang) for r in m.replaced_by if r in related]
        if replaced:
            says += " " + t("status_replaced", lang, names=join_and(replaced))
    elif m.confirmed and m.is_current(today):
        when = period(m, lang)
        answer = "yes"
        says = t("status_current", lang, name=name, period=when) if when else t("status_current_undated", lang, name=name)
    else:
        answer = "unsure"
        says = t("status_unsure", lang, name=name)
        if m.uncertain:
            says += " " + local(m.uncertain[0], lang)
    text_of = {lang: says}
    return Verdict(m, Fact(answer=answer, terms=(), asks=text_of, says=text_of, basis="status"))


def asks_status(text: str, m: Measure, today, explicit: bool = False) -> bool:
    """Whether the yes/no part of ``text`` asks if ``m`` still applies: «finnes/gjeld … fortsatt,
    framleis, lenger?» (explicit), or, for an entry that has ended, whether one can apply now."""
    asked = " ".join(yes_no_sentences(text))
    if not asked:
        return False
    cues = question_cues(asked)
    if cues & {"status", "exists"}:
        return True
    return not explicit and m.has_ended(today) and "apply" in cues and bool(NOW.search(asked))


def decide(text: str, entries: Sequence[Measure], matchers: Dict[str, VocabularyMatcher],
           related: Dict[str, Measure], lang: str, today,
           similar: Optional[Callable[[str, Sequence[str]], List[float]]] = None) -> Optional[Verdict]:
    """The verdict on a yes/no question about ``entries`` (the one asked about first): an explicit
    «finnes det fortsatt?» by the declared status, then the entry's facts, then the status again
    («kan vi søke rekomp nå?»); None when nothing decides it."""
    if not entries:
        return None
    if asks_status(text, entries[0], today, explicit=True):
        return status_verdict(text, entries[0], related, lang, today)
    return find_fact(text, entries, matchers, similar, lang) or status_verdict(text, entries[0], related, lang, today)


def fact_matchers(measures: Sequence[Measure]) -> Dict[str, VocabularyMatcher]:
    """Per entry with facts, one matcher of their terms (value: the fact's index)."""
    return {m.id: VocabularyMatcher(("fact", str(i), term) for i, f in enumerate(m.facts) for term in f.terms)
            for m in measures if m.facts}


def find_fact(text: str, entries: Sequence[Measure], matchers: Dict[str, VocabularyMatcher],
              similar: Optional[Callable[[str, Sequence[str]], List[float]]] = None,
              lang: str = "nb") -> Optional[Verdict]:
    """The fact of ``entries`` (the entry asked about first) that decides the yes/no question
    ``text``; None when the question is not a yes/no question or no fact clearly decides it.
    ``similar(text, candidates)``: cosine similarities by meaning (None: words only)."""
    # Only the sentences that ask for a verdict: «Hvem søker? Kan private være med?» is decided by
    # the second, and the first is left to the rest of the answer.
    asked = " ".join(yes_no_sentences(text))
    if not entries or not asked:
        return None
    # The terms of the question sentences first («Eg vil ha vikar. Er det gratis?» asks about the
    # price), then of what was said with them («jeg er assistent. kan jeg få 25 % fri?»).
    for words in (asked, " ".join(yes_no_sentences(text, context=True))):
        for entry in entries:
            found = match_text(matchers[entry.id], words) if entry.id in matchers else []
            if found:
                return Verdict(entry, entry.facts[int(found[0].value)])
    if similar is None:
        return None
    candidates: List[Tuple[Measure, Fact]] = [(m, f) for m in entries[:1] for f in m.facts]
    if not candidates:
        return None
    scores = similar(asked, [local(f.asks, lang) for _, f in candidates])
    ranked = sorted(zip(scores, range(len(candidates)), strict=True), reverse=True)
    best, index = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    if best >= NEAR and best - runner_up >= MARGIN:
        m, f = candidates[index]
        return Verdict(m, f, by_meaning=True)
    return None


def verdict_reply(v: Verdict, lang: str, related: Optional[Dict[str, Measure]] = None, today=None) -> Reply:
    """«Nei. Udir betaler berre studieplassen …», the source, a button to read more (and, for an
    entry that has ended, one to each that replaced it)."""
    m = v.measure
    text = f"{t(LEADS[v.fact.answer], lang)} {local(v.fact.says, lang)}"
    if v.fact.basis == "status" and m.summary and v.fact.answer != "no":
        # «Finnes det stipend til PPU?» – «Ja.» and what it is; «nei» already says what replaced it.
        text += "\n\n" + local(m.summary, lang)
    text += f"\n\n{m.title(lang)} – {source_line(m.sources, m.last_checked, lang)}"  # what the answer is about
    buttons = replacement_buttons(m, related, lang, today) if related is not None and today is not None else []
    return Reply(text, buttons + [read_more_button(m, lang)])
