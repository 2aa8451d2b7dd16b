"""Editions of the position: the May 2019 briefing (edition 1, read from ``data/``) and
later positions kept in the app's database, each change with its source and reason.

* :mod:`explorer.editions.model`: what an edition is; row differences; the check that every
  differing row has a change record with a source and a reason (pure).
* :mod:`explorer.editions.files`: an edition's files in (a ZIP or a folder, validated like
  ``data/``) and out (a ZIP of the ``data/`` CSVs, ``changes.csv`` and ``edition.json``).
* :mod:`explorer.editions.schema`, :mod:`explorer.editions.store`: the tables and the plain
  functions over an Engine (import as a draft, publish, list, load, export).
* :mod:`explorer.editions.diff`: what changed between any two editions, with a summary
  written from templates in ``explorer/messages.toml``.
* :mod:`explorer.editions.cli`: ``python -m explorer editions ...``.
"""
