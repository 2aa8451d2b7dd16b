"""The compare, share and best-sites tabs (lazy: only the open one runs), and the link
that always carries the scenario being edited."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

import streamlit as st

from explorer import planner
from explorer.best_sites import BestSitesError, best_sites, explain_uncovered, to_scenario
from explorer.coverage import CoverageResult, evaluate_scenario, result_csv
from explorer.i18n import number, percent, t
from explorer.limits import (
    MAX_BEST_KM,
    MAX_BEST_SITES,
    MAX_SAVED,
    MAX_SCENARIO_BYTES,
    MAX_SHARE_CHARS,
    MIN_BEST_KM,
)
from explorer.links import WHAT_IF_PAGE, public_page_url, scenario_link
from explorer.model import Dataset
from explorer.printing.briefing import briefing_html
from explorer.printing.qr import qr_img
from explorer.printing.svg_map import briefing_svg
from explorer.scenario import (
    ScenarioError,
    dumps_scenario,
    loads_scenario,
    share_token_or_none,
)
from explorer.text import md_escape
from pages.ui import shell
from pages.ui.planner import keys
from pages.ui.planner.result import DrawnMap
from pages.ui.planner.session import key, key_numbering, load_draft

state = st.session_state


def _saved_to_url(ds: Dataset) -> None:
    tokens = []
    for text in state[keys.SAVED]:
        token = share_token_or_none(loads_scenario(text, ds, "saved"))
        if token is not None:
            tokens.append(token)
    if tokens and sum(map(len, tokens)) <= MAX_SHARE_CHARS:
        st.query_params[keys.SAVED_PARAM] = ".".join(tokens)
    elif keys.SAVED_PARAM in st.query_params:
        del st.query_params[keys.SAVED_PARAM]


def compare_tab(ds: Dataset, lang: str, checked, result: CoverageResult) -> None:
    diff = planner.against_may_2019(result, ds, lang)
    dash = "–"
    st.markdown(md_escape(
        f"{t('whatif.vs_may_2019', lang)}: {t('whatif.gained', lang)} "
        f"{', '.join(diff['gained']) or dash}; {t('whatif.lost', lang)} "
        f"{', '.join(diff['lost']) or dash}; {t('whatif.unchanged', lang)} "
        f"{', '.join(diff['unchanged_covered']) or dash}"))
    saved = state[keys.SAVED]
    row = st.container(horizontal=True)  # one block, not columns (three)
    if row.button(t("whatif.save", lang), key="wi_save", icon=":material/bookmark_add:"):
        if len(saved) >= MAX_SAVED:
            st.info(t("whatif.saved_full", lang))
        else:
            state[keys.SAVED] = saved = [*saved, dumps_scenario(checked.scenario)]
            _saved_to_url(ds)
    if saved and row.button(t("whatif.clear_saved", lang), key="wi_clear"):
        state[keys.SAVED] = saved = []
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


def share_link(token: str, extra: dict[str, str] | None = None) -> str:
    from pages.ui.editions import asat  # a link keeps its edition (issue 18)

    params = {**shell.settings_params(), **asat.link_params(), **(extra or {})}
    params.pop("workshop", None)  # a shared link opens in the recipient's own mode
    params.pop("map", None)
    return scenario_link(planner_url(), token, params)


def planner_url() -> str:
    """The what-if page's public address: never Community Cloud's inner ``/~/+/``, and
    ``MASH_BASE_URL`` when set (:func:`explorer.links.app_base`)."""
    return public_page_url(st.context.url, WHAT_IF_PAGE)


def share_tab(ds: Dataset, lang: str, checked, result: CoverageResult, drawn: DrawnMap) -> None:
    token = share_token_or_none(checked.scenario)
    if token is not None:
        link = share_link(token)
        if _secure_context(st.context.url or ""):
            st.code(link, language=None, wrap_lines=True)
            st.caption(t("whatif.share_help", lang))
        else:
            st.text_area(t("whatif_ui.share_link", lang), link, key="wi_link_text", height=100)
            st.caption(t("whatif_ui.share_insecure", lang))
        # An <img> (data URI): st.html strips inline <svg>, so the promised QR code was missing.
        st.html(qr_img(link, label=t("whatif_ui.share_qr", lang)))
        st.caption(t("whatif_ui.share_qr", lang))
    else:
        raw = len(dumps_scenario(checked.scenario).encode("utf-8"))
        st.warning(t("whatif.share_too_long", lang, limit=f"{MAX_SHARE_CHARS:,}",
                     chars=f"{4 * raw // 3 + (raw % 3 > 0):,}"))
    bset = drawn.bset
    # Read now: the deferred download below runs outside this script run.
    page_url = planner_url()
    from pages.ui.editions import asat  # the paper follows the chosen edition (issue 18)

    paper_edition = asat.paper_edition()
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
            briefing_svg(bset.geojson, result, ds, drawn.points, lang,
                         title=checked.scenario.name),
            attribution=bset.attribution, lang=lang,
            app_url=page_url, edition=paper_edition),
        file_name="scenario-briefing.html", mime="text/html", key="wi_dl_html", on_click="ignore")
    upload = st.file_uploader(t("whatif.upload", lang, limit=f"{MAX_SCENARIO_BYTES // 1024}"),
                              type=["json"], key=key("upload"), max_upload_size=1)
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
    state.setdefault(keys.BEST_OBJECTIVE, "population")
    objective = shell.bound(c3.radio, keys.BEST_OBJECTIVE, lang,
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


def tabs(ds: Dataset, lang: str, checked, result: CoverageResult, drawn: DrawnMap,
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
    """The URL always carries the scenario being edited (when it fits in a link), and the
    widget keys' numbering when a new session would not guess it (:func:`key_numbering`)."""
    token = share_token_or_none(checked.scenario)
    numbering = key_numbering() if token is not None else None
    for param, value in (("scenario", token), (keys.KEYS_PARAM, numbering)):
        if st.query_params.get(param) != value:
            if value is None:
                del st.query_params[param]
            else:
                st.query_params[param] = value
    state[keys.TOKEN] = token
