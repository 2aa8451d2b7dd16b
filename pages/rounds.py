"""Update rounds (/rounds): the liaison unit opens a round, reviews each force's section and
publishes the next edition, with the maintainer key. Pieces in ``pages/ui/rounds/``;
storage in ``explorer/rounds/``."""

import streamlit as st

from explorer.i18n import t
from pages.ui import caches, shell
from pages.ui.rounds import common, review

settings = shell.require_app()

lang = settings.lang
st.title(t("rounds.review.title", lang), anchor=False)
st.caption(t("rounds.review.intro", lang))
common.flash()
if common.unlocked(lang):
    eng = common.engine(lang)
    if eng is not None:
        review.page(eng, lang, caches.dataset())
