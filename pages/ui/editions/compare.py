"""The "what changed" view: two published editions, headline deltas, the authorities whose
position changed (in words, not colour), every change with its source and reason, and the
summary written from templates. Every text from an edition is shown as text: escaped in
markdown, plain cells in tables."""

from __future__ import annotations

import streamlit as st

from explorer.editions.diff import EditionDiff, compare
from explorer.editions.model import format_date
from explorer.i18n import number, t
from explorer.printing.legend import legend, swatch
from explorer.text import md_escape
from geo.change_maps import CHANGE_STYLES
from pages.ui import caches, map_component, shell
from pages.ui.editions import asat

FROM, TO = "ed_from", "ed_to"


def _pick(label: str, key: str, ids: list[int], labels: dict[int, str], default: int) -> int:
    if st.session_state.get(key) not in ids:
        st.session_state[key] = default
    return st.selectbox(label, ids, key=key, format_func=lambda i: labels[i])


def view(lang: str, choice: asat.Choice) -> None:
    editions = asat.published()
    if len(editions) < 2:
        st.info(t("editions.page.only_one", lang))
        return
    ids = [e[0] for e in editions]
    labels = {e[0]: f"{e[0]}: {format_date(e[2], lang)}, {e[1]}" for e in editions}
    newest = choice.id if choice.id != ids[0] else ids[-1]
    left, right = st.columns(2)
    with left:
        old = _pick(t("editions.page.from", lang), FROM, ids, labels,
                    ids[max(0, ids.index(newest) - 1)])
    with right:
        new = _pick(t("editions.page.to", lang), TO, ids, labels, newest)
    older, newer = asat.edition(old), asat.edition(new)
    chain = [asat.edition(i) for i in _chain_ids(old, new)]
    render(compare(older, newer, chain), lang)


def _chain_ids(old: int, new: int) -> list[int]:
    """Published editions between ``old`` (exclusive) and ``new`` (inclusive), any order."""
    lo, hi = sorted((old, new))
    return [e[0] for e in asat.published() if lo < e[0] <= hi]


def _delta(a: int, b: int) -> str:
    return f"{b - a:+,}"


def render(d: EditionDiff, lang: str) -> None:
    h0, h1 = d.old_headline, d.new_headline
    cols = st.columns(3)
    cols[0].metric(t("editions.page.served", lang),
                   f"{h1.authorities_active} / {h1.authorities_total}",
                   _delta(h0.authorities_active, h1.authorities_active))
    cols[1].metric(t("editions.page.people", lang), number(h1.population_active, lang),
                   _delta(h0.population_active, h1.population_active))
    cols[2].metric(t("editions.page.hubs", lang), str(h1.hubs_active),
                   _delta(h0.hubs_active, h1.hubs_active))
    st.subheader(t("editions.page.summary", lang))
    st.markdown("\n".join(f"- {md_escape(line)}" for line in d.summary(lang)))
    if d.authorities:
        st.subheader(t("editions.page.authorities", lang))
        _map(d, lang)
        st.dataframe(
            [{t("editions.page.col_authority", lang): d.new_dataset.authority(a.code).name(lang),
              t("editions.page.col_change", lang): t(f"editions.kind.{a.kind}", lang),
              t("editions.page.col_from", lang): t(f"status.{a.old_status}", lang),
              t("editions.page.col_to", lang): t(f"status.{a.new_status}", lang)}
             for a in d.authorities],
            hide_index=True, use_container_width=True)
    if d.rows:
        st.subheader(t("editions.page.changes", lang))
        rows = []
        for r in d.rows:
            what = t(f"editions.file.{r.file.removesuffix('.csv')}", lang)
            for c in r.records or (None,):
                rows.append({
                    t("editions.page.col_what", lang): what,
                    t("editions.page.col_record", lang): r.record_id,
                    t("editions.page.col_change", lang): t(f"editions.kind.{r.kind}", lang),
                    t("editions.page.col_source", lang): c.source_label()
                    if c else t("editions.summary.no_source", lang),
                    t("editions.page.col_date", lang): c.source_date if c else "",
                    t("editions.page.col_link", lang): c.source_link if c else "",
                    t("editions.page.col_reason", lang): c.reason if c else "",
                })
        st.dataframe(rows, hide_index=True, use_container_width=True)


MAP_HEIGHT = 520


def _map(d: EditionDiff, lang: str) -> None:
    """The changed authorities on the map, with a legend in words and symbols."""
    kinds = {a.code: a.kind for a in d.authorities}
    tips = tuple(
        (a.code, f"{a.name(lang)}: " + (t(f"editions.kind.{kinds[a.code]}", lang)
                                       if a.code in kinds else t("editions.kind.none", lang)))
        for a in d.new_dataset.authorities)
    style = shell.settings().map_style
    bset, payload = caches.changes_map(style, lang, MAP_HEIGHT, "editions_map",
                                       tuple(sorted(kinds.items())), tips)
    map_component.show_map(payload, key="editions_map", height=MAP_HEIGHT)
    shown = [k for k in CHANGE_STYLES if k in kinds.values()]
    st.html(legend(((swatch(CHANGE_STYLES[k][0], edge="#000", edge_px=2,
                            dashed=bool(CHANGE_STYLES[k][1])),
                     f"{CHANGE_STYLES[k][2]} {t(f'editions.kind.{k}', lang)}") for k in shown),
                   t("editions.page.legend_label", lang)))
    st.caption(bset.attribution)
