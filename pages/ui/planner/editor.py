"""The hub editor: preset, scenario settings and hubs, read back into a new draft."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from explorer import planner, views
from explorer.i18n import t
from explorer.limits import (
    MAX_HUBS,
    MAX_NAME_CHARS,
    MAX_TRAVEL_KM,
    MIN_TRAVEL_KM,
    TRAVEL_STEP_KM,
)
from explorer.model import Dataset
from explorer.scenario import (
    MODELS,
)
from explorer.text import md_escape
from pages.ui import shell
from pages.ui.planner import keys
from pages.ui.planner.session import add_hub, key, load_draft, remove_hub

state = st.session_state


def hub_editor(ds: Dataset, lang: str, presets: dict) -> dict:
    """Preset, scenario settings and hubs; returns the new draft read from the widgets."""
    draft = state[keys.DRAFT]

    def on_preset() -> None:
        preset = presets.get(state.get(keys.PRESET))
        if preset is not None:
            # A Welsh page names the scenario by the preset's Welsh title (data: title_cy).
            named = preset.scenario if lang != "cy" else replace(
                preset.scenario, name=preset.label(lang))
            load_draft(planner.draft_of(named))

    pick = shell.bound(st.selectbox, keys.PRESET, lang, after=on_preset,
                       label=t("whatif.preset", lang), options=list(presets),
                       format_func=lambda k: presets[k].label(lang),
                       placeholder=t("whatif.preset_placeholder", lang))
    if pick in presets:
        p = presets[pick]
        st.caption(md_escape(p.description) + " " + md_escape(
            t("whatif.preset_source", lang, source=ds.citation(p.section_id))))
    name = st.text_input(t("whatif.name", lang), draft["name"], key=key("name"),
                         max_chars=MAX_NAME_CHARS)
    existing = st.toggle(t("whatif.include_existing", lang), draft["include_existing"],
                         key=key("existing"))
    limit = st.number_input(t("whatif.max_travel", lang), min_value=MIN_TRAVEL_KM,
                            max_value=MAX_TRAVEL_KM, value=draft["max_travel_km"],
                            step=TRAVEL_STEP_KM, format="%g", key=key("limit"),
                            placeholder=t("whatif.no_limit", lang),
                            help=t("whatif.max_travel_help", lang))
    bases = ("census2021", "mid2018")
    basis = st.radio(t("whatif.population", lang), bases, index=bases.index(draft["population"]),
                     format_func=lambda b: t(f"whatif.basis_{b}", lang), horizontal=True,
                     key=key("pop"))
    new = {"name": name, "include_existing": existing, "max_travel_km": limit,
           "population": basis, "hubs": []}

    st.header(t("whatif.hubs", lang))
    options = views.authority_options(ds, lang)
    for i, (hub, hid) in enumerate(zip(draft["hubs"], state[keys.HUB_IDS], strict=True)):
        with st.container(border=True):
            # Name and model one above the other: a model's full label fits ("Regional (one
            # co-located hub)"), at 1440 px as on a phone.
            h_name = st.text_input(t("whatif.hub_name", lang), hub["name"],
                                   key=key("name", hid), max_chars=MAX_NAME_CHARS)
            model = st.selectbox(t("whatif.model", lang), MODELS,
                                 index=MODELS.index(hub["model"]), key=key("model", hid),
                                 format_func=lambda m: t(f"whatif.model_{m}", lang))
            members = st.multiselect(t("whatif.members", lang), options, hub["authorities"],
                                     key=key("members", hid),
                                     format_func=lambda c: views.authority_name(ds, c, lang),
                                     placeholder=t("whatif_ui.members_placeholder", lang))
            host = hub["host"] if hub["host"] in members else (members[0] if members else None)
            if model != "per_authority" and members:
                host = st.selectbox(t("whatif.host", lang), members,
                                    index=members.index(host), key=key("host", hid),
                                    format_func=lambda c: views.authority_name(ds, c, lang))
            st.button(t("whatif.remove_hub", lang), key=key("remove", hid),
                      on_click=remove_hub, args=(i,), icon=":material/delete:")
            new["hubs"].append({"name": h_name, "model": model, "authorities": members,
                                "host": host})
    st.button(t("whatif.add_hub", lang), key=key("add"), icon=":material/add:",
              on_click=add_hub, args=(t("whatif.new_hub_name", lang),),
              disabled=not planner.can_add_hub(draft))
    if not planner.can_add_hub(draft):
        st.caption(t("whatif.too_many_hubs", lang, limit=MAX_HUBS))
    for i, hub in enumerate(new["hubs"]):  # keep host consistent with model and members
        new = planner.update_hub(new, i, **hub)
    state[keys.DRAFT] = new
    return new


def click_target(lang: str, draft: dict) -> None:
    """Which hub a click on the map edits (shown beside the map, where the clicks happen)."""
    if not draft["hubs"]:
        return
    count = len(draft["hubs"])
    st.radio(t("whatif.click_target", lang), [None, *range(count)],
             # Radio labels are markdown: a hub name is user text, so it is escaped.
             format_func=lambda i: t("whatif.click_none", lang) if i is None
             else md_escape(draft["hubs"][i]["name"]) or f"#{i + 1}",
             index=count, key=key("target"), horizontal=True)
