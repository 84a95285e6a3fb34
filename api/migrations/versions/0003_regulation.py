"""The school's regulation: attendance counts (with corrections as history), lesson joins, class
readiness, self-study materials of lessons, readiness of a version at publication.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _school(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f(f"fk_{table}_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _entered() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_via", sa.String(length=16), nullable=False),
        sa.Column("entered_at", TS, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "attendance",
        *_school("attendance"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("class_name", sa.String(length=100), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.Column("ill", sa.Integer(), nullable=False),
        *_entered(),
    )
    op.create_table(
        "lesson_attendance",
        *_school("lesson_attendance"),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("class_name", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.String(length=500), nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        *_entered(),
    )
    op.create_table(
        "readiness",
        *_school("readiness"),
        sa.Column("class_name", sa.String(length=100), nullable=False),
        sa.Column("chat_linked", sa.Boolean(), nullable=False),
        sa.Column("families_total", sa.Integer(), nullable=True),
        sa.Column("families_joined", sa.Integer(), nullable=True),
        sa.Column("last_test_call", sa.Date(), nullable=True),
        sa.Column("families_without_device", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_via", sa.String(length=16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("school_id", "class_name", name="uq_readiness_class"),
    )
    op.create_table(
        "lesson_materials",
        *_school("lesson_materials"),
        sa.Column("teacher", sa.String(length=200), nullable=False),
        sa.Column("class_name", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.String(length=500), nullable=False),
        sa.Column("recording_url", sa.String(length=1000), nullable=True),
        sa.Column("assignment", sa.Text(), nullable=True),
        sa.Column("assignment_url", sa.String(length=1000), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("school_id", "teacher", "slot", name="uq_lesson_materials_scope"),
    )
    for table in ("attendance", "lesson_attendance", "readiness", "lesson_materials"):
        op.create_index(op.f(f"ix_{table}_school_id"), table, ["school_id"], unique=False)
    op.add_column("versions", sa.Column("readiness", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("readiness")
    for table in ("lesson_materials", "readiness", "lesson_attendance", "attendance"):
        op.drop_index(op.f(f"ix_{table}_school_id"), table_name=table)
        op.drop_table(table)
