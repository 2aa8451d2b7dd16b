"""The one Streamlit-aware module in ``geo/``: cached loaders shared by every page.

Cache keys are plain values (paths, environment settings, codes). ``st.cache_data``
hands each caller its own copy, so nothing cached is ever mutated by a page.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import streamlit as st

from explorer.data import DATA_DIR, load_dataset
from explorer.model import Dataset


@st.cache_resource(show_spinner=False)
def leaflet_ready() -> str:
    """Copy Leaflet into the static folder once per server process."""
    from geo.assets import install_leaflet

    return str(install_leaflet())


@st.cache_data(show_spinner=False)
def _dataset(data_dir: str) -> Dataset:
    return load_dataset(data_dir)


def _data_dir() -> str:
    """The dataset folder: ``MASH_DATA_DIR`` (e.g. for tests) or the committed ``data/``."""
    return os.environ.get("MASH_DATA_DIR") or str(DATA_DIR)


def dataset() -> Dataset:
    """The validated 2019 dataset; raises ``DataError`` with a readable message."""
    return _dataset(_data_dir())


@st.cache_data(show_spinner=False)
def _presets(data_dir: str):
    from explorer.scenario import load_presets

    return load_presets(_dataset(data_dir), data_dir)


def presets():
    """The preset scenarios in ``data/scenarios`` (validated like any scenario file)."""
    return _presets(_data_dir())


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundaries(stamp: tuple[str, str, int]):
    from geo.boundaries import obtain_boundaries

    return obtain_boundaries()


def boundaries():
    """Boundaries from MASH_BOUNDARIES, the refreshed cache or the bundled file: read once
    per process (and again after ``python -m explorer boundaries refresh``); never a
    download."""
    from geo.boundaries import cache_stamp

    return _boundaries(cache_stamp())


@st.cache_data(show_spinner=False)
def tiles():
    from geo.boundaries import load_tiles

    return load_tiles()


@st.cache_data(show_spinner=False)
def outline(geojson: str, grouping: tuple[tuple[str, str], ...], close_gaps: float = 0.0) -> str:
    """Dissolved outline GeoJSON for a grouping of authority codes (code, group) pairs."""
    from geo.layers import dissolve

    return dissolve(geojson, dict(grouping), close_gaps=close_gaps)


@st.cache_data(show_spinner=False)
def label_points(geojson: str) -> dict[str, tuple[float, float]]:
    from geo.layers import label_points as points

    return points(geojson)


@st.cache_data(show_spinner=False)
def bounds(geojson: str):
    from geo.layers import bounds as total_bounds

    return total_bounds(geojson)


def map_geometry(style: str):
    """(boundaries, label points or None, view bounds) for a map style.

    Falls back to the tile map when real boundaries are unavailable; the returned
    boundaries say so (``is_tiles``, ``notice``).
    """
    from geo.maps import WALES_BOUNDS

    bset = tiles() if style == "tiles" else boundaries()
    points = label_points(bset.geojson) if bset.is_tiles else None
    view = bounds(bset.geojson) if bset.is_tiles else WALES_BOUNDS
    return bset, points, view


def outlines(ds: Dataset, bset, layers: Sequence[str]):
    """Dissolved outlines for the given layers (``forces``, ``health_board``,
    ``safeguarding_board``), each dissolved once per boundary set and then cached."""
    from geo.maps import OUTLINE_STYLES, Outline

    attribute = {"forces": "force_id", "health_board": "health_board",
                 "safeguarding_board": "safeguarding_board"}
    gap = 0.02 if bset.is_tiles else 0.0  # tiles: bridge the gaps between a group's tiles
    out = []
    for layer in layers:
        grouping = tuple(sorted((a.code, getattr(a, attribute[layer])) for a in ds.authorities))
        out.append(Outline(layer, outline(bset.geojson, grouping, gap), *OUTLINE_STYLES[layer]))
    return out
