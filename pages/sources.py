"""Sources: the briefing, what each status means, data sources and licences."""

import streamlit as st

from explorer import views
from explorer.editions.model import format_date
from explorer.i18n import t
from explorer.model import STATUSES
from explorer.text import md_escape
from pages.ui import caches, map_component, shell
from pages.ui.editions import asat

settings = shell.require_app()

lang = settings.lang
edition = asat.sync(lang)
ds = asat.dataset(edition)

st.title(t("sources.title", lang))
st.header(t("sources.briefing_heading", lang))
st.write(t("sources.briefing", lang))
if edition.is_base:
    st.warning(t("sources.as_at", lang), icon=":material/history:")
else:  # a later edition: its date, and every change since May 2019 with its source
    st.warning(md_escape(t("sources.as_at_edition", lang, date=format_date(edition.as_at, lang),
                           id=edition.id, title=edition.title)), icon=":material/history:")
    st.header(t("sources.changes_heading", lang))
    for c in ds.changes:
        who = c.source_title or t("editions.summary.reported_by", lang, role=c.reported_by)
        st.text(t("sources.change", lang, what=t(f"editions.file.{c.file[:-4]}", lang),
                  row=c.record_id, kind=t(f"editions.kind.{c.kind}", lang), source=who,
                  date=format_date(c.source_date, lang), reason=c.reason)
                + (f" {c.source_link}" if c.source_link else ""))

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
