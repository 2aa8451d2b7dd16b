"""Sources: the briefing, what each status means, data sources and licences."""

import streamlit as st

from explorer import views
from explorer.i18n import t
from explorer.model import STATUSES
from pages.ui import caches, map_component, shell

settings = shell.require_app()

lang = settings.lang
ds = caches.dataset()

st.title(t("sources.title", lang))
st.header(t("sources.briefing_heading", lang))
st.write(t("sources.briefing", lang))
st.warning(t("sources.as_at", lang), icon=":material/history:")

st.header(t("sources.statuses_heading", lang))
for status in STATUSES:
    st.markdown(f"- **{views.status_label(status, lang)}**: {t(f'sources.status_{status}', lang)}")

st.header(t("sources.data_heading", lang))
st.markdown(t("sources.data", lang))

st.header(t("sources.boundaries_heading", lang))
for line in caches.boundary_credits(lang):
    st.text(line)  # names and licences as plain text, never a path on the server
map_component.show_notice(caches.boundaries(), lang)
st.markdown(t("sources.boundaries_how", lang))

st.header(t("sources.a11y_heading", lang))
st.markdown(t("sources.a11y", lang))
