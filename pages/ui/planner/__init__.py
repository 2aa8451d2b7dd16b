"""The what-if planner's Streamlit pieces, by job: scenario state (:mod:`.session`, its
session keys in :mod:`.keys`), the hub editor (:mod:`.editor`), the result panel
(:mod:`.result`) and the tabs (:mod:`.tab_bodies`); the page lays them out.

The scenario being edited lives in session state as a plain dict, the *draft* (the canonical
scenario JSON). Widgets are keyed by the draft's version, by a stable id per hub and by the
language, and start from the draft:

- loading a preset, a link, a file or a best-sites answer makes a new version (fresh widgets);
- adding or removing a hub keeps the other hubs' widgets (and the keyboard focus nearby);
- a map click renews only the clicked hub's widgets;
- a language switch makes fresh widgets from the same draft, so no choice is lost: Streamlit
  keeps a choice as its displayed label, which changes with the language.
"""

from __future__ import annotations

import streamlit as st

from explorer.i18n import t
from explorer.text import md_escape
from pages.ui.planner import keys
from pages.ui.planner.editor import hub_editor
from pages.ui.planner.result import DrawnMap, figures, hub_table, map_panel
from pages.ui.planner.session import focus_if_asked, load_draft, start
from pages.ui.planner.tab_bodies import share_link, sync_link, tabs

__all__ = [
    "DrawnMap",
    "figures",
    "focus_if_asked",
    "hub_editor",
    "hub_table",
    "load_draft",
    "map_panel",
    "problem_from_link",
    "share_link",
    "start",
    "sync_link",
    "tabs",
]

state = st.session_state


def problem_from_link(lang: str) -> None:
    if keys.LINK_PROBLEM in state:
        # The detail is the parser's (English) message: a Welsh page gives the Welsh notice
        # without it, rather than an English sentence inside a page declared Welsh.
        problem = state.pop(keys.LINK_PROBLEM)
        st.warning(md_escape(t("whatif.bad_link", lang, problem=problem if lang == "en" else "")
                             .strip()), icon=":material/link_off:")
