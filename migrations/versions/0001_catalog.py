"""Catalog tables: measures, their facets, concepts, vocabulary, meta.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measures",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("form", sa.String(20), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("source_file", sa.String(80), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
    )
    op.create_index("ix_measures_kind", "measures", ["kind"])
    op.create_table(
        "measure_facets",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("measure_id", sa.String(80),
                  sa.ForeignKey("measures.id", ondelete="CASCADE"), nullable=False),
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.UniqueConstraint("measure_id", "facet", "value", name="uq_measure_facet_value"),
    )
    op.create_index("ix_measure_facets_facet_value", "measure_facets", ["facet", "value"])
    op.create_index("ix_measure_facets_measure_id", "measure_facets", ["measure_id"])
    op.create_table(
        "concepts",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
    )
    op.create_table(
        "vocabulary_terms",
        sa.Column("grp", sa.String(20), primary_key=True),
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
    )
    op.create_table(
        "catalog_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalog_meta")
    op.drop_table("vocabulary_terms")
    op.drop_table("concepts")
    op.drop_index("ix_measure_facets_measure_id", table_name="measure_facets")
    op.drop_index("ix_measure_facets_facet_value", table_name="measure_facets")
    op.drop_table("measure_facets")
    op.drop_index("ix_measures_kind", table_name="measures")
    op.drop_table("measures")
