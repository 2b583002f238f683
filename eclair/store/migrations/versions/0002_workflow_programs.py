"""workflow programs: versioned compiled workflows for replay

Revision ID: 0002_workflow_programs
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_workflow_programs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("program", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "version"),
    )
    op.create_index(op.f("ix_workflow_programs_name"), "workflow_programs", ["name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_workflow_programs_name"), table_name="workflow_programs")
    op.drop_table("workflow_programs")
