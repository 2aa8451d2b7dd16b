"""Boundaries kept on disk: the bundled file, the tile map, and the cache folder that
``boundaries refresh`` fills (written atomically, read back checked)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.limits import MAX_ATTRIBUTION_CHARS
from explorer.text import printable
from geo.boundaries.common import (
    BUNDLED_ATTRIBUTION,
    BUNDLED_CREDIT,
    BUNDLED_NAME,
    BUNDLED_PATH,
    CACHE_FORMAT,
    CACHE_GEOJSON,
    CACHE_META,
    CACHE_SUBDIR,
    DECIMALS,
    ENV_BOUNDARIES,
    ENV_CACHE_DIR,
    PREPARED_PREFIX,
    TILES_ATTRIBUTION,
    TILES_NAME,
    TILES_PATH,
    TOLERANCE_M,
    Boundaries,
    BoundaryError,
)
from geo.boundaries.simplification import _boundaries, _prepared

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

def load_bundled(notice: tuple[str, str] | None = None) -> Boundaries:
    """The boundary file shipped with the app (22 authorities, 2013, simplified).

    Falls back to the tile map, with a notice, if the file is missing or damaged.
    """
    try:
        data = BUNDLED_PATH.read_bytes()
        text, raw = _prepared(data, BUNDLED_PATH.name)
    except (OSError, BoundaryError) as exc:
        problem = exc.problem if isinstance(exc, BoundaryError) else "cannot be read"
        logger.error("Bundled boundaries unusable: %s", problem)
        return load_tiles((
            "The boundary file bundled with the app is missing or damaged, so the map shows "
            "one equal tile per authority.",
            f"{BUNDLED_PATH.name} {problem}. Reinstall the app, or set {ENV_BOUNDARIES} to a "
            "boundary file.",
        ))
    return _boundaries(
        text, source="bundled", name=BUNDLED_NAME, attribution=BUNDLED_ATTRIBUTION,
        credit=BUNDLED_CREDIT, origin=str(BUNDLED_PATH), raw_bytes=raw, notice=notice,
    )


def load_tiles(notice: tuple[str, str] | None = None) -> Boundaries:
    """The tile map drawn for this project: 22 equal squares laid out roughly like Wales.

    Parameters
    ----------
    notice : (sentence, details), optional
        Why the tiles are shown instead of real boundaries.

    Returns
    -------
    Boundaries
        ``source="tiles"``; checked like any prepared boundary file, not simplified.
    """
    data = TILES_PATH.read_bytes()
    text, raw = _prepared(data, TILES_PATH.name)
    return _boundaries(
        text, source="tiles", name=TILES_NAME, attribution=TILES_ATTRIBUTION,
        origin=str(TILES_PATH), raw_bytes=raw, notice=notice,
    )



def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where refreshed and prepared boundaries are kept.

    ``MASH_CACHE_DIR`` if set (the directory itself), else ``$XDG_CACHE_HOME`` or ``~/.cache``
    with the subfolder ``mash-wales-explorer``.

    Parameters
    ----------
    env : mapping, optional
        Environment variables; defaults to ``os.environ``.

    Examples
    --------
    >>> default_cache_dir({"MASH_CACHE_DIR": "/tmp/mash"}).as_posix()
    '/tmp/mash'
    >>> default_cache_dir({"XDG_CACHE_HOME": "/var/cache"}).as_posix()
    '/var/cache/mash-wales-explorer'
    """
    env = os.environ if env is None else env
    if env.get(ENV_CACHE_DIR, "").strip():
        return Path(env[ENV_CACHE_DIR].strip()).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / CACHE_SUBDIR
    home = env.get("HOME", "").strip()
    try:
        base = Path(home) if home else Path.home()
    except RuntimeError:  # no home directory at all
        return Path(tempfile.gettempdir()) / CACHE_SUBDIR
    return base / ".cache" / CACHE_SUBDIR


def cache_stamp(env: Mapping[str, str] | None = None) -> tuple[str, str, int]:
    """What decides which boundaries :func:`obtain_boundaries` returns, as plain values:
    ``MASH_BOUNDARIES``, the cache folder and the refreshed cache's modification time (ns,
    0 if none). A cheap key for a per-process cache that notices a refresh."""
    env = os.environ if env is None else env
    folder = default_cache_dir(env)
    try:
        stamp = (folder / CACHE_META).stat().st_mtime_ns
    except OSError:
        stamp = 0
    return env.get(ENV_BOUNDARIES, "").strip(), str(folder), stamp


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def clear_cache(cache_dir: Path) -> list[Path]:
    """Remove refreshed and prepared boundaries from ``cache_dir``; returns what was removed."""
    removed = []
    for path in [cache_dir / CACHE_GEOJSON, cache_dir / CACHE_META,
                 *cache_dir.glob(f"{PREPARED_PREFIX}*.geojson")]:
        with suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _write_cache(cache_dir: Path, result: Boundaries) -> None:
    """Store the simplified GeoJSON, then the meta naming its hash (a torn write is refused
    at the next read)."""
    data = result.geojson.encode()
    meta = {
        "format": CACHE_FORMAT,
        "name": result.name,
        "origin": result.origin,
        "attribution": result.attribution,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_bytes": result.raw_bytes,
        "tolerance_m": TOLERANCE_M,
        "decimals": DECIMALS,
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(cache_dir / CACHE_GEOJSON, data)
    _write_atomic(cache_dir / CACHE_META, json.dumps(meta, indent=1).encode())


def _read_cache(cache_dir: Path) -> Boundaries:
    """Refreshed boundaries from the cache; raises BoundaryError if unusable."""
    geo_path, meta_path = cache_dir / CACHE_GEOJSON, cache_dir / CACHE_META
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise BoundaryError(str(meta_path), "is missing or unreadable") from None
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
        raise BoundaryError(str(meta_path), "was written by another version of the app")
    try:
        data = geo_path.read_bytes()
    except OSError:
        raise BoundaryError(str(geo_path), "is missing or unreadable") from None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise BoundaryError(str(geo_path), "does not match its recorded SHA-256")
    text, raw = _prepared(data, str(geo_path))
    return _boundaries(
        text,
        source="cache",
        name=printable(str(meta.get("name") or "Refreshed boundaries")),
        attribution=printable(str(meta.get("attribution") or ""), MAX_ATTRIBUTION_CHARS),
        origin=str(meta.get("origin") or geo_path),
        raw_bytes=raw,
    )


