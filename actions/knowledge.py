"""Questions about schemes, measures and concepts, answered from the catalog."""

from __future__ import annotations

import re
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.common import (
    CatalogAction,
    language,
    latest_entities,
    latest_text,
    send,
    today,
    view,
)
from bot.answers import Reply, button, field_reply, measure_details, source_line
from bot.catalog.records import local
from bot.texts import INTENT_LABELS, t
from bot.understanding import FORM_SLOTS as SLOT_ENTITIES
from bot.understanding import find_concept, find_measures

# Offered when a question names no scheme and nothing was discussed yet.
FEATURED = ("kollektiv-barnehage-grunnskole", "videreutdanning-tilskudd-2026", "kollektiv-videregaende",
            "rekomp", "dekomp")
MAX_LISTED = 3


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    return next((str(e.get("value")) for e in latest_entities(tracker) if e.get("entity") == name), None)


def resolve_measures(tracker: Tracker, allow_suggested: bool = True) -> List[str]:
    """Measures the question is about: named now, else the one discussed, else the suggestions."""
    v = view()
    from_payload = _entity(tracker, "measure")
    if from_payload in v.by_id:
        return [from_payload]
    text = latest_text(tracker)
    named = [] if text.startswith("/") else find_measures(text, v.measure_names)
    if named:
        now = today()
        # Prefer what applies today when a name fits several entries.
        return sorted(named, key=lambda i: not v.by_id[i].is_current(now))
    if tracker.get_slot("measure") in v.by_id:
        return [tracker.get_slot("measure")]
    if allow_suggested:
        return [i for i in (tracker.get_slot("suggested") or []) if i in v.by_id][:MAX_LISTED]
    return []


def _which_reply(lang: str) -> Reply:
    v = view()
    ids = [i for i in FEATURED if i in v.by_id] or [m.id for m in v.measures[:MAX_LISTED]]
    buttons = [button(v.by_id[i].title(lang)[:60], "ask_measure", measure=i) for i in ids]
    buttons.append(button(t("btn_find_measures", lang), "request_measures"))
    return Reply(t("which_measure", lang), buttons)


class ActionAnswerMeasure(CatalogAction):
    def name(self) -> str:
        return "action_answer_measure"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        ids = resolve_measures(tracker, allow_suggested=False)
        if not ids:
            text = latest_text(tracker)
            send(dispatcher, _which_reply(lang) if text.startswith("/") or len(text) < 4
                 else Reply(t("unknown_measure", lang) + " " + t("which_measure", lang),
                            _which_reply(lang).buttons))
            return []
        v = view()
        send(dispatcher, measure_details(v.by_id[ids[0]], v.by_id, lang, today()))
        return [SlotSet("measure", ids[0])]


class FieldAction(CatalogAction):
    """Answers one field (apply, funding, deadlines) for the measure(s) in context."""

    field_name = ""

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        ids = resolve_measures(tracker)
        if not ids:
            send(dispatcher, _which_reply(lang))
            return []
        v = view()
        reply = field_reply(self.field_name, [v.by_id[i] for i in ids], v.by_id, lang, today())
        others = [("apply", "btn_apply", "ask_apply"), ("funding", "btn_funding", "ask_funding"),
                  ("deadlines", "btn_deadline", "ask_deadline")]
        reply.buttons = [button(t(label, lang), intent) for f, label, intent in others if f != self.field_name]
        send(dispatcher, reply)
        return [SlotSet("measure", ids[0])] if len(ids) == 1 else []


class ActionAnswerApply(FieldAction):
    field_name = "apply"

    def name(self) -> str:
        return "action_answer_apply"


class ActionAnswerFunding(FieldAction):
    field_name = "funding"

    def name(self) -> str:
        return "action_answer_funding"


class ActionAnswerDeadline(FieldAction):
    field_name = "deadlines"

    def name(self) -> str:
        return "action_answer_deadline"


class ActionAnswerConcept(CatalogAction):
    def name(self) -> str:
        return "action_answer_concept"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        v = view()
        by_id = {c.id: c for c in v.concepts}
        cid = _entity(tracker, "concept")
        text = latest_text(tracker)
        if cid not in by_id:
            cid = None if text.startswith("/") else find_concept(text, v.concept_names)
        others = [c for c in v.concepts if c.id != cid][:MAX_LISTED]
        buttons = [button(local(c.title, lang)[:60], "ask_concept", concept=c.id) for c in others]
        if cid is None:
            send(dispatcher, Reply(t("concept_unknown", lang), buttons))
            return []
        c = by_id[cid]
        body = f"{local(c.title, lang)}\n\n{local(c.text, lang)}\n\n{source_line(c.sources, c.last_checked, lang)}"
        if tracker.active_loop_name:
            body += "\n\n" + t("resume", lang)
            buttons = []
        send(dispatcher, Reply(body, buttons + ([button(t("btn_find_measures", lang), "request_measures")]
                                                if not tracker.active_loop_name else [])))
        return []


def consecutive_misses(tracker: Tracker) -> int:
    """How many user messages in a row (ending now) were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name != "nlu_fallback":
            break
        count += 1
    return max(count, 1)


class ActionClarify(CatalogAction):
    """Low confidence: 'Mente du ...?' first, then a hint, then where to get help."""

    def name(self) -> str:
        return "action_clarify"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        misses = consecutive_misses(tracker)
        if misses >= 3:
            send(dispatcher, Reply(t("clarify_help", lang), [button(t("btn_restart", lang), "start_over")]))
            return []
        if misses == 2:
            send(dispatcher, Reply(t("clarify_hint", lang),
                                   [button(INTENT_LABELS["request_measures"][lang], "request_measures"),
                                    button(INTENT_LABELS["ask_help"][lang], "ask_help")]))
            return []
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [r.get("name") for r in ranking if r.get("name") in INTENT_LABELS][:MAX_LISTED]
        for default in ("request_measures", "ask_measure", "ask_help"):
            if len(likely) >= 2:
                break
            if default not in likely:
                likely.append(default)
        buttons = [button(INTENT_LABELS[i][lang], i) for i in likely]
        send(dispatcher, Reply(t("clarify", lang), buttons))
        return []


# Word stems that show a message is about our topic even when the classifier says out_of_scope.
DOMAIN_STEMS = re.compile(
    r"kompetans|tiltak|ordning|tilskud|tilskot|utdann|kurs|studie|stipend|frist|søk|barnehag|skole|skule|"
    r"lærer|lærar|rekomp|dekomp|udir|statsforvalt", re.IGNORECASE)


class ActionOutOfScope(CatalogAction):
    """Out of scope, unless the message mentions our topic: then ask what was meant."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def act(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        slot_entities = [e for e in latest_entities(tracker) if e.get("entity") in SLOT_ENTITIES]
        if slot_entities or DOMAIN_STEMS.search(text):
            return await ActionClarify().act(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
