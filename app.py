"""MASH Wales explorer: router and shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/``; logic in ``explorer/`` and
``geo/``. This file sets up the page, the shared settings and sidebar (language, workshop mode,
map style), and navigation, and nothing else. ``pages/ui/shell.py`` explains how settings
travel in the URL and why every page begins with ``shell.require_app()``.
"""

import streamlit as st

from explorer.data import DataError
from explorer.i18n import LANGS, has_draft, t
from geo import cached
from pages.ui import shell

st.set_page_config(
    page_title="MASH Wales explorer",
    page_icon="/app/static/favicon.png",  # a URL: no file read on every run
    layout="wide",
    initial_sidebar_state="auto",
)

settings = shell.sync_settings()
lang = settings["lang"]
page = shell.navigation(lang)

with st.sidebar:
    shell.bound(st.radio, "lang", lang, label=t("sidebar.language", lang), options=LANGS,
                format_func=lambda code: {"en": "English", "cy": "Cymraeg"}[code],
                horizontal=True)
    shell.bound(st.toggle, "workshop", lang, label=t("sidebar.workshop", lang),
                help=t("sidebar.workshop_help", lang))
    shell.bound(st.radio, "map_style", lang, label=t("sidebar.map_style", lang),
                options=shell.MAP_STYLES,
                format_func=lambda style: t(f"sidebar.map_style_{style}", lang),
                help=t("sidebar.map_style_help", lang))
    shell.sidebar_links(lang)
    if has_draft(lang):
        st.caption(t("sidebar.draft_welsh", lang))
    st.caption(t("sidebar.as_at", lang))

# Captions at full opacity in a dark grey: WCAG AA contrast (about 7:1 on white).
STYLE = "[data-testid='stCaptionContainer']{opacity:1;color:#545250}"
if settings["workshop"]:
    # Projector mode: larger text everywhere.
    STYLE += "html{font-size:22px}[data-testid='stMetricValue']{font-size:3rem}"
st.html(f"<style>{STYLE}</style>")

try:
    cached.dataset()
except DataError as exc:
    st.error(t("error.data", lang, problem=str(exc)), icon=":material/error:")
    st.stop()

cached.leaflet_ready()
cached.sockets_ready()
shell.in_app(page.run)
