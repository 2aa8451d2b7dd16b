"""What every feature's tables share: one :class:`~sqlalchemy.MetaData` (so one Alembic history
covers them all) and the UTC timestamp type.

Times are stored as naive UTC and come back as timezone-aware UTC on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UTCDateTime(TypeDecorator):
    """A UTC instant: stored without a zone, returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def all_tables() -> MetaData:
    """The metadata with every feature's tables registered (what the migrations must build)."""
    import explorer.editions.schema  # noqa: F401  (registers the editions tables)
    import explorer.rooms.schema  # noqa: F401  (registers the rooms tables)
    import explorer.rounds.schema  # noqa: F401  (registers the update rounds' tables)

    return metadata
