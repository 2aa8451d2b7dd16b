"""A member's identity kept in their browser across a reload or a replica failover.

The member token never rides in a link. The page keeps it in a cookie per room
(``mash_member_<CODE>``, ``Path`` = the app's own base path as the browser sees it,
``SameSite=Lax``, ``Max-Age`` = what is left of the room's life, ``Secure`` on https), set by a
tiny script on the page, and reads it server-side from the websocket handshake's cookies
(``st.context.cookies``) on the next connection. Everything here is pure (no Streamlit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from explorer.rooms.model import MAX_SECRET_CHARS

#: Cookie name prefix; the room's canonical code follows.
COOKIE_PREFIX = "mash_member_"
#: The facilitator's key is kept the same way (on the facilitator's own device), so that it
#: never has to stay in the address bar: ``mash_facilitator_<CODE>``.
FACILITATOR_PREFIX = "mash_facilitator_"
_PREFIXES = {"member": COOKIE_PREFIX, "facilitator": FACILITATOR_PREFIX}
#: What a token can look like (``secrets.token_urlsafe``); anything else is ignored unread.
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{8,{MAX_SECRET_CHARS}}}")
_CODE = re.compile(r"[A-Z0-9]{1,32}")


def cookie_name(code: str, kind: str = "member") -> str:
    """The cookie holding this browser's member token (``kind="facilitator"``: facilitator
    key) for room ``code`` (canonical code).

    >>> cookie_name("ABC2345"), cookie_name("ABC2345", "facilitator")
    ('mash_member_ABC2345', 'mash_facilitator_ABC2345')
    """
    if not _CODE.fullmatch(code or ""):
        raise ValueError("not a room code")
    return _PREFIXES[kind] + code


def cookie_token(cookies: Mapping[str, Any] | None, code: str,
                 kind: str = "member") -> str | None:
    """The member token (or facilitator key) the browser holds for room ``code``, or None (no
    cookie, a malformed one, or a code that is not a room code). Still to be checked against
    storage."""
    if not cookies or not _CODE.fullmatch(code or ""):
        return None
    value = cookies.get(_PREFIXES[kind] + code)
    if isinstance(value, str) and _TOKEN.fullmatch(value):
        return value
    return None


def max_age_s(expires_at: datetime, now: datetime | None = None) -> int:
    """Seconds the cookie may live: until the room expires (0 when it has)."""
    now = now or datetime.now(UTC)
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    return max(0, int((expires_at - now).total_seconds()))


#: Sets (or with max-age 0, deletes) the cookie. The path is the page's own address less the
#: page's segment, so it is the app's base path as the browser sees it, under any prefix and
#: inside Community Cloud's iframe; the websocket (``<base>/_stcore/stream``) is under it.
_JS = r"""(function () {
  var spec = SPEC;
  var path = window.location.pathname.replace(/\/+$/, "");
  if (spec.page && path.split("/").pop() === spec.page) {
    path = path.slice(0, path.length - spec.page.length).replace(/\/+$/, "");
  }
  var cookie = spec.name + "=" + (spec.token || "") + "; Path=" + (path || "/") +
    "; Max-Age=" + (spec.token ? spec.maxAge : 0) + "; SameSite=Lax";
  if (window.location.protocol === "https:") cookie += "; Secure";
  document.cookie = cookie;
  // The secret leaves the page's HTML once it is in the cookie.
  try { if (document.currentScript) document.currentScript.textContent = ""; } catch (e) {}
})();"""


def cookie_script(code: str, token: str | None, max_age: int, page: str,
                  kind: str = "member") -> str:
    """The script that keeps room ``code``'s cookie at ``token`` (None deletes it). ``page``
    is the page's URL segment (``what-if``, ``workshop``). The token is checked to be URL-safe
    characters and everything is JSON-encoded, so nothing can break out of the script."""
    if token is not None and not _TOKEN.fullmatch(token):
        token = None
    spec = {"name": cookie_name(code, kind), "token": token, "maxAge": int(max_age),
            "page": page if re.fullmatch(r"[a-z0-9-]*", page or "") else ""}
    return _JS.replace("SPEC", json.dumps(spec).replace("<", "\\u003c"))


#: On a page whose session has no identity in the room while the browser holds one (joined
#: in another tab, before or after this one connected): reload once, so the next connection's
#: handshake carries the cookie and the page continues as that member instead of offering to
#: join again. Checked at once and every 2 s while the page shows its marker element.
_RELOAD_JS = r"""(function () {
  var name = NAME, seen = "mash_reloaded_" + name, marker = MARKER;
  function check() {
    if (!document.getElementById(marker)) { clearInterval(timer); return; }
    var found = document.cookie.split("; ").filter(function (c) {
      return c.indexOf(name + "=") === 0;
    })[0];
    if (!found) return;
    var value = found.slice(name.length + 1);
    try {
      if (window.sessionStorage.getItem(seen) === value) return;  // once per identity
      window.sessionStorage.setItem(seen, value);
    } catch (e) { return; }
    clearInterval(timer);
    window.location.reload();
  }
  var timer = setInterval(check, 2000);
  check();
})();"""


def rejoin_marker(code: str) -> str:
    """The id of the element that keeps :func:`rejoin_script` watching."""
    return "mash-rejoin-" + cookie_name(code)


def rejoin_script(code: str) -> str:
    """The script that reloads the page once when this browser holds a member cookie for room
    ``code`` that the page's connection did not see (while the marker element is shown)."""
    return (_RELOAD_JS.replace("NAME", json.dumps(cookie_name(code)))
            .replace("MARKER", json.dumps(rejoin_marker(code))))


#: Takes ``key=`` and ``member=`` out of the address bar of the app's frame and, when the app
#: runs inside a same-origin wrapper (Community Cloud's shell loads it at ``/~/+/``), of the
#: wrapper's too: the address a projector shows never holds a secret. ``replaceState`` leaves
#: no history entry holding it either.
SCRUB_JS = r"""(function () {
  var seen = [];
  [window, window.parent, window.top].forEach(function (w) {
    try {
      if (!w || seen.indexOf(w) >= 0) return;
      seen.push(w);
      var url = new URL(w.location.href), changed = false;
      ["key", "member"].forEach(function (p) {
        if (url.searchParams.has(p)) { url.searchParams.delete(p); changed = true; }
      });
      if (!changed) return;
      w.history.replaceState(w.history.state, "", url.pathname + url.search + url.hash);
    } catch (e) { /* another origin's window: not ours to touch */ }
  });
})();"""
