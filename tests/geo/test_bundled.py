"""The boundary file shipped with the app: reproducible, small, exact, attributed.

``geo/boundaries_wales_2013.geojson`` is made by ``python -m geo.make_bundled`` from the
full-resolution file in ``../shared/geo`` (not committed). Tests that need that file skip with
a message when it is absent; the others check the committed file itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from explorer.model import WELSH_CODES
from geo import boundaries as bd
from geo.make_bundled import DEFAULT_SOURCE, make

REPO = Path(__file__).resolve().parents[2]
SHARED_README = DEFAULT_SOURCE.with_name("README.md")


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(bd.BUNDLED_PATH.read_text(encoding="utf-8"))


def _geoms(collection: dict) -> np.ndarray:
    return np.array([shapely.geometry.shape(f["geometry"]) for f in collection["features"]])


@pytest.mark.shared
def test_script_reproduces_the_committed_file_byte_for_byte() -> None:
    if not DEFAULT_SOURCE.is_file():
        pytest.skip(f"{DEFAULT_SOURCE} is absent: cannot regenerate the bundled file")
    assert make(DEFAULT_SOURCE).encode("utf-8") == bd.BUNDLED_PATH.read_bytes()


@pytest.mark.shared
def test_module_command_checks_the_file() -> None:
    if not DEFAULT_SOURCE.is_file():
        pytest.skip(f"{DEFAULT_SOURCE} is absent: cannot regenerate the bundled file")
    out = subprocess.run([sys.executable, "-m", "geo.make_bundled", "--check"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == (
        f"boundaries_wales_2013.geojson: up to date ({bd.BUNDLED_PATH.stat().st_size:,} bytes)")


def test_small_and_in_order(committed: dict) -> None:
    assert bd.BUNDLED_PATH.stat().st_size <= 60_000
    assert [f["properties"] for f in committed["features"]] == [{"code": c} for c in WELSH_CODES]
    assert {f["geometry"]["type"] for f in committed["features"]} <= {"Polygon", "MultiPolygon"}


def test_no_gaps_or_slivers_between_neighbours(committed: dict) -> None:
    geoms = _geoms(committed)
    assert shapely.is_valid(geoms).all()
    # Edge-matched and overlap-free: every shared edge has exactly the same vertices.
    assert shapely.coverage_is_valid(geoms)
    assert all(edges.is_empty for edges in shapely.coverage_invalid_edges(geoms))
    # No closed gap anywhere: the union of Wales has no holes.
    union = shapely.union_all(geoms)
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0
    # Neighbours really touch along their borders (Cardiff and the Vale share one).
    cardiff, vale = geoms[WELSH_CODES.index("W06000015")], geoms[WELSH_CODES.index("W06000014")]
    assert shapely.intersection(cardiff.boundary, vale.boundary).length > 0.05


def test_coordinates_rounded_to_three_decimals(committed: dict) -> None:
    xy = shapely.get_coordinates(_geoms(committed))
    assert np.array_equal(np.round(xy, 3), xy)
    assert len(xy) < 3_500


@pytest.mark.shared
def test_areas_close_to_the_full_resolution_file(committed: dict) -> None:
    if not DEFAULT_SOURCE.is_file():
        pytest.skip(f"{DEFAULT_SOURCE} is absent")
    import geopandas as gpd

    full = bd.validate(DEFAULT_SOURCE.read_bytes(), str(DEFAULT_SOURCE)).to_crs(27700).area.values
    ours = gpd.GeoSeries(_geoms(committed), crs=4326).to_crs(27700).area.values
    assert (np.abs(ours / full - 1) < 0.01).all()


def test_attribution_travels_with_the_file(committed: dict) -> None:
    assert committed["attribution"] == bd.BUNDLED_ATTRIBUTION
    assert committed["name"] == bd.BUNDLED_NAME
    assert "python -m geo.make_bundled" in committed["generator"]


@pytest.mark.shared
def test_attribution_uses_the_sources_wording() -> None:
    if not SHARED_README.is_file():
        pytest.skip(f"{SHARED_README} is absent")
    readme = " ".join(SHARED_README.read_text(encoding="utf-8").split())
    for sentence in (
        "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, licensed under Creative "
        "Commons Attribution 4.0 International.",
        "Data licensed under the terms of the Open Government Licence v3.0.",
        "Ordnance Survey data covered by OS OpenData Licence.",
    ):
        assert sentence in readme
        assert sentence.rstrip(".") in bd.BUNDLED_ATTRIBUTION
    assert ("Contains Ordnance Survey, Office for National Statistics, National Records "
            "Scotland and LPS Intellectual Property data © Crown copyright and database right "
            "2016.") in bd.BUNDLED_ATTRIBUTION


def test_readme_carries_the_attribution() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert ("GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, licensed under Creative "
            "Commons Attribution 4.0 International.") in readme
    assert "© Crown copyright and database right 2016" in readme
    assert "python -m geo.make_bundled" in readme
