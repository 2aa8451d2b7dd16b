"""The workshop rooms' tables (SQLAlchemy Core), on the shared metadata of
:mod:`explorer.storage.schema`. Migrations in ``explorer/storage/migrations``.

A test checks that the migrations build exactly these tables (Alembic's autogenerate
finds nothing to add), so this module and the migrations cannot drift apart.

Times are :class:`~explorer.storage.schema.UTCDateTime` (timezone-aware UTC on every database).
Secrets are stored only as SHA-256 hex digests (``key_hash``, ``token_hash``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from explorer.storage.schema import UTCDateTime, metadata

rooms = Table(
    "rooms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("name", String(400), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_activity", UTCDateTime, nullable=False, index=True),
    Column("locked", Boolean, nullable=False, default=False),
    Column("votes_revealed", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    # Bumped by every change a board without the key shows (not by votes while they are
    # hidden): what those boards poll, so they redraw only when what they show has changed.
    Column("board_version", Integer, nullable=False, default=1, server_default="1"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The facilitator hid this member's entry: a new entry from them starts hidden too.
    Column("hidden", Boolean, nullable=False, default=False, server_default=false()),
    # The facilitator removed this member for good: their token is refused from then on.
    Column("removed", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("room_id", "number", name="uq_members_room_number"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column(
        "member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False, unique=True,
    ),
    Column("scenario_json", Text, nullable=False),
    Column("hidden", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_entries_room_id", "room_id"),
)

votes = Table(
    "votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room_id", Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "entry_id", name="uq_votes_member_entry"),
    Index("ix_votes_room_id", "room_id"),
)
