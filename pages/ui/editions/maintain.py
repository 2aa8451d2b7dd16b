"""The maintainer's panel: unlock with ``MASH_MAINTAINER_KEY``, import a ZIP as a draft,
publish or discard drafts. Without a key set by the operator the panel only says editions
are read-only. The key is checked in a callback, in constant time
(:func:`explorer.editions.maintainer.key_matches`), then cleared from the widget; session
state keeps only "unlocked" (a plain bool) and the wrong tries
(:class:`explorer.throttle.CodeAttempts`). Publishing is refused, with the reason, where
storage does not look durable. Every refusal is shown as text."""

from __future__ import annotations

import math
import time

import streamlit as st

from explorer.data import resolve_data_dir
from explorer.editions import maintainer, store
from explorer.editions.files import records_in
from explorer.editions.model import EditionError, format_date
from explorer.i18n import t
from explorer.limits import MAX_EDITION_ZIP_BYTES
from explorer.storage import db
from explorer.text import md_escape
from explorer.throttle import CodeAttempts
from pages.ui import notices
from pages.ui.editions import asat

state = st.session_state
UNLOCKED, ATTEMPTS, KEY_INPUT, FLASH = "ed_unlocked", "ed_attempts", "ed_key", "ed_flash"


def _attempts() -> CodeAttempts:
    return CodeAttempts.from_plain(state.get(ATTEMPTS))


def _check_key() -> None:
    given = state.get(KEY_INPUT, "")
    state[KEY_INPUT] = ""  # never kept, never shown again
    attempts = _attempts()
    if attempts.wait_s(time.time()) > 0:
        return
    if maintainer.key_matches(given):
        state[UNLOCKED] = True
        state[ATTEMPTS] = attempts.succeeded().as_plain()
    else:
        state[ATTEMPTS] = attempts.failed(time.time()).as_plain()
        state[FLASH] = ("warning", "editions.maint.wrong_key", {})


def _flash(lang: str) -> None:
    kind, key, values = state.pop(FLASH, (None, "", {}))
    if kind:
        getattr(st, kind)(md_escape(t(key, lang, **values)))


def _unlock(lang: str) -> None:
    wait = _attempts().wait_s(time.time())
    if wait > 0:
        st.warning(t("editions.maint.wait", lang, seconds=math.ceil(wait)))
    st.text_input(t("editions.maint.key", lang), type="password", key=KEY_INPUT,
                  autocomplete="off")
    st.button(t("editions.maint.unlock", lang), on_click=_check_key)


def panel(lang: str) -> None:
    with st.expander(t("editions.maint.title", lang), expanded=bool(state.get(UNLOCKED))):
        if not maintainer.key_is_set():
            st.caption(t("editions.maint.read_only", lang))
            return
        _flash(lang)
        if not state.get(UNLOCKED):
            _unlock(lang)
            return
        st.caption(t("editions.maint.unlocked", lang))
        try:
            url = db.database_url()
            engine = db.shared_engine(url)
            _work(lang, engine, url)
        except db.DatabaseError as exc:
            notices.refused(t("editions.maint.unavailable", lang, problem=str(exc)))


def _refused(lang: str, exc: EditionError) -> None:
    notices.refused(t("editions.maint.refused", lang), lines=exc.problems)


def _work(lang: str, engine, url: str) -> None:
    data_dir = resolve_data_dir()
    upload = st.file_uploader(
        t("editions.maint.upload", lang, limit=MAX_EDITION_ZIP_BYTES // (1024 * 1024)),
        type=["zip"], key="ed_upload", max_upload_size=MAX_EDITION_ZIP_BYTES // (1024 * 1024))
    if upload is not None and st.button(t("editions.maint.import", lang)):
        try:
            info = store.import_edition(engine, upload.getvalue(), data_dir,
                                        label=upload.name[:80])
        except EditionError as exc:
            _refused(lang, exc)
        else:
            st.success(t("editions.maint.imported", lang, id=info.id,
                         n=len(info.own_changes)))
            left_out = records_in(upload.getvalue())
            if left_out:  # an exported round's record is not part of a draft: say so
                st.info(t("editions.maint.records_left_out", lang, files=", ".join(left_out)))
    st.subheader(t("editions.maint.drafts", lang))
    drafts = [e for e in store.list_editions(engine, data_dir) if not e.published]
    if not drafts:
        st.caption(t("editions.maint.no_drafts", lang))
    refusal = maintainer.publish_refusal(url)
    for info in drafts:
        st.markdown(md_escape(t("editions.maint.draft_line", lang, id=info.id, title=info.title,
                                date=format_date(info.as_at, lang), n=len(info.own_changes),
                                base=info.base_id)))
        left, right = st.columns(2)
        if refusal:
            left.warning(md_escape(refusal))
        elif left.button(t("editions.maint.publish", lang, id=info.id),
                         key=f"ed_publish_{info.id}"):
            _act(lang, lambda i=info.id: store.publish(engine, i, data_dir),
                 "editions.maint.published", info.id)
        if right.button(t("editions.maint.discard", lang, id=info.id),
                        key=f"ed_discard_{info.id}"):
            _act(lang, lambda i=info.id: store.discard_draft(engine, i),
                 "editions.maint.discarded", info.id)


def _act(lang: str, action, done: str, edition_id: int) -> None:
    if not state.get(UNLOCKED):
        return
    try:
        action()
    except EditionError as exc:
        _refused(lang, exc)
        return
    asat.clear_caches()
    state[FLASH] = ("success", done, {"id": edition_id})
    st.rerun()
