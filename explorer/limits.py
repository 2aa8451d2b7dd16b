"""Every limit on what users may type, send or upload, defined once.

The scenario parser, the planner's widgets, workshop rooms, the command line and docs/operations.md
all read these names, so whatever the parser accepts, the page can show (and the reverse).

>>> MIN_TRAVEL_KM <= 40 <= MAX_TRAVEL_KM
True

A best-sites answer becomes a scenario with the same reach, so its range sits inside the
travel-limit range:

>>> MIN_TRAVEL_KM <= MIN_BEST_KM <= MAX_BEST_KM <= MAX_TRAVEL_KM
True
"""

from __future__ import annotations

#: Longest scenario or hub name, in characters (after normalisation).
MAX_NAME_CHARS = 120
#: Most hubs in one scenario.
MAX_HUBS = 50
#: Largest scenario file or upload accepted, in bytes.
MAX_SCENARIO_BYTES = 256 * 1024
#: Longest share-link token accepted (and produced), in characters. Browsers and web servers
#: carry URLs of about 8 KB reliably; a longer scenario is offered as a file instead.
MAX_SHARE_CHARS = 6 * 1024
#: Range of the travel-distance limit for regional hubs, in km (``None`` means no limit).
MIN_TRAVEL_KM = 1.0
MAX_TRAVEL_KM = 500.0
#: Step of the travel-distance widget, in km.
TRAVEL_STEP_KM = 5.0
#: Best-sites search: how many hubs, and the distance range, in km.
MAX_BEST_SITES = 6
MIN_BEST_KM = 1.0
MAX_BEST_KM = 300.0
#: Scenarios kept side by side for comparison in one session.
MAX_SAVED = 3
#: Largest data file (CSV) the loader reads, in bytes.
MAX_DATA_FILE_BYTES = 1_000_000
#: Longest text cell in a data file, in characters (the longest real summary is about 600).
MAX_DATA_TEXT_CHARS = 2_000
#: Longest number literal in a scenario file, in characters (a 5,001-digit number is refused
#: with a clear message instead of Python's integer-conversion limit).
MAX_NUMBER_CHARS = 30
#: Longest file name or path quoted in a message, in characters (shortened in the middle).
MAX_SOURCE_CHARS = 200
#: Largest boundary file read (``MASH_BOUNDARIES`` or ``boundaries refresh``), in bytes, also
#: once decompressed.
MAX_BOUNDARY_BYTES = 30 * 1024 * 1024
#: Most features (or layers, or archive members) in a boundary file. Wales has 22 local
#: authorities and the whole UK about 360, so a file with more is not one of them.
MAX_BOUNDARY_FEATURES = 5_000
#: Longest boundary attribution text (``MASH_BOUNDARIES_ATTRIBUTION``), in characters.
MAX_ATTRIBUTION_CHARS = 400

# Workshop rooms (explorer/rooms/, the workshop page and ``python -m explorer rooms``) ----
#: Longest room name and member display name, in characters (after normalisation).
MAX_ROOM_NAME_CHARS = 80
MAX_DISPLAY_NAME_CHARS = 40
#: Longest part of an exported file's name taken from user text (a display name), in characters.
MAX_FILE_NAME_PART_CHARS = 40
#: Most entries (one per member) in one room, and most members who may join it.
MAX_ROOM_ENTRIES = 200
MAX_ROOM_MEMBERS = 400
#: Votes each member may give (at most one per entry), changeable until the room is locked.
MAX_VOTES_PER_MEMBER = 3
#: Rooms open at once on one server (a soft cap against runaway creation).
MAX_OPEN_ROOMS = 1000
#: Join codes: this many characters from an alphabet without look-alikes (no 0/O, 1/I/L).
#: Why 7 (the arithmetic): 31**7 = 27,512,614,111 codes. With the throttles below, one client
#: address gets at most about 1,440 wrong codes a day (one a minute once slowed; the session
#: and address throttles both hold and neither is reset by a right code or a reload). Against
#: a full server of MAX_OPEN_ROOMS = 1,000 rooms that is one hit expected every
#: 27.5e9 / 1,000 / 1,440 = 19,106 days (52 years) per address; with 100 addresses, 191 days,
#: a 15% chance within a room's 30 days. Six characters (31**6 = 887,503,681) gave 616 days
#: per address and 6 days for 100 addresses: too few. Codes of the earlier length 6 are still
#: accepted for rooms opened before (they expire within ROOM_EXPIRY_DAYS).
ROOM_CODE_LENGTH = 7
LEGACY_ROOM_CODE_LENGTH = 6
ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Rooms are deleted this many days after their last activity (``MASH_ROOM_EXPIRY_DAYS``).
ROOM_EXPIRY_DAYS = 30
MAX_ROOM_EXPIRY_DAYS = 3650
#: Wrong join codes or keys from one session, and separately from one client address: this
#: many are free, then each further one doubles the wait, from CODE_DELAY_BASE_S up to
#: CODE_DELAY_MAX_S seconds. A right code does not reset the count; it is forgotten only after
#: CODE_FORGET_S seconds without a wrong one.
CODE_FREE_FAILURES = 3
CODE_DELAY_BASE_S = 2.0
CODE_DELAY_MAX_S = 60.0
CODE_FORGET_S = 3600
#: Rooms one client address may open per hour (the operator's command line is not limited).
MAX_ROOMS_PER_CLIENT_PER_HOUR = 5
#: Hours a room is kept when nobody has joined it (instead of ROOM_EXPIRY_DAYS).
UNJOINED_ROOM_EXPIRY_HOURS = 48
#: Members one client address may add to one room (a room behind one NAT address must fit:
#: the brief's largest workshop is 60), and how many of those within one minute (as many: a
#: whole room may press Send in the same minute; what stops a script beyond this is the
#: facilitator removing members for good).
MAX_MEMBERS_PER_CLIENT = 60
MAX_JOINS_PER_CLIENT_PER_MINUTE = 60
#: Longest facilitator passcode accepted (MASH_FACILITATOR_PASSCODE), in characters.
MAX_PASSCODE_CHARS = 200
#: Most combining marks in a row on one character of a room or display name.
MAX_COMBINING_MARKS = 3
#: Seconds a confirmation stays on the page (across the board's own reruns).
NOTICE_SECONDS = 8

# ---- Live boards (pages/ui/rooms/live.py, explorer/rooms/redraws.py) ----
#: Seconds between a board's checks of its room (a small HTTP request; a change is redrawn).
BOARD_POLL_S = 2.0
#: Redraws a second that the boards of one room may take (30 boards redrawing every 2 s ask
#: 15), and the burst allowed; beyond that a board waits for its next check. Per server process.
ROOM_REDRAWS_PER_S = 20
ROOM_REDRAW_BURST = 60
#: The same for all rooms on one server process together.
SERVER_REDRAWS_PER_S = 40
SERVER_REDRAW_BURST = 120
#: Most boards of one room waiting in its queue for a redraw (oldest first); a board that has
#: not checked for 2.5 checks' time is taken to be closed and leaves the queue.
ROOM_REDRAW_QUEUE = 2_000

# Editions (explorer/editions, ``python -m explorer editions``) ------------------------------
#: Longest edition title, in characters (after normalisation).
MAX_EDITION_TITLE_CHARS = 120
#: Most change records (rows of ``changes.csv``) in one edition.
MAX_EDITION_CHANGES = 500
#: Longest source link in a change record, in characters (http:// or https:// only).
MAX_SOURCE_LINK_CHARS = 500
#: Largest edition ZIP imported, in bytes; and most entries it may hold. Each file inside is
#: also held to MAX_DATA_FILE_BYTES once decompressed (``edition.json`` to MAX_EDITION_JSON_BYTES).
MAX_EDITION_ZIP_BYTES = 5 * 1024 * 1024
MAX_EDITION_ZIP_ENTRIES = 50
MAX_EDITION_JSON_BYTES = 16 * 1024
#: Most problems listed when an edition's import is refused (the rest are counted).
MAX_IMPORT_PROBLEMS_SHOWN = 25
#: Most editions stored in one database (a soft cap against runaway imports).
MAX_EDITIONS = 1000

# Update rounds (explorer/rounds, the round pages and ``python -m explorer rounds``) --------
#: Longest round title, in characters (the same rule as edition titles).
MAX_ROUND_TITLE_CHARS = 120
#: Longest source title, "reported by" role and reason of one change, in characters.
MAX_CHANGE_SOURCE_CHARS = 300
MAX_CHANGE_REASON_CHARS = 1_000
#: Longest comment when the maintainer returns a section, or gives a reason to publish
#: without every section accepted, in characters.
MAX_ROUND_COMMENT_CHARS = 1_000
#: Most changed, added or removed rows in one force's section.
MAX_SECTION_EDITS = 100
#: Rounds kept in one database (a soft cap against runaway creation).
MAX_ROUNDS = 200
#: Most audit records (saves, submits, returns, ...) in one round.
MAX_ROUND_AUDIT = 5_000
