"""Write the validated catalog to the database and read it back as records."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import delete, exists, select
from sqlalchemy.engine import Engine

from bot.catalog.db import CatalogUnavailable, session_scope
from bot.catalog.models import ConceptRow, MeasureFacetRow, MeasureRow, MetaRow, OutsideTopicRow, TermRow
from bot.catalog.records import Catalog, Concept, Fact, Measure, OutsideTopic, Term

FACETS = ("sectors", "roles", "themes", "duration")
_TEXT_FIELDS = ("name", "short_name", "description", "funding", "apply", "deadlines", "requires", "summary")
_LIST_FIELDS = ("aliases", "funded_by", "funded_by_doubt", "replaced_by", "sources")


def content_hash(directory: Path) -> str:
    """Hash of every catalog file, to reload only when content changed."""
    h = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


def _measure_to_row(m: Measure) -> MeasureRow:
    content = {f: getattr(m, f) for f in _TEXT_FIELDS}
    content.update({f: list(getattr(m, f)) for f in _LIST_FIELDS})
    content["abbreviation"] = m.abbreviation
    content["uncertain"] = [dict(u) for u in m.uncertain]
    content["status"] = m.status
    content["status_basis"] = m.status_basis
    content["facts"] = [{"answer": f.answer, "terms": list(f.terms), "asks": f.asks, "says": f.says,
                         "basis": f.basis, "about": list(f.about)} for f in m.facts]
    content["uncertain_about"] = [list(a) for a in m.uncertain_about]
    row = MeasureRow(
        id=m.id, kind=m.kind, form=m.form, credits=m.credits, recommend=m.recommend,
        valid_from=m.valid_from, valid_to=m.valid_to, last_checked=m.last_checked,
        source_file=m.source_file, content=content,
    )
    for facet in FACETS:
        for value in getattr(m, facet):
            row.facets.append(MeasureFacetRow(facet=facet, value=value))
    return row


def _legacy_status(c: Dict, row: MeasureRow) -> str:
    """The status of a row written before the catalog declared one (``bot catalog load`` rewrites
    it): the least certain reading, never «confirmed»."""
    if c.get("replaced_by"):
        return "superseded"
    return "ended" if row.valid_to and row.valid_to < date(2026, 1, 1) else "in_doubt"


def _row_to_measure(row: MeasureRow) -> Measure:
    c = row.content
    facets: Dict[str, List[str]] = {f: [] for f in FACETS}
    for f in row.facets:
        facets.setdefault(f.facet, []).append(f.value)
    return Measure(
        id=row.id, kind=row.kind, form=row.form, credits=row.credits, recommend=row.recommend,
        valid_from=row.valid_from, valid_to=row.valid_to, last_checked=row.last_checked,
        source_file=row.source_file,
        name=c["name"], short_name=c.get("short_name"), description=c["description"],
        funding=c["funding"], apply=c["apply"], deadlines=c.get("deadlines"), requires=c.get("requires"),
        summary=c.get("summary"),
        abbreviation=c.get("abbreviation"),
        aliases=tuple(c.get("aliases") or ()), funded_by=tuple(c.get("funded_by") or ()),
        funded_by_doubt=tuple(c.get("funded_by_doubt") or ()),
        status=c.get("status") or _legacy_status(c, row), status_basis=c.get("status_basis") or "",
        replaced_by=tuple(c.get("replaced_by") or ()), sources=tuple(c.get("sources") or ()),
        uncertain=tuple(c.get("uncertain") or ()),
        uncertain_about=tuple(tuple(a) for a in c.get("uncertain_about") or ()),
        facts=tuple(Fact(answer=f["answer"], terms=tuple(f["terms"]), asks=f["asks"], says=f["says"],
                         basis=f["basis"], about=tuple(f.get("about") or ())) for f in c.get("facts") or ()),
        sectors=tuple(sorted(facets["sectors"])), roles=tuple(sorted(facets["roles"])),
        themes=tuple(sorted(facets["themes"])), duration=tuple(sorted(facets["duration"])),
    )


def write_catalog(engine: Engine, catalog: Catalog, digest: str) -> None:
    """Replace the database content with ``catalog`` in one transaction."""
    with session_scope(engine) as s:
        for model in (MeasureFacetRow, MeasureRow, ConceptRow, OutsideTopicRow, TermRow, MetaRow):
            s.execute(delete(model))
        s.add_all(_measure_to_row(m) for m in catalog.measures.values())
        s.add_all(
            ConceptRow(id=c.id, last_checked=c.last_checked, content={
                "title": c.title, "text": c.text, "sources": list(c.sources),
                "aliases": list(c.aliases), "scheme": c.scheme,
                "status": c.status, "status_basis": c.status_basis})
            for c in catalog.concepts.values()
        )
        s.add_all(
            OutsideTopicRow(id=o.id, position=i, last_checked=o.last_checked, content={
                "title": o.title, "terms": list(o.terms), "text": o.text, "sources": list(o.sources)})
            for i, o in enumerate(catalog.outside.values())
        )
        for group, terms in catalog.terms.items():
            s.add_all(
                TermRow(group=group, id=t.id, position=i, content={
                    "label": t.label, "synonyms": list(t.synonyms),
                    "answer_synonyms": list(t.answer_synonyms), "short": t.short,
                    "examples": list(t.examples), "sectors": list(t.sectors),
                    "implies_sector": t.implies_sector, "neighbour": t.neighbour})
                for i, t in enumerate(terms)
            )
        s.add(MetaRow(key="content_hash", value=digest))
        s.add(MetaRow(key="loaded_on", value=date.today().isoformat()))


class CatalogStore:
    """Read access for the actions; every call is one short session."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def content_hash(self) -> Optional[str]:
        try:
            with session_scope(self.engine) as s:
                return s.scalar(select(MetaRow.value).where(MetaRow.key == "content_hash"))
        except CatalogUnavailable:
            return None

    def measures_for_sector(self, sector: str) -> List[Measure]:
        has_sector = exists().where(
            MeasureFacetRow.measure_id == MeasureRow.id,
            MeasureFacetRow.facet == "sectors",
            MeasureFacetRow.value == sector,
        )
        with session_scope(self.engine) as s:
            rows = s.scalars(select(MeasureRow).where(has_sector).order_by(MeasureRow.id)).all()
            return [_row_to_measure(r) for r in rows]

    def all_measures(self) -> List[Measure]:
        with session_scope(self.engine) as s:
            rows = s.scalars(select(MeasureRow).order_by(MeasureRow.id)).all()
            return [_row_to_measure(r) for r in rows]

    def get_measures(self, ids: List[str]) -> Dict[str, Measure]:
        if not ids:
            return {}
        with session_scope(self.engine) as s:
            rows = s.scalars(select(MeasureRow).where(MeasureRow.id.in_(ids))).all()
            return {r.id: _row_to_measure(r) for r in rows}

    def concepts(self) -> List[Concept]:
        with session_scope(self.engine) as s:
            rows = s.scalars(select(ConceptRow).order_by(ConceptRow.id)).all()
            return [
                Concept(id=r.id, title=r.content["title"], text=r.content["text"],
                        sources=tuple(r.content["sources"]), last_checked=r.last_checked,
                        aliases=tuple(r.content.get("aliases") or ()), scheme=r.content.get("scheme"),
                        status=r.content.get("status") or "in_doubt",
                        status_basis=r.content.get("status_basis") or "")
                for r in rows
            ]

    def outside_topics(self) -> List[OutsideTopic]:
        with session_scope(self.engine) as s:
            rows = s.scalars(select(OutsideTopicRow).order_by(OutsideTopicRow.position)).all()
            return [OutsideTopic(id=r.id, title=r.content["title"], terms=tuple(r.content["terms"]),
                                 text=r.content["text"], sources=tuple(r.content["sources"]),
                                 last_checked=r.last_checked) for r in rows]

    def terms(self) -> Dict[str, List[Term]]:
        with session_scope(self.engine) as s:
            rows = s.scalars(select(TermRow).order_by(TermRow.group, TermRow.position)).all()
            out: Dict[str, List[Term]] = {}
            for r in rows:
                out.setdefault(r.group, []).append(
                    Term(r.group, r.id, r.content["label"], tuple(r.content["synonyms"]),
                         tuple(r.content.get("answer_synonyms") or ()), r.content.get("short"),
                         tuple(r.content.get("examples") or ()), tuple(r.content.get("sectors") or ()),
                         bool(r.content.get("implies_sector")), r.content.get("neighbour")))
            return out
