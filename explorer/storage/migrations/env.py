"""Alembic environment: the same database as the app (``explorer.storage.db.database_url``).

Normally run through :func:`explorer.storage.db.upgrade`, which passes its own connection (inside
one locked transaction). Run on its own, it connects to :func:`explorer.storage.db.database_url`.
"""

from alembic import context

from explorer.storage import db
from explorer.storage.schema import all_tables

config = context.config
metadata = all_tables()
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
