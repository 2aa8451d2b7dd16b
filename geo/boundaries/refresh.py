"""``boundaries refresh`` (command line only): downloads with hard time limits from the
ONS sources, validated and simplified into the cache. Nothing on the page-load path imports
this module."""

from __future__ import annotations

import os
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.limits import MAX_ATTRIBUTION_CHARS, MAX_BOUNDARY_BYTES
from geo.boundaries.common import (
    _CHUNK_BYTES,
    _ONS_ATTRIBUTION,
    USER_AGENT,
    Boundaries,
    BoundaryError,
    Source,
)
from geo.boundaries.formats import _gunzip, read_boundary_file
from geo.boundaries.simplification import _boundaries, _to_text, simplify
from geo.boundaries.store import _write_cache, default_cache_dir

if TYPE_CHECKING:
    import geopandas

def _ons_source(year: int, service: str) -> Source:
    field = f"LAD{year % 100:02d}CD"
    query = urllib.parse.urlencode(
        {
            "where": f"{field} LIKE 'W%'",
            "outFields": field,
            "outSR": "4326",
            "f": "geojson",
        },
        quote_via=urllib.parse.quote,
    )
    return Source(
        name=f"ONS Local Authority Districts, December {year} (simplified for this app)",
        url=(
            "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
            f"{service}/FeatureServer/0/query?{query}"
        ),
        attribution=_ONS_ATTRIBUTION.format(year=year),
    )


#: Sources for ``boundaries refresh``, newest vintage first. The service names follow the
#: portal's naming as used in public code; they are not guaranteed, so all is validated.
DEFAULT_SOURCES: tuple[Source, ...] = (
    _ons_source(2024, "Local_Authority_Districts_December_2024_Boundaries_UK_BGC"),
    _ons_source(2023, "Local_Authority_Districts_December_2023_Boundaries_UK_BGC"),
    _ons_source(2022, "Local_Authority_Districts_December_2022_UK_BGC_V2"),
    _ons_source(2021, "Local_Authority_Districts_December_2021_UK_BGC_2022"),
    _ons_source(2019, "Local_Authority_Districts_December_2019_GCB_UK_2022"),
)




class _Unreachable(BoundaryError):
    """No HTTP answer at all (DNS, refused, TLS, or nothing within the time limit)."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, TimeoutError):
            return "connection timed out"
        return "cannot connect"
    if isinstance(exc, TimeoutError):
        return "timed out waiting for data"
    return "the transfer failed"


def _fetch_worker(
    url: str, timeout_s: float, cancel: threading.Event, events: queue.Queue
) -> None:
    """Runs in a daemon thread; reports ("head", total), ("data", n, total), ("done", ...)."""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "application/geo+json, application/json;q=0.9, */*;q=0.1",
            "Accept-Encoding": "gzip",
        },
    )
    limit = MAX_BOUNDARY_BYTES
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.strip().isdigit() else None
            events.put(("head", total))
            if total is not None and total > limit:
                events.put(("fail", f"too large ({total / 2**20:.1f} MB; the limit is "
                                    f"{limit // 2**20} MB)"))
                return
            chunks, received = [], 0
            while not cancel.is_set():
                chunk = response.read1(_CHUNK_BYTES)
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    events.put(("fail", f"too large (over {limit // 2**20} MB)"))
                    return
                chunks.append(chunk)
                events.put(("data", received, total))
            if cancel.is_set():
                return
            if total is not None and received < total:
                events.put(("fail", f"connection closed after {received:,} of {total:,} bytes"))
                return
            encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
            events.put(("done", b"".join(chunks), encoding))
    except urllib.error.HTTPError as exc:
        events.put(("fail", _describe(exc)))
    except urllib.error.URLError as exc:
        events.put(("unreachable", _describe(exc)))
    except Exception as exc:  # socket errors, IncompleteRead, bad status line …
        events.put(("fail", _describe(exc)))


def _fetch_url(
    url: str,
    label: str,
    *,
    timeout_s: float,
    progress: Callable[[str, float], None] | None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[bytes, int]:
    """Download ``url`` within ``timeout_s`` in total; return (body, bytes on the wire).

    The transfer runs in a daemon thread so that DNS look-ups, stalled connects, silent
    servers and servers trickling bytes are all bounded by one deadline, counted on
    ``clock`` (seconds; tests pass their own, so no test depends on the machine's speed).
    """
    message = f"Downloading boundaries from {label}…"
    if progress:
        progress(message, 0.0)
    events: queue.Queue = queue.Queue()
    cancel = threading.Event()
    worker = threading.Thread(
        target=_fetch_worker, args=(url, timeout_s, cancel, events),
        name="boundary-download", daemon=True,
    )
    deadline = clock() + timeout_s
    worker.start()
    answered = False
    try:
        while True:
            remaining = deadline - clock()
            if remaining <= 0:
                problem = f"no complete answer within {timeout_s:g} s"
                raise (BoundaryError if answered else _Unreachable)(url, problem)
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                continue
            kind = event[0]
            if kind == "head":
                answered = True
            elif kind == "data":
                received, total = event[1], event[2]
                if progress and total:
                    progress(f"{message} {received / 1e6:.1f} of {total / 1e6:.1f} MB",
                             min(received / total, 1.0))
            elif kind == "done":
                body, encoding = event[1], event[2]
                wire = len(body)
                if encoding in ("gzip", "x-gzip", "deflate"):
                    body = _gunzip(body, url)
                return body, wire
            elif kind == "unreachable":
                raise _Unreachable(url, event[1])
            else:  # "fail"
                raise BoundaryError(url, event[1])
    finally:
        cancel.set()


def refresh_cache(
    *,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    source: str | None = None,
    attribution: str | None = None,
    sources: Sequence[Source] = DEFAULT_SOURCES,
    timeout_s: float = 20.0,
    progress: Callable[[str, float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Boundaries:
    """Fetch boundaries, validate and simplify them, and store them in the cache, where
    :func:`obtain_boundaries` finds them. Run by ``python -m explorer boundaries refresh``.

    Parameters
    ----------
    source : str, optional
        An http(s) URL or a local file to use instead of ``sources``.
    attribution : str, optional
        Attribution for ``source`` (required wording of its licence).
    sources : sequence of Source
        Tried in order until one gives 22 valid Welsh authorities. Once a host gives no HTTP
        answer at all, later sources on the same host are skipped.
    timeout_s : float
        Total time allowed per source (connect, headers and body), in seconds.
    clock : callable, optional
        Monotonic seconds the deadlines are counted on (tests pass a simulated clock).

    Raises
    ------
    BoundaryError
        Nothing usable: the message lists each source tried and why it failed.
    """
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
    env = os.environ if env is None else env
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(env)
    if source:
        credit = " ".join((attribution or "").split())[:MAX_ATTRIBUTION_CHARS]
        if source.lower().startswith(("http://", "https://")):
            host = urllib.parse.urlsplit(source).hostname or "the web"
            data, wire = _fetch_url(source, host, timeout_s=timeout_s, progress=progress,
                                    clock=clock)
            candidates = [(Source(f"Boundaries from {host} (simplified for this app)", source,
                                  credit or f"Boundaries downloaded from {host}."), data, wire)]
        else:
            path = Path(source).expanduser()
            try:
                data = path.read_bytes()
            except OSError:
                raise BoundaryError(str(path), "cannot be read") from None
            candidates = [(Source(f"Boundaries from the file {path.name} (simplified for this "
                                  "app)", str(path), credit or f"Boundaries from {path.name}."),
                           data, len(data))]
        chosen, data, wire = candidates[0]
        gdf = simplify(read_boundary_file(data, chosen.url))
        return _store(cache_dir, chosen, gdf, wire)

    failures: list[str] = []
    silent_hosts: set[str] = set()
    for src in sources:
        host = urllib.parse.urlsplit(src.url).netloc.lower()
        if host in silent_hosts:
            failures.append(f"{src.name}: skipped ({host} did not answer)")
            continue
        try:
            data, wire = _fetch_url(src.url, src.name, timeout_s=timeout_s,
                                    progress=progress, clock=clock)
            gdf = simplify(read_boundary_file(data, src.url))
        except _Unreachable as exc:
            silent_hosts.add(host)
            failures.append(f"{src.name}: {exc.problem}")
            continue
        except BoundaryError as exc:
            failures.append(f"{src.name}: {exc.problem}")
            continue
        return _store(cache_dir, src, gdf, wire)
    raise BoundaryError("boundaries refresh", "no source gave usable boundaries; tried "
                        + ("; ".join(failures) or "nothing (no sources)"))


def _store(cache_dir: Path, src: Source, gdf: geopandas.GeoDataFrame, wire: int) -> Boundaries:
    result = _boundaries(_to_text(gdf), source="cache", name=src.name,
                         attribution=src.attribution, origin=src.url, raw_bytes=wire)
    try:
        _write_cache(cache_dir, result)
    except OSError as exc:
        raise BoundaryError(str(cache_dir), f"cannot be written ({exc.strerror or 'error'})"
                            ) from None
    return result
