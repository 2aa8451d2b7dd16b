"""Links that reopen the app: every share link is built here (the planner's share tab, the
printed briefing), from the address of the page it opens; and the app's public address
(:func:`app_base`: never Community Cloud's inner ``/~/+``; ``MASH_BASE_URL`` when set), which
room links (:mod:`explorer.rooms.links`) start with too.

>>> scenario_link("https://mash.example.org/what-if?lang=cy#top", "eyJ", {"lang": "cy"})
'https://mash.example.org/what-if?scenario=eyJ&lang=cy'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

from explorer.config import BASE_URL_ENV

#: The URL parameter naming the edition a page shows (issue 18: "as at").
EDITION_PARAM = "asat"
#: The what-if planner's page (its URL path), which share links open.
WHAT_IF_PAGE = "what-if"
DEFAULT_BASE_URL = "http://localhost:8501"
#: Community Cloud's own path for the app inside its page (as the browser may spell it).
CLOUD_APP_PATHS = ("/~/+", "/%7E/+", "/~/%2B", "/%7E/%2B", "/%7e/+", "/~/%2b", "/%7e/%2b")


def page_address(url: str | None) -> str:
    """``url`` without its query and fragment ('' for none).

    >>> page_address("http://h/what-if?scenario=x#y"), page_address(None)
    ('http://h/what-if', '')
    """
    return (url or "").split("?")[0].split("#")[0]


def edition_params(edition_id: int | None) -> dict[str, str]:
    """The URL parameter that keeps an edition in a link: every link the app builds carries
    the edition its page showed, edition 1 (May 2019) included, so the link reproduces what
    its sender saw even after a later edition is published. A link without it (made before
    editions existed) opens the latest published edition.

    >>> edition_params(1), edition_params(None)
    ({'asat': '1'}, {})
    """
    if edition_id is None:
        return {}
    if isinstance(edition_id, bool) or not isinstance(edition_id, int) or edition_id < 1:
        raise ValueError(f"not an edition id: {edition_id!r}")
    return {EDITION_PARAM: str(edition_id)}


def scenario_link(page_url: str | None, token: str,
                  params: Mapping[str, str] | None = None) -> str:
    """The link that opens the scenario ``token`` (see :func:`explorer.scenario.encode_share`)
    on the page at ``page_url``, with ``params`` after it."""
    return f"{page_address(page_url)}?{urlencode({'scenario': token, **(params or {})})}"


def app_base(page_url: str | None, page_path: str, fallback: str = DEFAULT_BASE_URL,
             env: Mapping[str, str] | None = None) -> str:
    """The app's public address, for links people open: ``MASH_BASE_URL`` when set, else
    the address of one of its pages (``st.context.url``) without the page, the query and
    Community Cloud's inner ``/~/+`` (Cloud runs the app in an iframe at ``/~/+/``; people
    open the address around it).

    ``st.context.url`` in Streamlit 1.67: the browser side sends ``window.top.location``
    when the app runs in a frame it may read (Cloud's shell is on the same origin), else the
    frame's own address (e.g. embedded in another site: then it holds ``/~/+``); the query
    and fragment are dropped, and the server swaps the page path for the current page's.

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


def public_page_url(page_url: str | None, page_path: str = WHAT_IF_PAGE,
                    env: Mapping[str, str] | None = None) -> str:
    """The public address of the app's page ``page_path``, from the address of that page.

    >>> public_page_url("https://mash.streamlit.app/~/+/what-if", env={})
    'https://mash.streamlit.app/what-if'
    """
    return f"{app_base(page_url, page_path, env=env)}/{page_path}"


#: ``present=1``: a workshop room's presenter view (the projector), always in projector mode
#: (see :func:`explorer.rooms.links.presenter_params`).
PRESENT = "present"


#: Update rounds: the page a force's contributor link opens, and the review page.
CONTRIBUTE_PAGE = "contribute"
REVIEW_PAGE = "rounds"


def contributor_link(base: str, token: str) -> str:
    """A force's contributor link in an update round, from the app's public address ``base``
    (:func:`app_base`); the secret is the whole key.

    >>> contributor_link("https://h.example/mash", "t0k")
    'https://h.example/mash/contribute?token=t0k'
    """
    return f"{base}/{CONTRIBUTE_PAGE}?{urlencode({'token': token})}"
