"""Uploads with findings: a pending upload is confirmed before it becomes the school's timetable;
the load table, the bells entered on upload and the findings are kept with it; schools keep the
bells entered once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("timetables", sa.Column("confirmed_at", sa.DateTime(timezone=True)))
    op.add_column(
        "timetables",
        sa.Column("strict", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("timetables", sa.Column("load_filename", sa.String(length=255)))
    op.add_column("timetables", sa.Column("load_content", sa.LargeBinary()))
    op.add_column("timetables", sa.Column("bells", sa.JSON()))
    op.add_column("timetables", sa.Column("findings", sa.JSON()))
    op.add_column("timetables", sa.Column("names", sa.JSON()))
    op.add_column("schools", sa.Column("bells", sa.JSON()))
    # every upload before this revision was imported all or nothing: it is confirmed
    op.execute("UPDATE timetables SET confirmed_at = uploaded_at")


def downgrade() -> None:
    op.execute("DELETE FROM timetables WHERE confirmed_at IS NULL")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("bells")
    with op.batch_alter_table("timetables") as batch:
        for column in ("names", "findings", "bells", "load_content", "load_filename", "strict"):
            batch.drop_column(column)
        batch.drop_column("confirmed_at")
