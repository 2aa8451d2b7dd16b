"""The editions' tables (SQLAlchemy Core), on the same metadata as the rooms' tables so
that one Alembic history (``explorer/migrations``) and one drift test cover both.

An edition's files are kept as the text that was validated (the eight ``data/`` CSV files
and ``changes.csv``), so an export gives back exactly what was imported and loading a
stored edition runs the same loader as ``data/``. Edition ids are public numbers: 1 is the
May 2019 briefing (never stored here), stored editions are numbered from 2.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from explorer.storage.schema import UTCDateTime, metadata

editions = Table(
    "editions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("title", String(400), nullable=False),
    Column("as_at", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("corrects", Integer, nullable=True),
    Column("base_id", Integer, nullable=False),
    Column("own_changes", Text, nullable=False),
)

edition_files = Table(
    "edition_files",
    metadata,
    Column("edition_id", Integer, ForeignKey("editions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("content", Text, nullable=False),
)
