"""The catalog content: validation rules and the content checks editors rely on."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
import yaml

from bot.catalog.loader import CatalogError, load_catalog
from bot.catalog.records import SECTORS
from bot.settings import get_settings
from tests.conftest import CATALOG_DIR, TODAY


def test_real_catalog_is_valid_and_big_enough(catalog):
    assert len(catalog.measures) >= 40
    kinds = {m.kind for m in catalog.measures.values()}
    assert {"tilskuddsordning", "videreutdanning", "kompetansepakke"} <= kinds
    assert len(catalog.concepts) >= 5


def test_every_entry_has_source_and_fresh_last_checked(catalog):
    max_age = timedelta(days=get_settings().max_catalog_age_days)
    for m in list(catalog.measures.values()) + list(catalog.concepts.values()):
        assert m.sources, m.id
        assert all(s.startswith("https://") or s.startswith("http://") for s in m.sources), m.id
        assert TODAY - m.last_checked <= max_age, f"{m.id} last checked {m.last_checked}"


def test_every_sector_has_current_recommendable_measures(catalog):
    for sector in SECTORS:
        current = [m for m in catalog.measures.values()
                   if sector in m.sectors and m.recommend and m.is_current(TODAY)]
        assert len(current) >= 3, sector


def test_historic_schemes_point_to_what_replaced_them(catalog):
    for old in ("rekomp", "dekomp", "kompetanseloftet"):
        m = catalog.measures[old]
        assert not m.is_current(TODAY)
        assert "kollektiv-barnehage-grunnskole" in m.replaced_by
    assert catalog.measures["kollektiv-barnehage-grunnskole"].is_current(TODAY)


def test_uncertain_2026_deadlines_are_marked_uncertain(catalog):
    for mid in ("kollektiv-barnehage-grunnskole", "videreutdanning-tilskudd-2026"):
        m = catalog.measures[mid]
        assert m.uncertain, mid
        text = " ".join(u["nb"] for u in m.uncertain).lower()
        assert "ikke bekreftet" in text or "usikker" in text or "ikke avklart" in text


@pytest.fixture()
def catalog_copy(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    return target


def _edit(path, fn):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(directory) -> str:
    with pytest.raises(CatalogError) as exc:
        load_catalog(directory)
    return str(exc.value)


def test_unknown_sector_names_file_entry_and_field(catalog_copy):
    _edit(catalog_copy / "measures.yml", lambda d: d["entries"][0].update(sectors=["barnehage", "universitet"]))
    first = yaml.safe_load((catalog_copy / "measures.yml").read_text())["entries"][0]["id"]
    msg = _problems(catalog_copy)
    assert f"measures.yml: entry '{first}', field 'sectors': unknown value 'universitet'" in msg


def test_missing_source_is_an_error(catalog_copy):
    _edit(catalog_copy / "schemes.yml", lambda d: d["entries"][0].pop("sources"))
    msg = _problems(catalog_copy)
    assert "schemes.yml: entry 'kollektiv-barnehage-grunnskole', field 'sources': missing" in msg


def test_dead_reference_is_an_error(catalog_copy):
    _edit(catalog_copy / "schemes.yml", lambda d: d["entries"][4].update(replaced_by=["finnes-ikke"]))
    msg = _problems(catalog_copy)
    assert "field 'replaced_by': refers to unknown entry 'finnes-ikke'" in msg


def test_a_synonym_that_is_only_a_number_is_an_error(catalog_copy):
    _edit(catalog_copy / "vocabulary.yml", lambda d: d["duration"][2]["synonyms"].append(1))
    assert "field 'synonyms': '1' is only a number" in _problems(catalog_copy)


def test_a_label_cut_at_an_unquoted_comma_is_an_error(catalog_copy):
    _edit(catalog_copy / "vocabulary.yml",
          lambda d: d["themes"][0]["label"].update({"lesing og skriving": None}))
    assert "field 'label': unexpected key 'lesing og skriving'" in _problems(catalog_copy)


def test_a_concepts_scheme_must_exist(catalog_copy):
    _edit(catalog_copy / "concepts.yml", lambda d: d["concepts"][0].update(scheme="finnes-ikke"))
    msg = _problems(catalog_copy)
    assert "concepts.yml: entry 'etterutdanning-videreutdanning', field 'scheme': refers to unknown entry" in msg


def test_missing_nynorsk_and_bad_date_and_duplicate_id(catalog_copy):
    def mutate(d):
        d["entries"][0]["description"].pop("nn")
        d["entries"][1]["last_checked"] = "i fjor"
        d["entries"][2]["id"] = d["entries"][3]["id"]
    _edit(catalog_copy / "packages.yml", mutate)
    msg = _problems(catalog_copy)
    assert "field 'description': missing 'nn' text" in msg
    assert "field 'last_checked': 'i fjor' is not a date" in msg
    assert "field 'id': duplicate id" in msg


def test_unknown_theme_in_vocabulary_reference(catalog_copy):
    _edit(catalog_copy / "packages.yml", lambda d: d["entries"][0].update(themes=["astrologi"]))
    assert "field 'themes': unknown value 'astrologi'" in _problems(catalog_copy)


def test_broken_yaml_names_the_file(catalog_copy):
    (catalog_copy / "concepts.yml").write_text("concepts: [\n  - id: x\n", encoding="utf-8")
    assert "concepts.yml" in _problems(catalog_copy)


def test_lookup_tables_are_in_sync_with_the_vocabulary():
    from bot.nlu_export import LOOKUPS_FILE, render

    assert LOOKUPS_FILE.read_text(encoding="utf-8") == render(CATALOG_DIR / "vocabulary.yml"), \
        "run `python -m bot nlu lookups` after editing data/catalog/ (names, aliases, vocabulary)"
