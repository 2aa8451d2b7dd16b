"""Editions of the position: editions and their files.

Revision ID: 0003_editions
Revises: 0002_member_flags
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_editions"
down_revision = "0002_member_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("as_at", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("corrects", sa.Integer, nullable=True),
        sa.Column("base_id", sa.Integer, nullable=False),
        sa.Column("own_changes", sa.Text, nullable=False),
    )
    op.create_table(
        "edition_files",
        sa.Column("edition_id", sa.Integer, sa.ForeignKey("editions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("content", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("edition_files")
    op.drop_table("editions")
