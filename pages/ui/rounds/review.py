"""The maintainer's review of update rounds (/rounds), behind the maintainer key: open a
round (each force's link shown once), follow each force's progress, read each section as
the editions' "what changed", return it with a comment or accept it, reissue a link,
publish the next edition (refused, with the reason, where storage is not durable), read the
audit trail and any authority's history, download the round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.data import resolve_data_dir
from explorer.editions import maintainer
from explorer.editions.model import EditionError, format_date
from explorer.i18n import t
from explorer.limits import MAX_DISPLAY_NAME_CHARS, MAX_ROUND_COMMENT_CHARS, MAX_ROUND_TITLE_CHARS
from explorer.links import REVIEW_PAGE, app_base, contributor_link
from explorer.model import Dataset
from explorer.rounds import report, store
from explorer.rounds.history import history_line
from explorer.rounds.model import RoundError
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from pages.ui import notices
from pages.ui.editions import asat
from pages.ui.editions import compare as edition_compare
from pages.ui.rounds.common import flash, force_name, say, state_label

state = st.session_state
LINKS = "rd_links"


def _name() -> str:
    return state.get("rd_mname", "")


def _do(action, done: str) -> bool:
    try:
        action()
    except (RoundError, EditionError) as exc:
        say("error", exc.problems[0], exc.problems[1:])
        return False
    say("success", done)
    return True


def _open(eng: Engine, lang: str) -> None:
    def act():
        opened = store.open_round(eng, resolve_data_dir(), state.get("rd_title", ""),
                                  state.get("rd_asat", ""), display_name=_name())
        state[LINKS] = {"round": opened.info.id, "tokens": dict(opened.tokens)}
    _do(act, t("rounds.review.done", lang))


def _reissue(eng: Engine, round_id: int, force_id: str, lang: str) -> None:
    def act():
        token = store.reissue_link(eng, round_id, force_id, display_name=_name())
        state[LINKS] = {"round": round_id, "tokens": {force_id: token}}
    _do(act, t("rounds.review.done", lang))


def _links(ds: Dataset, lang: str) -> None:
    shown = state.get(LINKS)
    if not shown:
        return
    base = app_base(st.context.url, REVIEW_PAGE)
    st.warning(t("rounds.review.links", lang))
    for force_id, token in shown["tokens"].items():
        st.markdown(md_escape(t("rounds.review.new_link", lang,
                                force=force_name(ds, force_id, lang))))
        st.code(contributor_link(base, token), language=None)
    if st.button(t("rounds.review.done", lang), key="rd_links_done"):
        state.pop(LINKS, None)
        st.rerun()


def _open_form(eng: Engine, lang: str) -> None:
    st.subheader(t("rounds.review.open_heading", lang), anchor=False)
    with st.form("rd_open"):
        st.text_input(t("rounds.review.round_title", lang), key="rd_title",
                      max_chars=MAX_ROUND_TITLE_CHARS)
        st.text_input(t("rounds.review.as_at", lang), key="rd_asat", max_chars=10)
        st.form_submit_button(t("rounds.review.open", lang), on_click=_open, args=(eng, lang))


def _progress(secs, ds: Dataset, lang: str) -> None:
    st.subheader(t("rounds.review.progress", lang), anchor=False)
    st.dataframe(pd.DataFrame([{
        t("rounds.review.col_force", lang): force_name(ds, s.force_id, lang),
        t("rounds.review.col_state", lang): state_label(s.state, lang),
        t("rounds.review.col_rows", lang): len(s.edits),
        t("rounds.review.col_updated", lang): s.updated_at.strftime("%Y-%m-%d %H:%M"),
    } for s in secs]), hide_index=True, width="stretch")


def _section(eng: Engine, info, s, ds: Dataset, lang: str) -> None:
    label = f"{force_name(ds, s.force_id, lang)}: {state_label(s.state, lang)}"
    with st.expander(label, expanded=s.state == "submitted"):
        if s.edits:
            st.markdown(f"**{t('rounds.review.changed', lang)}**")
            edition_compare.render(report.section_diff(eng, resolve_data_dir(), info.id,
                                                      s.force_id), lang)
        else:
            st.caption(t("rounds.review.nothing", lang))
        if info.status != "open":
            return
        key = f"{info.id}_{s.force_id}"
        if s.state == "submitted":
            st.button(t("rounds.review.accept", lang), key=f"rd_acc_{key}",
                      on_click=lambda: _do(lambda: store.accept_section(
                          eng, info.id, s.force_id, display_name=_name()),
                          t("rounds.review.done", lang)))
        if s.state in ("submitted", "accepted"):
            st.text_area(t("rounds.review.comment", lang), key=f"rd_cmt_{key}",
                         max_chars=MAX_ROUND_COMMENT_CHARS)
            st.button(t("rounds.review.return", lang), key=f"rd_ret_{key}",
                      on_click=lambda: _do(lambda: store.return_section(
                          eng, info.id, s.force_id, state.get(f"rd_cmt_{key}", ""),
                          display_name=_name()), t("rounds.review.done", lang)))
        st.button(t("rounds.review.reissue", lang), key=f"rd_re_{key}", on_click=_reissue,
                  args=(eng, info.id, s.force_id, lang))


def _publish(eng: Engine, info, lang: str) -> None:
    st.subheader(t("rounds.review.publish_heading", lang), anchor=False)
    refusal = maintainer.publish_refusal(db.database_url())
    if refusal:
        notices.refused(refusal, kind="warning")
        return
    st.text_area(t("rounds.review.publish_note", lang), key="rd_note",
                 max_chars=MAX_ROUND_COMMENT_CHARS)

    def act():
        edition = store.publish_round(eng, info.id, resolve_data_dir(),
                                      note=state.get("rd_note", ""), display_name=_name())
        asat.clear_caches()
        say("success", t("rounds.review.published", lang, id=edition.id))

    def go():
        try:
            act()
        except (RoundError, EditionError) as exc:
            say("error", exc.problems[0], exc.problems[1:])

    st.button(t("rounds.review.publish", lang), type="primary", on_click=go)


def _audit(eng: Engine, info, lang: str) -> None:
    st.subheader(t("rounds.review.audit", lang), anchor=False)
    st.dataframe(pd.DataFrame([{
        "UTC": a.at.strftime("%Y-%m-%d %H:%M:%S"), "action": a.action, "role": a.role,
        "name": a.display_name, "section": a.force_id or "",
        "version": "" if a.version is None else str(a.version),
    } for a in store.audit(eng, info.id)]), hide_index=True, width="stretch")
    st.download_button(t("rounds.review.export", lang),
                        data=report.export_round(eng, info.id, resolve_data_dir()),
                        file_name=f"round-{info.id}.zip", mime="application/zip")


def _history(eng: Engine, ds: Dataset, lang: str) -> None:
    st.subheader(t("rounds.review.history", lang), anchor=False)
    names = {a.code: a.name(lang) for a in ds.authorities}
    code = st.selectbox(t("rounds.review.authority", lang), list(names),
                        format_func=names.get, key="rd_hist")
    st.markdown(md_escape(history_line(report.history(eng, resolve_data_dir(), code),
                                       names[code], lang)))


def page(eng: Engine, lang: str, ds: Dataset) -> None:
    flash()
    st.text_input(t("rounds.review.name", lang), key="rd_mname",
                  max_chars=MAX_DISPLAY_NAME_CHARS)
    _links(ds, lang)
    rounds = store.list_rounds(eng)
    if not any(r.status == "open" for r in rounds):
        _open_form(eng, lang)
    if rounds:
        labels = {r.id: t("rounds.review.round_option", lang, id=r.id, title=r.title,
                          date=format_date(r.as_at, lang), status=r.status) for r in rounds}
        chosen = st.selectbox(t("rounds.review.choose", lang), list(reversed(labels)),
                              format_func=labels.get, key="rd_round")
        info = next(r for r in rounds if r.id == chosen)
        secs = store.sections(eng, info.id)
        _progress(secs, ds, lang)
        for s in secs:
            _section(eng, info, s, ds, lang)
        if info.status == "open":
            _publish(eng, info, lang)
        _audit(eng, info, lang)
    _history(eng, ds, lang)

