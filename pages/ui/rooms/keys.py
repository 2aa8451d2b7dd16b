"""Every session-state key and URL parameter of the workshop rooms, defined once.

Session state holds plain values only (strings, numbers, tuples, dicts of those).
"""

from __future__ import annotations

# URL parameters ---------------------------------------------------------------------------
#: ``?room=CODE``: the room (anyone with the code).
ROOM = "room"
#: ``&key=KEY``: the facilitator's key (the facilitator link).
KEY = "key"
#: ``&member=TOKEN``: one member's identity.
MEMBER = "member"

# Session state ----------------------------------------------------------------------------
#: (kind, text): a notice shown once after the next rerun.
FLASH = "room_flash"
#: :meth:`explorer.throttle.CodeAttempts.as_plain`: wrong codes or keys from this session.
ATTEMPTS = "room_attempts"
#: (code as given in the URL, canonical code): the room already checked this session.
KNOWN = "room_known"
#: (code, key): the facilitator key already checked this session.
KEY_OK = "room_key_ok"
#: {code: member token}: this session's identity in each room it joined.
TOKENS = "room_tokens"
#: Codes whose identity cookie was already read (or found wrong) in this session.
COOKIE_READ = "room_cookie_read"
#: Codes whose cookie is cleared although the session keeps the token (after Withdraw).
COOKIE_OFF = "room_cookie_off"
#: True while the page waits for the database to come back (see ``state.retry_later``).
RETRY_ARMED = "room_retry_armed"
#: The code of a room this session has just opened (it is told to save its private link).
NEW = "room_new"
#: {code: facilitator key}: keys taken out of the address bar (``?key=``) in this session.
FAC_KEYS = "room_fac_keys"
#: Codes whose private facilitator link this session asked to see.
SHOW_PRIVATE = "room_show_private"
#: {entry id: (kind, text)}: the last vote action's confirmation, shown beside its control.
VOTE_NOTES = "room_vote_notes"
#: {vote widget key: stored vote}: what each vote switch was last set to from storage (a
#: switch is set again only when what is stored changes, never on others' votes).
VOTE_SYNCED = "room_vote_synced"
#: {room code: True}: a vote was stored and the page has not drawn the votes since (the
#: board's next redraw then reruns the page: :func:`voting.page_behind`).
VOTES_UNSHOWN = "room_votes_unshown"
#: True when a secret (``key=``, ``member=``) was just taken out of the URL: the address-bar
#: scrub runs at the next :func:`state.address_guard`.
SCRUB = "room_scrub"
#: Codes of rooms where this session withdrew its entry (the panel says so, not "not sent").
WITHDRAWN = "room_withdrawn"


# Widget keys ------------------------------------------------------------------------------
CREATE_FORM, GO_FORM = "room_create", "room_go"
TABLE = "room_table"
DOWNLOAD_ZIP, DOWNLOAD_CSV, DOWNLOAD_HTML = "room_dl_zip", "room_dl_csv", "room_dl_html"
PANEL, SEND, WITHDRAW = "room_panel", "room_send", "room_withdraw"
PASSCODE = "room_passcode"
FILE_CHOICE = "room_file_choice"
REMOVE_CHOICE, REMOVE_SURE, REMOVE = "room_remove_choice", "room_remove_sure", "room_remove"


# Widget keys (per room, per version of the room where a widget must start afresh) ---------
def vote(code: str, entry_id: int) -> str:
    """A member's vote toggle for one entry: never the room's version in it, so others' votes
    never redraw or reset a member's own controls."""
    return f"room_vote_{code}_{entry_id}"


def hide_entry(code: str, entry_id: int) -> str:
    """The facilitator's hide toggle for one entry (no version: see :func:`vote`)."""
    return f"room_hide_{code}_{entry_id}"


def delete_key(code: str) -> str:
    return f"room_delete_key_{code}"


def replace_sure(code: str) -> str:
    return f"room_replace_sure_{code}"


def lock(code: str) -> str:
    return f"room_lock_{code}"


def reveal(code: str) -> str:
    return f"room_reveal_{code}"


#: {control widget key: stored value}: what the facilitator's lock and reveal switches were
#: last set to from storage (set again only when what is stored changes; a key that changed
#: with the room's version made Streamlit show a switch twice while the page reran).
CONTROL_SYNCED = "room_control_synced"


def display_name(code: str) -> str:
    return f"room_display_{code}"


def delete(code: str) -> str:
    return f"room_delete_{code}"
#: This session's signed board id per room code (its place in the room's queue of redraws).
LIVE_BOARD_IDS = "room_live_board_ids"
