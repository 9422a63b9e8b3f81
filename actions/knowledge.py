"""Questions about schemes, measures and concepts, answered from the catalog."""

from __future__ import annotations

import re
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.common import (
    CatalogAction,
    language,
    latest_entities,
    latest_intent,
    latest_text,
    send,
    today,
    view,
)
from bot.answers import (
    Reply,
    button,
    compare_reply,
    field_reply,
    measure_details,
    outside_reply,
    read_more_button,
    replacement_buttons,
    short_label,
    source_line,
)
from bot.catalog.records import local
from bot.knowledge.eligibility import verdict
from bot.knowledge.plan import plan_about, plan_answer
from bot.knowledge.verdicts import decide, verdict_reply
from bot.texts import INTENT_LABELS, t
from bot.understanding import FORM_SLOTS as SLOT_ENTITIES
from bot.understanding import SlotParser
from kvnlu.questions import is_question, names_outside_topic, question_cues

# Offered when a question names no scheme and nothing was discussed yet.
FEATURED = ("kollektiv-barnehage-grunnskole", "videreutdanning-tilskudd-2026", "kollektiv-videregaende",
            "rekomp", "dekomp")
MAX_LISTED = 3


def _entities(tracker: Tracker, name: str) -> List[str]:
    return [str(e.get("value")) for e in latest_entities(tracker) if e.get("entity") == name]


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    return next(iter(_entities(tracker, name)), None)


def _named(tracker: Tracker, slot: str, parser: SlotParser) -> List[str]:
    """The vocabulary ids the latest message names for ``slot`` ("sector", "role")."""
    return [x for x in _entities(tracker, slot) if parser.is_valid(slot, x)]


def _which_reply(lang: str) -> Reply:
    v = view()
    ids = [i for i in FEATURED if i in v.by_id] or [m.id for m in v.measures[:MAX_LISTED]]
    buttons = [button(short_label(v.by_id[i].title(lang)), "ask_measure", measure=i) for i in ids]
    buttons.append(button(t("btn_find_measures", lang), "request_measures"))
    return Reply(t("which_measure", lang), buttons)


FIELD_BUTTON_INTENT = {"apply": "ask_apply", "funding": "ask_funding", "deadlines": "ask_deadline"}


def _candidates_reply(ids, plan, lang: str, in_form: bool) -> Reply:
    """«Mente du en av disse?» with the entries a search found close together; each button asks
    for the part the question asked about (the money, the deadline) of that entry."""
    v = view()
    part = next((f for f in plan.fields if f in FIELD_BUTTON_INTENT), None) if plan.kind == "fields" else None
    intent = FIELD_BUTTON_INTENT[part] if part else "ask_measure"
    buttons = [button(short_label(v.by_id[i].title(lang)), intent, measure=i) for i in ids]
    text = t("search_candidates", lang) + ("\n\n" + t("resume", lang) if in_form else "")
    return Reply(text, buttons + ([] if in_form else [button(t("btn_find_measures", lang), "request_measures")]))


def _concept_reply(cid: Optional[str], lang: str, in_form: bool) -> Reply:
    v = view()
    by_id = {c.id: c for c in v.concepts}
    others = [c for c in v.concepts if c.id != cid][:MAX_LISTED]
    buttons = [button(short_label(local(c.title, lang)), "ask_concept", concept=c.id) for c in others]
    if cid not in by_id:
        return Reply(t("concept_unknown", lang), buttons)
    c = by_id[cid]
    body = f"{local(c.title, lang)}\n\n{local(c.text, lang)}\n\n{source_line(c.sources, c.last_checked, lang)}"
    if in_form:
        return Reply(body + "\n\n" + t("resume", lang))
    return Reply(body, buttons + [button(t("btn_find_measures", lang), "request_measures")])


OTHER_FIELDS = [("apply", "btn_apply", "ask_apply"), ("funding", "btn_funding", "ask_funding"),
                ("deadlines", "btn_deadline", "ask_deadline")]


class KnowledgeAction(CatalogAction):
    """All knowledge intents share one reading of the question (bot.knowledge.plan.plan_answer); the intent
    that triggered the action is only a hint."""

    intent = ""

    def name(self) -> str:
        return f"action_answer_{self.intent.replace('ask_', '')}"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        v = view()
        now = today()
        text = latest_text(tracker)
        payload_measure = _entity(tracker, "measure")
        payload_concept = _entity(tracker, "concept")
        context = tracker.get_slot("measure") if tracker.get_slot("measure") in v.by_id else None
        suggested = [i for i in (tracker.get_slot("suggested") or []) if i in v.by_id][:MAX_LISTED]
        if payload_measure in v.by_id:
            plan = plan_answer("", self.intent, v.measure_names, v.concept_names, payload_measure)
            if plan.kind == "which":
                plan.kind, plan.measures = "details", [payload_measure]
        elif payload_concept:
            plan = plan_answer("", "ask_concept", v.measure_names, v.concept_names)
            plan.kind, plan.concept = "concept", payload_concept
        else:
            plan = plan_answer(text, self.intent, v.measure_names, v.concept_names, context, suggested,
                               is_current=lambda i: v.by_id[i].is_current(now), aliases=v.aliases,
                               scheme_of=v.scheme_of)
        in_form = bool(tracker.active_loop_name)
        typed = not text.startswith("/")
        fact = self._fact(text, plan, context, lang) if typed else None
        if fact is not None:
            return self._verdict(dispatcher, fact, lang, now, in_form)
        if plan.kind in ("which", "concept_menu") and not in_form and typed:
            # «hva finnes for oss i SFO som vil bli bedre på lek?» names no measure but where and
            # what: answer it with suggestions (answer first).
            from actions.advice import answer_need

            events = answer_need(dispatcher, tracker)
            if events is not None:
                return events
        if plan.kind == "which" and typed:
            # Named by none of its names («hospitere», «den nye kollektive kompetanseordningen»):
            # search by words and meaning; the clear best is answered, close ones are offered.
            from bot.understanding.semantic import similarities

            found = v.search.find(text, lang, now, similarities)
            if found.clear:
                plan = plan_about(text, self.intent, found.best)
                fact = self._fact(text, plan, None, lang)
                if fact is not None:
                    return self._verdict(dispatcher, fact, lang, now, in_form)
            elif found.ids:
                send(dispatcher, _candidates_reply(found.ids, plan_about(text, self.intent, found.ids[0]), lang, in_form))
                return []
        if plan.kind == "concept" or plan.kind == "concept_menu":
            send(dispatcher, _concept_reply(plan.concept, lang, in_form))
            return []
        if plan.kind == "which":
            # Say a typed name is unknown only when the message could name one.
            unknown = not text.startswith("/") and (
                (self.intent == "ask_measure" and len(text) >= 4) or len(text.split()) >= 5)
            reply = _which_reply(lang)
            if unknown:
                reply.text = t("unknown_measure", lang) + " " + reply.text
            send(dispatcher, reply)
            return []
        measures = [v.by_id[i] for i in plan.measures]
        if plan.kind == "compare":
            reply = compare_reply(measures, v.by_id, lang, now, v.labels)
            send(dispatcher, Reply(reply.text + "\n\n" + t("resume", lang)) if in_form else reply)
            return []
        if plan.kind == "details":
            # «Les mer» sends part=all: everything the catalog holds about the measure.
            full = payload_measure in v.by_id and _entity(tracker, "part") == "all"
            reply = measure_details(measures[0], v.by_id, lang, now, v.labels, full=full)
        else:
            # A caveat about what the question names («assistent», «SFO») comes first.
            asked = set(_named(tracker, "role", v.parser)) | set(_named(tracker, "sector", v.parser))
            prefer = (lambda note: bool(asked & set(v.parser.sectors_and_roles(local(note, lang))))) if asked else None
            reply = field_reply(plan.fields, measures, v.by_id, lang, now, v.labels, prefer)
            # Only a who-question gets the verdict: «Får rektorer stipend …?» is about money, and a
            # «Ja, … gjelder også for leder» in front of it read as «yes, there is a stipend».
            if "who" in plan.fields and len(measures) == 1:
                # «Gjelder det for SFO også?», «kan en PPT-rådgiver være med?»: a direct yes/no about
                # the sector or role named first, the asked part after it – but «kan en enkelt skole
                # søke?» names a place that applies, not the target group asked about.
                roles, sectors = _named(tracker, "role", v.parser), _named(tracker, "sector", v.parser)
                applicant_place = "apply" in question_cues(text) and not roles
                lead = "" if applicant_place else verdict(measures[0], sectors, roles, lang, v.labels, v.parser,
                                                          v.measures, now, text)
                if lead:
                    reply.text = f"{lead}\n\n{reply.text}"
            reply.buttons = (replacement_buttons(measures[0], v.by_id, lang, now) + [read_more_button(measures[0], lang)]
                             if len(measures) == 1 else [])
            reply.buttons += [button(t(label, lang), intent) for f, label, intent in OTHER_FIELDS
                              if f not in plan.fields]
        if in_form:
            reply = Reply(reply.text + "\n\n" + t("resume", lang))
        send(dispatcher, reply)
        return [SlotSet("measure", plan.measures[0])] if len(plan.measures) == 1 else []


    @staticmethod
    def _verdict(dispatcher, fact, lang: str, now, in_form: bool):
        """«får eg vikar under styrarutdanninga?»: Ja / Nei / Det er usikkert, why, the source."""
        reply = verdict_reply(fact, lang, view().by_id, now)
        send(dispatcher, Reply(reply.text + "\n\n" + t("resume", lang)) if in_form else reply)
        return [SlotSet("measure", fact.measure.id)]

    @staticmethod
    def _fact(text: str, plan, context: Optional[str], lang: str):
        """The catalog fact that answers a yes/no question about the entry asked about (named, the
        scheme a general word stands for, or the one discussed)."""
        from bot.understanding.semantic import similarities

        v = view()
        ids = list(plan.measures) if plan.kind in ("details", "fields") else []
        if plan.kind == "concept" and plan.concept in v.scheme_of:
            ids.append(v.scheme_of[plan.concept])
        if context and not ids:
            ids.append(context)
        entries = [v.by_id[i] for i in ids if i in v.by_id]
        return decide(text, entries, v.fact_matchers, v.by_id, lang, today(), similarities)


class ActionAnswerMeasure(KnowledgeAction):
    intent = "ask_measure"


class ActionAnswerApply(KnowledgeAction):
    intent = "ask_apply"


class ActionAnswerFunding(KnowledgeAction):
    intent = "ask_funding"


class ActionAnswerDeadline(KnowledgeAction):
    intent = "ask_deadline"

    def name(self) -> str:
        return "action_answer_deadline"


class ActionAnswerConcept(KnowledgeAction):
    intent = "ask_concept"


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

    @staticmethod
    def _is_knowledge_question(tracker: Tracker) -> bool:
        text = latest_text(tracker)
        if not text or text.startswith("/") or not is_question(text):
            return False
        v = view()
        context = tracker.get_slot("measure") if tracker.get_slot("measure") in v.by_id else None
        plan = plan_answer(text, None, v.measure_names, v.concept_names, context)
        return plan.kind in ("details", "fields", "concept")

    async def act(self, dispatcher, tracker, domain):
        if self._is_knowledge_question(tracker):
            # Unsure classifier, clear question: it names a measure or concept (or follows up on
            # the one discussed with "og fristen?"), so answer it instead of asking what was meant.
            return await ActionAnswerMeasure().act(dispatcher, tracker, domain)
        if not tracker.active_loop_name and not latest_text(tracker).startswith("/"):
            from actions.advice import ActionStartAdvice, answer_need

            events = answer_need(dispatcher, tracker)
            if events is not None:
                return events
            if any(e.get("entity") in ("sector", "role", "theme") for e in latest_entities(tracker)):
                # Unsure what was meant, but it names where or what: that is a need – start the
                # advisor (it asks only what is missing) instead of «Mente du …?».
                events = await ActionStartAdvice().act(dispatcher, tracker, domain)
                return events + [FollowupAction("advisor_form")]
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


# At or above this confidence an out-of-scope message is refused even when it uses our words
# («sonen min fekk 2 i matte», «når åpner sfo om morgenen?»). Measured 2026-11-29 on three splits of
# messages by new writers, each with a model trained without them (/tmp/exp scripts, session note):
# of the messages predicted out_of_scope that contain DOMAIN_STEMS, 47 of 47 at >= 0.8 were out of
# scope; 1 of 4 below it was a real question.
SURE_OUT_OF_SCOPE = 0.8


# Offered beside a near-domain answer: most such questions come from someone taking videreutdanning.
OUTSIDE_OFFER = "videreutdanning-tilskudd-2026"


class ActionOutOfScope(CatalogAction):
    """A near-domain question (study loans, wages, …) gets where to ask instead; anything else is
    out of scope, unless the message mentions our topic and the classifier is unsure: then ask what
    was meant. Inside the advisor form only the refusal is said (the form asks its question again)."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def act(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        v = view()
        topic = names_outside_topic(text, v.outside_names)
        in_form = bool(tracker.active_loop_name)
        if topic:
            found = next(o for o in v.outside if o.id == topic)
            offer = None if in_form else v.by_id.get(OUTSIDE_OFFER)
            reply = outside_reply(found, language(tracker), offer)
            send(dispatcher, Reply(reply.text) if in_form else reply)
            return []
        if in_form:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        slot_entities = [e for e in latest_entities(tracker) if e.get("entity") in SLOT_ENTITIES]
        _, confidence = latest_intent(tracker)
        if confidence < SURE_OUT_OF_SCOPE and (slot_entities or DOMAIN_STEMS.search(text)):
            return await ActionClarify().act(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
