"""The chain at page load, with no network: ``MASH_BOUNDARIES``, else the refreshed cache,
else the bundled file, else the tile map; each skipped step leaves a notice."""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.limits import MAX_ATTRIBUTION_CHARS, MAX_BOUNDARY_BYTES
from explorer.text import printable
from geo.boundaries.common import (
    CACHE_FORMAT,
    CACHE_GEOJSON,
    CACHE_META,
    ENV_BOUNDARIES,
    ENV_BOUNDARIES_ATTRIBUTION,
    PREPARED_PREFIX,
    Boundaries,
    BoundaryError,
)
from geo.boundaries.formats import read_boundary_file
from geo.boundaries.simplification import _boundaries, _prepared, _to_text, simplify
from geo.boundaries.store import _read_cache, _write_atomic, default_cache_dir, load_bundled

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

def _env_attribution(env: Mapping[str, str]) -> str:
    text = " ".join(env.get(ENV_BOUNDARIES_ATTRIBUTION, "").split())
    text = unicodedata.normalize("NFC", printable(text, MAX_ATTRIBUTION_CHARS))
    return text or (
        "Boundaries: a file chosen by whoever runs this server, who has not given its source "
        f"({ENV_BOUNDARIES_ATTRIBUTION})."
    )


def _prepared_path(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"{PREPARED_PREFIX}{digest[:40]}-f{CACHE_FORMAT}.geojson"


def _from_env(chosen: str, env: Mapping[str, str], cache_dir: Path) -> Boundaries:
    """``MASH_BOUNDARIES``: read, validated and simplified once per file content."""
    if "://" in chosen and not chosen.lower().startswith("file://"):
        raise BoundaryError(
            chosen,
            "cannot be used: the app never downloads while a page loads; run "
            f"`python -m explorer boundaries refresh --source {printable(chosen, 80)}` once "
            f"and unset {ENV_BOUNDARIES}",
        )
    if chosen.lower().startswith("file://"):
        path = Path(urllib.request.url2pathname(urllib.parse.urlparse(chosen).path))
    else:
        path = Path(chosen).expanduser()
    origin = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise BoundaryError(origin, "is a folder, not a boundary file")
        if size > MAX_BOUNDARY_BYTES:
            raise BoundaryError(origin, f"is too large ({size / 2**20:.1f} MB; the limit is "
                                        f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BoundaryError(origin, "does not exist") from None
    except OSError as exc:
        raise BoundaryError(origin, f"cannot be read ({exc.strerror or 'error'})") from None
    digest = hashlib.sha256(data).hexdigest()
    prepared = _prepared_path(cache_dir, digest)
    attribution = _env_attribution(env)
    name = f"Boundaries from the file {printable(path.name, 80)}"
    try:
        text, _ = _prepared(prepared.read_bytes(), str(prepared))
    except (OSError, BoundaryError):
        text = _to_text(simplify(read_boundary_file(data, origin)))
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob(f"{PREPARED_PREFIX}*.geojson"):
                with suppress(OSError):
                    old.unlink()
            _write_atomic(prepared, text.encode())
        except OSError as exc:
            logger.warning("Could not keep prepared boundaries in %s: %s", cache_dir, exc)
    return _boundaries(text, source="env", name=name, attribution=attribution,
                       origin=origin, raw_bytes=len(data))


def obtain_boundaries(
    *, env: Mapping[str, str] | None = None, cache_dir: Path | None = None
) -> Boundaries:
    """The boundaries to draw: ``MASH_BOUNDARIES``, else refreshed, else bundled. Never
    raises for bad data and never uses the network.

    Parameters
    ----------
    env : mapping, optional
        Environment (``MASH_BOUNDARIES``, ``MASH_BOUNDARIES_ATTRIBUTION``, ``MASH_CACHE_DIR``,
        ``XDG_CACHE_HOME`` …); defaults to ``os.environ``.
    cache_dir : Path, optional
        Cache directory; defaults to :func:`default_cache_dir` of ``env``.

    Returns
    -------
    Boundaries
        ``source`` is ``"env"``, ``"cache"`` or ``"bundled"`` (``"tiles"`` only if the
        bundled file is damaged). When ``MASH_BOUNDARIES`` or the refreshed cache cannot be
        used, the next in the chain is returned with a ``notice`` and ``details``.
    """
    env = os.environ if env is None else env
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(env)
    notice: tuple[str, str] | None = None

    chosen = env.get(ENV_BOUNDARIES, "").strip()
    if chosen:
        try:
            return _from_env(chosen, env, cache_dir)
        except BoundaryError as exc:
            logger.warning("%s is unusable: %s", ENV_BOUNDARIES, exc)
            is_url = "://" in chosen and not chosen.lower().startswith("file://")
            shown = "a web address" if is_url else (Path(exc.origin).name or exc.origin)
            needed = "" if is_url else (
                " A GeoJSON FeatureCollection of the 22 Welsh local authorities (or a gzipped "
                "GeoJSON, a zipped shapefile or a GeoPackage) is needed.")
            notice = (
                "The boundary file chosen for this server could not be used, so the map shows "
                "{fallback}.",
                f"{ENV_BOUNDARIES} names {shown}, which {exc.problem}.{needed}",
            )

    if (cache_dir / CACHE_GEOJSON).exists() or (cache_dir / CACHE_META).exists():
        try:
            result = _read_cache(cache_dir)
        except BoundaryError as exc:
            logger.warning("Refreshed boundaries unusable: %s", exc)
            if notice is None:
                notice = (
                    "The refreshed boundaries stored on this server are damaged, so the map "
                    "shows {fallback}.",
                    f"The cached copy {exc.problem}. Run `python -m explorer boundaries "
                    "refresh` again, or `python -m explorer boundaries clear`.",
                )
        else:
            if notice:
                result = _boundaries(
                    result.geojson, source="cache", name=result.name,
                    attribution=result.attribution, credit=result.credit, origin=result.origin,
                    raw_bytes=result.raw_bytes,
                    notice=(notice[0].format(fallback="the refreshed boundaries"), notice[1]),
                )
            return result
    if notice:
        notice = (notice[0].format(fallback="the boundaries bundled with the app"), notice[1])
    return load_bundled(notice)


