"""MASH Wales explorer: router and shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/``; logic in ``explorer/`` and
``geo/``. This file sets up the page, the shared settings and sidebar (language, projector mode,
map style, names on maps), and navigation, and nothing else. ``pages/ui/shell.py`` explains
how settings travel in the URL and why every page begins with ``shell.require_app()``.
"""

import html

import streamlit as st

from explorer.data import DataError
from explorer.i18n import LANGS, has_draft, t
from explorer.text import md_escape
from pages.ui import caches, server, shell, style
from pages.ui.editions import asat
from pages.ui.reconnect import install as reconnect_words

settings = shell.sync_settings()
st.set_page_config(
    page_title="MASH Wales explorer",
    page_icon="/app/static/favicon.png",  # a URL: no file read on every run
    layout="wide",
    # Projector: the sidebar gets out of the way. Elsewhere: open on a laptop, closed on a phone.
    initial_sidebar_state="collapsed" if settings.projector else "auto",
)
lang = settings.lang
edition = asat.sync(lang)
page = shell.navigation(lang)

with st.sidebar:
    shell.bound(st.radio, "lang", lang, label=t("sidebar.language", lang), options=LANGS,
                format_func=lambda code: {"en": "English", "cy": "Cymraeg"}[code],
                horizontal=True)
    shell.bound(st.toggle, "projector", lang, label=t("sidebar.workshop", lang),
                help=t("sidebar.workshop_help", lang))
    shell.bound(st.radio, "map_style", lang, label=t("sidebar.map_style", lang),
                options=shell.MAP_STYLES,
                format_func=lambda style: t(f"sidebar.map_style_{style}", lang),
                help=t("sidebar.map_style_help", lang))
    shell.bound(st.toggle, "names", lang, label=t("sidebar.names", lang),
                help=t("sidebar.names_help", lang))
    asat.selector(lang, edition)
    shell.sidebar_links(lang)
    if has_draft(lang):
        st.caption(t("sidebar.draft_welsh", lang))
    st.caption(asat.caption(lang, edition))

# The app's one style block (pages/ui/style.py): one element per run.
st.html(f"<style>{style.page_css(page.url_path, projector=settings.projector)}</style>")

try:
    caches.dataset()
except DataError as exc:
    # The message quotes cells of the data files: shown as text, never as markdown.
    st.error(md_escape(t("error.data", lang, problem=str(exc))), icon=":material/error:")
    st.stop()

# Every page, every mode (projector included): the date the position refers to.
shell.document_language(lang, page.url_path)
reconnect_words(lang)  # the app's words in Streamlit's dialog while the server restarts
st.html(f'<p class="as-at" role="note">{html.escape(asat.banner(lang, edition))}</p>')
# One error boundary around the page: a visitor sees one calm line with a reference, never a
# traceback (whatever client.showErrorDetails says); the server's log gets the traceback.
with shell.error_boundary():
    server.leaflet_ready()
    server.tune_sockets()
    shell.in_app(page.run)
