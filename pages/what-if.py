"""What-if planner (/what-if): propose hubs, see coverage, compare, share, find best sites.

The scenario being edited lives in session state as a plain dict (the canonical scenario
JSON). Widgets are keyed by a version number, so loading a preset, a link, a file or a
best-sites answer simply starts a fresh set of widgets from the new draft.
"""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from explorer import planner, views
from explorer.best_sites import BestSitesError, best_sites, explain_uncovered, to_scenario
from explorer.coverage import evaluate_scenario, result_csv
from explorer.data import DataError
from explorer.i18n import number, percent, t
from explorer.model import Dataset
from explorer.report import briefing_html
from explorer.scenario import (
    MAX_SCENARIO_BYTES,
    MODELS,
    ScenarioError,
    decode_share,
    dumps_scenario,
    encode_share,
    loads_scenario,
    may_2019_scenario,
)
from geo import cached, maps
from geo.svg import coverage_svg

lang = st.session_state.get("lang", "en")
workshop = st.session_state.get("workshop", False)
ds: Dataset = cached.dataset()
state = st.session_state


def load_draft(draft: dict) -> None:
    """Replace the scenario being edited; a new version gives fresh widgets."""
    state["wi_draft"] = draft
    state["wi_version"] = state.get("wi_version", 0) + 1


def edit(fn, *args) -> None:
    load_draft(fn(state["wi_draft"], *args))


# The scenario: from the link if it carries a new one, else from this session.
token = st.query_params.get("scenario")
if "wi_draft" not in state or (token and token != state.get("wi_token")):
    draft = planner.draft_of(may_2019_scenario(ds))
    if token:
        try:
            draft = planner.draft_of(decode_share(token, ds))
        except ScenarioError as exc:
            state["wi_link_problem"] = str(exc)
    load_draft(draft)
    state["wi_token"] = token
v = state["wi_version"]
draft = state["wi_draft"]

try:
    presets = {p.key: p for p in cached.presets()}
except (DataError, ScenarioError) as exc:
    presets = {}
    st.error(str(exc))


def on_preset() -> None:
    key = state.get("wi_preset")
    if key in presets:
        load_draft(planner.draft_of(presets[key].scenario))


def on_map_click() -> None:
    clicked = (state.get("whatif_map") or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    target = state.get(f"wi_target_{state['wi_version']}")
    if code in ds.codes() and isinstance(target, int) and target < len(state["wi_draft"]["hubs"]):
        edit(planner.toggle_member, target, code)


st.title(t("whatif.title", lang))
st.caption(t("whatif.intro", lang))
if "wi_link_problem" in state:
    st.warning(t("whatif.bad_link", lang, problem=state.pop("wi_link_problem")),
               icon=":material/link_off:")

if workshop:  # projector: the result first, the editor below it
    view_col, edit_col = st.container(), st.container()
else:
    edit_col, view_col = st.columns([2, 3])

# ---- Editing -----------------------------------------------------------------------------
with edit_col:
    st.selectbox(t("whatif.preset", lang), list(presets), index=None, key="wi_preset",
                 format_func=lambda k: presets[k].title, on_change=on_preset,
                 placeholder=t("whatif.preset_placeholder", lang))
    if state.get("wi_preset") in presets:
        p = presets[state["wi_preset"]]
        st.caption(f"{p.description} " + t("whatif.preset_source", lang,
                                             source=ds.citation(p.section_id)))
    name = st.text_input(t("whatif.name", lang), draft["name"], key=f"wi_name_{v}",
                         max_chars=120)
    existing = st.toggle(t("whatif.include_existing", lang), draft["include_existing"],
                         key=f"wi_existing_{v}")
    limit = st.number_input(t("whatif.max_travel", lang), min_value=1.0, max_value=500.0,
                            value=draft["max_travel_km"], step=5.0, key=f"wi_limit_{v}",
                            placeholder=t("whatif.no_limit", lang),
                            help=t("whatif.max_travel_help", lang))
    basis = st.radio(t("whatif.population", lang), ("census2021", "mid2018"),
                     index=("census2021", "mid2018").index(draft["population"]),
                     format_func=lambda b: t(f"whatif.basis_{b}", lang), horizontal=True,
                     key=f"wi_pop_{v}")
    new = {"name": name, "include_existing": existing, "max_travel_km": limit,
           "population": basis, "hubs": []}

    st.subheader(t("whatif.hubs", lang))
    options = views.authority_options(ds, lang)
    for i, hub in enumerate(draft["hubs"]):
        with st.container(border=True):
            c1, c2 = st.columns([3, 2])
            h_name = c1.text_input(t("whatif.hub_name", lang), hub["name"],
                                   key=f"wi_h{i}_name_{v}", max_chars=120)
            model = c2.selectbox(t("whatif.model", lang), MODELS,
                                 index=MODELS.index(hub["model"]), key=f"wi_h{i}_model_{v}",
                                 format_func=lambda m: t(f"whatif.model_{m}", lang))
            members = st.multiselect(t("whatif.members", lang), options, hub["authorities"],
                                     key=f"wi_h{i}_members_{v}",
                                     format_func=lambda c: views.authority_name(ds, c, lang))
            host = hub["host"] if hub["host"] in members else (members[0] if members else None)
            if model != "per_authority" and members:
                host = st.selectbox(t("whatif.host", lang), members,
                                    index=members.index(host), key=f"wi_h{i}_host_{v}",
                                    format_func=lambda c: views.authority_name(ds, c, lang))
            st.button(t("whatif.remove_hub", lang), key=f"wi_h{i}_remove_{v}",
                      on_click=edit, args=(planner.remove_hub, i), icon=":material/delete:")
            new["hubs"].append({"name": h_name, "model": model, "authorities": members,
                                "host": host})
    st.button(t("whatif.add_hub", lang), key=f"wi_add_{v}", icon=":material/add:",
              on_click=edit, args=(planner.add_hub, t("whatif.new_hub_name", lang)))
    if new["hubs"]:
        st.radio(t("whatif.click_target", lang), [None, *range(len(new["hubs"]))],
                 format_func=lambda i: t("whatif.click_none", lang) if i is None
                 else new["hubs"][i]["name"] or f"#{i + 1}",
                 index=len(new["hubs"]), key=f"wi_target_{v}")

for i, hub in enumerate(new["hubs"]):  # keep host consistent with model and members
    new = planner.update_hub(new, i, **hub)
state["wi_draft"] = new
checked = planner.check_draft(new, ds)
result = evaluate_scenario(checked.scenario, ds)
head = planner.headline(result, ds, lang)
share_token = encode_share(checked.scenario)
if st.query_params.get("scenario") != share_token:
    st.query_params["scenario"] = share_token
state["wi_token"] = share_token

# ---- Result ------------------------------------------------------------------------------
with view_col:
    st.subheader(head["authorities"])
    m1, m2, m3 = st.columns(3)
    m1.metric(t("whatif.population_covered", lang), head["population"],
              help=head["population_basis"])
    m2.metric(t("whatif.row_share", lang), head["population_share"])
    m3.metric(t("whatif.hubs_proposed", lang), head["hubs"])
    st.markdown(f"**{t('whatif.newly_covered', lang)}:** "
                + (", ".join(head["newly_covered"]) or t("whatif.none", lang)))
    if head["excluded"]:
        st.markdown(f"**{t('whatif.left_out', lang)}:**\n"
                    + "\n".join(f"- {line}" for line in head["excluded"]))
    if checked.problems:
        st.warning(t("whatif.left_out_hubs", lang) + "\n"
                   + "\n".join(f"- {p}" for p in checked.problems))

    bset, tile_points, view = cached.map_geometry(state.get("map_style", "geographic"))
    points = maps.anchor_points(ds.authorities, tile_points)
    links = maps.hub_links(result)
    classes = planner.coverage_classes(result)
    st_folium(
        maps.planner_base_map(bset.geojson, {a.code: a.name(lang) for a in ds.authorities},
                              labels=(tile_points, views.tile_labels(ds, lang))
                              if tile_points else None,
                              bounds=view, height_px=600, attribution=bset.attribution,
                              scale_bar=not bset.is_tiles),
        key="whatif_map", height=600, use_container_width=True,
        returned_objects=["last_active_drawing"], on_change=on_map_click,
        feature_group_to_add=maps.coverage_overlay(bset.geojson, classes, links, points),
    )
    st.caption(t("whatif.map_caption", lang, attribution=bset.attribution))
    st.html("".join(
        f'<span style="display:inline-flex;align-items:center;gap:.35em;margin-right:1.2em">'
        f'<span style="width:1em;height:1em;border:1px solid #4D4D4D;'
        f'background:{maps.COVERAGE_COLOURS[k]}"></span>{t(f"whatif.class_{k}", lang)}</span>'
        for k in ("covered", "newly_covered", "not_covered")))
    if result.hubs:
        st.markdown(f"**{t('whatif.per_hub', lang)}**")
        st.dataframe(planner.hub_rows(result, ds, lang), hide_index=True,
                     width="stretch")

# ---- Compare, share, files, best sites ------------------------------------------------------
tab_cmp, tab_share, tab_best = st.tabs([t("whatif.compare", lang), t("whatif.share", lang),
                                        t("whatif.best", lang)])
with tab_cmp:
    diff = planner.against_may_2019(result, ds, lang)
    st.markdown(f"**{t('whatif.vs_may_2019', lang)}**: {t('whatif.gained', lang)} "
                f"{', '.join(diff['gained']) or '–'}; {t('whatif.lost', lang)} "
                f"{', '.join(diff['lost']) or '–'}; {t('whatif.unchanged', lang)} "
                f"{', '.join(diff['unchanged_covered']) or '–'}")
    saved = state.setdefault("wi_saved", [])
    c1, c2 = st.columns(2)
    if c1.button(t("whatif.save", lang), key="wi_save", icon=":material/bookmark_add:"):
        if len(saved) >= planner.MAX_SAVED:
            st.info(t("whatif.saved_full", lang))
        else:
            state["wi_saved"] = saved = [*saved, dumps_scenario(checked.scenario)]
    if saved and c2.button(t("whatif.clear_saved", lang), key="wi_clear"):
        state["wi_saved"] = saved = []
    results = [evaluate_scenario(loads_scenario(text, ds, "saved"), ds) for text in saved]
    if results:
        st.dataframe(planner.side_by_side_rows([*results, result], ds, lang),
                     hide_index=True, width="stretch")
    else:
        st.caption(t("whatif.saved_hint", lang))

with tab_share:
    base = (st.context.url or "").split("?")[0]
    st.code(f"{base}?scenario={share_token}", language=None, wrap_lines=True)
    st.caption(t("whatif.share_help", lang))
    fill = maps.coverage_fills(classes)
    c1, c2, c3 = st.columns(3)
    # Files are generated only when their button is pressed (deferred data), and a download
    # never reruns the page (on_click="ignore").
    c1.download_button(t("whatif.download_json", lang), partial(dumps_scenario, checked.scenario),
                       file_name="scenario.json", mime="application/json", key="wi_dl_json",
                       on_click="ignore")
    c2.download_button(t("whatif.download_csv", lang), partial(result_csv, result),
                       file_name="scenario-result.csv", mime="text/csv", key="wi_dl_csv",
                       on_click="ignore")
    c3.download_button(
        t("whatif.download_briefing", lang),
        lambda: briefing_html(
            checked.scenario, result, ds,
            coverage_svg(bset.geojson, fill, links, points, title=checked.scenario.name),
            attribution=bset.attribution, colours=maps.COVERAGE_COLOURS, lang=lang),
        file_name="scenario-briefing.html", mime="text/html", key="wi_dl_html", on_click="ignore")
    upload = st.file_uploader(t("whatif.upload", lang), type=["json"], key=f"wi_upload_{v}")
    if upload is not None:
        try:
            if upload.size > MAX_SCENARIO_BYTES:
                raise ScenarioError(f"file is {upload.size:,} bytes; the limit is "
                                    f"{MAX_SCENARIO_BYTES:,}", upload.name)
            load_draft(planner.draft_of(loads_scenario(upload.getvalue(), ds, upload.name)))
            st.rerun()
        except ScenarioError as exc:
            st.error(t("whatif.upload_failed", lang, problem=str(exc)))

with tab_best:
    st.caption(t("whatif.best_intro", lang))
    c1, c2, c3 = st.columns(3)
    k = c1.number_input(t("whatif.best_k", lang), 1, 6, 2, key="wi_best_k")
    km = c2.number_input(t("whatif.best_km", lang), 1.0, 300.0, 40.0, 5.0, key="wi_best_km")
    objective = c3.radio(t("whatif.best_objective", lang), ("population", "authorities"),
                         format_func=lambda o: t(f"whatif.objective_{o}", lang),
                         key="wi_best_objective")
    keep = st.toggle(t("whatif.best_keep", lang), True, key="wi_best_keep")
    try:
        best = best_sites(ds, int(k), float(km), objective, keep, checked.scenario.population)
    except BestSitesError as exc:
        st.error(str(exc))
    else:
        st.success(t("whatif.best_result", lang,
                     hosts=", ".join(s.name for s in best.sites),
                     covered=best.authorities_covered, total=best.authorities_total,
                     people=number(best.population_covered, lang),
                     share=percent(best.population_share, lang)))
        for line in explain_uncovered(best, ds, lang):
            st.markdown(f"- {line}")
        st.button(t("whatif.best_adopt", lang), key="wi_best_adopt",
                  on_click=load_draft, args=(planner.draft_of(to_scenario(best, ds)),))
