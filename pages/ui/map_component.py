"""The map component adapter: the only module that imports ``streamlit_folium``.

A folium map is rendered once per process into the plain strings the component needs
(:func:`map_payload`), and each run sends only those strings and a small overlay
(:func:`show_map`), exactly as ``st_folium`` would (``tests/app/test_map_component.py`` holds it
to that contract).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

#: What the map component reports back: only the clicked authority.
RETURNED = ("last_active_drawing",)


def map_payload(m, key: str):
    """Render a folium map once into a :class:`geo.maps.MapPayload`, exactly as
    ``st_folium(m, key=key)`` would render it on every run."""
    import streamlit_folium as sf
    from folium.elements import JSCSSMixin

    from geo import maps
    from geo.assets import install_map_data
    from geo.maps import MapPayload

    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    full = sf._get_map_string(m)
    script, data = maps.map_data_js(m, full)
    css: list[str] = []
    js: list[str] = []
    stack = [m]
    while stack:  # depth-first, children in order, as st_folium walks them
        element = stack.pop()
        if isinstance(element, JSCSSMixin):
            css += [href for _, href in getattr(element, "default_css", [])]
            js += [src for _, src in getattr(element, "default_js", [])]
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))
    url = install_map_data(data) if data else None
    if url:  # the boundaries come from a static file the browser keeps (after Leaflet)
        js.append(url)
    else:  # nothing moved, or the static folder is read-only: the data stays in the script
        script = full
    (south, west), (north, east) = m.get_bounds()
    return MapPayload(
        script=script, header=header, html=html, map_id=sf.get_full_id(m),
        css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
        js_hash=sf.generate_js_hash(script, key, False), zoom=m.options.get("zoom"),
        bounds=((south, west), (north, east)),
    )


def show_map(payload, *, key: str, height: int, overlay: str | None = None,
             on_change: Callable[[], None] | None = None):
    """Draw a prepared map with the ``st_folium`` component, as ``st_folium`` would, without
    rendering the map again. ``st.session_state[key]`` holds what the map reported (the
    clicked authority in ``last_active_drawing``) when ``on_change`` runs."""
    from streamlit_folium import _component_func

    hash_key = payload.js_hash

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    (south, west), (north, east) = payload.bounds
    defaults = {
        "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": south, "lng": west},
                   "_northEast": {"lat": north, "lng": east}},
        "zoom": payload.zoom,
    }
    return _component_func(
        script=payload.script, header=payload.header, html=payload.html, id=payload.map_id,
        key=hash_key, height=height, width=None, returned_objects=list(RETURNED),
        default={k: v for k, v in defaults.items() if k in RETURNED}, zoom=None, center=None,
        feature_group=overlay, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(payload.css_links), js_links=list(payload.js_links), on_change=changed,
        wrap_longitude=False,
    )


def show_notice(bset, lang: str) -> None:
    """The boundaries' notice, if any: one sentence, with the details in an expander."""
    from explorer.i18n import t

    if bset.notice:
        st.info(bset.notice, icon=":material/info:")
        if bset.details:
            with st.expander(t("map.notice_details", lang)):
                st.text(bset.details)
