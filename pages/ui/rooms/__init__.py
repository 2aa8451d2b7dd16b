"""Workshop rooms in the app, by job.

* :mod:`~pages.ui.rooms.keys`: every session-state key and URL parameter the rooms use;
* :mod:`~pages.ui.rooms.state`: the database, the room, key and member token of this session;
* :mod:`~pages.ui.rooms.board`: the board page's pieces (lobby, join panel, board, votes,
  the facilitator's controls);
* :mod:`~pages.ui.rooms.member`: the planner's "Send to room" panel.

Storage is :mod:`explorer.rooms`; no module here imports SQLAlchemy (storage errors arrive as
:class:`explorer.storage.db.DatabaseError`).
"""
