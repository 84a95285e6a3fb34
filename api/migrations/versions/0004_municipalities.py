"""Municipalities above schools (tenants), municipal orders and their schools; job attempts.

Existing data moves into one default municipality: its schools, and its administrators as
municipal administrators (they keep seeing every school, as before).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_MUNICIPALITY = "Муниципалитет по умолчанию"


def upgrade() -> None:
    municipalities = op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("territory", sa.String(length=64), nullable=False),
        sa.Column("frost_act", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("name", name=op.f("uq_municipalities_name")),
    )
    bind = op.get_bind()
    has_rows = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("schools", "admins")
    )
    default_id = None
    if has_rows:  # a deployment from before municipalities: one default municipality owns it all
        op.bulk_insert(
            municipalities,
            [{"name": DEFAULT_MUNICIPALITY, "territory": "perm-krai",
              "created_at": datetime.now(UTC)}],
        )  # fmt: skip
        default_id = bind.execute(
            sa.text("SELECT id FROM municipalities WHERE name = :name"),
            {"name": DEFAULT_MUNICIPALITY},
        ).scalar_one()
    for table in ("schools", "admins"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        if default_id is not None:
            op.execute(sa.text(f"UPDATE {table} SET municipality_id = {default_id}"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{table}_municipality_id_municipalities"),
                "municipalities",
                ["municipality_id"],
                ["id"],
                ondelete="CASCADE",
            )
            batch.create_index(op.f(f"ix_{table}_municipality_id"), ["municipality_id"])
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("frost_act", sa.JSON(), nullable=True))
    with op.batch_alter_table("admins") as batch:
        batch.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_admins_school_id_schools"), "schools", ["school_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch.create_index(op.f("ix_admins_school_id"), ["school_id"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("attempt", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("worker_name", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column("publish_when_clean", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("jobs") as batch:  # the defaults were for the existing rows
        batch.alter_column("attempt", existing_type=sa.Integer(), server_default=None)
        batch.alter_column("publish_when_clean", existing_type=sa.Boolean(), server_default=None)
    with op.batch_alter_table("versions") as batch:
        batch.create_unique_constraint(op.f("uq_versions_job_id"), ["job_id"])
    op.create_table(
        "municipal_orders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publish", sa.String(length=8), nullable=False),
        sa.Column("frost", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipal_orders_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipal_orders")),
    )
    op.create_index(
        op.f("ix_municipal_orders_municipality_id"), "municipal_orders", ["municipality_id"]
    )
    op.create_table(
        "municipal_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=32), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("tightened", sa.JSON(), nullable=True),
        sa.Column("order_doc", sa.JSON(), nullable=True),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["municipal_orders.id"],
            name=op.f("fk_municipal_targets_order_id_municipal_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_municipal_targets_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_municipal_targets_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipal_targets")),
        sa.UniqueConstraint("order_id", "school_id", name="uq_municipal_targets_order_school"),
    )
    op.create_index(op.f("ix_municipal_targets_order_id"), "municipal_targets", ["order_id"])
    op.create_index(op.f("ix_municipal_targets_school_id"), "municipal_targets", ["school_id"])


def downgrade() -> None:
    op.drop_table("municipal_targets")
    op.drop_table("municipal_orders")
    with op.batch_alter_table("versions") as batch:
        batch.drop_constraint(op.f("uq_versions_job_id"), type_="unique")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("publish_when_clean")
        batch.drop_column("worker_name")
        batch.drop_column("attempt")
    with op.batch_alter_table("admins") as batch:
        batch.drop_index(op.f("ix_admins_school_id"))
        batch.drop_constraint(op.f("fk_admins_school_id_schools"), type_="foreignkey")
        batch.drop_column("school_id")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("frost_act")
    for table in ("admins", "schools"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_municipality_id"))
            batch.drop_constraint(
                op.f(f"fk_{table}_municipality_id_municipalities"), type_="foreignkey"
            )
            batch.drop_column("municipality_id")
    op.drop_table("municipalities")
