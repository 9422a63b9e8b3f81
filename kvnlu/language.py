"""Tell nynorsk from bokmål in a short user message.

Pure Python (stdlib only); used by the action server to answer in the user's
written standard. Returns None when the text gives no evidence either way
("ja", "sfo"), so the caller keeps the language it had.
"""

from __future__ import annotations

import re
from typing import Optional

# Frequent words that exist in one standard and not (or rarely) in the other.
NYNORSK = frozenset(
    """
    eg ikkje kva kven korleis kvifor kvar kor noko nokon nokre meir mykje berre
    frå heile dei dykk dykkar me vere vore vert vart blir òg eit ein ei
    tilsette tilsett skule skulen skular vidaregåande barnehagelærar lærar lærarar
    lærarane eigar eigarar leiar leiarar leiinga fleire søkje søkjer søkte korleis
    sjå gjer gjere høyrer finst seie seier kome kjem treng trengjer
    rettleiing rettleiar mogleg moglegheit tilskot tilskotet nynorsk heller enno
    endå kvart kvarandre sjølv sjølve tenesta teneste ho honom ikkje-kommunale
    vil gjerne tida tidleg dagleg fagleg faglege munnleg skriftleg utvikling
    saman samen slik sånn aldri alltid veit treng gong gonger vekene veke
    vidareutdanning vidareutdanninga løn velje framleis midlar pengar barnehagar skuleeigar
    skuleeigarar barnehageeigar barnehageeigarar fagarbeidarar fagarbeidar tilskotsordning
    tilskotsordninga tilskotsordningar ordninga gje gjev fekk korleis søkjast rettleiing morgon
    """.split()
) - {"vil", "gjerne", "utvikling", "slik", "sånn", "aldri", "alltid", "saman", "samen", "tida", "ei", "ein", "eit", "heller"}
# Articles are evidence only together with other markers.
NYNORSK_WEAK = frozenset("ein eit ei saman".split())
BOKMAAL = frozenset(
    """
    jeg ikke hva hvem hvordan hvorfor hvor noe noen mer mye bare fra hele de dere
    vi være vært ble blir også et en ansatte ansatt skole skolen skoler videregående
    lærer lærere lærerne eier eiere leder ledere ledelsen flere søke søker søkte
    gjør gjøre hører finnes sier komme kommer trenger veiledning
    veileder mulig mulighet tilskudd tilskuddet ennå hver hverandre selv selve
    tjenesten tjeneste hun ham daglig faglig muntlig skriftlig sammen uke uker morgen
    """.split()
)
BOKMAAL_WEAK = frozenset("en et vi de".split())
WORD_RE = re.compile(r"[a-zæøåéèêóòô]+")


def detect_language(text: str) -> Optional[str]:
    """'nn', 'nb' or None when undecided."""
    words = WORD_RE.findall((text or "").lower())
    nn = sum(1 for w in words if w in NYNORSK) + 0.5 * sum(1 for w in words if w in NYNORSK_WEAK)
    nb = sum(1 for w in words if w in BOKMAAL and w not in BOKMAAL_WEAK)
    nb += 0.5 * sum(1 for w in words if w in BOKMAAL_WEAK)
    # Nynorsk endings that bokmål does not use.
    nn += 0.5 * sum(1 for w in words if len(w) > 5 and w.endswith(("leg", "lege", "inga", "ane", "arar")))
    if nn >= 1 and nn > nb:
        return "nn"
    if nb >= 1 and nb > nn:
        return "nb"
    return None
