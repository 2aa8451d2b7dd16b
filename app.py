"""MASH Wales explorer: router and shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/``; logic in ``explorer/`` and
``geo/``. This file sets up the page, the shared sidebar (language, workshop mode, map
style) and navigation, and nothing else.
"""

from pathlib import Path

import streamlit as st

from explorer.data import DataError
from explorer.i18n import LANGS, has_draft, t
from geo import cached

st.set_page_config(
    page_title="MASH Wales explorer",
    page_icon=str(Path(__file__).with_name("static") / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

# Shared settings: plain values in session state, read by every page.
st.session_state.setdefault("lang", "en")
st.session_state.setdefault("workshop", False)
st.session_state.setdefault("map_style", "geographic")
lang = st.session_state["lang"]

PAGES = {
    "status": st.Page("pages/status_map.py", title=t("nav.status", lang),
                      icon=":material/map:", url_path="", default=True),
    "forces": st.Page("pages/forces.py", title=t("nav.forces", lang),
                      icon=":material/local_police:", url_path="forces"),
    "timeline": st.Page("pages/timeline.py", title=t("nav.timeline", lang),
                        icon=":material/timeline:", url_path="timeline"),
    "table": st.Page("pages/table.py", title=t("nav.table", lang),
                     icon=":material/table:", url_path="table"),
    "what_if": st.Page("pages/what-if.py", title=t("nav.what_if", lang),
                       icon=":material/tune:", url_path="what-if"),
    "sources": st.Page("pages/sources.py", title=t("nav.sources", lang),
                       icon=":material/menu_book:", url_path="sources"),
}
page = st.navigation(
    {
        t("nav.section_2019", lang): [PAGES[k] for k in ("status", "forces", "timeline", "table")],
        t("nav.section_plan", lang): [PAGES["what_if"]],
        t("nav.section_about", lang): [PAGES["sources"]],
    }
)

with st.sidebar:
    st.radio(
        t("sidebar.language", lang),
        LANGS,
        key="lang",
        format_func=lambda code: {"en": "English", "cy": "Cymraeg"}[code],
        horizontal=True,
    )
    st.toggle(t("sidebar.workshop", lang), key="workshop", help=t("sidebar.workshop_help", lang))
    st.radio(
        t("sidebar.map_style", lang),
        ("geographic", "tiles"),
        key="map_style",
        format_func=lambda style: t(f"sidebar.map_style_{style}", lang),
        help=t("sidebar.map_style_help", lang),
    )
    if has_draft(lang):
        st.caption(t("sidebar.draft_welsh", lang))
    st.caption(t("sidebar.as_at", lang))

# Captions at full opacity in a dark grey: WCAG AA contrast (about 7:1 on white).
STYLE = "[data-testid='stCaptionContainer']{opacity:1;color:#545250}"
if st.session_state["workshop"]:
    # Projector mode: larger text everywhere.
    STYLE += "html{font-size:22px}[data-testid='stMetricValue']{font-size:3rem}"
st.html(f"<style>{STYLE}</style>")

try:
    cached.dataset()
except DataError as exc:
    st.error(t("error.data", lang, problem=str(exc)), icon=":material/error:")
    st.stop()

cached.leaflet_ready()
page.run()
