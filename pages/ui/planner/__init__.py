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
    "STYLE",
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


#: The planner's style rules: ``app.py`` sends them in its own style block on this page (one
#: element fewer per run than a block of their own).
STYLE = (
    # The headline stays in view while the editor scrolls (phones stack the columns).
    ".st-key-wi_summary{position:sticky;top:0;z-index:5;background:#fff;padding:.2rem 0}"
    # Metric labels wrap rather than being cut off (long Welsh labels).
    "[data-testid='stMetricLabel'] *{white-space:normal !important;overflow:visible !important}"
    # A phone shows the summary line instead of the three big figures (the map stays near),
    # as a bar fixed to the bottom of the screen, so the count stays in view while editing.
    "@media (max-width:640px){.st-key-wi_metrics{display:none}"
    ".st-key-wi_summary{position:fixed;top:auto;bottom:0;left:0;right:0;z-index:999;"
    "padding:.3rem 1rem;border-top:1px solid #8a8a8a;box-shadow:0 -2px 6px rgba(0,0,0,.15)}"
    ".st-key-wi_summary h2{font-size:1.2rem;padding:0}"
    "[data-testid='stMainBlockContainer']{padding-bottom:6rem}}"
    # The uploader's own size note would contradict our limit, which the label states.
    # (Streamlit 1.67 draws "1MB per file" without <small>: hide the whole note.)
    "[data-testid='stFileUploaderDropzoneInstructions']{display:none}"
)


def problem_from_link(lang: str) -> None:
    if keys.LINK_PROBLEM in state:
        # The detail is the parser's (English) message: a Welsh page gives the Welsh notice
        # without it, rather than an English sentence inside a page declared Welsh.
        problem = state.pop(keys.LINK_PROBLEM)
        st.warning(md_escape(t("whatif.bad_link", lang, problem=problem if lang == "en" else "")
                             .strip()), icon=":material/link_off:")
