"""The update rounds' tables (SQLAlchemy Core), on the same metadata as the rooms' and
editions' tables (one Alembic history, one drift test).

A section's contributor link is a secret stored only as its SHA-256 hex digest
(``token_hash``). ``version`` counts the section's writes: a save names the version it was
made from, and a save from an older one is refused (optimistic concurrency). The audit
trail keeps each save's draft (``detail``), so a refused save can say what changed.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from explorer.storage.schema import UTCDateTime, metadata

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(400), nullable=False),
    Column("as_at", String(10), nullable=False),
    Column("base_id", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("edition_id", Integer, nullable=True),
    Column("publish_note", Text, nullable=False, default=""),
)

round_sections = Table(
    "round_sections",
    metadata,
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"),
           primary_key=True),
    Column("force_id", String(40), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("state", String(12), nullable=False),
    Column("version", Integer, nullable=False),
    Column("draft", Text, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("updated_at", UTCDateTime, nullable=False),
)

round_audit = Table(
    "round_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(12), nullable=False),
    Column("role", String(40), nullable=False),
    Column("display_name", String(200), nullable=False, default=""),
    Column("force_id", String(40), nullable=True),
    Column("version", Integer, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_round_audit_round", "round_id", "id"),
)
