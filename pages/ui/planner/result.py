"""The result panel: headline and figures, the planner map, the per-hub table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import streamlit as st

from explorer import planner
from explorer.coverage import CoverageResult
from explorer.i18n import t
from explorer.model import Dataset
from explorer.planner import HubLink
from explorer.printing.hub_table import hub_table_html
from explorer.printing.legend import coverage_legend
from explorer.text import md_escape
from geo import maps
from geo.boundaries import Boundaries
from pages.ui import caches, map_component, shell
from pages.ui.planner import keys
from pages.ui.planner.editor import click_target
from pages.ui.planner.session import toggle_from_map

state = st.session_state


def summary(head: dict, lang: str) -> None:
    """The headline, kept in view while editing (sticky on small screens)."""
    with st.container(key="wi_summary"):
        st.header(head["authorities"])
        st.caption(t("whatif_ui.summary_line", lang, people=head["population"],
                     share=head["population_share"], hubs=head["hubs"]))


def figures(ds: Dataset, lang: str, result: CoverageResult, checked) -> None:
    """The headline, figures, newly covered, left out and problems, as text."""
    head = planner.headline(result, ds, lang)
    summary(head, lang)
    # One row (a horizontal container), not three columns: four fewer blocks sent per run.
    row = st.container(key="wi_metrics", horizontal=True, gap="medium")
    row.metric(t("whatif.population_covered", lang), head["population"],
               help=head["population_basis"])
    row.metric(t("whatif.row_share", lang), head["population_share"])
    row.metric(t("whatif.mashes_proposed", lang), head["hubs"],
               help=t("whatif.mashes_help", lang))
    st.markdown(f"**{md_escape(t('whatif.newly_covered', lang))}:** "
                + md_escape(", ".join(head["newly_covered"]) or t("whatif.none", lang)))
    if head["excluded"]:
        st.markdown(f"**{md_escape(t('whatif.left_out', lang))}:**\n"
                    + "\n".join(f"- {md_escape(line)}" for line in head["excluded"]))
    if checked.problems:
        st.warning(md_escape(t("whatif.left_out_hubs", lang)) + "\n"
                   + "\n".join(f"- {md_escape(p)}" for p in checked.problems))
    duplicates = planner.shared_members(checked.scenario)
    if duplicates:
        st.info(md_escape(t("whatif_ui.in_several", lang, names=", ".join(
            ds.authority(c).name(lang) for c in duplicates))))
    if keys.TOAST in state:
        st.toast(md_escape(state.pop(keys.TOAST)))



@dataclass(frozen=True)
class DrawnMap:
    """What :func:`map_panel` drew, for the share tab's printable briefing."""

    bset: Boundaries
    links: tuple[HubLink, ...]
    #: code -> (lat, lon) where hubs and lines are drawn.
    points: Mapping[str, tuple[float, float]]
    #: code -> coverage class.
    classes: Mapping[str, str]


def map_panel(ds: Dataset, settings: shell.Settings, result: CoverageResult,
              draft: dict) -> DrawnMap:
    """The planner map (clicks edit the chosen hub), its key and caption; returns what it drew.

    The base map is rendered once per process (pages/ui/caches.py); the coverage, hubs and
    lines are a small overlay that the map draws without remounting."""
    lang, projector = settings.lang, settings.projector
    height = 700 if projector else 520
    bset, payload, points = caches.planner_map(settings.map_style, lang, height,
                                               key=keys.MAP, names=settings.names,
                                               large=projector)
    links = tuple(planner.hub_links(result))
    classes = planner.coverage_classes(result)
    map_component.show_map(payload, key=keys.MAP, height=height,
                           overlay=maps.coverage_js(classes, links, points),
                           on_change=partial(toggle_from_map, ds, lang))
    click_target(lang, draft)
    st.html(coverage_legend(lang))
    st.caption(t("whatif.map_caption", lang, attribution=bset.attribution))
    return DrawnMap(bset, links, points, classes)


def hub_table(ds: Dataset, lang: str, result: CoverageResult) -> None:
    if result.hubs:
        st.markdown(f"**{md_escape(t('whatif.per_hub', lang))}**")
        st.html(hub_table_html(result, ds, lang))
        st.caption(t("whatif.per_hub_note", lang))
