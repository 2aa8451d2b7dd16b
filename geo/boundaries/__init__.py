"""Boundaries of the 22 Welsh local authorities: bundled, refreshed or supplied.

The app ships a simplified boundary file (``geo/boundaries_wales_2013.geojson``, made by
``python -m geo.make_bundled``), so a fresh install draws real Wales with no network and no
wait. :func:`obtain_boundaries`, called when a page first needs boundaries, never touches the
network. It uses, in order:

1. ``MASH_BOUNDARIES``: a local file (GeoJSON, gzipped GeoJSON, zipped shapefile or
   GeoPackage), validated and simplified; the result is kept in the cache folder under the
   file's SHA-256, so only the first use of a new file pays for the simplification;
2. boundaries fetched by ``python -m explorer boundaries refresh`` (:func:`refresh_cache`)
   into the cache folder (``MASH_CACHE_DIR`` or :func:`default_cache_dir`);
3. the bundled file.

If the bundled file itself were unreadable the tile map (``geo/tiles_wales.geojson``, also a
map style of its own) is shown instead. When a step is skipped because something is wrong,
the result carries a one-sentence ``notice`` and ``details`` saying what and how to fix it.

Whatever arrives goes through :func:`validate` (linear time; 22 Welsh codes exactly once,
polygons, longitude/latitude inside Wales) and :func:`simplify` (coverage simplification in
metres, coordinates rounded, neighbours still sharing exactly the same edges).

The package is pure (no Streamlit, no folium) and does no I/O at import time. Its parts, in
the order they build on each other: :mod:`~geo.boundaries.common` (names, attributions, the
error and the result types), :mod:`~geo.boundaries.validation`,
:mod:`~geo.boundaries.formats`, :mod:`~geo.boundaries.simplification`,
:mod:`~geo.boundaries.store` (bundled file, tiles, cache folder),
:mod:`~geo.boundaries.chain` (what a page load uses) and :mod:`~geo.boundaries.refresh` (the
downloader, imported only when its names are first asked for, so no page load imports it).
"""

from __future__ import annotations

from typing import Any

from geo.boundaries.chain import obtain_boundaries
from geo.boundaries.common import (
    BUNDLED_ATTRIBUTION,
    BUNDLED_CREDIT,
    BUNDLED_NAME,
    BUNDLED_PATH,
    CACHE_FORMAT,
    CACHE_GEOJSON,
    CACHE_META,
    ENV_BOUNDARIES,
    ENV_BOUNDARIES_ATTRIBUTION,
    ENV_CACHE_DIR,
    TILES_ATTRIBUTION,
    TILES_NAME,
    TILES_PATH,
    Boundaries,
    BoundaryError,
    Source,
)
from geo.boundaries.formats import read_boundary_file
from geo.boundaries.simplification import bundled_text, simplify
from geo.boundaries.store import (
    cache_stamp,
    clear_cache,
    default_cache_dir,
    load_bundled,
    load_tiles,
)
from geo.boundaries.validation import validate

__all__ = [
    "BUNDLED_PATH",
    "Boundaries",
    "BoundaryError",
    "DEFAULT_SOURCES",
    "Source",
    "bundled_text",
    "clear_cache",
    "default_cache_dir",
    "load_bundled",
    "load_tiles",
    "obtain_boundaries",
    "read_boundary_file",
    "refresh_cache",
    "simplify",
    "validate",
    # Names the app, the CLI and the tests read too:
    "BUNDLED_ATTRIBUTION",
    "BUNDLED_CREDIT",
    "BUNDLED_NAME",
    "CACHE_FORMAT",
    "CACHE_GEOJSON",
    "CACHE_META",
    "ENV_BOUNDARIES",
    "ENV_BOUNDARIES_ATTRIBUTION",
    "ENV_CACHE_DIR",
    "TILES_ATTRIBUTION",
    "TILES_NAME",
    "TILES_PATH",
    "cache_stamp",
]

#: Names of the downloader, imported on first use (``boundaries refresh`` only).
_REFRESH_NAMES = frozenset({"DEFAULT_SOURCES", "refresh_cache"})


def __getattr__(name: str) -> Any:
    if name in _REFRESH_NAMES:
        from geo.boundaries import refresh

        return getattr(refresh, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
