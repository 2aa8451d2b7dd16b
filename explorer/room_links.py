"""Links into a workshop room (the QR code of the join link comes from :mod:`explorer.printing.qr`).

>>> links("http://localhost:8501", "ABC234")["join_link"]
'http://localhost:8501/what-if?room=ABC234'
>>> app_base("https://mash.example.org/apps/mash/workshop", "workshop")
'https://mash.example.org/apps/mash'
"""

from __future__ import annotations

from urllib.parse import urlencode

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


def app_base(page_url: str | None, page_path: str, fallback: str = "http://localhost:8501") -> str:
    """The app's address from the address of one of its pages (``st.context.url``).

    >>> app_base("http://127.0.0.1:8501/what-if", "what-if"), app_base(None, "x")
    ('http://127.0.0.1:8501', 'http://localhost:8501')
    """
    if not page_url:
        return fallback
    url = page_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    return url
