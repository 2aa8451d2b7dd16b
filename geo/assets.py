"""Leaflet served by this app, never by a CDN, and never copied at run time.

folium's default ``Map`` pulls Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs,
so offline the map is blank. The app needs only Leaflet itself, which the pinned
``XStatic-Leaflet`` package ships: it is served straight from the installed package (nothing
is written into the source tree, which may be read-only), through a path Streamlit serves.

Where the files are served (issue 15). The map is drawn by the ``st_folium`` component, in an
iframe whose page is ``<app>/component/streamlit_folium.st_folium/index.html``, where
``<app>`` is wherever the app is served: ``/``, a ``--server.baseUrlPath`` such as ``/mash``,
a reverse proxy's prefix, or Community Cloud's ``/~/+``. The component adds our script and
stylesheet links to that page as given, so they are written *relative to it*, never
root-absolute, and resolve under any prefix:

* Leaflet: ``../<LEAFLET_COMPONENT>/leaflet.js``. The Streamlit side
  (:func:`pages.ui.server.leaflet_ready`) registers the package's folder as a component's files,
  which Streamlit serves at ``<app>/component/<LEAFLET_COMPONENT>/`` (with
  ``Cache-Control: public``); ``leaflet.css`` finds its images beside it.
* The app's own map controls: ``../../app/static/map_controls.js`` (committed in
  ``static/``, served by ``server.enableStaticServing``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import folium

APP_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = APP_DIR / "static"
LEAFLET_VERSION = "1.9.3"
#: The name under which Streamlit serves the XStatic-Leaflet folder (a component's files).
LEAFLET_COMPONENT = "mash_wales_explorer.leaflet"
#: Relative to the map component's page (see the module's docstring).
LEAFLET_JS_URL = f"../{LEAFLET_COMPONENT}/leaflet.js"
LEAFLET_CSS_URL = f"../{LEAFLET_COMPONENT}/leaflet.css"
#: This app's own map behaviour (wheel and touch scroll the page, reset-view button),
#: committed in ``static/`` and loaded right after Leaflet.
MAP_CONTROLS_URL = "../../app/static/map_controls.js"
#: Files the app serves from ``static/`` (the favicon goes through Streamlit's own
#: ``/app/static/`` handling, which the browser side prefixes with the app's base path).
STATIC_FILES = ("map_controls.js", "favicon.png")
LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def leaflet_package_dir() -> Path:
    """Folder of the Leaflet files inside the installed XStatic-Leaflet package."""
    import xstatic.pkg.leaflet as xs_leaflet

    if xs_leaflet.VERSION.split(".")[:3] != LEAFLET_VERSION.split("."):
        raise RuntimeError(
            f"XStatic-Leaflet {xs_leaflet.VERSION} is installed; the app expects "
            f"Leaflet {LEAFLET_VERSION} (see requirements.txt)"
        )
    return Path(xs_leaflet.BASE_DIR)


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """Problems with the files the maps need, one line each (empty when all are present).

    >>> missing_assets()
    []
    """
    problems = []
    try:
        leaflet = leaflet_package_dir()
    except (ImportError, RuntimeError) as exc:
        problems.append(f"Leaflet: {exc}" if isinstance(exc, RuntimeError)
                        else "Leaflet: the XStatic-Leaflet package is not installed "
                             "(pip install -r requirements.txt)")
    else:
        for name in LEAFLET_FILES:
            if not (leaflet / name).is_file():
                problems.append(f"Leaflet: {name} is missing from the XStatic-Leaflet package")
    for name in STATIC_FILES:
        if not (static_dir / name).is_file():
            problems.append(f"static/{name} is missing")
    return problems


#: The maps' data files are served like Leaflet, as a component's files (never from the
#: source tree, which may be read-only): ``<app>/component/<MAP_DATA_COMPONENT>/<hash>.js``.
MAP_DATA_COMPONENT = "mash_wales_explorer.mapdata"


def map_data_dir() -> Path:
    """Folder of the maps' data files: outside the app's source tree, the same for every
    process on a host (files are named by their content, so processes agree)."""
    return Path(tempfile.gettempdir()) / "mash-wales-explorer-map-data"


def install_map_data(script: str, folder: Path | None = None) -> str | None:
    """Write a map's data script (:func:`geo.maps.map_data_js`) into :func:`map_data_dir`
    under a name made of its content's hash, once; returns its URL relative to the map
    component's page. Atomic: a browser never gets half a file. ``None`` when the folder
    cannot be written (the caller then keeps the data inside the map's script)."""
    import hashlib

    data = script.encode("utf-8")
    name = f"{hashlib.sha256(data).hexdigest()[:20]}.js"
    target = (folder or map_data_dir()) / name
    try:
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    except OSError:
        return None
    return f"../{MAP_DATA_COMPONENT}/{name}"


class OfflineMap(folium.Map):
    """A folium ``Map`` that loads only Leaflet and this app's map controls, from this app,
    with no tiles, by URLs relative to the map component's page.

    >>> m = OfflineMap(location=[52.3, -3.8], zoom_start=7)
    >>> [url for _, url in m.default_js]
    ['../mash_wales_explorer.leaflet/leaflet.js', '../../app/static/map_controls.js']
    >>> 'cdn' in m.get_root().render().lower()
    False
    """

    default_js = [("leaflet", LEAFLET_JS_URL), ("mash_map_controls", MAP_CONTROLS_URL)]
    default_css = [("leaflet_css", LEAFLET_CSS_URL)]

    def __init__(self, *, view_bounds=None, **kwargs) -> None:
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("control_scale", False)
        kwargs.setdefault("prefer_canvas", False)
        if view_bounds is not None:
            # For static/map_controls.js: a map narrower than the first view was computed for
            # (a phone) zooms out until all of these bounds are in view.
            (south, west), (north, east) = view_bounds
            kwargs.setdefault("mash_view_bounds", [[south, west], [north, east]])
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
