"""Leaflet served by this app, never by a CDN.

folium's default ``Map`` pulls Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs,
so offline the map is blank. The app needs only Leaflet itself, which the pinned
``XStatic-Leaflet`` package ships. :func:`install_leaflet` copies it into the app's
``static/`` folder (served by Streamlit at ``/app/static/`` when
``server.enableStaticServing`` is on) and :class:`OfflineMap` points at that copy.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path

import folium

APP_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = APP_DIR / "static"
LEAFLET_VERSION = "1.9.3"
LEAFLET_SUBDIR = f"vendor/leaflet-{LEAFLET_VERSION}"
STATIC_URL = "/app/static"
LEAFLET_JS_URL = f"{STATIC_URL}/{LEAFLET_SUBDIR}/leaflet.js"
LEAFLET_CSS_URL = f"{STATIC_URL}/{LEAFLET_SUBDIR}/leaflet.css"
#: This app's own map behaviour (wheel and touch scroll the page, reset-view button),
#: committed in ``static/`` and loaded right after Leaflet.
MAP_CONTROLS_URL = f"{STATIC_URL}/map_controls.js"
_FILES = ("leaflet.js", "leaflet.css")


def leaflet_package_dir() -> Path:
    """Folder of the Leaflet files inside the installed XStatic-Leaflet package."""
    import xstatic.pkg.leaflet as xs_leaflet

    if xs_leaflet.VERSION.split(".")[:3] != LEAFLET_VERSION.split("."):
        raise RuntimeError(
            f"XStatic-Leaflet {xs_leaflet.VERSION} is installed; the app expects "
            f"Leaflet {LEAFLET_VERSION} (see requirements.txt)"
        )
    return Path(xs_leaflet.BASE_DIR)


def install_leaflet(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet's script, stylesheet and images into ``static_dir`` if not already there.

    Idempotent and atomic: files are compared first and written through a temporary file,
    so concurrent sessions never serve a half-written script. Returns the target folder.
    """
    source = leaflet_package_dir()
    target = static_dir / LEAFLET_SUBDIR
    wanted = [Path(name) for name in _FILES]
    wanted += [p.relative_to(source) for p in (source / "images").glob("*.png")]
    for rel in wanted:
        src, dst = source / rel, target / rel
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".tmp-")
        os.close(fd)
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    return target


#: Where :func:`install_map_data` writes the maps' data (under the ignored vendor folder).
MAP_DATA_SUBDIR = "vendor/mash-maps"


def install_map_data(script: str, static_dir: Path = STATIC_DIR) -> str:
    """Write a map's data script (:func:`geo.maps.map_data_js`) into the static folder under
    a name made of its content's hash, once; returns its URL. Atomic, like
    :func:`install_leaflet`: a browser never gets half a file, and replicas writing the same
    content agree on its name."""
    import hashlib

    data = script.encode("utf-8")
    name = f"{hashlib.sha256(data).hexdigest()[:20]}.js"
    target = static_dir / MAP_DATA_SUBDIR / name
    if not (target.is_file() and target.read_bytes() == data):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    return f"{STATIC_URL}/{MAP_DATA_SUBDIR}/{name}"


class OfflineMap(folium.Map):
    """A folium ``Map`` that loads only Leaflet and this app's map controls, from this app's
    static folder, with no tiles.

    >>> m = OfflineMap(location=[52.3, -3.8], zoom_start=7)
    >>> [url for _, url in m.default_js]
    ['/app/static/vendor/leaflet-1.9.3/leaflet.js', '/app/static/map_controls.js']
    >>> 'cdn' in m.get_root().render().lower()
    False
    """

    default_js = [("leaflet", LEAFLET_JS_URL), ("mash_map_controls", MAP_CONTROLS_URL)]
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]

    def __init__(self, *, view_bounds=None, **kwargs) -> None:
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("control_scale", False)
        kwargs.setdefault("prefer_canvas", False)
        super().__init__(**kwargs)
        self.view_bounds = view_bounds

    def get_bounds(self):
        """The view's bounds when known. folium would otherwise walk every coordinate of
        every layer in Python (about 25 ms for the 22 boundaries) on each rerun, only for
        the component's default ``bounds`` value, which this app never asks for."""
        if self.view_bounds is not None:
            (south, west), (north, east) = self.view_bounds
            return [[south, west], [north, east]]
        return super().get_bounds()
