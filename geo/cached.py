"""The one Streamlit-aware module in ``geo/``: per-process caches and the map element.

What is the same for every visitor is built once per process and shared read-only
(``st.cache_resource`` over frozen dataclasses, tuples and strings): the dataset, the
boundaries, and each map rendered to the strings the map component needs
(:class:`geo.maps.MapPayload`), with its outlines, labels and tooltips. A page run then only
looks these up and adds what differs per session: the selection or coverage overlay, a few
hundred bytes of data (:func:`geo.maps.coverage_js`). Cache keys are plain values (paths,
settings, codes, language).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from explorer.data import load_dataset, resolve_data_dir
from explorer.model import Dataset

#: What the map component reports back: only the clicked authority.
RETURNED = ("last_active_drawing",)


@st.cache_resource(show_spinner=False)
def leaflet_ready() -> str:
    """Have Streamlit serve the installed XStatic-Leaflet folder, once per server process,
    at ``<app>/component/<LEAFLET_COMPONENT>/`` (see :mod:`geo.assets`); nothing is copied.

    The folder is registered as a component's files (Streamlit's own route for them works
    under any ``server.baseUrlPath`` and proxy prefix). Returns the folder served.
    """
    from streamlit import runtime
    from streamlit.components.v1.custom_component import CustomComponent

    from geo.assets import LEAFLET_COMPONENT, leaflet_package_dir

    folder = str(leaflet_package_dir())
    if runtime.exists():  # not under AppTest's bare runs, which serve nothing
        runtime.get_instance().component_registry.register_component(
            CustomComponent(name=LEAFLET_COMPONENT, path=folder, url=None,
                            module_name=LEAFLET_COMPONENT.split(".")[0]))
    return folder


@st.cache_resource(show_spinner=False)
def sockets_ready() -> int:
    """Turn off Nagle's algorithm on this server's TCP sockets, once per process; returns how
    many sockets were set.

    Streamlit's server leaves it on (asyncio's TCP_NODELAY default misses sockets accepted
    with protocol 0), so the last small messages of a run wait for the browser's delayed ACK:
    a 40 ms stall on every rerun, measured by ``bench/bench_load.py``. Linux copies the option
    from the listening socket to every connection it accepts later.
    """
    return nodelay_sockets(st.get_option("server.port"))


def nodelay_sockets(port: int) -> int:
    """Set TCP_NODELAY on every TCP socket of this process bound to local ``port`` (Linux:
    found through ``/proc/self/fd``; elsewhere nothing is done). Returns how many were set."""
    import socket
    import stat

    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    tuned = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue  # pipes and files are never touched (nor duplicated)
            dup = os.dup(fd)
        except OSError:  # already closed
            continue
        try:
            sock = socket.socket(fileno=dup)
        except OSError:
            # Close the duplicate: a leaked copy of a pipe would keep it open for good (a
            # test process's browser driver, say, would then never see its input end).
            os.close(dup)
            continue
        with sock:  # closes the duplicate only
            try:
                if (sock.family in (socket.AF_INET, socket.AF_INET6)
                        and sock.type == socket.SOCK_STREAM
                        and sock.getsockname()[1] == port):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    tuned += 1
            except OSError:
                continue
    return tuned


@st.cache_resource(show_spinner=False, max_entries=8)
def _dataset(data_dir: str) -> Dataset:
    return load_dataset(data_dir)


def _data_dir() -> str:
    """The dataset folder: ``MASH_DATA_DIR`` (e.g. for tests) or the committed ``data/``,
    by the resolver the command line uses too."""
    return str(resolve_data_dir())


def dataset() -> Dataset:
    """The validated 2019 dataset (frozen, shared read-only); raises ``DataError``."""
    return _dataset(_data_dir())


@st.cache_resource(show_spinner=False, max_entries=16)
def _edition_dataset(url: str, data_dir: str, edition_id: int) -> Dataset:
    from explorer import db
    from explorer.editions import store

    return store.load_edition(db.shared_engine(url), edition_id, Path(data_dir)).dataset


def edition_dataset(url: str | None, edition_id: int) -> Dataset:
    """A published edition's position (it never changes: loaded once per process);
    edition 1, or no database, is :func:`dataset`."""
    if url is None or edition_id == 1:
        return dataset()
    return _edition_dataset(url, _data_dir(), edition_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _presets(data_dir: str):
    from explorer.scenario import load_presets

    return tuple(load_presets(_dataset(data_dir), data_dir))


def presets():
    """The preset scenarios in ``data/scenarios`` (validated like any scenario file)."""
    return _presets(_data_dir())


# --------------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundaries(stamp: tuple[str, str, int]):
    from geo.boundaries import obtain_boundaries

    return obtain_boundaries()


def _stamp() -> tuple[str, str, int]:
    from geo.boundaries import cache_stamp

    return cache_stamp()


def boundaries():
    """Boundaries from MASH_BOUNDARIES, the refreshed cache or the bundled file: read once
    per process (and again after ``python -m explorer boundaries refresh``); never a
    download."""
    return _boundaries(_stamp())


@st.cache_resource(show_spinner=False)
def tiles():
    from geo.boundaries import load_tiles

    return load_tiles()


def _boundaries_for(style: str, stamp: tuple[str, str, int]):
    return tiles() if style == "tiles" else _boundaries(stamp)


@st.cache_resource(show_spinner=False, max_entries=8)
def _geometry(style: str, stamp: tuple[str, str, int]):
    from geo.layers import bounds, label_points
    from geo.maps import WALES_BOUNDS

    bset = _boundaries_for(style, stamp)
    points = label_points(bset.geojson) if bset.is_tiles else None
    view = bounds(bset.geojson) if bset.is_tiles else WALES_BOUNDS
    return bset, points, view


def map_geometry(style: str):
    """(boundaries, label points or None, view bounds) for a map style (``geographic`` or
    ``tiles``): the tile map labels its squares and is framed on them."""
    return _geometry(style, _stamp())


def _outlines(ds: Dataset, bset, layers: Sequence[str]):
    from geo.layers import dissolve
    from geo.maps import OUTLINE_STYLES, Outline

    attribute = {"forces": "force_id", "health_board": "health_board",
                 "safeguarding_board": "safeguarding_board"}
    gap = 0.02 if bset.is_tiles else 0.0  # tiles: bridge the gaps between a group's tiles
    out = []
    for layer in layers:
        grouping = {a.code: getattr(a, attribute[layer]) for a in ds.authorities}
        out.append(Outline(layer, dissolve(bset.geojson, grouping, close_gaps=gap),
                           *OUTLINE_STYLES[layer]))
    return out


# --------------------------------------------------------------------------------------------
# Maps, rendered once per process
# --------------------------------------------------------------------------------------------


def map_payload(m, key: str):
    """Render a folium map once into a :class:`geo.maps.MapPayload`, exactly as
    ``st_folium(m, key=key)`` would render it on every run."""
    import streamlit_folium as sf
    from folium.elements import JSCSSMixin

    from geo.maps import MapPayload

    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    css: list[str] = []
    js: list[str] = []
    stack = [m]
    while stack:  # depth-first, children in order, as st_folium walks them
        element = stack.pop()
        if isinstance(element, JSCSSMixin):
            css += [href for _, href in getattr(element, "default_css", [])]
            js += [src for _, src in getattr(element, "default_js", [])]
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))
    (south, west), (north, east) = m.get_bounds()
    return MapPayload(
        script=script, header=header, html=html, map_id=sf.get_full_id(m),
        css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
        js_hash=sf.generate_js_hash(script, key, False), zoom=m.options.get("zoom"),
        bounds=((south, west), (north, east)),
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _status_map(style: str, lang: str, layers: tuple[str, ...], height: int,
                stamp: tuple[str, str, int], data_dir: str, key: str, names: bool,
                large: bool, edition: tuple[str | None, int] = (None, 1)):
    from explorer import views
    from explorer.i18n import t
    from geo import maps

    ds = _dataset(data_dir) if edition[1] == 1 else _edition_dataset(edition[0], data_dir,
                                                                      edition[1])
    bset, points, view = _geometry(style, stamp)
    points = _label_points(bset, points, names)
    m = maps.status_map(
        bset.geojson, views.status_by_code(ds), views.tooltips(ds, lang),
        outlines=_outlines(ds, bset, ["forces", *layers]),
        labels=(points, views.tile_labels(ds, lang)) if points else None, large_labels=large,
        bounds=view, height_px=height, attribution=bset.credit, scale_bar=not bset.is_tiles,
        reset_label=t("map.reset_view", lang), wheel_hint=t("map.wheel_hint", lang),
    )
    return bset, map_payload(m, key)


def _label_points(bset, tile_points, names: bool):
    """Where names go: the tile map always names its squares; the geographic map when asked."""
    from geo.layers import label_points

    if tile_points:
        return tile_points
    return label_points(bset.geojson) if names else None


def status_map(style: str, lang: str, layers: Sequence[str], height: int, key: str,
               names: bool = False, large: bool = False,
               edition: tuple[str | None, int] = (None, 1)):
    """(boundaries, payload) of the status map: the same for every visitor with these
    settings, so built once per process. ``names`` writes authority names on the geographic
    map; ``large`` makes names readable on a projector; ``edition`` is (database URL,
    edition id) of the published edition shown (edition 1 by default)."""
    if edition[1] == 1:  # the same cache entry as before editions existed
        return _status_map(style, lang, tuple(layers), height, _stamp(), _data_dir(), key,
                           names, large)
    return _status_map(style, lang, tuple(layers), height, _stamp(), _data_dir(), key,
                       names, large, edition)


@st.cache_resource(show_spinner=False, max_entries=16)
def _planner_map(style: str, lang: str, height: int, stamp: tuple[str, str, int],
                 data_dir: str, key: str, names: bool, large: bool):
    from explorer import views
    from explorer.i18n import t
    from geo import maps

    ds = _dataset(data_dir)
    bset, tile_points, view = _geometry(style, stamp)
    points = _label_points(bset, tile_points, names)
    m = maps.planner_base_map(
        bset.geojson, {a.code: a.name(lang) for a in ds.authorities},
        labels=(points, views.tile_labels(ds, lang)) if points else None, large_labels=large,
        bounds=view, height_px=height, attribution=bset.credit, scale_bar=not bset.is_tiles,
        reset_label=t("map.reset_view", lang), wheel_hint=t("map.wheel_hint", lang),
    )
    return bset, map_payload(m, key), maps.anchor_points(ds.authorities, tile_points)


def planner_map(style: str, lang: str, height: int, key: str, names: bool = False,
                large: bool = False):
    """(boundaries, payload, anchor points) of the what-if planner's base map: built once
    per process; the coverage is a per-session overlay (:func:`geo.maps.coverage_js`)."""
    return _planner_map(style, lang, height, _stamp(), _data_dir(), key, names, large)


@st.cache_resource(show_spinner=False, max_entries=16)
def _changes_map(style: str, lang: str, height: int, stamp: tuple[str, str, int],
                 kinds: tuple[tuple[str, str], ...], tips: tuple[tuple[str, str], ...],
                 key: str):
    from explorer.i18n import t
    from geo import maps
    from geo.layers import label_points

    bset, tile_points, view = _geometry(style, stamp)
    points = tile_points or label_points(bset.geojson)
    m = maps.changes_map(
        bset.geojson, dict(kinds), dict(tips), points, bounds=view, height_px=height,
        attribution=bset.credit, scale_bar=not bset.is_tiles,
        reset_label=t("map.reset_view", lang), wheel_hint=t("map.wheel_hint", lang))
    return bset, map_payload(m, key)


def changes_map(style: str, lang: str, height: int, key: str,
                kinds: tuple[tuple[str, str], ...], tips: tuple[tuple[str, str], ...]):
    """(boundaries, payload) of the "what changed" map for (code, kind) pairs and a tooltip
    per authority: the same for every visitor comparing the same two editions."""
    return _changes_map(style, lang, height, _stamp(), kinds, tips, key)


@st.cache_resource(show_spinner=False, max_entries=64)
def _selection(style: str, code: str | None, stamp: tuple[str, str, int]) -> str:
    from geo.maps import selection_js

    return selection_js(_boundaries_for(style, stamp).geojson, code)


def selection_overlay(style: str, code: str | None) -> str:
    """The overlay outlining authority ``code`` (or nothing) on the status map."""
    return _selection(style, code, _stamp())


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


def boundary_credits(lang: str) -> list[str]:
    """Lines for the Sources page: the boundaries in use and, if they differ, the bundled
    ones, each with its name and full attribution (plain text, never a server path)."""
    from explorer.i18n import t
    from geo.boundaries import BUNDLED_ATTRIBUTION, BUNDLED_NAME

    bset = boundaries()
    lines = [t("map.boundaries_in_use", lang, name=bset.name, attribution=bset.attribution)]
    if bset.source != "bundled":
        lines.append(t("map.boundaries_bundled", lang, name=BUNDLED_NAME,
                       attribution=BUNDLED_ATTRIBUTION))
    return lines
