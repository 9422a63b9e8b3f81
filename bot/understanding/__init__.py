"""Text → criteria: lexical first (the catalog vocabulary, ``lexical``), then by meaning
(sentence embeddings against labelled examples, ``semantic``)."""

from bot.understanding.lexical import (  # noqa: F401
    FORM_SLOTS,
    GROUP_COUNT,
    ORDINALS,
    SLOT_GROUP,
    SectorLinks,
    SlotParser,
    concept_matcher,
    find_concept,
    find_measures,
    measure_matcher,
    parse_number,
)
