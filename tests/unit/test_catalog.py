"""The catalog content: validation rules and the content checks editors rely on."""

from __future__ import annotations

import re
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


# --- the 2026 status: declared for every entry, never defaulted -------------------------------

ENTRY_FILES = ("schemes.yml", "measures.yml", "packages.yml")


def _raw_entries():
    """(file, raw item) for every entry and concept, read from the YAML itself (not the loader)."""
    for name in ENTRY_FILES:
        for raw in yaml.safe_load((CATALOG_DIR / name).read_text(encoding="utf-8"))["entries"]:
            yield name, raw
    for raw in yaml.safe_load((CATALOG_DIR / "concepts.yml").read_text(encoding="utf-8"))["concepts"]:
        yield "concepts.yml", raw


def test_every_entry_declares_its_2026_status_with_the_reference_line():
    from bot.catalog.loader import BASIS_RE, CONCEPT_STATUSES
    from bot.catalog.records import STATUSES

    seen = 0
    for name, raw in _raw_entries():
        where = f"{name}: {raw.get('id')}"
        status = raw.get("status")
        assert isinstance(status, dict), f"{where} declares no status"
        allowed = CONCEPT_STATUSES if name == "concepts.yml" else STATUSES
        assert status.get("value") in allowed, f"{where}: status {status.get('value')!r}"
        basis = str(status.get("basis") or "").strip()
        assert BASIS_RE.match(basis), f"{where}: the basis must name the reference line: {basis!r}"
        assert "in_doubt" not in raw, f"{where}: 'in_doubt' is now status.value"
        seen += 1
    assert seen >= 70


def test_status_agrees_with_dates_and_replacements(catalog):
    for m in catalog.measures.values():
        assert m.status_basis, m.id
        if m.status == "superseded":
            assert m.replaced_by and not m.is_current(TODAY), m.id
        if m.status == "ended":
            assert not m.replaced_by and not m.is_current(TODAY), m.id
        if m.status == "in_doubt":
            assert m.uncertain, f"{m.id} is in doubt but says nowhere what is not confirmed"
        if m.valid_to and m.valid_to < TODAY:
            assert m.status in ("ended", "superseded"), m.id


# Each entry of the fact audit, with the status the reference gives it (the line is in the entry).
AUDITED = {
    "videreutdanning-yrkesfaglaerere": "in_doubt",       # A3 Usikkerhet: vikar/stipend phase-out ❓
    "hospitering": "in_doubt",                           # K Still uncertain: stays inside the vgo scheme?
    "yrkesfaglaerer-2": "in_doubt",
    "kompetansepakke-inkluderende-miljo-nett": "in_doubt",  # C9 «may be superseded by C6–C8» ⚠️
    "kompetansehevingsstudier-fagarbeidere": "in_doubt",    # B14 ⚠️, I gap 8
    "barnehagefaglig-grunnkompetanse": "in_doubt",          # B13, I gap 8
    "innovasjonsordningen": "ended",                     # 1. Timeline 2017–2020
    "inkluderende-barnehage-skolemiljo": "in_doubt",     # 1. Timeline 2009–2025 ⚠️, no 2026 status
    "samisk-videreutdanning": "in_doubt",                # B30 ✅/⚠️, A21 ❓
    "veilederutdanning": "confirmed",                    # B15 ✅ (its 2026 funding is not)
    "profesjonsfaglig-digital-kompetanse": "confirmed",  # B29 ✅ (its 2026 VU funding is not)
}


@pytest.mark.parametrize("mid, status", sorted(AUDITED.items()))
def test_audited_entries_have_the_status_the_reference_gives(catalog, mid, status):
    assert catalog.measures[mid].status == status


@pytest.mark.parametrize("mid, scheme", [
    ("hospitering", "kollektiv-videregaende"),           # A2 / K: ❓
    ("yrkesfaglaerer-2", "kollektiv-videregaende"),
    ("veilederutdanning", "videreutdanning-tilskudd-2026"),
    ("profesjonsfaglig-digital-kompetanse", "videreutdanning-tilskudd-2026"),
    ("samisk-videreutdanning", "videreutdanning-tilskudd-2026"),
    ("videreutdanning-yrkesfaglaerere", "videreutdanning-tilskudd-2026"),
    ("barnehagefaglig-grunnkompetanse", "kollektiv-barnehage-grunnskole"),
])
def test_a_route_the_reference_doubts_is_declared_uncertain(catalog, mid, scheme):
    m = catalog.measures[mid]
    assert scheme in m.funded_by and not m.route_certain(scheme)


def test_packages_reach_the_2026_collective_schemes_only_as_uncertain_routes(catalog):
    """ref §C: usable inside Rekomp/Dekomp/Kompetanseløftet – said for 2021–2025 only."""
    collective = {"kollektiv-barnehage-grunnskole", "kollektiv-videregaende"}
    for m in catalog.measures.values():
        if m.source_file == "packages.yml":
            assert not (collective & set(m.funded_by)) - set(m.funded_by_doubt), m.id
            for lang, word in (("nb", "ikke bekreftet"), ("nn", "ikkje stadfesta")):
                if "2026" in m.funding[lang]:
                    assert word in m.funding[lang], f"{m.id} ({lang}): {m.funding[lang]}"


def test_concepts_in_doubt_say_what_is_not_confirmed(catalog):
    doubtful = {c.id for c in catalog.concepts.values() if c.status == "in_doubt"}
    assert {"roller-ansvar", "innsats-over-tid", "samarbeidsforum", "kompetansepakker-generelt"} <= doubtful
    for cid in doubtful:
        c = catalog.concepts[cid]
        assert re.search(r"ikke (fått )?bekreftet", c.text["nb"]), cid
        assert re.search(r"ikkje (fått )?stadfest", c.text["nn"]), cid


def test_status_survives_the_database(loaded_store, catalog):
    back = {m.id: m for m in loaded_store.all_measures()}
    for mid, m in catalog.measures.items():
        assert (back[mid].status, back[mid].status_basis) == (m.status, m.status_basis), mid
        assert back[mid].funded_by == m.funded_by and back[mid].funded_by_doubt == m.funded_by_doubt, mid


def test_missing_status_names_file_entry_and_field(catalog_copy):
    _edit(catalog_copy / "measures.yml", lambda d: d["entries"][0].pop("status"))
    _edit(catalog_copy / "concepts.yml", lambda d: d["concepts"][0].pop("status"))
    msg = _problems(catalog_copy)
    assert "measures.yml: entry 'videreutdanning-laerere', field 'status': missing" in msg
    assert "concepts.yml: entry 'etterutdanning-videreutdanning', field 'status': missing" in msg


def test_bad_status_value_and_basis_are_errors(catalog_copy):
    def mutate(d):
        d["entries"][0]["status"] = {"value": "kanskje", "basis": "A1 …"}
        d["entries"][1]["status"] = {"value": "confirmed", "basis": "trust me"}
        d["entries"][2]["in_doubt"] = True
    _edit(catalog_copy / "schemes.yml", mutate)
    msg = _problems(catalog_copy)
    assert "entry 'kollektiv-barnehage-grunnskole', field 'status.value': unknown value 'kanskje'" in msg
    assert "entry 'kollektiv-videregaende', field 'status.basis': must start with the section" in msg
    assert "entry 'videreutdanning-tilskudd-2026', field 'in_doubt': replaced by 'status" in msg


def test_status_must_agree_with_replacements_dates_and_notes(catalog_copy):
    def mutate(d):
        by_id = {e["id"]: e for e in d["entries"]}
        by_id["rekomp"]["status"]["value"] = "confirmed"          # ended 2025 and replaced
        by_id["innovasjonsordningen"]["status"]["value"] = "superseded"  # without replaced_by
        by_id["oppfolgingsordningen"].pop("uncertain")            # in doubt, but says nothing
    _edit(catalog_copy / "schemes.yml", mutate)
    msg = _problems(catalog_copy)
    assert "entry 'rekomp', field 'status.value': 'confirmed' with 'replaced_by'" in msg
    assert "entry 'rekomp', field 'status.value': 'confirmed', but valid_to 2025-12-31 is before 2026" in msg
    assert "entry 'innovasjonsordningen', field 'replaced_by': status superseded needs 'replaced_by'" in msg
    assert "entry 'oppfolgingsordningen', field 'uncertain': status in_doubt needs an uncertain note" in msg


def test_funding_route_items_are_checked(catalog_copy):
    def mutate(d):
        by_id = {e["id"]: e for e in d["entries"]}
        by_id["ablu"]["funded_by"] = [{"id": "tilretteleggingsmidler-blu", "sikker": False}]
        by_id["barnehagebasert-kompetanseutvikling"]["funded_by"] = [{"id": "rekomp", "certain": False}]
    _edit(catalog_copy / "measures.yml", mutate)
    msg = _problems(catalog_copy)
    assert "entry 'ablu', field 'funded_by[0]': must be an entry id or {id: <entry id>, certain: false}" in msg
    assert ("entry 'barnehagebasert-kompetanseutvikling', field 'funded_by': 'rekomp' has ended: "
            "a route through it is past") in msg


MONEY = re.compile(r"\b(kr|finansi\w*|midle\w*|stipend\w*|lønn|egenandel\w*|tilskudd\w*|betal\w*)\b|\d+ %",
                   re.IGNORECASE)


def test_a_caveat_about_money_reaches_the_money_answer(catalog):
    """A note that names money is tagged 'funding' (or untagged), so a money answer shows it."""
    for m in catalog.measures.values():
        for note, about in zip(m.uncertain, m.uncertain_about, strict=True):
            if about and MONEY.search(note["nb"]):
                assert "funding" in about, f"{m.id}: {note['nb']} is tagged {about} only"


def test_outside_topics_are_validated_like_entries(catalog, catalog_copy):
    assert {"studielan", "lonn", "barnehageopptak", "sykepenger", "pensjon"} <= set(catalog.outside)
    assert all(o.sources and o.last_checked and o.text.get("nn") for o in catalog.outside.values())

    def spoil(d):
        d["topics"][0]["terms"] = []
        d["topics"][1].pop("sources")
        d["topics"][2]["text"].pop("nn")
    _edit(catalog_copy / "outside.yml", spoil)
    msg = _problems(catalog_copy)
    assert "outside.yml: entry 'studielan', field 'terms': must be a non-empty list" in msg
    assert "outside.yml: entry 'lonn', field 'sources': missing" in msg
    assert "outside.yml: entry 'barnehageopptak', field 'text'" in msg


def test_a_summary_longer_than_a_phone_screen_is_an_error(catalog_copy):
    _edit(catalog_copy / "schemes.yml", lambda d: d["entries"][0]["summary"].update(nn="For lang. " * 39 + "For lang."))
    msg = _problems(catalog_copy)
    assert "entry 'kollektiv-barnehage-grunnskole', field 'summary': 'nn' text is 399 characters (at most 340)" in msg


def test_every_entry_has_a_summary_in_both_languages(catalog):
    missing = [m.id for m in catalog.measures.values() if not m.summary or set(m.summary) != {"nb", "nn"}]
    assert not missing, missing
