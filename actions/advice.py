"""The guided advisor: the form's questions and validation, and the suggestions."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import (
    CatalogAction,
    CatalogView,
    language,
    latest_entities,
    latest_intent,
    latest_text,
    send,
    store,
    today,
    view,
)
from bot.answers import Reply, button, measure_details, results_reply
from bot.catalog.db import CatalogUnavailable
from bot.recommend import SECTOR_NEIGHBOURS, Criteria, recommend, themes_for
from bot.texts import join_and, t
from bot.understanding import (
    FORM_SLOTS,
    SECTOR_OF_ROLE,
    SLOT_GROUP,
    find_measures,
    parse_number,
    roles_fit_sector,
)
from kvnlu.questions import is_question, question_cues

# Intents that mean "the user asks something else" while a question is open.
DIGRESSIONS = {
    "ask_concept", "ask_measure", "ask_deadline", "ask_apply", "ask_funding", "greet",
    "bot_challenge", "ask_help", "out_of_scope", "start_over", "stop", "thank", "goodbye",
    "summarize", "more_about", "show_more", "change_answer",
}
# Questions answered with buttons from the start (few, fixed choices).
BUTTON_SLOTS = {"sector", "audience", "anchoring", "duration"}
# At least this many theme buttons: a sector with few theme-specific measures (SFO) gets the most
# common themes of all sectors after its own (measures "for any theme" fit them too).
MIN_THEME_BUTTONS = 4
SUGGESTION_LIMIT = 3
# Answers recognised when they come to another question than the open one (not anchoring: «nei»).
OTHER_ANSWER_SLOTS = ("audience", "duration", "theme", "role", "sector")


def _previous_value(tracker: Tracker, slot: str) -> Optional[str]:
    """The slot's value before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
        elif seen_user and event.get("event") in ("restart", "session_started"):
            return None
    return None


# Words that say an earlier answer was wrong or is changed; also «det gjelder SFO» and «ikke skolen».
_PLACES = r"(skole\w*|skule\w*|barnehage\w*|sfo|ppt|pp-\w+|vgs|videreg\w*|vidareg\w*|lærebedrift\w*)"
_CORRECTION_WORDS = (r"\b(forresten|feil|endre|endra|rette|retting|heller|i stedet|istedet|istedenfor|i staden|vent)\b|"
                     r"\b(det gjelder|det gjeld|gjelder egentlig|gjeld eigentleg) (for |i |på )?" + _PLACES + r"|"
                     r"\b(ikke|ikkje) (i |på |for )?" + _PLACES)
CORRECTION_WORDS = re.compile(_CORRECTION_WORDS, re.IGNORECASE)
# A message that corrects an earlier answer rather than describing a new need.
CORRECTION = re.compile(r"^\W*(nei|neida|nja|nope)\b|" + _CORRECTION_WORDS, re.IGNORECASE)
# The user says something about themselves or that an answer was wrong (not only «nei», which
# also answers «is the need anchored?»).
SELF_CORRECTION = re.compile(r"\b(jeg|eg|vi|me) (er|jobber|jobbar|arbeider)\b|" + _CORRECTION_WORDS, re.IGNORECASE)


# «jeg er assistent», «vi er en liten barnehage», «eg jobbar på ein skule»: what follows is the user's own.
_SELF_BEFORE = {
    "role": re.compile(r"\b(?:(?:jeg|eg) (?:er|jobber som|jobbar som|arbeider som|arbeidar som)|"
                       r"(?:er|jobber|jobbar) (?:jeg|eg)(?: som)?|"
                       r"(?:jobber|jobbar|arbeider|arbeidar|er ansatt|er tilsett) som)(?: egentlig| eigentleg)?"
                       r"(?: en| ein| ei)?\s*$", re.IGNORECASE),
    "sector": re.compile(r"\b(?:(?:vi|me|jeg|eg) (?:er|jobber|jobbar|arbeider|arbeidar)(?: i| på| for)?|"
                         r"(?:er|jobber|jobbar) (?:vi|me|jeg|eg)(?: i| på)?|"
                         r"(?:jobber|jobbar|arbeider|arbeidar) (?:i|på))(?: egentlig| eigentleg)?"
                         r"(?: en| ein| ei| et| eit)?(?: \w+)?\s*$", re.IGNORECASE),
}


def _names_own(tracker: Tracker, slot: str) -> bool:
    """The latest message names its ``slot`` entity as the user's own («jeg er assistent …»)."""
    text = latest_text(tracker)
    for e in latest_entities(tracker):
        start = e.get("start")
        if e.get("entity") == slot and isinstance(start, int) and _SELF_BEFORE[slot].search(text[max(0, start - 40):start]):
            return True
    return False


class ValidateAdvisorForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_advisor_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        slots = ["sector", "theme", "audience"]
        if tracker.slots.get("audience") != "alle":
            slots.append("role")
        return slots + ["anchoring", "duration"]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        try:
            extraction = await self.get_extraction_events(dispatcher, tracker, domain)
            tracker.add_slots(extraction)
            validation = await self._extract_validation_events(dispatcher, tracker, domain)
            # The SDK only returns events for required slots; keep our bookkeeping slots too.
            validated = {e.get("name") for e in validation}
            extra = [e for e in extraction if e.get("name") not in validated and e.get("name") not in FORM_SLOTS]
            return extra + validation
        except CatalogUnavailable:
            dispatcher.utter_message(text=t("db_down", language(tracker)))
            return []

    # --- extraction of typed answers to the open question -------------------
    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        text = latest_text(tracker)
        if text.startswith("/") or slot in tracker.slots_to_validate():
            return {}  # a button, or the slot mapping already took the value from an entity
        intent, confidence = latest_intent(tracker)
        digression = intent in DIGRESSIONS and confidence >= 0.6
        v = view()
        value = v.parser.parse(slot, text, intent)
        others = {e.get("entity"): str(e.get("value")) for e in latest_entities(tracker)
                  if e.get("entity") in FORM_SLOTS and e.get("entity") != slot}
        before = {s: _previous_value(tracker, s) for s in others}  # (the slot mappings already set them)
        changes = [s for s, v in others.items() if before[s] not in (None, v)
                   and not (s in ("sector", "role") and self._in_passing(tracker, s))]
        if SELF_CORRECTION.search(text) and changes:
            return {}  # «nei vent, det gjelder SFO» corrects an earlier answer; it does not answer this one
        # A short message that fits the open question is an answer, whatever the intent guess.
        if value and (not digression or len(text.split()) <= 4):
            return {slot: value}
        if digression:
            return {}  # a question, answered by the rules
        if others:
            # The answer to another question (the slot mappings take it): say so, then ask again.
            new = [s for s in FORM_SLOTS if s in others and not before[s] and v.parser.is_valid(s, others[s])]
            if new:
                labels = [v.labels.short(SLOT_GROUP[s], others[s], language(tracker)) for s in new]
                dispatcher.utter_message(text=t("noted_other", language(tracker), values=join_and(labels)))
            return {}
        other = self._answer_to_another_question(slot, text, v, dispatcher, tracker)
        if other:
            return other
        fails = int(tracker.get_slot("failed_attempts") or 0) + 1
        dispatcher.utter_message(text=t("not_understood_slot", language(tracker)))
        return {"failed_attempts": fails}

    @staticmethod
    def _answer_to_another_question(slot: str, text: str, v: CatalogView, dispatcher: CollectingDispatcher,
                                    tracker: Tracker) -> Dict[Text, Any]:
        """«Det gjeld heile personalgruppa, 14 tilsette» asked what the need is about answers who it
        is for: note that answer instead of refusing it; the open question comes again. Anchoring is
        left out: its answers («nei», «ja») say too little out of context."""
        for other in OTHER_ANSWER_SLOTS:
            if other == slot or tracker.get_slot(other):
                continue
            value = v.parser.parse(other, text)
            if value:
                label = v.labels.short(SLOT_GROUP[other], value, language(tracker))
                dispatcher.utter_message(text=t("noted_other", language(tracker), values=label))
                return {other: value}
        return {}

    async def extract_sector(self, dispatcher, tracker, domain):
        out = self._extract("sector", dispatcher, tracker)
        role = tracker.slots.get("role")
        if not out.get("sector") and not tracker.slots.get("sector") and role in SECTOR_OF_ROLE:
            out["sector"] = SECTOR_OF_ROLE[role]
        return out

    async def extract_theme(self, dispatcher, tracker, domain):
        return self._extract("theme", dispatcher, tracker)

    async def extract_audience(self, dispatcher, tracker, domain):
        return self._extract("audience", dispatcher, tracker)

    async def extract_role(self, dispatcher, tracker, domain):
        return self._extract("role", dispatcher, tracker)

    async def extract_anchoring(self, dispatcher, tracker, domain):
        return self._extract("anchoring", dispatcher, tracker)

    async def extract_duration(self, dispatcher, tracker, domain):
        return self._extract("duration", dispatcher, tracker)

    # --- validation --------------------------------------------------------------
    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                  tracker: Tracker) -> Dict[Text, Any]:
        lang = language(tracker)
        v = view()
        if not v.parser.is_valid(slot, value):
            # Typed `/inform{"sector": "x"}` payloads end here: never trust a raw value.
            shown = str(value)[:40]
            dispatcher.utter_message(text=t("invalid_value", lang, value=shown, what=t(f"crit_{slot}", lang)))
            return {slot: None}
        out: Dict[Text, Any] = {slot: value, "failed_attempts": 0}
        previous = _previous_value(tracker, slot)
        if previous and previous != value:
            dispatcher.utter_message(text=t("changed", lang, what=t(f"crit_{slot}", lang),
                                            value=v.labels.short(SLOT_GROUP[slot], value, lang)))
        return out

    @staticmethod
    def _in_passing(tracker: Tracker, slot: str) -> bool:
        """A role or place named in an answer to another question («rektor og fylket er med» to the
        anchoring question, «veiledning av lærere» to the theme question, «me er fem stykke på
        kontoret, ein liten kommune i Sogn») names people and places the user talks about: it does
        not change an earlier answer, nor fill an empty one when the message says who backs the
        need – unless the user names it as their own («forresten er jeg assistent», «vi er en
        SFO») or, for a place, corrects a mistake («nei vent, det gjelder SFO»). A role named with
        a mistake («nei vent, sfo-lederen vet om det») is still someone else."""
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        if not requested or requested == slot or text.startswith("/"):
            return False
        if _names_own(tracker, slot):
            return False
        if slot == "sector" and (CORRECTION.search(text) and requested != "anchoring"
                                 or CORRECTION_WORDS.search(text)):
            return False
        if _previous_value(tracker, slot):
            return True
        backers = requested == "anchoring" or any(e.get("entity") == "anchoring" for e in latest_entities(tracker))
        return backers

    async def validate_sector(self, value, dispatcher, tracker, domain):
        if self._in_passing(tracker, "sector"):
            return {"sector": _previous_value(tracker, "sector")}
        out = self._validate("sector", value, dispatcher, tracker)
        role = tracker.slots.get("role")
        if out.get("sector") and not roles_fit_sector(role, out["sector"]):
            out["role"] = None
            dispatcher.utter_message(text=t("role_reset", language(tracker)))
        return out

    async def validate_theme(self, value, dispatcher, tracker, domain):
        return self._validate("theme", value, dispatcher, tracker)

    async def validate_audience(self, value, dispatcher, tracker, domain):
        return self._validate("audience", value, dispatcher, tracker)

    async def validate_role(self, value, dispatcher, tracker, domain):
        if self._in_passing(tracker, "role"):
            return {"role": _previous_value(tracker, "role")}
        out = self._validate("role", value, dispatcher, tracker)
        role = out.get("role")
        sector = tracker.slots.get("sector")
        if role in SECTOR_OF_ROLE and not sector:
            out["sector"] = SECTOR_OF_ROLE[role]
        return out

    async def validate_anchoring(self, value, dispatcher, tracker, domain):
        return self._validate("anchoring", value, dispatcher, tracker)

    async def validate_duration(self, value, dispatcher, tracker, domain):
        return self._validate("duration", value, dispatcher, tracker)


class AskSlotAction(CatalogAction):
    """`action_ask_<slot>`: the question, with buttons where choices are few or after two misses."""

    slot = ""

    def choices(self, v: CatalogView, tracker: Tracker, fails: int) -> List[str]:
        """The values offered as buttons: all of them for few fixed choices or after two misses."""
        if self.slot in BUTTON_SLOTS or fails >= 2:
            return v.parser.ids(SLOT_GROUP[self.slot])
        return []

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        fails = int(tracker.get_slot("failed_attempts") or 0)
        text = t(f"ask_{self.slot}", lang)
        v = view()
        group = SLOT_GROUP[self.slot]
        buttons = [button(_capitalize(v.labels.get(group, i, lang)), "inform", **{self.slot: i})
                   for i in self.choices(v, tracker, fails)]
        if fails >= 2:
            text = f"{text}\n{t('choose_below', lang)}"
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


class ActionAskSector(AskSlotAction):
    slot = "sector"

    def name(self) -> str:
        return "action_ask_sector"


class ActionAskTheme(AskSlotAction):
    """Themes are many: the ones with most measures in the user's sector come as buttons from the
    start (all of them after two misses); typing one's own words still works."""

    slot = "theme"

    def choices(self, v: CatalogView, tracker: Tracker, fails: int) -> List[str]:
        if fails >= 2:
            return super().choices(v, tracker, fails)
        order = v.parser.ids("themes")
        own = themes_for(v.measures, tracker.get_slot("sector"), today(), order)
        if len(own) >= MIN_THEME_BUTTONS:
            return own
        return own + [x for x in themes_for(v.measures, None, today(), order) if x not in own][:MIN_THEME_BUTTONS - len(own)]

    def name(self) -> str:
        return "action_ask_theme"


class ActionAskAudience(AskSlotAction):
    slot = "audience"

    def name(self) -> str:
        return "action_ask_audience"


class ActionAskRole(AskSlotAction):
    slot = "role"

    def name(self) -> str:
        return "action_ask_role"


class ActionAskAnchoring(AskSlotAction):
    slot = "anchoring"

    def name(self) -> str:
        return "action_ask_anchoring"


class ActionAskDuration(AskSlotAction):
    slot = "duration"

    def name(self) -> str:
        return "action_ask_duration"


FOLLOW_UP_CUES = {"about", "apply", "funding", "deadlines", "status"}


def is_follow_up_question(tracker: Tracker) -> bool:
    """A question about the measure just discussed (not a new request for suggestions)."""
    text = latest_text(tracker)
    if not text or text.startswith("/") or tracker.active_loop_name or not is_question(text):
        return False
    if tracker.get_slot("measure") not in view().by_id:
        return False
    return bool(question_cues(text) & FOLLOW_UP_CUES)


class ActionStartAdvice(CatalogAction):
    """Greets the request, resets a finished earlier run, and says what was understood."""

    def name(self) -> str:
        return "action_start_advice"

    async def act(self, dispatcher, tracker, domain):
        if is_follow_up_question(tracker):
            # "Gjelder det private barnehager også?" right after a scheme answer names a sector, so
            # the classifier may take it for a new request; it is a question about that scheme.
            from actions.knowledge import ActionAnswerMeasure

            events = await ActionAnswerMeasure().act(dispatcher, tracker, domain)
            return events + [FollowupAction("action_listen")]
        lang = language(tracker)
        v = view()
        events: List[EventType] = []
        mentioned = {e.get("entity") for e in latest_entities(tracker)}
        values = {s: tracker.get_slot(s) for s in FORM_SLOTS}
        if tracker.get_slot("suggested") and mentioned & set(FORM_SLOTS) and CORRECTION.search(latest_text(tracker)):
            # «nei forresten, vi vil heller ha noe over et helt barnehageår» after results changes one
            # answer: keep the others; the form confirms the change and suggests again.
            return [SlotSet("suggested", None), SlotSet("suggest_offset", 0), SlotSet("measure", None),
                    SlotSet("failed_attempts", 0)]
        if tracker.get_slot("suggested"):
            # A new request after results: keep only what this message says.
            for s in FORM_SLOTS:
                if s not in mentioned and values[s] is not None:
                    events.append(SlotSet(s, None))
                    values[s] = None
            events += [SlotSet("suggested", None), SlotSet("suggest_offset", 0), SlotSet("measure", None)]
        if not values["sector"] and values["role"] in SECTOR_OF_ROLE:
            values["sector"] = SECTOR_OF_ROLE[values["role"]]
            events.append(SlotSet("sector", values["sector"]))
        noted = [v.labels.short(SLOT_GROUP[s], values[s], lang) for s in FORM_SLOTS if values[s]]
        text = t("intro", lang)
        if noted:
            text += " " + t("noted", lang, values=join_and(noted))
        dispatcher.utter_message(text=text)
        return events + [SlotSet("failed_attempts", 0)]


def no_suggestions_reply(lang: str) -> Reply:
    return Reply(t("no_suggestions_yet", lang), [button(t("btn_find_measures", lang), "request_measures")])


def criteria_from(tracker: Tracker) -> Optional[Criteria]:
    sector = tracker.get_slot("sector")
    if not sector:
        return None
    return Criteria(sector=sector, theme=tracker.get_slot("theme"),
                    audience=tracker.get_slot("audience"), role=tracker.get_slot("role"),
                    anchoring=tracker.get_slot("anchoring"), duration=tracker.get_slot("duration"))


def _recommendation(c: Criteria, offset: int = 0):
    by_id = {m.id: m for m in store().measures_for_sector(c.sector)}
    neighbour = SECTOR_NEIGHBOURS.get(c.sector)
    if neighbour:  # needed to offer "show for the neighbouring sector" when nothing fits
        for m in store().measures_for_sector(neighbour):
            by_id.setdefault(m.id, m)
    return recommend(list(by_id.values()), c, today(), limit=SUGGESTION_LIMIT, offset=offset)


class ActionSuggestMeasures(CatalogAction):
    def name(self) -> str:
        return "action_suggest_measures"

    async def act(self, dispatcher, tracker, domain):
        c = criteria_from(tracker)
        lang = language(tracker)
        if c is None:
            send(dispatcher, no_suggestions_reply(lang))
            return []
        rec = _recommendation(c)
        send(dispatcher, results_reply(rec, view().labels, lang), tracker)
        return [SlotSet("suggested", [s.measure.id for s in rec.ranked] or None),
                SlotSet("suggest_offset", 0), SlotSet("failed_attempts", 0)]


class ActionShowMore(CatalogAction):
    def name(self) -> str:
        return "action_show_more"

    async def act(self, dispatcher, tracker, domain):
        c = criteria_from(tracker)
        lang = language(tracker)
        if c is None or not tracker.get_slot("suggested"):
            send(dispatcher, no_suggestions_reply(lang))
            return []
        offset = int(tracker.get_slot("suggest_offset") or 0) + SUGGESTION_LIMIT
        rec = _recommendation(c, offset=offset)
        send(dispatcher, results_reply(rec, view().labels, lang, offset=offset), tracker)
        return [SlotSet("suggest_offset", offset)]


class ActionMoreAbout(CatalogAction):
    """"Fortell mer om 2" / "mer om ABLU": the full entry for one suggestion or named measure."""

    def name(self) -> str:
        return "action_more_about"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        v = view()
        suggested = tracker.get_slot("suggested") or []
        text = latest_text(tracker)
        number = None
        for e in latest_entities(tracker):
            if e.get("entity") == "number":
                number = parse_number(str(e.get("value")))
        number = number or parse_number(text)
        named = find_measures(text, v.measure_names) if not text.startswith("/") else []
        measure_id = None
        if named:
            measure_id = named[0]
        elif number and 1 <= number <= len(suggested):
            measure_id = suggested[number - 1]
        elif tracker.get_slot("measure"):
            measure_id = tracker.get_slot("measure")
        if not measure_id or measure_id not in v.by_id:
            msg = t("which_measure", lang) if suggested else t("no_suggestions_yet", lang)
            buttons = ([button(t("btn_more_about", lang, n=i), "more_about", number=str(i))
                        for i in range(1, min(len(suggested), 3) + 1)] if suggested
                       else [button(t("btn_find_measures", lang), "request_measures")])
            send(dispatcher, Reply(msg, buttons))
            return []
        reply = measure_details(v.by_id[measure_id], v.by_id, lang, today())
        if suggested:
            reply.buttons.append(button(t("btn_back", lang), "show_more"))
        send(dispatcher, reply)
        return [SlotSet("measure", measure_id)]


class ActionChangeAnswer(CatalogAction):
    """Clears the criterion the user wants to change; the form then asks only that again."""

    def name(self) -> str:
        return "action_change_answer"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        criterion = next((e.get("value") for e in latest_entities(tracker)
                          if e.get("entity") == "criterion"), None)
        if criterion in FORM_SLOTS:
            return [SlotSet(criterion, None), SlotSet("suggested", None), SlotSet("failed_attempts", 0)]
        v = view()
        buttons = []
        for s in FORM_SLOTS:
            value = tracker.get_slot(s)
            if value:
                label = v.labels.short(SLOT_GROUP[s], value, lang)
                buttons.append(button(f"{_capitalize(t(f'crit_{s}', lang))}: {label}", "change_answer", criterion=s))
        send(dispatcher, Reply(t("change_which", lang), buttons))
        return []


class ActionSummarize(CatalogAction):
    """A short summary of the need and the suggestions, to bring to the owner or the staff."""

    def name(self) -> str:
        return "action_summarize"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        v = view()
        c = criteria_from(tracker)
        if c is None:
            send(dispatcher, no_suggestions_reply(lang))
            return []
        head = {"nb": "Oppsummering av behovet", "nn": "Samandrag av behovet"}[lang]
        lines = [f"{head}:"]
        for s in FORM_SLOTS:
            value = tracker.get_slot(s)
            if value:
                lines.append(f"- {_capitalize(t(f'crit_{s}', lang))}: {v.labels.get(SLOT_GROUP[s], value, lang)}")
        suggested = [i for i in (tracker.get_slot("suggested") or [])[:SUGGESTION_LIMIT] if i in v.by_id]
        if suggested:
            lines.append({"nb": "Forslag:", "nn": "Forslag:"}[lang])
            lines += [f"{n}. {v.by_id[i].title(lang)} – {v.by_id[i].sources[0]}" for n, i in enumerate(suggested, 1)]
        send(dispatcher, Reply("\n".join(lines), [button(t("btn_restart", lang), "start_over")]))
        return []
