"""The planner's session state: the draft being edited, widget keys, focus, and the
scenario carried by the link. Every session-state key the planner uses is named in
:mod:`pages.ui.planner.keys`."""

from __future__ import annotations

import json

import streamlit as st

from explorer import planner
from explorer.i18n import t
from explorer.limits import (
    MAX_SAVED,
)
from explorer.model import Dataset
from explorer.scenario import (
    ScenarioError,
    decode_share,
    dumps_scenario,
    may_2019_scenario,
)
from pages.ui import shell
from pages.ui.planner import keys

state = st.session_state


def load_draft(draft: dict) -> None:
    """Replace the scenario being edited: a new version, so every widget starts afresh."""
    state[keys.DRAFT] = draft
    state[keys.VERSION] = state.get(keys.VERSION, 0) + 1
    state[keys.HUB_IDS] = list(range(len(draft["hubs"])))
    state[keys.NEXT_ID] = len(draft["hubs"])


def key_numbering() -> str | None:
    """The widget keys' numbering as the URL carries it (``version.id-id-id.next``), or None
    when it is the numbering :func:`load_draft` gives a fresh session."""
    version, ids = state[keys.VERSION], state[keys.HUB_IDS]
    following = state.get(keys.NEXT_ID, len(ids))
    if version == 1 and ids == list(range(len(ids))) and following == len(ids):
        return None
    return f"{version}.{'-'.join(map(str, ids))}.{following}"


def restore_numbering(text: str | None, hubs: int) -> bool:
    """Number the widget keys as the link says (after :func:`load_draft`, in a new session);
    False (numbering unchanged) unless ``text`` is a numbering for ``hubs`` hubs."""
    try:
        version, ids_text, following = (text or "").split(".")
        ids = [int(i) for i in ids_text.split("-")] if ids_text else []
        version, following = int(version), int(following)
    except ValueError:
        return False
    if (version < 1 or len(ids) != hubs or len(set(ids)) != len(ids) or min(ids, default=0) < 0
            or following <= max(ids, default=-1) or max(version, following) > 10**9):
        return False
    state[keys.VERSION], state[keys.HUB_IDS], state[keys.NEXT_ID] = version, ids, following
    return True


def new_hub_id() -> int:
    hub_id = state.get(keys.NEXT_ID, 0)
    state[keys.NEXT_ID] = hub_id + 1
    return hub_id


def key(name: str, hub: int | None = None) -> str:
    scope = "wi" if hub is None else f"wi_h{hub}"
    return f"{scope}_{name}_{state[keys.VERSION]}_{shell.settings().lang}"


def focus_later(selector: str) -> None:
    state[keys.FOCUS] = selector


def focus_if_asked() -> None:
    """Move keyboard focus where the user is working after a rerun (add or remove a hub)."""
    selector = state.pop(keys.FOCUS, None)
    if selector:
        # A new number each time: the same script twice in a row would not run again.
        state[keys.FOCUS_N] = state.get(keys.FOCUS_N, 0) + 1
        st.html(
            f"<script>/* {state[keys.FOCUS_N]} */"
            "(() => { let n = 0; const go = () => { const el = document.querySelector("
            + json.dumps(selector)
            + "); if (el) { el.focus(); el.scrollIntoView({block: 'center'}); }"
            " else if (n++ < 40) setTimeout(go, 50); }; go(); })();</script>",
            unsafe_allow_javascript=True,
        )


def start(ds: Dataset) -> dict:
    """The draft to edit: from the link when it carries a new scenario, else this session's."""
    token = st.query_params.get("scenario")
    if keys.DRAFT not in state or (token and token != state.get(keys.TOKEN)):
        draft = planner.draft_of(may_2019_scenario())
        if token:
            try:
                draft = planner.draft_of(decode_share(token, ds))
            except ScenarioError as exc:
                state[keys.LINK_PROBLEM] = str(exc)
        fresh = keys.DRAFT not in state
        load_draft(draft)
        if fresh and token and keys.LINK_PROBLEM not in state:
            # A new session (a restart, a failover, a reload): the browser's widgets may be
            # numbered as the old session numbered them; the link says how.
            restore_numbering(st.query_params.get(keys.KEYS_PARAM), len(draft["hubs"]))
        state[keys.TOKEN] = token
    if keys.SAVED not in state:  # saved comparisons survive a reload through the URL
        saved = []
        for part in (st.query_params.get(keys.SAVED_PARAM) or "").split(".")[:MAX_SAVED]:
            try:
                saved.append(dumps_scenario(decode_share(part, ds)))
            except ScenarioError:
                continue
        state[keys.SAVED] = saved
    return state[keys.DRAFT]


def add_hub(name: str) -> None:
    state[keys.DRAFT] = planner.add_hub(state[keys.DRAFT], name)
    hub_id = new_hub_id()
    state[keys.HUB_IDS] = [*state[keys.HUB_IDS], hub_id]
    focus_later(f".st-key-{key('name', hub_id)} input")


def remove_hub(index: int) -> None:
    state[keys.DRAFT] = planner.remove_hub(state[keys.DRAFT], index)
    ids = [h for i, h in enumerate(state[keys.HUB_IDS]) if i != index]
    state[keys.HUB_IDS] = ids
    # Focus the next hub's name, else the previous one's, else the "Add a hub" button.
    if ids:
        focus_later(f".st-key-{key('name', ids[min(index, len(ids) - 1)])} input")
    else:
        focus_later(f".st-key-{key('add')} button")


def toggle_from_map(ds: Dataset, lang: str) -> None:
    """A click on the planner map adds or removes the authority in the chosen hub."""
    clicked = (state.get(keys.MAP) or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    target = state.get(key("target"))
    hubs = state[keys.DRAFT]["hubs"]
    if code not in ds.codes() or not isinstance(target, int) or target >= len(hubs):
        return
    adding = code not in hubs[target]["authorities"]
    state[keys.DRAFT] = planner.toggle_member(state[keys.DRAFT], target, code)
    ids = list(state[keys.HUB_IDS])
    ids[target] = new_hub_id()  # fresh widgets for this hub, started from the new draft
    state[keys.HUB_IDS] = ids
    name, hub = ds.authority(code).name(lang), hubs[target]["name"]
    message = t("whatif_ui.added" if adding else "whatif_ui.removed", lang, name=name, hub=hub)
    others = [h["name"] for i, h in enumerate(hubs) if i != target and code in h["authorities"]]
    if adding and others:
        message += " " + t("whatif_ui.also_in", lang, hubs=", ".join(others))
    state[keys.TOAST] = message
