"""Editions (/editions): compare any two published editions (what changed, with sources and
reasons); the maintainer imports and publishes editions here with the maintainer key."""

import streamlit as st

from explorer.i18n import t
from pages.ui import shell
from pages.ui.editions import asat, compare, maintain

settings = shell.require_app()

lang = settings.lang
edition = asat.sync(lang)
st.title(t("editions.page.title", lang))
st.caption(t("editions.page.intro", lang))
compare.view(lang, edition)
maintain.panel(lang)
