"""steps.verification: a critic's re-reading of a run's result after `done`, stored beside the agent's steps

Revision ID: 0004_verification_steps
Revises: 0003_explore
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_verification_steps"
down_revision = "0003_explore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.add_column(sa.Column("verification", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("steps") as batch:
        batch.drop_column("verification")
