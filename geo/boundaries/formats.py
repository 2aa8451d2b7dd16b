"""What a boundary file is (sniffed from its bytes) and reading it: GeoJSON, gzipped GeoJSON,
zipped shapefiles and GeoPackages, each problem one :class:`BoundaryError`."""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.limits import MAX_BOUNDARY_BYTES, MAX_BOUNDARY_FEATURES
from geo.boundaries.common import _CONVERT, BoundaryError
from geo.boundaries.validation import validate

if TYPE_CHECKING:
    import geopandas

def _sniff(data: bytes) -> str:
    """A short name for what ``data`` looks like, from its first bytes.

    >>> [_sniff(b) for b in (b'PK\\x03\\x04', b'SQLite format 3\\x00', b'\\x1f\\x8b', b' {"a"')]
    ['zip', 'sqlite', 'gzip', 'json']
    >>> _sniff(b'<!DOCTYPE html><html>'), _sniff(b'%PDF-1.7'), _sniff(b'\\x00\\x00\\x27\\x0a')
    ('html', 'pdf', 'shp')
    """
    head = data[:512]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x00\x00\x27\x0a"):
        return "shp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<kml" in text:
            return "kml"
        if b"<html" in text or b"<!doctype html" in text or b"<head" in text:
            return "html"
        return "xml"
    if text.startswith((b"{", b"[")):
        return "json"
    return "other"


def _not_geojson(kind: str, name: str) -> str | None:
    """What to tell someone whose file is ``kind`` (None: try reading it as GeoJSON)."""
    convert = _CONVERT.format(name=name or "input")
    return {
        "html": "is a web page (perhaps an error page), not a boundary file; download the "
                "GeoJSON itself",
        "pdf": "is a PDF document, not a boundary file; a GeoJSON, zipped shapefile or "
               "GeoPackage is needed",
        "shp": "is the .shp part of a shapefile alone; zip it with its .shx, .dbf and .prj "
               f"files, or convert it with `{convert}`",
        "kml": f"is KML; convert it to GeoJSON with `{convert}`",
        "xml": f"is XML (GML?), not GeoJSON; convert it with `{convert}`",
    }.get(kind)



def _gunzip(data: bytes, origin: str) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = inflater.decompress(data, MAX_BOUNDARY_BYTES + 1)
    except zlib.error:
        raise BoundaryError(origin, "is damaged gzip data") from None
    if len(out) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(origin, f"is too large once decompressed (over "
                                    f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
    if not inflater.eof:
        raise BoundaryError(origin, "is gzip data that ends early (truncated)")
    return out


def _read_with_pyogrio(data: bytes, origin: str, what: str) -> geopandas.GeoDataFrame:
    """A zipped shapefile or GeoPackage, read by pyogrio (GDAL) from memory."""
    import pyogrio

    name = Path(origin).name
    convert = _CONVERT.format(name=name or "input")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = pyogrio.list_layers(io.BytesIO(data))
            polygonal = [str(n) for n, kind in layers if "polygon" in str(kind).lower()]
            if not polygonal:
                raise BoundaryError(origin, f"is a {what} with no polygon layer")
            if len(layers) > MAX_BOUNDARY_FEATURES:
                raise BoundaryError(origin, f"is a {what} with {len(layers):,} layers")
            last: BoundaryError | None = None
            for layer in polygonal:
                count = pyogrio.read_info(io.BytesIO(data), layer=layer).get("features", 0)
                if count > MAX_BOUNDARY_FEATURES:
                    last = BoundaryError(origin, f"layer {layer!r} has {count:,} features; "
                                                 "Wales has 22 local authorities")
                    continue
                frame = pyogrio.read_dataframe(io.BytesIO(data), layer=layer)
                try:
                    return validate(frame, origin)
                except BoundaryError as exc:
                    last = exc
            assert last is not None
            raise last
    except BoundaryError:
        raise
    except Exception:  # GDAL cannot read it: say what is expected, not GDAL's words
        raise BoundaryError(
            origin, f"looks like a {what} but could not be read; convert it with `{convert}`"
        ) from None


def _read_zip(data: bytes, origin: str) -> Any:
    """The boundary data inside a zip archive: a GeoDataFrame or GeoJSON bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_BOUNDARY_FEATURES:
                raise BoundaryError(origin, f"is a zip archive of {len(members):,} files")
            if sum(m.file_size for m in members) > MAX_BOUNDARY_BYTES:
                raise BoundaryError(origin, "is a zip archive too large once unpacked (over "
                                            f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
            names = [m.filename.lower() for m in members]
            inner = [m for m in members if m.filename.lower().endswith((".geojson", ".json"))]
            if not any(n.endswith(".shp") for n in names) and len(inner) == 1:
                return archive.read(inner[0])
    except zipfile.BadZipFile:
        raise BoundaryError(origin, "is a damaged zip archive") from None
    if not any(n.endswith(".shp") for n in names):
        raise BoundaryError(origin, "is a zip archive with no shapefile (.shp) or single "
                                    "GeoJSON inside")
    return _read_with_pyogrio(data, origin, "zipped shapefile")


def read_boundary_file(data: bytes, origin: str) -> geopandas.GeoDataFrame:
    """Validate the bytes of a boundary file, whatever its format.

    GeoJSON (optionally gzipped), a zipped shapefile and a GeoPackage are read; anything else
    is refused with a :class:`BoundaryError` saying what the file is and how to convert it.

    Returns
    -------
    GeoDataFrame
        As :func:`validate`.
    """
    if len(data) > MAX_BOUNDARY_BYTES:
        raise BoundaryError(origin, f"is too large ({len(data) / 2**20:.1f} MB; the limit is "
                                    f"{MAX_BOUNDARY_BYTES // 2**20} MB)")
    kind = _sniff(data)
    if kind == "gzip":
        data = _gunzip(data, origin)
        kind = _sniff(data)
        if kind in ("gzip", "zip", "sqlite"):
            raise BoundaryError(origin, f"is a {kind} file inside gzip; unpack it first")
    if kind == "zip":
        inner = _read_zip(data, origin)
        if isinstance(inner, bytes | bytearray):
            return validate(inner, origin)
        return inner
    if kind == "sqlite":
        return _read_with_pyogrio(data, origin, "GeoPackage")
    problem = _not_geojson(kind, Path(origin).name)
    if problem:
        raise BoundaryError(origin, problem)
    return validate(data, origin)


