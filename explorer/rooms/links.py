"""Links into a workshop room (the QR code of the join link comes from :mod:`explorer.printing.qr`).

>>> links("http://localhost:8501", "ABC234")["join_link"]
'http://localhost:8501/what-if?room=ABC234'
>>> app_base("https://mash.example.org/apps/mash/workshop", "workshop", env={})
'https://mash.example.org/apps/mash'
"""

from __future__ import annotations

from urllib.parse import urlencode

from explorer.links import BASE_URL_ENV, CLOUD_APP_PATHS, DEFAULT_BASE_URL, app_base

__all__ = ["BASE_URL_ENV", "CLOUD_APP_PATHS", "DEFAULT_BASE_URL", "JOIN_PAGE", "BOARD_PAGE",
           "app_base", "links", "member_link"]

#: Pages (their URL paths) that room links open.
JOIN_PAGE = "what-if"
BOARD_PAGE = "workshop"


def links(base: str, code: str, key: str | None = None) -> dict[str, str]:
    """Join, board and (with the key) facilitator links of a room.

    >>> links("http://localhost:8501", "ABC234", "k-1")["facilitator_link"]
    'http://localhost:8501/workshop?room=ABC234&key=k-1'
    """
    out = {
        "join_link": f"{base}/{JOIN_PAGE}?{urlencode({'room': code})}",
        "board_link": f"{base}/{BOARD_PAGE}?{urlencode({'room': code})}",
    }
    if key is not None:
        out["facilitator_link"] = f"{base}/{BOARD_PAGE}?{urlencode({'room': code, 'key': key})}"
    return out


def member_link(base: str, code: str, token: str, page: str = JOIN_PAGE) -> str:
    """A member's own link (keeps their identity across reloads and devices).

    >>> member_link("http://h", "ABC234", "t0k")
    'http://h/what-if?room=ABC234&member=t0k'
    """
    return f"{base}/{page}?{urlencode({'room': code, 'member': token})}"
