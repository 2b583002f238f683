"""app maps and proposed tasks of eclair explore

Revision ID: 0003_explore
Revises: 0002_workflow_programs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_explore"
down_revision = "0002_workflow_programs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("app_map", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "proposed_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app", sa.String(length=200), nullable=False),
        sa.Column("task", sa.JSON(), nullable=False),
        sa.Column("split", sa.String(length=10), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_proposed_tasks_app", "proposed_tasks", ["app"])


def downgrade() -> None:
    op.drop_index("ix_proposed_tasks_app", table_name="proposed_tasks")
    op.drop_table("proposed_tasks")
    op.drop_table("app_maps")
