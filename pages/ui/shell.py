"""The app shell: shared settings, navigation and sidebar, for ``app.py`` and every page.

Settings (language, projector mode, map style, names on maps) live in session state as plain
values and in the URL (``?lang=cy&workshop=1&map=tiles``), so a link keeps its sender's language
and a projector keeps its mode across a reload. The URL wins when it names a valid value;
otherwise the session's value is written back to it. :func:`sync_settings` (in ``app.py``)
returns them as one frozen :class:`Settings`, which every page takes from :func:`settings`
rather than reading session state with defaults of its own. The projector setting's session
key is ``projector``; its URL parameter stays ``workshop=1`` (links already handed out keep
working), so "workshop" alone means the workshop rooms page.

Cold start (issue 11): while no script in this process has called ``st.navigation``, Streamlit
treats an app with a ``pages/`` folder as an old-style multipage app and runs a deep link's page
file on its own, without ``app.py`` (``PagesManager.uses_pages_directory``, Streamlit 1.67). Every
page therefore starts with :func:`require_app`: when the page runs without the shell, it declares
the app's own navigation (any ``st.navigation`` call ends the old mode for the whole process) and
reruns, so the visitor gets the whole app on the same URL. ``tests/browser/test_cold_start.py``
starts a fresh server per deep link and fails if Streamlit changes underneath this.
"""

from __future__ import annotations

import logging
import runpy
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import FragmentHandledException

from explorer.i18n import LANGS, t
from explorer.links import PRESENT

ROOT = Path(__file__).resolve().parents[2]
MAP_STYLES = ("geographic", "tiles")
#: session key -> (URL parameter, default, URL spelling of a value); what the URL may say is
#: in ``_URL_VALUES``.
SETTINGS: dict[str, tuple[str, Any, Callable[[Any], str]]] = {
    "lang": ("lang", "en", str),
    "projector": ("workshop", False, lambda on: "1" if on else "0"),
    "map_style": ("map", "geographic", str),
    "names": ("names", False, lambda on: "1" if on else "0"),
}
_URL_VALUES = {
    "lang": {code: code for code in LANGS},
    "projector": {"1": True, "0": False, "true": True, "false": False},
    "map_style": {style: style for style in MAP_STYLES},
    "names": {"1": True, "0": False, "true": True, "false": False},
}

#: (key, file, url path, icon, section) for every page, in navigation order.
PAGE_SPECS = (
    ("status", "pages/status_map.py", "", ":material/map:", "nav.section_2019"),
    ("forces", "pages/forces.py", "forces", ":material/local_police:", "nav.section_2019"),
    ("timeline", "pages/timeline.py", "timeline", ":material/timeline:", "nav.section_2019"),
    ("table", "pages/table.py", "table", ":material/table:", "nav.section_2019"),
    ("what_if", "pages/what-if.py", "what-if", ":material/tune:", "nav.section_plan"),
    ("workshop", "pages/workshop.py", "workshop", ":material/groups:", "nav.section_plan"),
    ("sources", "pages/sources.py", "sources", ":material/menu_book:", "nav.section_about"),
    ("editions", "pages/editions.py", "editions", ":material/history:", "nav.section_about"),
    ("rounds", "pages/rounds.py", "rounds", ":material/fact_check:", "nav.section_about"),
    # Opened only by a force's contributor link: routed, not listed in the sidebar.
    ("contribute", "pages/contribute.py", "contribute", ":material/edit_note:", ""),
)

_run = threading.local()

#: Where a page's unexpected error goes, with its traceback and reference: the server's log.
log = logging.getLogger("mash_wales_explorer")
if not log.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)


@dataclass(frozen=True)
class Settings:
    """This session's settings, read once per run by :func:`sync_settings`."""

    lang: str = SETTINGS["lang"][1]
    #: Projector mode: larger text and map labels, sidebar collapsed (URL ``workshop=1``).
    projector: bool = SETTINGS["projector"][1]
    map_style: str = SETTINGS["map_style"][1]
    names: bool = SETTINGS["names"][1]


def require_app() -> Settings:
    """First line of every page: make sure the page runs inside the app shell (see above);
    returns this session's :class:`Settings`."""
    if getattr(_run, "in_app", False):
        return settings()
    # Run app.py here and now: it declares the app's navigation (which also ends Streamlit's
    # old multipage mode for the whole process), draws the shared sidebar and runs this same
    # page inside it; then this outer run of the page stops. No extra round trip, and widget
    # events of this run (a button press) reach the page.
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def sync_settings() -> Settings:
    """Settings from the URL (when valid) or the session; the URL is kept in step. The
    presenter view of a workshop room (``present=1``) is always in projector mode."""
    if st.query_params.get(PRESENT) == "1":
        st.query_params[SETTINGS["projector"][0]] = "1"
    for key, (param, default, spell) in SETTINGS.items():
        raw = st.query_params.get(param)
        value = _URL_VALUES[key].get(str(raw).strip().lower()) if raw is not None else None
        if value is not None:
            st.session_state[key] = value
        st.session_state.setdefault(key, default)
        current = st.session_state[key]
        wanted = None if current == default else spell(current)
        if raw != wanted:
            if wanted is None:
                del st.query_params[param]
            else:
                st.query_params[param] = wanted
    return settings()


def settings() -> Settings:
    """This session's settings (as :func:`sync_settings` left them at the top of this run)."""
    return Settings(**{key: st.session_state.get(key, default)
                       for key, (_param, default, _spell) in SETTINGS.items()})


def settings_params() -> dict[str, str]:
    """The URL parameters that carry this session's settings (for links between pages)."""
    out = {}
    for key, (param, default, spell) in SETTINGS.items():
        value = st.session_state.get(key, default)
        if value != default:
            out[param] = spell(value)
    return out


def _pages(lang: str) -> dict[str, Any]:
    return {
        key: st.Page(str(ROOT / path), title=t(f"nav.{key}", lang), icon=icon,
                     url_path=url, default=(url == ""))
        for key, path, url, icon, _section in PAGE_SPECS
    }


def navigation(lang: str):
    """Declare the app's pages (hidden: the sidebar draws its own accessible links)."""
    _run.pages = (lang, _pages(lang))  # built once per run: each st.Page resolves its file
    return st.navigation(list(_run.pages[1].values()), position="hidden")


def sidebar_links(lang: str) -> None:
    """The app's navigation as plain links, grouped by section, carrying the settings."""
    built = getattr(_run, "pages", None)
    pages = built[1] if built and built[0] == lang else _pages(lang)
    from pages.ui.editions import asat

    params = {**settings_params(), **asat.link_params()}
    section = None
    for key, _path, _url, _icon, sec in PAGE_SPECS:
        if not sec:
            continue
        if sec != section:
            section = sec
            st.caption(t(sec, lang))
        st.page_link(pages[key], query_params=params or None)


#: Sets the document's language and marks the current page's sidebar link, in the page's own
#: document (no request, no iframe of its own): Streamlit 1.67 hard-codes ``<html lang="en">``
#: (streamlit/streamlit#15726) and gives ``st.page_link`` no ``aria-current``. The marker
#: carries the language, the current page's URL path and every other page's; the script runs
#: whenever the marker changes, and one MutationObserver per window keeps both right as
#: Streamlit redraws the page (every rerun, every page). A link is matched by the last segment
#: of its own href (Streamlit writes them relative to the app), never by the address bar, so it
#: works under any path prefix and inside Community Cloud's iframe.
_DOC_JS = r"""(function () {
  function segment(href) {
    return (href || "").split("#")[0].split("?")[0].replace(/\/+$/, "").split("/").pop();
  }
  function apply() {
    var marks = document.querySelectorAll("span.mash-doc[data-lang]");
    if (!marks.length) return;
    var mark = marks[marks.length - 1];
    var lang = mark.getAttribute("data-lang");
    if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
    var page = mark.getAttribute("data-page") || "";
    var others = (mark.getAttribute("data-pages") || "").split(" ");
    document.querySelectorAll('a[data-testid="stPageLink-NavLink"]').forEach(function (a) {
      var seg = segment(a.getAttribute("href"));
      // The default page's link has no page segment of its own ("" or the app's prefix).
      var here = page ? seg === page : others.indexOf(seg) < 0;
      if (here) {
        if (a.getAttribute("aria-current") !== "page") a.setAttribute("aria-current", "page");
      } else if (a.hasAttribute("aria-current")) {
        a.removeAttribute("aria-current");
      }
    });
  }
  apply();
  if (!window.mashDocObserver) {
    window.mashDocObserver = new MutationObserver(apply);
    window.mashDocObserver.observe(document.body, {childList: true, subtree: true,
      attributes: true, attributeFilter: ["href", "data-lang", "data-page"]});
  }
})();"""


def document_language(lang: str, page_url_path: str) -> None:
    """Declare the page's language on ``<html>`` and mark the sidebar link of the page being
    shown (WCAG 3.1.1, 2.4.8); the element itself is hidden (``pages/ui/style.py``).
    ``lang`` is one of ``LANGS`` and the paths are the app's own, so nothing needs escaping."""
    assert lang in LANGS
    others = " ".join(url for _key, _path, url, _icon, _sec in PAGE_SPECS if url)
    st.html(f'<span class="mash-doc" data-lang="{lang}" data-page="{page_url_path}" '
            f'data-pages="{others}" hidden></span><script>{_DOC_JS}</script>',
            unsafe_allow_javascript=True)


def bound(widget: Callable[..., Any], state_key: str, lang: str,
          after: Callable[[], None] | None = None, **kwargs: Any) -> Any:
    """A widget mirroring the plain session value ``state_key``.

    The widget's own key includes the language: Streamlit keeps a widget's choice as its
    displayed label, so a label that changes with the language would silently lose the choice.
    The plain value is the truth; each language gets a fresh widget started from it.
    """
    widget_key = f"_w_{state_key}_{lang}"

    def copy() -> None:
        st.session_state[state_key] = st.session_state[widget_key]
        if state_key in SETTINGS:  # the URL follows the choice (it wins at the next run)
            param, default, spell = SETTINGS[state_key]
            if st.session_state[state_key] == default:
                del st.query_params[param]
            else:
                st.query_params[param] = spell(st.session_state[state_key])
        if after is not None:
            after()

    value = st.session_state.get(state_key)
    if "options" in kwargs and value not in list(kwargs["options"]):
        value = None
    if "options" in kwargs and value is None:
        kwargs["index"] = None  # nothing chosen yet
    # The widget always starts this run from the plain value (even if Streamlit still holds
    # an older choice for this key from an earlier visit to this language).
    st.session_state[widget_key] = value
    return widget(key=widget_key, on_change=copy, **kwargs)


def error_reference() -> str:
    """A short reference a visitor can quote and an operator can find in the log."""
    return secrets.token_hex(4).upper()


@contextmanager
def error_boundary() -> Iterator[None]:
    """Run a page (or a fragment's body) so that no uncaught exception reaches a visitor.

    An exception becomes one calm line in the page's language with a short reference; the
    traceback goes to the server's log under that reference. Streamlit's own control flow
    passes through untouched: ``st.stop``, ``st.rerun`` and ``st.switch_page`` raise
    ``StopException`` and ``RerunException``, which derive from ``BaseException``
    (``ScriptControlException``), so ``except Exception`` never sees them; and
    ``FragmentHandledException`` (a fragment's error Streamlit has already dealt with) is
    re-raised for Streamlit's script runner.
    """
    try:
        yield
    except FragmentHandledException:
        raise
    except Exception as exc:
        ref = error_reference()
        log.error("unexpected error, reference %s", ref, exc_info=exc)
        lang = st.session_state.get("lang", "en")
        st.error(t("error.unexpected", lang if lang in LANGS else "en", ref=ref),
                 icon=":material/error:")


def in_app(run: Callable[[], None]) -> None:
    """Run the chosen page, marked as running inside the shell (see :func:`require_app`)."""
    _run.in_app = True
    try:
        run()
    finally:
        _run.in_app = False
