"""Links that reopen the app: every share link is built here (the planner's share tab, the
printed briefing), from the address of the page it opens.

>>> scenario_link("https://mash.example.org/what-if?lang=cy#top", "eyJ", {"lang": "cy"})
'https://mash.example.org/what-if?scenario=eyJ&lang=cy'
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode


def page_address(url: str | None) -> str:
    """``url`` without its query and fragment ('' for none).

    >>> page_address("http://h/what-if?scenario=x#y"), page_address(None)
    ('http://h/what-if', '')
    """
    return (url or "").split("?")[0].split("#")[0]


def scenario_link(page_url: str | None, token: str,
                  params: Mapping[str, str] | None = None) -> str:
    """The link that opens the scenario ``token`` (see :func:`explorer.scenario.encode_share`)
    on the page at ``page_url``, with ``params`` after it."""
    return f"{page_address(page_url)}?{urlencode({'scenario': token, **(params or {})})}"


#: The page a force's contributor link opens (update rounds).
CONTRIBUTE_PAGE = "contribute"


def contributor_link(base: str, token: str) -> str:
    """A force's contributor link in an update round, from the app's public address ``base``
    (:func:`explorer.room_links.app_base`); the secret is the whole key.

    >>> contributor_link("https://h.example/mash", "t0k")
    'https://h.example/mash/contribute?token=t0k'
    """
    return f"{base}/{CONTRIBUTE_PAGE}?{urlencode({'token': token})}"
