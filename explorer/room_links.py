"""Links into a workshop room, and the join link as a QR code (inline SVG, no network).

>>> links("http://localhost:8501", "ABC234")["join_link"]
'http://localhost:8501/what-if?room=ABC234'
>>> app_base("https://mash.example.org/apps/mash/workshop", "workshop")
'https://mash.example.org/apps/mash'
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import segno

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


def qr_svg(text: str, *, label: str) -> str:
    """The QR code of ``text`` as inline SVG that scales to its container (viewBox only).

    ``label`` becomes the SVG's accessible name (escaped). Error correction M: readable
    from a projector screen at the back of a room when drawn large.

    >>> svg = qr_svg("http://localhost:8501/what-if?room=ABC234", label="Join <room>")
    >>> svg.startswith("<svg") and 'role="img"' in svg and "Join &lt;room&gt;" in svg
    True
    """
    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html.escape(label)}" '
                 'style="width:100%;height:auto;display:block" ', 1)
