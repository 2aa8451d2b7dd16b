"""Great-circle distances in kilometres, vectorised with numpy.

Distances use the haversine formula on a sphere of mean Earth radius
(:data:`EARTH_RADIUS_KM`), which is within about 0.5 % of the ellipsoidal distance:
ample for comparing travel between council offices. Coordinates are WGS84 degrees.

>>> round(float(haversine_km(51.483, -3.183, 51.583, -2.983)), 1)  # Cardiff to Newport offices
17.7
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088


def _degrees(name: str, values: ArrayLike, limit: float) -> NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers in degrees") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers in degrees")
    if np.any(np.abs(arr) > limit):
        raise ValueError(f"{name} must lie between -{limit:g} and {limit:g} degrees")
    return arr


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees.

    Arguments broadcast against each other like any numpy operation.

    Parameters
    ----------
    lat1, lon1 : array_like
        Latitude and longitude of the first point(s), in degrees.
    lat2, lon2 : array_like
        Latitude and longitude of the second point(s), in degrees.

    Returns
    -------
    numpy.ndarray
        Distances in km, with the broadcast shape of the inputs (0-d for scalars).

    Raises
    ------
    ValueError
        If a coordinate is not a finite number or is out of range.

    Examples
    --------
    >>> haversine_km([51.483, 53.14], [-3.183, -4.27], 51.483, -3.183).round(1)
    array([  0. , 198.5])
    """
    phi1 = np.radians(_degrees("lat1", lat1, 90.0))
    lam1 = np.radians(_degrees("lon1", lon1, 180.0))
    phi2 = np.radians(_degrees("lat2", lat2, 90.0))
    lam2 = np.radians(_degrees("lon2", lon2, 180.0))
    h = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_matrix_km(lats: ArrayLike, lons: ArrayLike) -> NDArray[np.float64]:
    """All pairwise great-circle distances in km between n points.

    Parameters
    ----------
    lats, lons : array_like
        One-dimensional sequences of n latitudes and n longitudes, in degrees.

    Returns
    -------
    numpy.ndarray
        An n×n symmetric array with zeros on the diagonal; entry ``[i, j]`` is the
        distance from point i to point j.

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, differ in length, or hold bad coordinates.

    Examples
    --------
    >>> distance_matrix_km([51.483, 51.583], [-3.183, -2.983]).round(1)
    array([[ 0. , 17.7],
           [17.7,  0. ]])
    """
    lat = _degrees("lats", lats, 90.0)
    lon = _degrees("lons", lons, 180.0)
    if lat.ndim != 1 or lon.ndim != 1:
        raise ValueError("lats and lons must be one-dimensional")
    if lat.shape != lon.shape:
        raise ValueError(f"lats has {lat.size} values but lons has {lon.size}")
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    d = (d + d.T) / 2.0  # exact symmetry despite rounding
    np.fill_diagonal(d, 0.0)
    return d
