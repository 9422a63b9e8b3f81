"""Build the blank Norwegian (bokmål) spaCy pipeline that Rasa's SpacyNLP loads.

There is no trained Norwegian pipeline on PyPI, so we build `spacy.blank("nb")`
with a lookup lemmatizer. spacy-lookups-data's own `nb_lemma_lookup` table has
only ~1 600 entries; its `nb_lemma_exc` tables hold the full-form lexicon
(~600 000 inflected nouns, verbs and adjectives), so we merge those into the
lookup table (nouns first: our vocabulary is mostly nouns). Runs in the Rasa
environment; writes the folder given as the first argument.
"""

import gzip
import json
import os
import sys

import spacy
import spacy_lookups_data
from spacy.lookups import Lookups


def build_table() -> dict:
    base = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data")
    with gzip.open(os.path.join(base, "nb_lemma_lookup.json.gz")) as f:
        table = {k: v for k, v in json.load(f).items()}
    with gzip.open(os.path.join(base, "nb_lemma_exc.json.gz")) as f:
        exceptions = json.load(f)
    for pos in ("adv", "adj", "verb", "noun"):  # later wins: nouns have priority
        for form, lemmas in exceptions.get(pos, {}).items():
            if lemmas and form != lemmas[0]:
                table[form] = lemmas[0]
    return table


def main(target: str) -> None:
    nlp = spacy.blank("nb")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = Lookups()
    lookups.add_table("lemma_lookup", build_table())
    lemmatizer.initialize(lookups=lookups)
    nlp.meta["name"] = "kv_blank_nb"
    nlp.meta["description"] = "Blank nb pipeline with a lookup lemmatizer (spacy-lookups-data)"
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    nlp.to_disk(target)
    doc = nlp("barnehagene trenger lærerne")
    print(f"spaCy pipeline written to {target}: {[t.lemma_ for t in doc]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/spacy_nb")
