"""Make the bundled boundary file from the full-resolution 2013 boundaries.

    python -m geo.make_bundled            # writes geo/boundaries_wales_2013.geojson
    python -m geo.make_bundled --check    # exit 1 if the committed file differs

The source, ``../shared/geo/wales_lad_2013.geojson`` (Martin Chorley's UK-GeoJSON copy of the
ONS 2013 local authority districts, CC BY 4.0 and OGL v3.0), is not committed; the output
is, and ``tests/geo/test_bundled.py`` checks that this script reproduces it byte for byte. The
simplification is the app's own (:func:`geo.boundaries.simplify`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.boundaries import BUNDLED_PATH, BoundaryError, bundled_text, read_boundary_file, simplify

#: The full-resolution source, beside the project (read-only, not committed).
DEFAULT_SOURCE = BUNDLED_PATH.parents[1].parent / "shared" / "geo" / "wales_lad_2013.geojson"
SOURCE_NAME = "UK-GeoJSON json/administrative/wal/lad.json (ONS LAD 2013, by Martin Chorley)"


def make(source: Path = DEFAULT_SOURCE) -> str:
    """The bundled file's text, made from ``source``."""
    gdf = simplify(read_boundary_file(source.read_bytes(), str(source)))
    return bundled_text(gdf, SOURCE_NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.make_bundled",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="full-resolution GeoJSON of the 22 authorities")
    parser.add_argument("--out", type=Path, default=BUNDLED_PATH)
    parser.add_argument("--check", action="store_true",
                        help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    try:
        text = make(args.source)
    except (OSError, BoundaryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = text.encode("utf-8")
    if args.check:
        same = args.out.is_file() and args.out.read_bytes() == data
        print(f"{args.out.name}: {'up to date' if same else 'differs'} ({len(data):,} bytes)")
        return 0 if same else 1
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
