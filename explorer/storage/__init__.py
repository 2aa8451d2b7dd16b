"""Stored state shared by features: the database engine and URL (:mod:`explorer.storage.db`),
the tables' common metadata and types (:mod:`explorer.storage.schema`) and the Alembic
migrations (``explorer/storage/migrations``). Workshop rooms and editions keep their tables in
their own packages, on the one :data:`explorer.storage.schema.metadata`."""
