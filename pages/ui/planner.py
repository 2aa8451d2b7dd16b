"""The what-if planner's Streamlit pieces: scenario state, hub editor, result panel, tabs.

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

import json
from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode, urlsplit

import streamlit as st

from explorer import planner, views
from explorer.best_sites import BestSitesError, best_sites, explain_uncovered, to_scenario
from explorer.coverage import CoverageResult, evaluate_scenario, result_csv
from explorer.i18n import number, percent, t
from explorer.limits import (
    MAX_BEST_KM,
    MAX_BEST_SITES,
    MAX_HUBS,
    MAX_NAME_CHARS,
    MAX_SAVED,
    MAX_SCENARIO_BYTES,
    MAX_SHARE_CHARS,
    MAX_TRAVEL_KM,
    MIN_BEST_KM,
    MIN_TRAVEL_KM,
    TRAVEL_STEP_KM,
)
from explorer.model import Dataset
from explorer.qr import qr_svg
from explorer.report import briefing_html
from explorer.room_links import JOIN_PAGE, app_base
from explorer.scenario import (
    MODELS,
    ScenarioError,
    decode_share,
    dumps_scenario,
    loads_scenario,
    may_2019_scenario,
    share_token_or_none,
)
from explorer.text import md_escape
from geo import cached, maps
from geo.svg import briefing_svg
from pages.ui import shell

state = st.session_state
SAVED_PARAM = "saved"


# ---- Scenario state ----------------------------------------------------------------------------


def load_draft(draft: dict) -> None:
    """Replace the scenario being edited: a new version, so every widget starts afresh."""
    state["wi_draft"] = draft
    state["wi_version"] = state.get("wi_version", 0) + 1
    state["wi_hub_ids"] = list(range(len(draft["hubs"])))
    state["wi_next_id"] = len(draft["hubs"])


def _new_hub_id() -> int:
    hub_id = state.get("wi_next_id", 0)
    state["wi_next_id"] = hub_id + 1
    return hub_id


def _key(name: str, hub: int | None = None) -> str:
    scope = "wi" if hub is None else f"wi_h{hub}"
    return f"{scope}_{name}_{state['wi_version']}_{state.get('lang', 'en')}"


def _focus_later(selector: str) -> None:
    state["wi_focus"] = selector


def focus_if_asked() -> None:
    """Move keyboard focus where the user is working after a rerun (add or remove a hub)."""
    selector = state.pop("wi_focus", None)
    if selector:
        # A new number each time: the same script twice in a row would not run again.
        state["wi_focus_n"] = state.get("wi_focus_n", 0) + 1
        st.html(
            f"<script>/* {state['wi_focus_n']} */"
            "(() => { let n = 0; const go = () => { const el = document.querySelector("
            + json.dumps(selector)
            + "); if (el) { el.focus(); el.scrollIntoView({block: 'center'}); }"
            " else if (n++ < 40) setTimeout(go, 50); }; go(); })();</script>",
            unsafe_allow_javascript=True,
        )


def start(ds: Dataset) -> dict:
    """The draft to edit: from the link when it carries a new scenario, else this session's."""
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
    if "wi_saved" not in state:  # saved comparisons survive a reload through the URL
        saved = []
        for part in (st.query_params.get(SAVED_PARAM) or "").split(".")[:MAX_SAVED]:
            try:
                saved.append(dumps_scenario(decode_share(part, ds)))
            except ScenarioError:
                continue
        state["wi_saved"] = saved
    return state["wi_draft"]


def add_hub(name: str) -> None:
    state["wi_draft"] = planner.add_hub(state["wi_draft"], name)
    hub_id = _new_hub_id()
    state["wi_hub_ids"] = [*state["wi_hub_ids"], hub_id]
    _focus_later(f".st-key-{_key('name', hub_id)} input")


def remove_hub(index: int) -> None:
    state["wi_draft"] = planner.remove_hub(state["wi_draft"], index)
    ids = [h for i, h in enumerate(state["wi_hub_ids"]) if i != index]
    state["wi_hub_ids"] = ids
    # Focus the next hub's name, else the previous one's, else the "Add a hub" button.
    if ids:
        _focus_later(f".st-key-{_key('name', ids[min(index, len(ids) - 1)])} input")
    else:
        _focus_later(f".st-key-{_key('add')} button")


def toggle_from_map(ds: Dataset, lang: str) -> None:
    """A click on the planner map adds or removes the authority in the chosen hub."""
    clicked = (state.get("whatif_map") or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    target = state.get(_key("target"))
    hubs = state["wi_draft"]["hubs"]
    if code not in ds.codes() or not isinstance(target, int) or target >= len(hubs):
        return
    adding = code not in hubs[target]["authorities"]
    state["wi_draft"] = planner.toggle_member(state["wi_draft"], target, code)
    ids = list(state["wi_hub_ids"])
    ids[target] = _new_hub_id()  # fresh widgets for this hub, started from the new draft
    state["wi_hub_ids"] = ids
    name, hub = ds.authority(code).name(lang), hubs[target]["name"]
    message = t("whatif_ui.added" if adding else "whatif_ui.removed", lang, name=name, hub=hub)
    others = [h["name"] for i, h in enumerate(hubs) if i != target and code in h["authorities"]]
    if adding and others:
        message += " " + t("whatif_ui.also_in", lang, hubs=", ".join(others))
    state["wi_toast"] = message


# ---- Editor ------------------------------------------------------------------------------------


def hub_editor(ds: Dataset, lang: str, presets: dict) -> dict:
    """Preset, scenario settings and hubs; returns the new draft read from the widgets."""
    draft = state["wi_draft"]

    def on_preset() -> None:
        preset = presets.get(state.get("wi_preset"))
        if preset is not None:
            load_draft(planner.draft_of(preset.scenario))

    pick = shell.bound(st.selectbox, "wi_preset", lang, after=on_preset,
                       label=t("whatif.preset", lang), options=list(presets),
                       format_func=lambda k: presets[k].title,
                       placeholder=t("whatif.preset_placeholder", lang))
    if pick in presets:
        p = presets[pick]
        st.caption(md_escape(p.description) + " " + md_escape(
            t("whatif.preset_source", lang, source=ds.citation(p.section_id))))
    name = st.text_input(t("whatif.name", lang), draft["name"], key=_key("name"),
                         max_chars=MAX_NAME_CHARS)
    existing = st.toggle(t("whatif.include_existing", lang), draft["include_existing"],
                         key=_key("existing"))
    limit = st.number_input(t("whatif.max_travel", lang), min_value=MIN_TRAVEL_KM,
                            max_value=MAX_TRAVEL_KM, value=draft["max_travel_km"],
                            step=TRAVEL_STEP_KM, format="%g", key=_key("limit"),
                            placeholder=t("whatif.no_limit", lang),
                            help=t("whatif.max_travel_help", lang))
    bases = ("census2021", "mid2018")
    basis = st.radio(t("whatif.population", lang), bases, index=bases.index(draft["population"]),
                     format_func=lambda b: t(f"whatif.basis_{b}", lang), horizontal=True,
                     key=_key("pop"))
    new = {"name": name, "include_existing": existing, "max_travel_km": limit,
           "population": basis, "hubs": []}

    st.header(t("whatif.hubs", lang))
    options = views.authority_options(ds, lang)
    for i, (hub, hid) in enumerate(zip(draft["hubs"], state["wi_hub_ids"], strict=True)):
        with st.container(border=True):
            # Name and model one above the other: a model's full label fits ("Regional (one
            # co-located hub)"), at 1440 px as on a phone.
            h_name = st.text_input(t("whatif.hub_name", lang), hub["name"],
                                   key=_key("name", hid), max_chars=MAX_NAME_CHARS)
            model = st.selectbox(t("whatif.model", lang), MODELS,
                                 index=MODELS.index(hub["model"]), key=_key("model", hid),
                                 format_func=lambda m: t(f"whatif.model_{m}", lang))
            members = st.multiselect(t("whatif.members", lang), options, hub["authorities"],
                                     key=_key("members", hid),
                                     format_func=lambda c: views.authority_name(ds, c, lang),
                                     placeholder=t("whatif_ui.members_placeholder", lang))
            host = hub["host"] if hub["host"] in members else (members[0] if members else None)
            if model != "per_authority" and members:
                host = st.selectbox(t("whatif.host", lang), members,
                                    index=members.index(host), key=_key("host", hid),
                                    format_func=lambda c: views.authority_name(ds, c, lang))
            st.button(t("whatif.remove_hub", lang), key=_key("remove", hid),
                      on_click=remove_hub, args=(i,), icon=":material/delete:")
            new["hubs"].append({"name": h_name, "model": model, "authorities": members,
                                "host": host})
    st.button(t("whatif.add_hub", lang), key=_key("add"), icon=":material/add:",
              on_click=add_hub, args=(t("whatif.new_hub_name", lang),),
              disabled=not planner.can_add_hub(draft))
    if not planner.can_add_hub(draft):
        st.caption(t("whatif.too_many_hubs", lang, limit=MAX_HUBS))
    for i, hub in enumerate(new["hubs"]):  # keep host consistent with model and members
        new = planner.update_hub(new, i, **hub)
    state["wi_draft"] = new
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
             index=count, key=_key("target"), horizontal=True)


# ---- Result ------------------------------------------------------------------------------------


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
    m1, m2, m3 = st.container(key="wi_metrics").columns(3)
    m1.metric(t("whatif.population_covered", lang), head["population"],
              help=head["population_basis"])
    m2.metric(t("whatif.row_share", lang), head["population_share"])
    m3.metric(t("whatif.mashes_proposed", lang), head["hubs"], help=t("whatif.mashes_help", lang))
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
    if "wi_toast" in state:
        st.toast(md_escape(state.pop("wi_toast")))



def map_panel(ds: Dataset, lang: str, result: CoverageResult, draft: dict,
              workshop: bool) -> dict:
    """The planner map (clicks edit the chosen hub), its key and caption; returns what it drew.

    The base map is rendered once per process (geo/cached.py); the coverage, hubs and lines
    are a small overlay that the map draws without remounting."""
    height = 700 if workshop else 520
    bset, payload, points = cached.planner_map(state.get("map_style", "geographic"), lang,
                                               height, key="whatif_map",
                                               names=bool(state.get("names")), large=workshop)
    links = maps.hub_links(result)
    classes = planner.coverage_classes(result)
    cached.show_map(payload, key="whatif_map", height=height,
                    overlay=maps.coverage_js(classes, links, points),
                    on_change=partial(toggle_from_map, ds, lang))
    click_target(lang, draft)
    st.html("".join(
        f'<span style="display:inline-flex;align-items:center;gap:.35em;margin-right:1.2em">'
        f'<span aria-hidden="true" style="width:1em;height:1em;'
        f'border:{"2px dashed" if k == "newly_covered" else "1px solid"} #4D4D4D;'
        f'background:{maps.COVERAGE_COLOURS[k]}"></span>{t(f"whatif.class_{k}", lang)}</span>'
        for k in ("covered", "newly_covered", "not_covered")))
    st.caption(t("whatif.map_caption", lang, attribution=bset.attribution))
    return {"bset": bset, "links": links, "points": points, "classes": classes}


def hub_table(ds: Dataset, lang: str, result: CoverageResult) -> None:
    if result.hubs:
        st.markdown(f"**{md_escape(t('whatif.per_hub', lang))}**")
        st.html(planner.hub_table_html(result, ds, lang))
        st.caption(t("whatif.per_hub_note", lang))


# ---- Compare, share, best sites ----------------------------------------------------------------


def _saved_to_url(ds: Dataset) -> None:
    tokens = []
    for text in state["wi_saved"]:
        token = share_token_or_none(loads_scenario(text, ds, "saved"))
        if token is not None:
            tokens.append(token)
    if tokens and sum(map(len, tokens)) <= MAX_SHARE_CHARS:
        st.query_params[SAVED_PARAM] = ".".join(tokens)
    elif SAVED_PARAM in st.query_params:
        del st.query_params[SAVED_PARAM]


def compare_tab(ds: Dataset, lang: str, checked, result: CoverageResult) -> None:
    diff = planner.against_may_2019(result, ds, lang)
    dash = "–"
    st.markdown(md_escape(
        f"{t('whatif.vs_may_2019', lang)}: {t('whatif.gained', lang)} "
        f"{', '.join(diff['gained']) or dash}; {t('whatif.lost', lang)} "
        f"{', '.join(diff['lost']) or dash}; {t('whatif.unchanged', lang)} "
        f"{', '.join(diff['unchanged_covered']) or dash}"))
    saved = state["wi_saved"]
    c1, c2 = st.columns(2)
    if c1.button(t("whatif.save", lang), key="wi_save", icon=":material/bookmark_add:"):
        if len(saved) >= MAX_SAVED:
            st.info(t("whatif.saved_full", lang))
        else:
            state["wi_saved"] = saved = [*saved, dumps_scenario(checked.scenario)]
            _saved_to_url(ds)
    if saved and c2.button(t("whatif.clear_saved", lang), key="wi_clear"):
        state["wi_saved"] = saved = []
        _saved_to_url(ds)
    results = [evaluate_scenario(loads_scenario(text, ds, "saved"), ds) for text in saved]
    if results:
        st.dataframe(planner.side_by_side_rows([*results, result], ds, lang,
                                               current_index=len(results)),
                     hide_index=True, width="stretch")
    else:
        st.caption(t("whatif.saved_hint", lang))


def _secure_context(url: str) -> bool:
    """Browsers allow the clipboard only on https or on this machine (a 'secure context')."""
    parts = urlsplit(url)
    return parts.scheme == "https" or parts.hostname in ("localhost", "127.0.0.1", "::1")


def planner_url() -> str:
    """The what-if page's public address (:func:`explorer.room_links.app_base`): never
    Community Cloud's inner ``/~/+/``, and ``MASH_BASE_URL`` when set."""
    return f"{app_base(st.context.url, JOIN_PAGE)}/{JOIN_PAGE}"


def share_link(token: str, extra: dict[str, str] | None = None) -> str:
    base = planner_url()
    from pages.ui.editions import asat  # a link keeps its edition (issue 18)

    params = {"scenario": token, **shell.settings_params(), **asat.link_params(),
              **(extra or {})}
    params.pop("workshop", None)  # a shared link opens in the recipient's own mode
    params.pop("map", None)
    return f"{base}?{urlencode(params)}"


def share_tab(ds: Dataset, lang: str, checked, result: CoverageResult, drawn: dict) -> None:
    token = share_token_or_none(checked.scenario)
    if token is not None:
        link = share_link(token)
        if _secure_context(st.context.url or ""):
            st.code(link, language=None, wrap_lines=True)
            st.caption(t("whatif.share_help", lang))
        else:
            st.text_area(t("whatif_ui.share_link", lang), link, key="wi_link_text", height=100)
            st.caption(t("whatif_ui.share_insecure", lang))
        st.html(qr_svg(link))
        st.caption(t("whatif_ui.share_qr", lang))
    else:
        raw = len(dumps_scenario(checked.scenario).encode("utf-8"))
        st.warning(t("whatif.share_too_long", lang, limit=f"{MAX_SHARE_CHARS:,}",
                     chars=f"{4 * raw // 3 + (raw % 3 > 0):,}"))
    bset = drawn["bset"]
    # Read now: the deferred download below runs outside this script run.
    page_url = planner_url()
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
            briefing_svg(bset.geojson, result, ds, drawn["points"], lang,
                         title=checked.scenario.name),
            attribution=bset.attribution, lang=lang,
            app_url=page_url),
        file_name="scenario-briefing.html", mime="text/html", key="wi_dl_html", on_click="ignore")
    upload = st.file_uploader(t("whatif.upload", lang, limit=f"{MAX_SCENARIO_BYTES // 1024}"),
                              type=["json"], key=_key("upload"), max_upload_size=1)
    if upload is not None:
        try:
            if upload.size > MAX_SCENARIO_BYTES:
                raise ScenarioError(f"file is {upload.size:,} bytes; the limit is "
                                    f"{MAX_SCENARIO_BYTES:,}", upload.name)
            load_draft(planner.draft_of(loads_scenario(upload.getvalue(), ds, upload.name)))
            st.rerun()
        except ScenarioError as exc:
            st.error(md_escape(t("whatif.upload_failed", lang, problem=str(exc))))


def best_tab(ds: Dataset, lang: str, checked) -> None:
    st.caption(t("whatif.best_intro", lang))
    c1, c2, c3 = st.columns(3)
    k = c1.number_input(t("whatif.best_k", lang), 1, MAX_BEST_SITES, 2, key="wi_best_k")
    km = c2.number_input(t("whatif.best_km", lang), MIN_BEST_KM, MAX_BEST_KM, 40.0, 5.0,
                         format="%g", key="wi_best_km")
    state.setdefault("wi_best_objective", "population")
    objective = shell.bound(c3.radio, "wi_best_objective", lang,
                            label=t("whatif.best_objective", lang),
                            options=("population", "authorities"),
                            format_func=lambda o: t(f"whatif.objective_{o}", lang))
    keep = st.toggle(t("whatif.best_keep", lang), True, key="wi_best_keep")
    try:
        best = best_sites(ds, int(k), float(km), objective or "population", keep,
                          checked.scenario.population)
    except BestSitesError as exc:
        st.error(md_escape(str(exc)))
        return
    st.success(md_escape(t("whatif.best_result", lang,
                           hosts=", ".join(s.name for s in best.sites),
                           covered=best.authorities_covered, total=best.authorities_total,
                           people=number(best.population_covered, lang),
                           share=percent(best.population_share, lang))))
    for line in explain_uncovered(best, ds, lang):
        st.markdown(f"- {md_escape(line)}")
    st.button(t("whatif.best_adopt", lang), key="wi_best_adopt",
              on_click=load_draft, args=(planner.draft_of(to_scenario(best, ds)),))


def tabs(ds: Dataset, lang: str, checked, result: CoverageResult, drawn: dict,
         extra: tuple[tuple[str, Callable[[], None]], ...] = ()) -> None:
    names = [t("whatif.compare", lang), t("whatif.share", lang), t("whatif.best", lang)]
    bodies = [partial(compare_tab, ds, lang, checked, result),
              partial(share_tab, ds, lang, checked, result, drawn),
              partial(best_tab, ds, lang, checked), *(body for _label, body in extra)]
    # Lazy tabs: only the open one runs. The share tab's QR code and the best-sites search
    # were most of a what-if run's time (py-spy, bench/bench_load.py), on every run.
    panes = st.tabs(names + [label for label, _ in extra], key=f"wi_tabs_{lang}",
                    on_change="rerun")
    for pane, body in zip(panes, bodies, strict=True):
        if pane.open:
            with pane:
                body()


def sync_link(checked) -> None:
    """The URL always carries the scenario being edited (when it fits in a link)."""
    token = share_token_or_none(checked.scenario)
    if st.query_params.get("scenario") != token:
        if token is None:
            del st.query_params["scenario"]
        else:
            st.query_params["scenario"] = token
    state["wi_token"] = token


STYLE = (
    "<style>"
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
    "[data-testid='stFileUploaderDropzoneInstructions'] small{display:none}"
    "</style>"
)


def styles() -> None:
    st.html(STYLE)


def problem_from_link(lang: str) -> None:
    if "wi_link_problem" in state:
        st.warning(md_escape(t("whatif.bad_link", lang, problem=state.pop("wi_link_problem"))),
                   icon=":material/link_off:")

