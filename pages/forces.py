"""Forces: what each of the four police forces reports, and Wales-wide work."""

from functools import partial

import streamlit as st

from explorer import views
from explorer.i18n import t
from pages.ui import shell
from pages.ui.editions import asat

settings = shell.require_app()

lang = settings.lang
edition = asat.sync(lang)
ds = asat.dataset(edition)
shown = partial(asat.shown, choice=edition)  # a later edition's text is shown as text

st.title(t("forces.title", lang))
if not edition.is_base:  # the app's banner gives the date; here: which edition
    st.caption(asat.subtitle(lang, edition))


def _cited(items: list[dict], empty: str) -> None:
    if not items:
        st.write(empty)
    for item in items:
        name = f"**{shown(item['name'])}**: " if item.get("name") else ""
        scope = f"*{item['scope']}*: " if item.get("scope") else ""
        st.markdown(f"- {scope}{name}{shown(item['summary'])}")
        st.caption(t("details.source", lang, source=shown(item["source"])))


forces = [f.force_id for f in ds.forces]
for tab, force_id in zip(st.tabs([ds.force(f).name(lang) for f in forces]), forces, strict=False):
    view = views.force_view(ds, force_id, lang)
    with tab:
        st.header(t("forces.position", lang))
        st.write(shown(view["position"]))
        st.caption(t("details.source", lang, source=shown(view["position_source"])))
        st.header(t("forces.authorities", lang))
        st.dataframe(
            [
                {
                    t("table.name", lang): a["name"],
                    t("table.status", lang): a["status_label"],
                    t("table.hub", lang): a["hub"],
                }
                for a in view["authorities"]
            ],
            hide_index=True,
            width="stretch",
        )
        st.header(t("forces.arrangements", lang))
        _cited(view["arrangements"], t("forces.none", lang))
        st.header(t("forces.challenges", lang))
        _cited(view["challenges"], t("forces.none", lang))
        st.header(t("forces.plans", lang))
        _cited(view["plans"], t("forces.none", lang))
        if view["context"]:
            st.header(t("forces.context", lang))
            _cited(view["context"], "")

st.divider()
st.header(t("forces.wales", lang))
_cited(views.wales_items(ds, lang), t("forces.none", lang))
