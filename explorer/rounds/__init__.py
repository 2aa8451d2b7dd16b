"""Update rounds (issue 19): each force reports its own section of the next edition, the
liaison unit reviews it and publishes the edition.

* :mod:`explorer.rounds.model`: edits, what a force may touch, the section state machine,
  writing edits into an edition's files (pure).
* :mod:`explorer.rounds.schema`, :mod:`explorer.rounds.store`: the tables and the plain
  functions over an Engine (open, links, save with a version number, submit, return,
  accept, publish through :mod:`explorer.editions.store`, the audit trail).
* :mod:`explorer.rounds.history`: each authority's position edition by edition, with sources.
* :mod:`explorer.rounds.cli`: ``python -m explorer rounds list|show|export``.
"""
