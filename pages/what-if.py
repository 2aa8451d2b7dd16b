"""What-if planner (/what-if): propose hubs, see coverage, compare, share, find best sites.

The pieces (editor, result panel, tabs) live in ``pages/ui/planner/``; this page lays them out.
"""

from contextlib import nullcontext

import streamlit as st

from explorer import planner as plan
from explorer.coverage import evaluate_scenario
from explorer.data import DataError
from explorer.i18n import t
from explorer.scenario import ScenarioError
from explorer.text import md_escape
from pages.ui import caches, planner, rerun_guard, shell
from pages.ui.editions import asat
from pages.ui.rooms import keys as room_keys
from pages.ui.rooms import member as room_member

settings = shell.require_app()

lang = settings.lang
projector = settings.projector
# The baseline ("count existing hubs as covered", "newly covered") is the chosen edition's.
ds = asat.dataset(asat.sync(lang))
planner.start(ds)
try:
    presets = {p.key: p for p in caches.presets()}
except (DataError, ScenarioError) as exc:
    presets = {}
    st.error(md_escape(str(exc)))

st.title(t("whatif.title", lang))
st.caption(t("whatif.intro", lang))
rerun_guard.install()  # outside the fragment: an edit after a restart is never lost


@st.fragment
def planner_body() -> None:
    """Everything below the title: an edit reruns only this, not the app's shell and sidebar
    (a language, projector or edition change in the sidebar still reruns the whole page).
    After a server restart or a failover the new session does not know this fragment: the
    page's guard (pages/ui/rerun_guard.py) then asks for a whole-page run instead."""
    with shell.error_boundary():  # a fragment rerun runs outside app.py's boundary
        _planner_body()


def _planner_body() -> None:
    planner.problem_from_link(lang)

    # The result and map come first: on a phone (stacked columns) and on a projector they are
    # what people look at, and added chips in the editor never push the map away from a
    # finger. On a projector the map takes the left and the figures and editor the right, all
    # above the fold.
    view_col, edit_col = st.columns([3, 2])
    with edit_col:
        figures_box = st.container() if projector else None
        draft = planner.hub_editor(ds, lang, presets)
        # The workshop room panel (with ?room=CODE): Send beside the finished scenario. No
        # room, no container: one message fewer on every edit.
        room_slot = st.container() if st.query_params.get(room_keys.ROOM) else nullcontext()
    checked = plan.check_draft(draft, ds)
    result = evaluate_scenario(checked.scenario, ds)
    planner.sync_link(checked)
    with room_slot:
        room_member.panel(lang, checked)
    with figures_box or view_col:
        planner.figures(ds, lang, result, checked)
    with view_col:
        drawn = planner.map_panel(ds, settings, result, draft)
    # The per-hub table under both columns, the page's full width (ten columns do not fit in
    # the map's column at 1366 px); on a projector beside the map.
    with edit_col if projector else st.container():
        planner.hub_table(ds, lang, result)

    planner.tabs(ds, lang, checked, result, drawn)
    planner.focus_if_asked()


planner_body()
