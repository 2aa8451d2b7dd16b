"""Per-process caches: what is the same for every visitor.

What is the same for every visitor is built once per process and shared read-only
(``st.cache_resource`` over frozen dataclasses, tuples and strings): the dataset, the
boundaries, and each map rendered to the strings the map component needs
(:class:`geo.maps.MapPayload`), with its outlines, labels and tooltips. A page run then only
looks these up and adds what differs per session: the selection or coverage overlay, a few
hundred bytes of data (:func:`geo.maps.coverage_js`). Cache keys are plain values (paths,
settings, codes, language).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from explorer.data import load_dataset, resolve_data_dir
from explorer.model import Dataset
from pages.ui.map_component import map_payload


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
    from explorer.editions import store
    from explorer.storage import db

    return store.load_edition(db.shared_engine(url), edition_id, Path(data_dir)).dataset


def edition_dataset(url: str | None, edition_id: int) -> Dataset:
    """A published edition's position (it never changes: loaded once per process);
    edition 1, or no database, is :func:`dataset`."""
    if url is None or edition_id == 1:
        return dataset()
    return _edition_dataset(url, _data_dir(), edition_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _round_base(url: str, data_dir: str, edition_id: int):
    from explorer.rounds.store import base_edition
    from explorer.storage import db

    return base_edition(db.shared_engine(url), edition_id, Path(data_dir))


def round_base(url: str, edition_id: int):
    """The published edition a round starts from, as rows (:class:`explorer.rounds.model.Base`):
    parsed once per process (a published edition never changes). Shared: read it, never
    change it (derive new rows instead)."""
    return _round_base(url, _data_dir(), edition_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _presets(data_dir: str):
    from explorer.presets import load_presets

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


def _outlines(ds: Dataset, bset, layers: Sequence[str]):
    from explorer.printing.palette import OUTLINE_STYLES
    from geo.layers import dissolve
    from geo.maps import Outline

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
    m = maps.status_map(
        bset.geojson, views.status_by_code(ds), views.tooltips(ds, lang),
        outlines=_outlines(ds, bset, ["forces", *layers]),
        labels=(points, views.tile_labels(ds, lang)) if points else None, large_labels=large,
        placed_names=_placed_names(ds, bset, lang, view, height, names, large),
        bounds=view, height_px=height, attribution=bset.credit, scale_bar=not bset.is_tiles,
        reset_label=t("map.reset_view", lang), wheel_hint=t("map.wheel_hint", lang),
    )
    return bset, map_payload(m, key)


def _placed_names(ds: Dataset, bset, lang: str, view, height: int, names: bool,
                  large: bool):
    """Names on the geographic map when asked, placed without overlap (the tile map names
    its squares itself)."""
    if bset.is_tiles or not names:
        return ()
    from geo.map_labels import place_names

    return place_names(bset.geojson, {a.code: a.name(lang) for a in ds.authorities}, view,
                       height, large)


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
    m = maps.planner_base_map(
        bset.geojson, {a.code: a.name(lang) for a in ds.authorities},
        labels=(tile_points, views.tile_labels(ds, lang)) if tile_points else None,
        large_labels=large,
        placed_names=_placed_names(ds, bset, lang, view, height, names, large),
        bounds=view, height_px=height, attribution=bset.credit, scale_bar=not bset.is_tiles,
        reset_label=t("map.reset_view", lang), wheel_hint=t("map.wheel_hint", lang),
    )
    return bset, map_payload(m, key), maps.anchor_points(ds.authorities, tile_points)


def planner_map(style: str, lang: str, height: int, key: str, names: bool = False,
                large: bool = False):
    """(boundaries, payload, anchor points) of the what-if planner's base map: built once
    per process; the coverage is a per-session overlay (:func:`geo.maps.coverage_js`)."""
    return _planner_map_by_key(style, lang, height, _stamp(), _data_dir(), key, names, large)


@functools.lru_cache(maxsize=16)
def _planner_map_by_key(*args):
    """The planner maps already looked up, by their plain key: a tuple lookup on every
    planner rerun and board redraw instead of ``st.cache_resource``'s hashing of eight
    arguments (0.3 ms a planner rerun, py-spy). Holds what the cache holds (same values,
    never changed), at most as many."""
    return _planner_map(*args)


@st.cache_resource(show_spinner=False, max_entries=16)
def _changes_map(style: str, lang: str, height: int, stamp: tuple[str, str, int],
                 kinds: tuple[tuple[str, str], ...], tips: tuple[tuple[str, str], ...],
                 key: str):
    from explorer.i18n import t
    from geo import change_maps
    from geo.layers import label_points

    bset, tile_points, view = _geometry(style, stamp)
    points = tile_points or label_points(bset.geojson)
    m = change_maps.changes_map(
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
