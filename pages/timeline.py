"""Timeline: dated events from the briefing, 2014 to 2019/20, filterable by force; what has
no date (South Wales Police's MASHs) is said, and Early Action Together explained."""

from functools import partial

import streamlit as st

from explorer import views
from explorer.editions.model import format_date
from explorer.i18n import t
from explorer.model import WIDER_SCOPES
from explorer.text import md_escape
from pages.ui import shell
from pages.ui.editions import asat

settings = shell.require_app()

lang = settings.lang
edition = asat.sync(lang)
ds = asat.dataset(edition)
shown = partial(asat.shown, choice=edition)  # a later edition's text is shown as text

st.title(t("timeline.title", lang))
if not edition.is_base:  # the app's banner gives the date; here: which edition
    st.caption(asat.subtitle(lang, edition))

scopes = [f.force_id for f in ds.forces] + list(WIDER_SCOPES)
chosen = st.multiselect(
    t("timeline.filter", lang),
    scopes,
    default=scopes,
    key="timeline_scopes",
    format_func=lambda s: views.scope_name(ds, s, lang),
)
rows = views.timeline(ds, chosen, lang)
for note in views.timeline_notes(ds, chosen, lang):
    with st.container(border=True):
        if note["heading"]:
            st.markdown(f"**{note['heading']}**")
        st.write(note["summary"])
        st.caption(t("details.source", lang, source=note["source"]))
if not rows:
    st.info(t("timeline.empty", lang))
# Each published edition's as-at date marked among the events (issue 18)
entries = views.timeline_with_editions(rows, views.timeline_dates(ds, chosen),
                                       asat.published(), edition.id)
for row in entries:
    if "edition" in row:
        key = "timeline.edition_shown" if row["shown"] else "timeline.edition"
        st.markdown(f":material/flag: **{format_date(row['as_at'], lang)}** · "
                    + md_escape(t(key, lang, id=row["edition"], title=row["title"])))
        continue
    with st.container(border=True):
        flags = []
        if row["approximate"]:
            flags.append(t("timeline.approximate", lang))
        if row["planned"]:
            flags.append(t("timeline.planned", lang))
        suffix = f" ({', '.join(flags)})" if flags else ""
        st.markdown(f"**{shown(row['date'])}**{suffix} · {row['scope']}")
        st.write(shown(row["summary"]))
        if row["authorities"]:
            st.caption(t("timeline.authorities", lang, names=", ".join(row["authorities"])))
        st.caption(t("details.source", lang, source=shown(row["source"])))
