"""Rebuild jobs that continue from an earlier job's plan («Улучшать дальше»).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("continue_from", sa.String(length=32)))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("continue_from")
