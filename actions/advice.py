"""The guided advisor: the form's questions and validation, and the suggestions."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
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
    today,
    view,
)
from bot.advisor import reading
from bot.advisor.form import MAX_ASKS, NEEDED, QUESTIONS, UNKNOWN, known, next_question, open_refinements
from bot.answers import Reply, button, measure_details, results_reply
from bot.catalog.db import CatalogUnavailable
from bot.recommend import Criteria, recommend, themes_for
from bot.texts import join_and, t
from bot.understanding import (
    FORM_SLOTS,
    SLOT_GROUP,
    find_measures,
    parse_number,
)
from kvnlu.questions import is_question, question_cues

# Intents that mean "the user asks something else" while a question is open.
DIGRESSIONS = {
    "ask_concept", "ask_measure", "ask_deadline", "ask_apply", "ask_funding", "greet",
    "bot_challenge", "ask_help", "out_of_scope", "start_over", "stop", "thank", "goodbye",
    "summarize", "more_about", "show_more", "change_answer",
}
# At least this many theme buttons: a sector with few theme-specific measures (SFO) gets the most
# common themes of all sectors after its own (measures "for any theme" fit them too).
MIN_THEME_BUTTONS = 4
SUGGESTION_LIMIT = 3
# A criterion said in passing takes a sentence («hele personalet» is the vocabulary's job): shorter
# messages are not embedded for it, which saves the embedding on most turns.
IN_PASSING_MIN_WORDS = 4
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
        # Every criterion is read and validated from every message; which one is asked next is
        # the slot table's decision (next_requested_slot).
        return list(FORM_SLOTS)

    async def next_requested_slot(self, dispatcher, tracker, domain):
        values = {s: tracker.slots.get(s) for s in FORM_SLOTS}
        return SlotSet("requested_slot", next_question(values, tracker.slots.get("refine")))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        try:
            extraction = await self.get_extraction_events(dispatcher, tracker, domain)
            tracker.add_slots(extraction)
            validation = await self._extract_validation_events(dispatcher, tracker, domain)
            # The SDK only returns events for required slots; keep our bookkeeping slots too.
            validated = {e.get("name") for e in validation}
            extra = [e for e in extraction if e.get("name") not in validated and e.get("name") not in FORM_SLOTS]
            return extra + self._never_a_third_time(validation, dispatcher, tracker)
        except CatalogUnavailable:
            dispatcher.utter_message(text=t("db_down", language(tracker)))
            return []

    @staticmethod
    def _digression(tracker: Tracker) -> bool:
        intent, confidence = latest_intent(tracker)
        return intent in DIGRESSIONS and confidence >= 0.6

    @staticmethod
    def _never_a_third_time(events: List[EventType], dispatcher: CollectingDispatcher,
                            tracker: Tracker) -> List[EventType]:
        """A question already asked twice (answered with a question, out of scope, or not
        understood) is not asked again: it becomes unknown and the next one comes."""
        asked = tracker.get_slot("asked") or {}
        values = {s: tracker.slots.get(s) for s in FORM_SLOTS}
        requested = next((e.get("value") for e in reversed(events) if e.get("name") == "requested_slot"), None)
        skipped = []
        while requested and values.get(requested) is None and int(asked.get(requested, 0)) >= MAX_ASKS:
            values[requested] = UNKNOWN
            skipped.append(requested)
            requested = next_question(values, tracker.slots.get("refine"))
        if not skipped or tracker.latest_action_name == "action_listen" and ValidateAdvisorForm._digression(tracker):
            return events  # a question is answered by the rules first; the form comes back after it
        dispatcher.utter_message(text=t("moved_on", language(tracker)))
        kept = [e for e in events if e.get("name") not in ("requested_slot", "failed_attempts")]
        return kept + [SlotSet(s, UNKNOWN) for s in skipped] + [SlotSet("failed_attempts", 0),
                                                               SlotSet("requested_slot", requested)]

    # --- extraction of typed answers to the open question -------------------
    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        if tracker.get_slot("requested_slot") != slot:
            return self._read_in_passing(slot, tracker)
        if text.startswith("/request_measures") or text.startswith("/show_more"):
            return self._show_now(tracker)  # the «Vis forslag nå» button
        if text.startswith("/") or slot in tracker.slots_to_validate():
            return {}  # a button, or the slot mapping already took the value from an entity
        lang = language(tracker)
        v = view()
        act = v.parser.act(text)
        if act == "vet_ikke":
            dispatcher.utter_message(text=t("skipped", lang))
            return {slot: UNKNOWN, "failed_attempts": 0, "guess": None}
        guess = tracker.get_slot("guess")
        if guess and (intent == "affirm" or re.match(r"^\W*(ja|jo|jepp|stemmer|riktig|korrekt|det stemmer)\b", text, re.I)):
            return {slot: guess, "guess": None, "failed_attempts": 0}
        digression = intent in DIGRESSIONS and confidence >= 0.6
        named_theme = self._theme_of_named_measure(text, v) if slot == "theme" else None
        if named_theme:
            # «har hørt om læringsmiljøprosjektet, kan vi være med der?»: the measure's theme (a
            # question about it is still answered by the rules).
            return {slot: named_theme, "guess": None, "failed_attempts": 0}
        value = v.parser.parse(slot, text, intent)
        new_entities = [e for e in latest_entities(tracker) if e.get("entity") in FORM_SLOTS]
        if not value and (act == "vis_forslag" or (intent in ("request_measures", "show_more") and confidence >= 0.5
                                                   and not new_entities)):
            return self._show_now(tracker)
        confirm = None
        if not value and QUESTIONS[slot].semantic and not digression:
            value, confirm = reading.decide(reading.read(text, [slot]).get(slot), asked=True)
            if value and slot == "theme":
                return {slot: value, "read_by_meaning": value, "guess": None}
            if value:
                return {slot: value, "guess": None}
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
        if fails >= MAX_ASKS:
            # Never a third time: go on without it (it can be given later, as a refinement).
            dispatcher.utter_message(text=t("moved_on", lang))
            return {slot: UNKNOWN, "failed_attempts": 0, "guess": None}
        if confirm:
            return {"failed_attempts": fails, "guess": confirm}  # the question comes with «stemmer det?»
        dispatcher.utter_message(text=t("not_understood_slot", lang))
        return {"failed_attempts": fails}

    @staticmethod
    def _show_now(tracker: Tracker) -> Dict[Text, Any]:
        """«Vis forslag nå»: what is still missing for suggestions is taken as unknown."""
        out: Dict[Text, Any] = {s: UNKNOWN for s in NEEDED if tracker.slots.get(s) is None}
        refine = tracker.slots.get("refine")
        if refine and tracker.slots.get(refine) is None:
            out[refine] = UNKNOWN
        out.update({"failed_attempts": 0, "guess": None})
        return out

    @staticmethod
    def _read_in_passing(slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """A criterion said in other words while something else was asked (or in the first
        message): taken by meaning when the reading is clear; names are left to the vocabulary."""
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        if (not QUESTIONS[slot].semantic or tracker.slots.get(slot) is not None or text.startswith("/")
                or len(text.split()) < IN_PASSING_MIN_WORDS
                or (intent in DIGRESSIONS and confidence >= 0.6)
                or any(e.get("entity") == slot for e in latest_entities(tracker))):
            return {}
        value, _ = reading.decide(reading.read(text, [slot]).get(slot), asked=False)
        if not value:
            return {}
        return {slot: value, "read_by_meaning": value} if slot == "theme" else {slot: value}

    @staticmethod
    def _theme_of_named_measure(text: str, v: CatalogView) -> Optional[str]:
        """The theme of a measure the answer names, when it has exactly one theme of its own."""
        for mid in find_measures(text, v.measure_names):
            themes = [th for th in v.by_id[mid].themes if th != "alle"] if mid in v.by_id else []
            if len(themes) == 1 and v.parser.is_valid("theme", themes[0]):
                return themes[0]
        return None

    @staticmethod
    def _answer_to_another_question(slot: str, text: str, v: CatalogView, dispatcher: CollectingDispatcher,
                                    tracker: Tracker) -> Dict[Text, Any]:
        """«Det gjeld heile personalgruppa, 14 tilsette» asked what the need is about answers who it
        is for: note that answer instead of refusing it; the open question comes again. Anchoring
        counts only in a longer answer («politikerne har vedtatt at dette skal prioriteres»): a bare
        «nei» or «ja» says too little out of context. Names first, then meaning (read strictly, as
        anything said in passing)."""
        long_answer = len(text.split()) >= IN_PASSING_MIN_WORDS
        order = OTHER_ANSWER_SLOTS[:3] + (("anchoring",) if long_answer else ()) + OTHER_ANSWER_SLOTS[3:]
        empty = [o for o in order if o != slot and not tracker.get_slot(o)]
        found: Dict[Text, Any] = {}
        for other in empty:
            value = v.parser.parse(other, text)
            if value:
                found = {other: value}
                break
        if not found and long_answer:
            readable = [o for o in empty if QUESTIONS[o].semantic]
            for other, r in reading.read(text, readable).items():
                value, _ = reading.decide(r, asked=False)
                if value:
                    found = {other: value, **({"read_by_meaning": value} if other == "theme" else {})}
                    break
        if found:
            other = next(iter(found))
            label = v.labels.short(SLOT_GROUP[other], found[other], language(tracker))
            dispatcher.utter_message(text=t("noted_other", language(tracker), values=label))
        return found

    async def extract_sector(self, dispatcher, tracker, domain):
        out = self._extract("sector", dispatcher, tracker)
        implied = view().parser.links.implied_sector(tracker.slots.get("role"))
        if not out.get("sector") and not tracker.slots.get("sector") and implied:
            out["sector"] = implied
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
        if value == UNKNOWN:
            return {slot: UNKNOWN, "failed_attempts": 0}
        if not v.parser.is_valid(slot, value):
            # Typed `/inform{"sector": "x"}` payloads end here: never trust a raw value.
            shown = str(value)[:40]
            dispatcher.utter_message(text=t("invalid_value", lang, value=shown, what=t(f"crit_{slot}", lang)))
            return {slot: None}
        out: Dict[Text, Any] = {slot: value, "failed_attempts": 0}
        previous = _previous_value(tracker, slot)
        if known(previous) and previous != value:
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
        previous = _previous_value(tracker, slot)
        if requested == slot or text.startswith("/"):
            return False
        if not requested and not known(previous) and not tracker.get_slot("suggested"):
            return False  # the first message of a request says where the user works
        if _names_own(tracker, slot):
            return False
        if slot == "sector" and (CORRECTION.search(text) and requested != "anchoring"
                                 or CORRECTION_WORDS.search(text)):
            return False
        if known(previous):
            return True  # also after results: «fylkeskommunen støtter det» is not a new place
        backers = requested == "anchoring" or any(e.get("entity") == "anchoring" for e in latest_entities(tracker))
        return backers

    async def validate_sector(self, value, dispatcher, tracker, domain):
        if self._in_passing(tracker, "sector"):
            return {"sector": _previous_value(tracker, "sector")}
        role = tracker.slots.get("role")
        fits = view().parser.links.fits
        if known(role) and not fits(role, value) and not _previous_value(tracker, "sector"):
            # «rådgjevar i fagopplæringa … lærebedrifter … skulane» with an instruktør: of the places
            # named, the one the user's role belongs to.
            fitting = [str(e.get("value")) for e in latest_entities(tracker)
                       if e.get("entity") == "sector" and fits(role, str(e.get("value")))]
            if fitting:
                value = fitting[0]
        out = self._validate("sector", value, dispatcher, tracker)
        if known(out.get("sector")) and known(role) and not fits(role, out["sector"]):
            # «spesialpedagog i barnehage, barnehagelærer i bunn»: of the roles named, the one
            # that exists in the sector; none → the role is dropped, and the reply says so.
            other = _fitting_role(tracker, out["sector"], fits)
            out["role"] = other
            if not other:
                dispatcher.utter_message(text=t("role_reset", language(tracker)))
        return out

    async def validate_theme(self, value, dispatcher, tracker, domain):
        return self._validate("theme", value, dispatcher, tracker)

    async def validate_audience(self, value, dispatcher, tracker, domain):
        return self._validate("audience", value, dispatcher, tracker)

    async def validate_role(self, value, dispatcher, tracker, domain):
        if self._in_passing(tracker, "role"):
            return {"role": _previous_value(tracker, "role")}
        sector, fits = tracker.slots.get("sector"), view().parser.links.fits
        if known(value) and known(sector) and not fits(value, sector):
            if tracker.slots.get("role") != value:  # validate_sector has already chosen (and said so)
                return {"role": tracker.slots.get("role")}
            value = _fitting_role(tracker, sector, fits)
            if not value:
                dispatcher.utter_message(text=t("role_reset", language(tracker)))
                return {"role": None}
        out = self._validate("role", value, dispatcher, tracker)
        implied = view().parser.links.implied_sector(out.get("role"))
        if implied and not known(tracker.slots.get("sector")):
            out["sector"] = implied
        return out

    async def validate_anchoring(self, value, dispatcher, tracker, domain):
        return self._validate("anchoring", value, dispatcher, tracker)

    async def validate_duration(self, value, dispatcher, tracker, domain):
        return self._validate("duration", value, dispatcher, tracker)


class AskSlotAction(CatalogAction):
    """`action_ask_<slot>`: the question with its choices, «Vet ikke» and «Vis forslag nå»; a
    reading by meaning that was unsure comes first as «Jeg forstod det som … – stemmer det?»."""

    slot = ""

    def choices(self, v: CatalogView, tracker: Tracker, fails: int) -> List[str]:
        """The values offered as buttons (from the slot table)."""
        return v.parser.ids(SLOT_GROUP[self.slot])

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        fails = int(tracker.get_slot("failed_attempts") or 0)
        text = t(f"ask_{self.slot}", lang)
        v = view()
        group = SLOT_GROUP[self.slot]
        guess = tracker.get_slot("guess")
        values = self.choices(v, tracker, fails)
        buttons = []
        if guess and guess in v.parser.ids(group):
            label = v.labels.short(group, guess, lang)
            text = t("guess", lang, value=label)
            buttons.append(button(t("btn_guess_yes", lang, value=label), "inform", **{self.slot: guess}))
            values = [x for x in values if x != guess]
        elif fails:
            text = f"{text}\n{t('choose_below', lang)}"
        buttons += [button(_capitalize(v.labels.get(group, i, lang)), "inform", **{self.slot: i}) for i in values]
        buttons += [button(t("btn_dont_know", lang), "inform", **{self.slot: UNKNOWN}),
                    button(t("btn_show_now", lang), "request_measures")]
        dispatcher.utter_message(text=text, buttons=buttons)
        asked = dict(tracker.get_slot("asked") or {})
        asked[self.slot] = int(asked.get(self.slot, 0)) + 1
        return [SlotSet("asked", asked)]


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
        if fails >= 1:
            return super().choices(v, tracker, fails)
        order = v.parser.ids("themes")
        sector = tracker.get_slot("sector")
        own = themes_for(v.measures, sector if known(sector) else None, today(), order)
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


def read_first_message(tracker: Tracker, values: Dict[str, Any]) -> Dict[str, Any]:
    """Criteria a message gives in other words than the vocabulary's (the NLU's entities already
    filled the slots they name): the theme of a described need, anchoring, audience, duration."""
    empty = [s for s in FORM_SLOTS if QUESTIONS[s].semantic and values.get(s) is None
             and not any(e.get("entity") == s for e in latest_entities(tracker))]
    if len(latest_text(tracker).split()) < IN_PASSING_MIN_WORDS:
        return {}
    out: Dict[str, Any] = {}
    for slot, r in reading.read(latest_text(tracker), empty).items():
        # (no «stemmer det?» guess from a first message: a generic request leans weakly to a theme)
        value, _ = reading.decide(r, asked=slot in NEEDED)
        if value:
            out[slot] = value
    if "theme" in out:
        out["read_by_meaning"] = out["theme"]
    return out


def _fitting_role(tracker: Tracker, sector: str, fits) -> Optional[str]:
    """The first role the latest message names that exists in ``sector``."""
    return next((str(e.get("value")) for e in latest_entities(tracker)
                 if e.get("entity") == "role" and view().parser.is_valid("role", e.get("value"))
                 and fits(str(e.get("value")), sector)), None)


class ActionStartAdvice(CatalogAction):
    """Greets the request, resets a finished earlier run, and reads what the message already says;
    the form then asks only for where or what if one is missing."""

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
            return [SlotSet("suggest_offset", 0), SlotSet("measure", None), SlotSet("failed_attempts", 0)]
        read: Optional[Dict[str, Any]] = None
        if tracker.get_slot("suggested"):
            # A new request after results: keep where the user works (sector, role) and only what
            # this message says of the rest – unless it names no new need («noe vi kan gjøre på
            # avdelingsmøtene»): then it refines the same need and every answer stays.
            fresh = {s: (values[s] if s in mentioned or s in ("sector", "role") else None) for s in FORM_SLOTS}
            read = read_first_message(tracker, fresh)
            new_theme = fresh["theme"] or read.get("theme")
            if new_theme or values["theme"] is None:  # (a theme given up on stays given up on)
                events += [SlotSet(s, None) for s in FORM_SLOTS if fresh[s] is None and values[s] is not None]
                values = fresh
            else:
                read = {k: val for k, val in read.items() if k in values and values[k] is None}
            events += [SlotSet("suggested", None), SlotSet("suggest_offset", 0), SlotSet("measure", None),
                       SlotSet("shown_for", None), SlotSet("asked", None)]
        implied = v.parser.links.implied_sector(values["role"])
        if not known(values["sector"]) and implied:
            values["sector"] = implied
            events.append(SlotSet("sector", values["sector"]))
        if read is None:
            read = read_first_message(tracker, values)
        events += [SlotSet(k, val) for k, val in read.items()]
        values.update({k: val for k, val in read.items() if k in values})
        if next_question(values, None) is None:
            return events + [SlotSet("failed_attempts", 0)]  # where and what: suggestions come at once
        noted = [v.labels.short(SLOT_GROUP[s], values[s], lang) for s in FORM_SLOTS if known(values[s])]
        text = t("intro", lang)
        if noted:
            text += " " + t("noted", lang, values=join_and(noted))
        dispatcher.utter_message(text=text)
        return events + [SlotSet("failed_attempts", 0)]


def no_suggestions_reply(lang: str) -> Reply:
    return Reply(t("no_suggestions_yet", lang), [button(t("btn_find_measures", lang), "request_measures")])


def criteria_of(values: Dict[str, Any]) -> Criteria:
    """The criteria known so far; a criterion not given (or «vet ikke») is None."""
    return Criteria(**{s: (values.get(s) if known(values.get(s)) else None) for s in FORM_SLOTS})


def criteria_from(tracker: Tracker) -> Criteria:
    return criteria_of({s: tracker.get_slot(s) for s in FORM_SLOTS})


def _recommendation(c: Criteria, offset: int = 0):
    v = view()
    return recommend(v.measures, c, today(), limit=SUGGESTION_LIMIT, offset=offset,
                     neighbours=v.parser.links.neighbours)


def _is_refinement(tracker: Tracker) -> bool:
    """A list was shown before in this request: the next one is a refinement of it."""
    return bool(tracker.get_slot("shown_for") and tracker.get_slot("suggested"))


def _notes(tracker: Tracker, values: Dict[str, Any], v: CatalogView, lang: str) -> List[str]:
    """What the reply says before the list: what changed since the last list, what was read by
    meaning, and what was assumed."""
    notes: List[str] = []
    if _is_refinement(tracker):
        before = tracker.get_slot("shown_for")
        changes = [t("change_pair", lang, what=t(f"crit_{s}", lang),
                     value=v.labels.short(SLOT_GROUP[s], values[s], lang))
                   for s in FORM_SLOTS if known(values.get(s)) and values.get(s) != before.get(s)]
        if changes:
            notes.append(t("updated", lang, changes=join_and(changes)))
        return notes
    read = tracker.get_slot("read_by_meaning")
    if read and read == values.get("theme"):
        notes.append(t("read_as", lang, value=v.labels.short("themes", read, lang)))
    if not known(values.get("sector")):
        notes.append(t("assumed_sector", lang))
    if not known(values.get("theme")):
        notes.append(t("assumed_theme", lang))
    return notes


def suggestions(tracker: Tracker, overrides: Optional[Dict[str, Any]] = None) -> Tuple[Reply, List[EventType]]:
    """The suggestions for what is known (with ``overrides`` of the slots), and the events that
    remember them."""
    lang = language(tracker)
    v = view()
    values = {s: tracker.get_slot(s) for s in FORM_SLOTS}
    values.update({k: val for k, val in (overrides or {}).items() if k in values})
    rec = _recommendation(criteria_of(values))
    reply = results_reply(rec, v.labels, lang, notes=_notes(tracker, values, v, lang),
                          refine=open_refinements(values), related=v.by_id, today=today(),
                          first=not _is_refinement(tracker))
    events: List[EventType] = [SlotSet("suggested", [s.measure.id for s in rec.ranked] or None),
                               SlotSet("suggest_offset", 0), SlotSet("failed_attempts", 0),
                               SlotSet("shown_for", {s: values[s] for s in FORM_SLOTS}),
                               SlotSet("refine", None), SlotSet("guess", None), SlotSet("read_by_meaning", None)]
    events += [SlotSet(k, val) for k, val in (overrides or {}).items()]
    return reply, events


def suggest_now(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """«Vis forslag» outside the form's own path (a button, «vis flere» before any list): the best
    for what is known, saying what was assumed; an open form is closed."""
    overrides = {s: UNKNOWN for s in NEEDED if tracker.get_slot(s) is None}
    reply, events = suggestions(tracker, overrides)
    send(dispatcher, reply, tracker)
    if tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return events


class ActionSuggestMeasures(CatalogAction):
    def name(self) -> str:
        return "action_suggest_measures"

    async def act(self, dispatcher, tracker, domain):
        reply, events = suggestions(tracker)
        send(dispatcher, reply, tracker)
        return events


def answer_need(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """A needs question that reached the knowledge side («hva finnes for SFO som vil bli bedre på
    lek?»): when the message says where and what, answer with suggestions, else None."""
    v = view()
    entities = {}
    for e in latest_entities(tracker):
        name, value = e.get("entity"), str(e.get("value"))
        if name in FORM_SLOTS and v.parser.is_valid(name, value):
            entities.setdefault(name, value)
    implied = v.parser.links.implied_sector(entities.get("role"))
    if "sector" not in entities and implied:
        entities["sector"] = implied
    text = latest_text(tracker)
    if tracker.active_loop_name or ("sector" not in entities and len(text.split()) < 6):
        return None  # «hva er vurdering?» asks for a concept; a need is described at more length
    missing = [s for s in NEEDED if s not in entities]
    read = reading.read(text, missing) if missing else {}
    for slot in missing:
        value, _ = reading.decide(read.get(slot), asked=True)
        if value:
            entities[slot] = value
        elif slot == "theme":
            return None  # without what it is about there is nothing to suggest yet
    if "theme" in missing:
        entities["read_by_meaning"] = entities["theme"]
    overrides = {s: entities.get(s) for s in FORM_SLOTS}
    overrides["read_by_meaning"] = entities.get("read_by_meaning")
    reply, events = suggestions(_fresh(tracker), overrides)
    send(dispatcher, reply, tracker)
    return events


def _fresh(tracker: Tracker) -> Tracker:
    """The tracker as a new request sees it: no earlier list to compare with."""
    copy = Tracker.from_dict(tracker.current_state())
    copy.slots["suggested"] = None
    copy.slots["shown_for"] = None
    copy.slots["read_by_meaning"] = None
    return copy


class ActionShowMore(CatalogAction):
    def name(self) -> str:
        return "action_show_more"

    async def act(self, dispatcher, tracker, domain):
        lang = language(tracker)
        if not tracker.get_slot("suggested"):
            return suggest_now(dispatcher, tracker)  # «vis meg det du har» before any list
        c = criteria_from(tracker)
        offset = int(tracker.get_slot("suggest_offset") or 0) + SUGGESTION_LIMIT
        rec = _recommendation(c, offset=offset)
        v = view()
        values = {s: tracker.get_slot(s) for s in FORM_SLOTS}
        send(dispatcher, results_reply(rec, v.labels, lang, offset=offset, refine=open_refinements(values),
                                       related=v.by_id, today=today()), tracker)
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
        if (not measure_id or measure_id not in v.by_id) and not suggested and not text.startswith("/"):
            return suggest_now(dispatcher, tracker)
        if not measure_id or measure_id not in v.by_id:
            msg = t("which_measure", lang) if suggested else t("no_suggestions_yet", lang)
            buttons = ([button(t("btn_more_about", lang, n=i), "more_about", number=str(i))
                        for i in range(1, min(len(suggested), 3) + 1)] if suggested
                       else [button(t("btn_find_measures", lang), "request_measures")])
            send(dispatcher, Reply(msg, buttons))
            return []
        reply = measure_details(v.by_id[measure_id], v.by_id, lang, today(), full=True)  # «fortell mer»: all of it
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
            # The form asks just this one again (as a refinement), then suggests with what changed.
            asked = dict(tracker.get_slot("asked") or {})
            asked.pop(criterion, None)
            return [SlotSet(criterion, None), SlotSet("refine", criterion), SlotSet("failed_attempts", 0),
                    SlotSet("guess", None), SlotSet("asked", asked)]
        v = view()
        buttons = []
        for s in FORM_SLOTS:
            value = tracker.get_slot(s)
            label = v.labels.short(SLOT_GROUP[s], value, lang) if known(value) else t("unknown_value", lang)
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
        if not any(known(tracker.get_slot(s)) for s in NEEDED):
            send(dispatcher, no_suggestions_reply(lang))
            return []
        head = {"nb": "Oppsummering av behovet", "nn": "Samandrag av behovet"}[lang]
        lines = [f"{head}:"]
        for s in FORM_SLOTS:
            value = tracker.get_slot(s)
            if known(value):
                lines.append(f"- {_capitalize(t(f'crit_{s}', lang))}: {v.labels.get(SLOT_GROUP[s], value, lang)}")
        suggested = [i for i in (tracker.get_slot("suggested") or [])[:SUGGESTION_LIMIT] if i in v.by_id]
        if suggested:
            lines.append({"nb": "Forslag:", "nn": "Forslag:"}[lang])
            lines += [f"{n}. {v.by_id[i].title(lang)} – {v.by_id[i].sources[0]}" for n, i in enumerate(suggested, 1)]
        send(dispatcher, Reply("\n".join(lines), [button(t("btn_restart", lang), "start_over")]))
        return []
