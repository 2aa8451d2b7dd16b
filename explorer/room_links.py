"""Links into a workshop room (the QR code of the join link comes from :mod:`explorer.printing.qr`).

>>> links("http://localhost:8501", "ABC234")["join_link"]
'http://localhost:8501/what-if?room=ABC234'
>>> app_base("https://mash.example.org/apps/mash/workshop", "workshop", env={})
'https://mash.example.org/apps/mash'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

#: Pages (their URL paths) that room links open.
JOIN_PAGE = "what-if"
BOARD_PAGE = "workshop"
#: The update rounds' review page (contributor links: :func:`explorer.links.contributor_link`).
REVIEW_PAGE = "rounds"
#: Sets the address links start with (the public one), whatever address a visitor used.
BASE_URL_ENV = "MASH_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8501"
#: Community Cloud's own path for the app inside its page (as the browser may spell it).
CLOUD_APP_PATHS = ("/~/+", "/%7E/+", "/~/%2B", "/%7E/%2B", "/%7e/+", "/~/%2b", "/%7e/%2b")


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


def app_base(page_url: str | None, page_path: str, fallback: str = DEFAULT_BASE_URL,
             env: Mapping[str, str] | None = None) -> str:
    """The app's public address, for links people open: ``MASH_BASE_URL`` when set, else
    the address of one of its pages (``st.context.url``) without the page, the query and
    Community Cloud's inner ``/~/+`` (Cloud runs the app in an iframe at ``/~/+/``; people
    open the address around it).

    >>> app_base("http://127.0.0.1:8501/what-if", "what-if", env={}), app_base(None, "x", env={})
    ('http://127.0.0.1:8501', 'http://localhost:8501')
    >>> app_base("https://mash.streamlit.app/~/+/what-if", "what-if", env={})
    'https://mash.streamlit.app'
    >>> app_base("https://h.example/mash/workshop", "workshop", env={})
    'https://h.example/mash'
    >>> app_base("http://10.0.0.5:8501/what-if", "what-if",
    ...          env={"MASH_BASE_URL": "https://mash.example.org/ "})
    'https://mash.example.org'
    """
    env = os.environ if env is None else env
    configured = (env.get(BASE_URL_ENV) or "").strip().rstrip("/")
    if configured:
        return configured
    if not page_url:
        return fallback
    url = page_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if page_path and url.endswith("/" + page_path):
        url = url[: -len(page_path) - 1]
    parts = urlsplit(url)
    path = parts.path
    for inner in CLOUD_APP_PATHS:
        if path == inner or path.startswith(inner + "/"):
            path = path[len(inner):]
            break
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), "", ""))
