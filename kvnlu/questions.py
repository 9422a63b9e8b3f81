"""What a question asks: is it a question at all, and which cues (deadline, who applies, money,
status, eligibility) it carries. Stdlib only (PyYAML, present in both environments, to read the
catalog's names): used by the Rasa pipeline (QuestionRouter), by the NLU export and by the
actions, so all read a question and a catalog name the same way.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Set, Tuple

from kvnlu.matcher import COMPOUND, FUZZY, VocabularyMatcher, match_text

QUESTION_START = re.compile(
    r"^\s*(hva|kva|hvem|kven|hvordan|korleis|kossen|når|kor|hvor|hvilke|hvilken|hvilket|kva for|kan|"
    r"finnes|finst|fins|er|har|må|gjelder|gjeld|får|gir|gjev|skal|bør|blir|vil|hvorfor|kvifor)\b",
    re.IGNORECASE)

# Cue -> patterns (bokmål and nynorsk). Order matters only for readability.
CUES: Dict[str, re.Pattern] = {
    "deadlines": re.compile(
        r"\b(s[øo]knadsfrist\w*|frist\w*|innen når|når må|kva tid må|når kan|når er|rekk(?:er|e) (?:vi|me|eg|jeg)|"
        r"seinast|senest|når (?:åpner|opnar|stenger|stengjer))", re.IGNORECASE),
    "apply": re.compile(
        r"\b(s[øo]k(?:e|er|je|jer|ja|t|te|nad\w*)|melde? (?:oss |meg )?på|påmelding\w*|"
        r"hvem kan|kven kan|hvem kunne|kven kunne|hvem godkjenner|kven godkjenner|godkjenn\w*|"
        r"hvordan (?:blir|kan) (?:vi|man|en|jeg) (?:med|være med)|vere med|være med)\b",
        re.IGNORECASE),
    "funding": re.compile(
        r"\b(finansier\w*|betal\w*|pengar?|penger|kost(?:er|ar|nad\w*)?|dekk(?:e|er|ar|es|ast)|"
        r"egenandel\w*|eigendel\w*|eigenandel\w*|hvor mye|kor mykje|kr\b|kroner|stipend(?:et)?\b|"
        r"med lønn|med løn|gratis|lønn\w*)", re.IGNORECASE),
    "status": re.compile(
        r"\b(erstatt\w*|avløs\w*|gjelder nå|gjeld no|i dag|fortsatt|framleis|fremdeles|enda|ennå|"
        r"finnes den|finst den|eksisterer|lenger|nedlagt|avvikla\w*|avviklet)\b", re.IGNORECASE),
    "about": re.compile(
        r"(^\s*(gjelder|gjeld)\b|\b(gjelder (det|den|dette)|gjeld (det|den|dette)|(hvem|kven) kan ta|rett på|(hvordan|korleis) kan "
        r"\w+( \w+){0,3} ta|(hvordan|korleis) fungerer|(hvordan|korleis) fungerte)\b)", re.IGNORECASE),
    "exists": re.compile(r"^\s*(finnes|finst|fins|eksisterer) (det|den|dei|de)\b", re.IGNORECASE),
    "define": re.compile(
        r"\b(hva er|kva er|hva var|kva var|hva va|hva betyr|kva tyder|kva betyr|hva handler|kva handlar|"
        r"hva slags|kva slags|hva innebærer|kva inneber|hvordan fungerer|korleis fungerer|hvordan fungerte|"
        r"korleis fungerte|fortell (?:om|meg om)|fortel (?:om|meg om)|for noe|for noko)\b", re.IGNORECASE),
}


# Yes/no questions: a question sentence that starts with a finite verb, or asks whether what was
# said is true. «kan du fortelle om …?» and «finnes det noe for …?» ask for information instead.
VERBS = (
    "kan|kunne|får|fekk|fikk|må|måtte|er|var|gjelder|gjeld|skal|stemmer|stemmer|har|blir|vert|dekker|dekkjer|"
    "dekkes|dekkast|betaler|betalar|betales|finnes|finst|fins|går|vil|bør|trenger|treng|trengs|gir|gjev|"
    "mister|mistar|kreves|krevst|inngår|teller|tel|kommer|kjem|hører|høyrer|inkluderer|omfatter|omfattar|"
    "kvalifiserer|gjeldar|slipper|sleppar|slepp|ligger|ligg|koster|kostar|varer|varar|tar|tek|ble|blei|vart|"
    "burde|skulle|ville|holder|held|passer|passar|fungerer|lønner|løner|dekkes|utløser|utløyser"
)
YES_NO_START = re.compile(rf"^(?:(?:men|og|så|altså|ok|okei|hei|eh|og så)[, ]+)*(?:{VERBS})\b", re.IGNORECASE)
# A yes/no form that asks for information or for what exists: not a verdict question.
NOT_A_VERDICT = re.compile(
    r"^(?:(?:men|og|så)[, ]+)*(?:(?:kan|vil|kunne) (?:du|dere|du gi|du si|du forklare)\b(?! (?:søke|søkje|få|ta|bruke|nytte|være|vere|delta))|"
    r"(?:finnes|finst|fins|er|har|gjev|gir) (?:det|der|dere|de) (?:noe|noen|noko|nokon|nokre|andre|flere|fleire|et|eit|ei|en|ein)\b)",
    re.IGNORECASE)
TRUE_OR_NOT = re.compile(
    r"\b(stemmer (det|dette)|er (det|dette) (riktig|rett|sant|korrekt)|har (han|ho|hun|de|dei|ho) rett|"
    r"lurer på om|lurar på om|usikker på om|veit ikkje om|vet ikke om)\b", re.IGNORECASE)
# A sentence ends at «?» or «!», at a line break, or at «.» and a space – not in «1. mars»,
# «bl.a. PPU» or «ca. 30».
_SENTENCE_BREAK = re.compile(
    r"(?<=[?!])\s+|\n+|(?<=[^\d\s.]\.)(?<!\bbl\.a\.)(?<!\bf\.eks\.)(?<!\bca\.)(?<!\bdvs\.)(?<!\bnr\.)(?<!\bkl\.)\s+(?=\S)")


def sentences(text: str) -> List[str]:
    return [p.strip() for p in _SENTENCE_BREAK.split(text or "") if p and p.strip()]


def question_sentences(text: str) -> List[str]:
    """The sentences that ask: those ending in «?» when any does, else all of them."""
    parts = sentences(text)
    asking = [p for p in parts if p.endswith("?")]
    return asking or parts


def yes_no_sentences(text: str, context: bool = False) -> List[str]:
    """The sentences of ``text`` that ask for a yes or a no: one that starts with a finite verb
    («får eg vikar …?»), or one that asks whether what was said is true, with the claim before it
    («Kollegaen min sier … Stemmer det?»). Empty for «kan du fortelle om …?» and «hva er …?»."""
    parts = sentences(text)
    asking = [p for p in parts if p.endswith("?")] or parts
    verdicts: List[str] = []
    for sentence in asking:
        s = sentence.strip(" ,-–")
        if TRUE_OR_NOT.search(s):  # the claim before «stemmer det?» is what is asked about
            verdicts += [p for p in parts[:parts.index(sentence)] if not p.endswith("?") and p not in verdicts]
            verdicts.append(sentence)
        elif YES_NO_START.match(s) and not NOT_A_VERDICT.match(s):
            verdicts.append(sentence)
    if not verdicts or not context:
        return verdicts
    # With ``context``: also what is said around it («jeg er assistent. kan jeg få …?»), but not
    # other questions («hvem søker?»).
    return [p for p in parts if p in verdicts or not p.endswith("?")]


def is_yes_no(text: str) -> bool:
    """«kan me vere med …?», «får eg vikar …?», «Kollegaen min sier … stemmer det??»."""
    return bool(yes_no_sentences(text))



def is_question(text: str) -> bool:
    return "?" in (text or "") or bool(QUESTION_START.match(text or ""))


def question_cues(text: str) -> Set[str]:
    return {name for name, pattern in CUES.items() if pattern.search(text or "")}


NAME_FILES = ("measures.yml", "schemes.yml", "packages.yml")  # entries named like measures
CONCEPTS_FILE = "concepts.yml"
OUTSIDE_FILE = "outside.yml"  # near-domain topics answered with where to ask instead
OUTSIDE_MIN_QUALITY = FUZZY - 0.25


def read_catalog_names(catalog_dir: str) -> List[Tuple[str, str, str]]:
    """(entity, id, name) triples for every measure/scheme/package and concept in data/catalog."""
    import os

    import yaml

    pairs = []
    for name in NAME_FILES + (CONCEPTS_FILE,):
        path = os.path.join(catalog_dir, name)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"catalog file '{path}' not found")
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        kind = "concept" if name == CONCEPTS_FILE else "measure"
        pairs += [(kind, e) for e in data.get("concepts" if kind == "concept" else "entries", [])]
    return catalog_name_entries(pairs)


def read_outside_terms(catalog_dir: str) -> List[Tuple[str, str, str]]:
    """("outside", topic id, term) triples from data/catalog/outside.yml."""
    import os

    import yaml

    path = os.path.join(catalog_dir, OUTSIDE_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"catalog file '{path}' not found")
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return [("outside", str(t["id"]), str(term)) for t in data.get("topics") or []
            for term in t.get("terms") or [] if str(term).strip()]


def names_outside_topic(text: str, outside: Optional[VocabularyMatcher]) -> Optional[str]:
    """The near-domain topic a typed message names («kan jeg få studielån?» → studielan), if any."""
    if outside is None or not text or text.startswith("/"):
        return None
    # One typo at most: «skulepengane» (school fees) is two letters from «sjukepengane».
    found = [m for m in match_text(outside, text) if m.quality >= OUTSIDE_MIN_QUALITY or m.quality == COMPOUND]
    return found[0].value if found else None


def catalog_name_entries(catalog: Iterable[Tuple[str, dict]]) -> List[Tuple[str, str, str]]:
    """(entity, id, name) triples for the names users type for measures and concepts.

    ``catalog``: (kind, entry) pairs, kind "measure" (measures/schemes/packages) or "concept".
    """
    out: List[Tuple[str, str, str]] = []
    for kind, entry in catalog:
        fields = ("title", "aliases") if kind == "concept" else ("name", "short_name", "abbreviation", "aliases")
        names: List[str] = []
        for f in fields:
            value = entry.get(f)
            if isinstance(value, dict):
                names += [str(v) for v in value.values()]
            elif isinstance(value, list):
                names += [str(v) for v in value]
            elif value:
                names.append(str(value))
        out += [(kind, str(entry["id"]), n) for n in names if len(n.strip()) >= 2]
    return out


# Intents a question that names a catalog measure or concept cannot sensibly have: such a
# question is a knowledge question whatever the classifier thought ("hva va REKOM for noe" is not
# "who are you"; "Finst det ein kompetansepakke for SFO?" is not "suggest measures").
OVERRIDABLE = frozenset({
    "request_measures", "inform", "ask_help", "bot_challenge", "out_of_scope", "greet", "thank",
    "affirm", "deny", "show_more", "summarize", "stop", "start_over", "goodbye",
})
# For "suggest measures" and slot answers a named measure is not enough ("hvilke tilbud finnes for
# nyutdannede barnehagelærere" wants suggestions): the question must also ask about the measure.
ADVICE_INTENTS = frozenset({"request_measures", "inform"})
ASKING_CUES = frozenset({"define", "status", "deadlines", "apply", "funding", "exists", "about"})
KNOWLEDGE_INTENTS = frozenset({"ask_measure", "ask_concept", "ask_deadline", "ask_apply", "ask_funding"})


FOLLOW_UP_LEAD = re.compile(r"^\W*(og|enn|hva med|kva med|hvordan med|korleis med)\b", re.IGNORECASE)


def is_bare_name(text: str, measures: VocabularyMatcher) -> bool:
    """The message is a measure's name and nothing else ("TiB", "rekomp", "styrerutdanninga", "og
    yrkesfaglærer 2?", "hva med ABLU?")."""
    text = FOLLOW_UP_LEAD.sub("", text or "")
    words = re.findall(r"\w+", text)
    named = " ".join(m.text for m in match_text(measures, text or ""))
    return bool(words) and all(w.lower() in named.lower() for w in words)


def route_question(text: str, intent: Optional[str], measures: VocabularyMatcher,
                   concepts: VocabularyMatcher, names_slot_value: bool = False,
                   outside: Optional[VocabularyMatcher] = None) -> Optional[str]:
    """The knowledge intent a message should have, or None to keep the classifier's.

    A message naming a near-domain topic we do not answer (study loans, wages, a place in
    barnehage: ``outside``) is out_of_scope whatever else it names: «kan jeg få studielån til
    videreutdanningen?» is answered with where to ask, not with the videreutdanning scheme.

    A knowledge intent is kept but returned too when the question names a catalog measure or
    concept: the router then raises its confidence, so an unsure classifier does not turn a clear
    question ("Hva er Kompetanseløftet for spesialpedagogikk?") into "Mente du …?". A bare
    measure name is a question about it, unless it is also an answer the advisor understands
    (``names_slot_value``: "ppu" is a theme too).
    """
    if names_outside_topic(text, outside) and not (intent in ADVICE_INTENTS and names_slot_value):
        # «videreutdanning som gir høyere lønnstrinn, hva finnes for barnehagelærere» is a need.
        return "out_of_scope"
    if (text and not text.startswith("/") and intent not in KNOWLEDGE_INTENTS and not names_slot_value
            and is_bare_name(text, measures)):
        return "ask_measure"
    if not text or text.startswith("/") or not is_question(text):
        return None
    if intent in KNOWLEDGE_INTENTS:
        return intent if match_text(measures, text) or match_text(concepts, text) else None
    if intent not in OVERRIDABLE:
        return None
    named_measure = bool(match_text(measures, text))
    if intent in ADVICE_INTENTS:
        # «kan me vere med i den kollektive ordninga?» asks about the scheme, yes or no.
        asks = question_cues(text) & ASKING_CUES or is_yes_no(text)
        return "ask_measure" if named_measure and asks else None
    if named_measure:
        return "ask_measure"
    if match_text(concepts, text):
        return "ask_concept"
    return None
