"""A force's section of an update round (/contribute?token=...), opened by the force's own
contributor link. Pieces in ``pages/ui/rounds/contribute.py``; storage in
``explorer/rounds/``."""

import streamlit as st

from explorer.i18n import t
from pages.ui import caches, shell
from pages.ui.rounds import common, contribute

settings = shell.require_app()

lang = settings.lang
token = st.query_params.get("token", "")
if not token:
    st.title(t("nav.contribute", lang), anchor=False)
    st.info(t("rounds.contribute.no_token", lang))
    st.stop()
eng = common.engine(lang)
if eng is not None:
    contribute.page(eng, token, lang, caches.dataset())
