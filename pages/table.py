"""Table: all 22 authorities with every field; the map's accessible alternative."""

import streamlit as st

from explorer import views
from explorer.i18n import t
from pages.ui import shell
from pages.ui.editions import asat

settings = shell.require_app()

lang = settings.lang
edition = asat.sync(lang)
ds = asat.dataset(edition)

st.title(t("table.title", lang))
st.caption(t("table.caption", lang))
if not edition.is_base:
    st.caption(asat.subtitle(lang, edition))
WIDTHS = {"name": "medium", "name_cy": "medium", "status": "medium", "hub": "medium",
          "health_board": "large", "safeguarding_board": "large", "arrangements": "large",
          "stance": "large", "summary": "large"}
st.dataframe(
    views.table_rows(ds, lang),
    hide_index=True,
    width="stretch",
    height=810,
    column_config={
        t(f"table.{col}", lang): st.column_config.TextColumn(width=width)
        for col, width in WIDTHS.items()
    },
)
st.download_button(
    t("table.download", lang),
    views.table_csv(ds, lang).encode("utf-8"),
    file_name=f"mash-wales-{edition.as_at}.csv",
    mime="text/csv",
    key="table_download",
    on_click="ignore",  # a download never reruns the page
    icon=":material/download:",
)
