"""What the round pages share: the database, messages shown after a rerun, the maintainer
key gate (the same session keys as the editions panel, so one unlock serves both), and
names in the visitor's language. Every user text is shown as text (``md_escape``)."""

from __future__ import annotations

import math
import time

import streamlit as st

from explorer.editions import maintainer
from explorer.i18n import t
from explorer.model import Dataset
from explorer.rounds.model import RoundError
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from explorer.throttle import CodeAttempts
from pages.ui import notices
from pages.ui.editions.maintain import ATTEMPTS, UNLOCKED

state = st.session_state
FLASH = "rd_flash"
KEY_INPUT = "rd_key"


def engine(lang: str) -> Engine | None:
    try:
        return db.shared_engine()
    except db.DatabaseError as exc:
        notices.refused(str(exc))
        return None


def say(kind: str, text: str, lines: tuple[str, ...] = ()) -> None:
    """Show ``text`` (and ``lines``, may hold user text) after the next rerun, as text."""
    state[FLASH] = (kind, text, list(lines))


def flash() -> None:
    """The message of the last action, in a slot drawn on every run, message or not.

    Streamlit's page tells its elements apart by their place: a message drawn in one run
    and not in the next would move every later element by one place, and the browser would
    then draw the fields below it anew, dropping text typed but not yet sent (the field
    being typed in while a save runs; issue 19). The slot keeps every place fixed."""
    slot = st.empty()
    kind, text, lines = state.pop(FLASH, (None, "", []))
    if kind:
        body = md_escape(text)
        if lines:
            body += "\n\n" + "\n".join(f"- {md_escape(line)}" for line in lines)
        getattr(slot, kind)(body)


def refused(exc: RoundError) -> None:
    """A refusal now: one line, or one line per problem."""
    if len(exc.problems) == 1:
        notices.refused(exc.problems[0])
    else:
        notices.refused("", lines=exc.problems)


def _check_key(lang: str) -> None:
    given = state.get(KEY_INPUT, "")
    state[KEY_INPUT] = ""  # never kept, never shown again
    attempts = CodeAttempts.from_plain(state.get(ATTEMPTS))
    if attempts.wait_s(time.time()) > 0:
        return
    if maintainer.key_matches(given):
        state[UNLOCKED] = True
        state[ATTEMPTS] = attempts.succeeded().as_plain()
    else:
        state[ATTEMPTS] = attempts.failed(time.time()).as_plain()
        state[FLASH] = ("warning", t("rounds.review.wrong_key", lang), [])


def unlocked(lang: str) -> bool:
    """True once the maintainer key was given in this session; else draws the key form."""
    if not maintainer.key_is_set():
        st.info(t("rounds.review.read_only", lang))
        return False
    if state.get(UNLOCKED):
        return True
    wait = CodeAttempts.from_plain(state.get(ATTEMPTS)).wait_s(time.time())
    if wait > 0:
        st.warning(t("rounds.review.wait", lang, seconds=math.ceil(wait)))
    st.text_input(t("rounds.review.key", lang), type="password", key=KEY_INPUT,
                  autocomplete="off")
    st.button(t("rounds.review.unlock", lang), on_click=_check_key, args=(lang,))
    return False


def force_name(ds: Dataset, force_id: str, lang: str) -> str:
    return ds.force(force_id).name(lang)


def state_label(section_state: str, lang: str) -> str:
    return t(f"rounds.state.{section_state}", lang)
