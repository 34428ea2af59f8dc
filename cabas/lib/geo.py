"""Distances and bounding boxes on the WGS84 sphere (Django-free)."""

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box containing the circle of radius `km`."""
    angle = km / EARTH_RADIUS_KM
    dlat = math.degrees(angle)
    coslat = math.cos(math.radians(lat))
    if angle >= math.pi / 2 or math.sin(angle) >= coslat:
        dlon = 180.0  # the circle reaches a pole: every longitude
    else:
        # The circle's widest point is not on the centre's parallel: km / (R cos lat) would be
        # slightly too narrow (about 800 m at 500 km in the north of France).
        dlon = math.degrees(math.asin(math.sin(angle) / coslat))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def parse_latlon(value: str) -> tuple[float, float] | None:
    """'45.76,4.83' -> (45.76, 4.83); None when malformed or out of range."""
    try:
        lat_s, lon_s = value.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except (ValueError, AttributeError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
