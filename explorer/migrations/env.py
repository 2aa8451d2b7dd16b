"""Alembic environment: the same database as the app (``explorer.db.database_url``).

Normally run through :func:`explorer.db.upgrade`, which passes its own connection (inside
one locked transaction). Run on its own, it connects to :func:`explorer.db.database_url`.
"""

from alembic import context

from explorer import db
from explorer.editions import schema as _editions_schema  # noqa: F401 (its tables)
from explorer.room_schema import metadata
from explorer.rounds import schema as _rounds_schema  # noqa: F401 (its tables)

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = db.make_engine(db.database_url())
    with db.writer(engine).begin() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
