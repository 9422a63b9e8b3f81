"""SQLAlchemy 2 models of the catalog database (built from data/catalog by `bot catalog load`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class MeasureRow(Base):
    __tablename__ = "measures"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    form: Mapped[str] = mapped_column(String(20))
    credits: Mapped[Optional[int]] = mapped_column(Integer)
    recommend: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[Optional[date]] = mapped_column(Date)
    valid_to: Mapped[Optional[date]] = mapped_column(Date)
    last_checked: Mapped[date] = mapped_column(Date)
    source_file: Mapped[str] = mapped_column(String(80))
    # Localised texts, sources, aliases and references: read whole, never queried by parts.
    content: Mapped[Dict[str, Any]] = mapped_column(JSON)

    facets: Mapped[List["MeasureFacetRow"]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", lazy="selectin"
    )


class MeasureFacetRow(Base):
    """One searchable value of a measure: sector, role, theme or duration."""

    __tablename__ = "measure_facets"
    __table_args__ = (
        UniqueConstraint("measure_id", "facet", "value", name="uq_measure_facet_value"),
        Index("ix_measure_facets_facet_value", "facet", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    measure_id: Mapped[str] = mapped_column(
        String(80), ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    facet: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))

    measure: Mapped[MeasureRow] = relationship(back_populates="facets")


class ConceptRow(Base):
    __tablename__ = "concepts"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_checked: Mapped[date] = mapped_column(Date)
    content: Mapped[Dict[str, Any]] = mapped_column(JSON)


class OutsideTopicRow(Base):
    """A near-domain topic and where to ask about it."""

    __tablename__ = "outside_topics"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    last_checked: Mapped[date] = mapped_column(Date)
    content: Mapped[Dict[str, Any]] = mapped_column(JSON)


class TermRow(Base):
    __tablename__ = "vocabulary_terms"

    group: Mapped[str] = mapped_column("grp", String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    content: Mapped[Dict[str, Any]] = mapped_column(JSON)


class MetaRow(Base):
    __tablename__ = "catalog_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class FeedbackRow(Base):
    """A 👍/👎 on a suggestion or a "Fikk du svar?" answer, kept with the conversation's sender id.

    Not catalog content: `bot catalog load` never deletes it.
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    target: Mapped[str] = mapped_column(String(80))
    rating: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
