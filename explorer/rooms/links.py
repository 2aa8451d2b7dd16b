"""Links into a workshop room (the QR code of the join link comes from :mod:`explorer.printing.qr`).

>>> links("http://localhost:8501", "ABC234")["join_link"]
'http://localhost:8501/what-if?room=ABC234'
>>> app_base("https://mash.example.org/apps/mash/workshop", "workshop", env={})
'https://mash.example.org/apps/mash'
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from explorer.links import BASE_URL_ENV, CLOUD_APP_PATHS, DEFAULT_BASE_URL, PRESENT, app_base

__all__ = ["BASE_URL_ENV", "CLOUD_APP_PATHS", "DEFAULT_BASE_URL", "JOIN_PAGE", "BOARD_PAGE",
           "PRESENT", "ENTRY", "app_base", "links", "member_link", "presenter_link",
           "presenter_params", "presenter_query"]

#: Pages (their URL paths) that room links open.
JOIN_PAGE = "what-if"
BOARD_PAGE = "workshop"
#: ``&entry=N``: one entry (its number) opened from the presenter view.
ENTRY = "entry"
#: The settings' URL parameter that turns projector mode on (see ``pages/ui/shell.py``).
PROJECTOR_PARAM = "workshop"


def links(base: str, code: str, key: str | None = None,
          params: Mapping[str, str] | None = None) -> dict[str, str]:
    """Join, board and (with the key) facilitator links of a room. ``params`` (the sender's
    settings: language, projector mode) ride on the board and facilitator links; the join link
    stays short (it is typed and scanned, and each member keeps their own settings).

    >>> links("http://localhost:8501", "ABC234", "k-1")["facilitator_link"]
    'http://localhost:8501/workshop?room=ABC234&key=k-1'
    >>> links("http://h", "ABC234", "k-1", {"lang": "cy"})["facilitator_link"]
    'http://h/workshop?room=ABC234&key=k-1&lang=cy'
    """
    extra = dict(params or {})
    out = {
        "join_link": f"{base}/{JOIN_PAGE}?{urlencode({'room': code})}",
        "board_link": f"{base}/{BOARD_PAGE}?{urlencode({'room': code, **extra})}",
    }
    if key is not None:
        out["facilitator_link"] = (
            f"{base}/{BOARD_PAGE}?{urlencode({'room': code, 'key': key, **extra})}")
    return out


def presenter_params(code: str, params: Mapping[str, str] | None = None,
                     entry: int | None = None) -> dict[str, str]:
    """The URL parameters of the presenter view of room ``code``, or of one of its entries:
    projector mode always, the sender's other settings (``params``, e.g. the language), and
    never a facilitator key or a member token, whatever ``params`` holds.

    >>> presenter_params("ABC234", {"lang": "cy", "key": "secret", "member": "t"}, entry=9)
    {'room': 'ABC234', 'present': '1', 'workshop': '1', 'lang': 'cy', 'entry': '9'}
    """
    keep = {k: v for k, v in (params or {}).items()
            if k not in ("room", "key", "member", PRESENT, ENTRY, PROJECTOR_PARAM)}
    query = {"room": code, PRESENT: "1", PROJECTOR_PARAM: "1", **keep}
    if entry is not None:
        query[ENTRY] = str(entry)
    return query


def presenter_query(code: str, params: Mapping[str, str] | None = None,
                    entry: int | None = None) -> str:
    """:func:`presenter_params` as a query (``?...``). Relative to the board's own page, it
    opens in the same tab and works under any path prefix and inside Cloud's frame.

    >>> presenter_query("ABC234", {"lang": "cy"}, entry=9)
    '?room=ABC234&present=1&workshop=1&lang=cy&entry=9'
    """
    return "?" + urlencode(presenter_params(code, params, entry))


def presenter_link(base: str, code: str, params: Mapping[str, str] | None = None,
                   entry: int | None = None) -> str:
    """The presenter view's full link (the facilitator's "Board for the projector").

    >>> presenter_link("https://h.example/mash", "ABC234", {"lang": "cy"})
    'https://h.example/mash/workshop?room=ABC234&present=1&workshop=1&lang=cy'
    """
    return f"{base}/{BOARD_PAGE}{presenter_query(code, params, entry)}"


def member_link(base: str, code: str, token: str, page: str = JOIN_PAGE) -> str:
    """A member's own link (keeps their identity across reloads and devices).

    >>> member_link("http://h", "ABC234", "t0k")
    'http://h/what-if?room=ABC234&member=t0k'
    """
    return f"{base}/{page}?{urlencode({'room': code, 'member': token})}"
