"""The one Streamlit-aware module in ``geo/``: cached loaders shared by every page.

Cache keys are plain values (paths, environment settings, codes). ``st.cache_data``
hands each caller its own copy, so nothing cached is ever mutated by a page.
"""

from __future__ import annotations

import os

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


def dataset() -> Dataset:
    """The validated 2019 dataset (``MASH_DATA_DIR`` overrides the folder, e.g. for tests);
    raises ``DataError`` with a readable message."""
    return _dataset(os.environ.get("MASH_DATA_DIR") or str(DATA_DIR))


@st.cache_data(show_spinner=False)
def _presets(data_dir: str):
    from explorer.scenario import load_presets

    return load_presets(_dataset(data_dir), data_dir)


def presets():
    """The preset scenarios in ``data/scenarios`` (validated like any scenario file)."""
    return _presets(os.environ.get("MASH_DATA_DIR") or str(DATA_DIR))


def _boundary_settings() -> tuple[str, str]:
    return os.environ.get("MASH_BOUNDARIES", ""), os.environ.get("MASH_CACHE_DIR", "")


@st.cache_data(show_spinner=False)
def _boundaries(settings: tuple[str, str]):
    from geo.boundaries import obtain_boundaries

    # The bar is made only when a download reports progress: Streamlit replays elements a
    # cached function made, so an unconditional bar would be replayed on every page view.
    bars = []

    def progress(message: str, fraction: float) -> None:
        if not bars:
            bars.append(st.progress(0.0))
        bars[0].progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        return obtain_boundaries(progress=progress)
    finally:
        for bar in bars:
            bar.empty()


def boundaries():
    """Boundaries from MASH_BOUNDARIES, the disk cache, a download, or the tile map."""
    return _boundaries(_boundary_settings())


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


OUTLINE_STYLES = {
    # layer: (colour, weight, dash)
    "forces": ("#000000", 2.5, None),
    "health_board": ("#AA3377", 2.0, "6 4"),
    "safeguarding_board": ("#D55E00", 2.0, "2 4"),
}


def map_geometry(ds: Dataset, style: str):
    """(boundaries, outlines by layer, label points or None, view bounds) for a map style.

    Falls back to the tile map when real boundaries are unavailable; the returned
    boundaries say so (``is_tiles``, ``notice``).
    """
    from geo.maps import WALES_BOUNDS, Outline

    bset = tiles() if style == "tiles" else boundaries()
    gap = 0.02 if bset.is_tiles else 0.0
    groupings = {
        "forces": {a.code: a.force_id for a in ds.authorities},
        "health_board": {a.code: a.health_board for a in ds.authorities},
        "safeguarding_board": {a.code: a.safeguarding_board for a in ds.authorities},
    }
    outlines = {
        layer: Outline(layer, outline(bset.geojson, tuple(sorted(g.items())), gap),
                       *OUTLINE_STYLES[layer])
        for layer, g in groupings.items()
    }
    points = label_points(bset.geojson) if bset.is_tiles else None
    view = bounds(bset.geojson) if bset.is_tiles else WALES_BOUNDS
    return bset, outlines, points, view
