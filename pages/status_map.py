"""Status map (default page): where MASHs operate across Wales, as at the chosen edition
(31 May 2019 unless a later one is published; ``?asat=<edition id>``)."""

import html
from functools import partial

import streamlit as st

from explorer import views
from explorer.editions.model import format_date
from explorer.i18n import t
from explorer.printing import palette
from explorer.printing.legend import legend, swatch
from pages.ui import caches, map_component, shell
from pages.ui.editions import asat
from pages.ui.status import keys

settings = shell.require_app()

lang = settings.lang
projector = settings.projector
edition = asat.sync(lang)
ds = asat.dataset(edition)
shown = partial(asat.shown, choice=edition)  # a later edition's text is shown as text


def _on_map_click() -> None:
    clicked = (st.session_state.get(keys.MAP) or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    if code in ds.codes():
        st.session_state[keys.AUTHORITY] = code


st.title(t("status.title", lang))
if not edition.is_base:  # the app's banner gives the date; here: which edition
    st.caption(asat.subtitle(lang, edition))
top = st.container()
# On a projector the map takes the left of the screen from the top, the figures the right.
map_col, detail_col = st.columns([3, 2])

head = views.headline_view(ds, lang)
# What the note found, in three sentences, for a board member who never read it.
(detail_col if projector else top).markdown(
    f"**{t('status.summary_heading', lang)}.** {t('status.summary', lang)}")
figures = [
    (t("headline.authorities_label", lang), head.authorities, ""),
    (t("headline.hubs_label", lang), head.hubs, head.hubs_note),
    (t("headline.population_label", lang), head.population_share,
     t("headline.population_help", lang, people=head.population)),
]
key = legend(((swatch(palette.STATUS_COLOURS[s]), f"{label}: " + t(
    "legend.count_one" if n == 1 else "legend.count_many", lang, n=n))
    for s, label, n in views.legend_rows(ds, lang)), t("legend.label", lang))
# One element for the headline figures and the legend: fewer elements, faster first view
# (the figures' style is in the app's one style block, pages/ui/style.py).
(detail_col if projector else top).html(
    '<dl class="figs">'
    + "".join(f'<div class="fig"><dt>{html.escape(label)}</dt><dd>{html.escape(value)}'
              f"<small>{html.escape(note)}</small></dd></div>" for label, value, note in figures)
    + f"</dl>{key}"
)

OPTIONAL_LAYERS = ("health_board", "safeguarding_board")
# The outline toggles sit under the map; their values are read first to draw it.
layers = [layer for layer in OPTIONAL_LAYERS if st.session_state.get(keys.layer(layer))]
# The map is rendered once per process for each style, language, layer set, height and label
# choice (geo/caches.py); only the selection outline is sent per session.
style = settings.map_style
map_height = 700 if projector else 640
bset, payload = caches.status_map(style, lang, layers, map_height, key=keys.MAP,
                                  names=settings.names, large=projector,
                                  edition=asat.map_edition(edition))
with top:
    map_component.show_notice(bset, lang)
with map_col:
    map_component.show_map(
        payload, key=keys.MAP, height=map_height,
        overlay=caches.selection_overlay(style, st.session_state.get(keys.AUTHORITY)),
        on_change=_on_map_click)
    st.caption(t("status.map_caption", lang, attribution=bset.attribution))
    for layer in OPTIONAL_LAYERS:
        st.toggle(t(f"layer.{layer}_toggle", lang), key=keys.layer(layer))

with detail_col:
    # A radio list, not a drop-down: every authority visible and one click away, and far
    # lighter for the browser to draw (see docs/performance.md). Read before it is drawn,
    # so the details can come first.
    code = st.session_state.get(keys.AUTHORITY)
    if code is None:
        st.markdown(f"*{t('status.pick_hint', lang)}*\n\n" + "  \n".join(
            f"**{force}**: {shown(text)}" for force, text in views.force_glance(ds, lang)))
    else:
        d = views.authority_details(ds, code, lang)
        with st.container(border=True):
            st.header(f"{d['name']} ({d['other_name']})")
            st.markdown(f"**{t('details.status', lang)}:** {d['status_label']}")
            st.write(shown(d["summary"]))
            st.caption(t("details.source", lang, source=shown(d["summary_source"])))
            if d["hub"]:
                hub = d["hub"]
                others = ", ".join(hub["others"]) or t("details.no_other_members", lang)
                st.markdown(f"**{t('details.hub', lang)}:** {shown(hub['name'])}")
                st.markdown(f"{t('details.other_members', lang)}: {others}")
                if hub["dates_note"]:
                    st.caption(shown(hub["dates_note"]))
                if hub["end_date"]:
                    st.caption(t("details.ended", lang, date=format_date(hub["end_date"], lang)))
            if d["stance"]:
                st.markdown(f"**{t('details.stance', lang)}:** {shown(d['stance'])}")
            for item in d["arrangements"]:
                st.markdown(f"**{shown(item['name'])}**: {shown(item['summary'])}")
                st.caption(t("details.source", lang, source=shown(item["source"])))
            if d["events"]:
                st.markdown(f"**{t('details.events', lang)}**")
                for ev in d["events"]:
                    st.markdown(f"- {shown(ev['date'])}: {shown(ev['summary'])}")
                    st.caption(t("details.source", lang, source=shown(ev["source"])))
            st.markdown(
                f"**{t('details.force', lang)}:** {d['force']}  \n"
                f"**{t('details.health_board', lang)}:** {d['health_board']}  \n"
                f"**{t('details.safeguarding_board', lang)}:** {d['safeguarding_board']}  \n"
                f"**{t('details.population', lang)}:** {d['population']} "
                f"({t('details.population_note', lang, mid2018=d['population_mid2018'])})"
            )
    shell.bound(
        st.radio, keys.AUTHORITY, lang,
        label=t("status.pick_authority", lang),
        options=views.authority_options(ds, lang),
        format_func=lambda c: views.authority_name(ds, c, lang),
        horizontal=True,
    )
