"""What every part of the boundaries package shares: settings, names and attributions,
the error, and the :class:`Boundaries` and :class:`Source` values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from explorer import config
from explorer.text import printable

if TYPE_CHECKING:
    pass

#: Environment variable: a local boundary file to use instead of the bundled one.
ENV_BOUNDARIES = config.BOUNDARIES_ENV
#: Environment variable: attribution text for the ``MASH_BOUNDARIES`` file.
ENV_BOUNDARIES_ATTRIBUTION = config.BOUNDARIES_ATTRIBUTION_ENV
#: Environment variable: the cache directory itself (overrides the XDG default).
ENV_CACHE_DIR = config.CACHE_DIR_ENV

CACHE_SUBDIR = "mash-wales-explorer"
CACHE_GEOJSON = "boundaries.geojson"
CACHE_META = "boundaries.meta.json"
#: Prepared (validated, simplified) copies of ``MASH_BOUNDARIES`` files, named by hash.
PREPARED_PREFIX = "prepared-"
#: Bump when the cached GeoJSON or meta layout, or the simplification, changes.
CACHE_FORMAT = 2

#: Simplification: coverage simplification tolerance (metres) and decimals kept.
TOLERANCE_M = 500.0
DECIMALS = 3
#: Closed gaps narrower than this (degrees; about 700 m) left between neighbours by rounding
#: are given to the neighbour with the longest shared border. Sea inlets are open, not gaps.
GAP_WIDTH_DEG = 0.01

_CHUNK_BYTES = 64 * 1024

#: Rough box around Wales: (min lon, min lat, max lon, max lat) in degrees.
WALES_BOUNDS_DEG = (-5.8, 51.2, -2.5, 53.6)

GEO_DIR = Path(__file__).resolve().parent.parent
TILES_PATH = GEO_DIR / "tiles_wales.geojson"
BUNDLED_PATH = GEO_DIR / "boundaries_wales_2013.geojson"

USER_AGENT = "mash-wales-explorer/0.2 (boundaries refresh; Python urllib)"

BUNDLED_NAME = "Local authority boundaries of Wales, 2013 (simplified for this app)"
#: The wording required by the source (../shared/geo/README.md), plus the change made.
BUNDLED_ATTRIBUTION = (
    "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, licensed under Creative Commons "
    "Attribution 4.0 International; simplified for this app. Contains Ordnance Survey, Office "
    "for National Statistics, National Records Scotland and LPS Intellectual Property data "
    "© Crown copyright and database right 2016. Data licensed under the terms of the Open "
    "Government Licence v3.0. Ordnance Survey data covered by OS OpenData Licence."
)
#: Short form for the corner of a map; the full text is shown just below every map.
BUNDLED_CREDIT = (
    "Boundaries 2013: Martin Chorley, CC BY 4.0 (simplified); contains OS and ONS data "
    "© Crown copyright and database right 2016, OGL v3.0"
)
_ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right {year}."
)
TILES_NAME = "Tile map drawn for this project"
TILES_ATTRIBUTION = (
    "Tile map drawn for this project: one equal square per local authority, placed roughly "
    "as in Wales. Not a geographic boundary."
)

_SOURCE_KINDS = ("env", "cache", "bundled", "tiles")
_CONVERT = "ogr2ogr -f GeoJSON -t_srs EPSG:4326 wales.geojson {name}"


class BoundaryError(ValueError):
    """A boundary file or download that cannot be used.

    Parameters
    ----------
    origin : str
        The path or URL the data came from (shown on one line: control characters escaped).
    problem : str
        One short sentence saying what is wrong and, where it helps, how to fix it.

    The message is ``"<origin>: <problem>"``; both parts stay available as attributes.

    >>> str(BoundaryError("a\\nb.json", "empty file"))
    'a\\\\nb.json: empty file'
    """

    def __init__(self, origin: str, problem: str) -> None:
        self.origin = printable(origin)
        self.problem = problem
        super().__init__(f"{self.origin}: {problem}")


@dataclass(frozen=True)
class Source:
    """A download source for ``boundaries refresh``.

    Parameters
    ----------
    name : str
        What the boundaries are, for people (shown with the map).
    url : str
        http(s) URL answering with a GeoJSON FeatureCollection in WGS84.
    attribution : str
        Attribution text to show with boundaries from this source.
    """

    name: str
    url: str
    attribution: str = ""


@dataclass(frozen=True)
class Boundaries:
    """Boundaries ready for a map.

    Attributes
    ----------
    geojson : str
        Compact FeatureCollection text, WGS84, one feature per authority in ``WELSH_CODES``
        order, each with properties ``{"code": "W06..."}`` only.
    source : str
        ``"env"`` (``MASH_BOUNDARIES``), ``"cache"`` (refreshed), ``"bundled"`` or ``"tiles"``.
    name : str
        What these boundaries are, for people. Never a path on the server.
    attribution : str
        Full attribution, shown below every map and on the Sources page.
    credit : str
        Short attribution for the corner of the map.
    notice : str or None
        One sentence when the boundaries are not the ones asked for (else None).
    details : str or None
        What went wrong and how to fix it, for an expander below the notice.
    origin : str
        Path or URL the data came from: for logs and the command line, never for a page.
    raw_bytes : int
        Size of what was read (file, download, cache or bundled file), in bytes.
    simplified_bytes : int
        ``len(geojson.encode())``.
    """

    geojson: str
    source: str
    name: str
    attribution: str
    credit: str
    notice: str | None
    details: str | None
    origin: str
    raw_bytes: int
    simplified_bytes: int

    @property
    def is_tiles(self) -> bool:
        """True for the tile map (no geographic scale)."""
        return self.source == "tiles"


