"""Update rounds (/rounds): the liaison unit opens a round, reviews each force's section and
publishes the next edition, with the maintainer key. Pieces in ``pages/ui/rounds/``;
storage in ``explorer/rounds/``."""

import streamlit as st

from explorer.i18n import t
from geo import cached
from pages.ui import shell
from pages.ui.rounds import common, review

shell.require_app()

lang = st.session_state.get("lang", "en")
st.title(t("rounds.review.title", lang), anchor=False)
st.caption(t("rounds.review.intro", lang))
common.flash()
if common.unlocked(lang):
    eng = common.engine(lang)
    if eng is not None:
        review.page(eng, lang, cached.dataset())
