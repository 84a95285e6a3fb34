"""Served feeds and pages: rendered bodies with their ETag; serve generations of a school.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "schools", sa.Column("serve_gen", sa.Integer(), nullable=False, server_default="0")
    )
    for name in ("calls_gen", "materials_gen", "regulation_gen"):
        op.add_column("schools", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "served",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=120), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("data_label", sa.String(length=120), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"], ["links.id"], name=op.f("fk_served_link_id_links"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_served_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_served")),
        sa.UniqueConstraint("link_id", "variant", name="uq_served_link_variant"),
    )
    op.create_index(op.f("ix_served_school_id"), "served", ["school_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_served_school_id"), table_name="served")
    op.drop_table("served")
    with op.batch_alter_table("schools") as batch:
        for name in ("regulation_gen", "materials_gen", "calls_gen", "serve_gen"):
            batch.drop_column(name)
