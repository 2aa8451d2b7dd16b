"""Update rounds: rounds, their sections (one per force) and the audit trail.

Revision ID: 0004_rounds
Revises: 0003_editions
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_rounds"
down_revision = "0003_editions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("as_at", sa.String(10), nullable=False),
        sa.Column("base_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("edition_id", sa.Integer, nullable=True),
        sa.Column("publish_note", sa.Text, nullable=False),
    )
    op.create_table(
        "round_sections",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("force_id", sa.String(40), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("draft", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "round_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("force_id", sa.String(40), nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_round_audit_round", "round_audit", ["round_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_round_audit_round", table_name="round_audit")
    op.drop_table("round_audit")
    op.drop_table("round_sections")
    op.drop_table("rounds")
