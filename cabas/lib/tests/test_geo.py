"""Property tests of the distance helpers behind every "near me" search."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabas.lib.geo import EARTH_RADIUS_KM, bounding_box, haversine_km, parse_latlon

lats = st.floats(min_value=-89.0, max_value=89.0, allow_nan=False)
lons = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
# Metropolitan France and its surroundings: where the bounding box must never cut a circle.
france_lats = st.floats(min_value=41.0, max_value=51.5)
france_lons = st.floats(min_value=-5.5, max_value=10.0)
radii = st.floats(min_value=0.1, max_value=500.0)
bearings = st.floats(min_value=0.0, max_value=2 * math.pi)


def destination(lat, lon, km, bearing):
    """The point `km` away from (lat, lon) heading `bearing` (radians), on the sphere."""
    d = km / EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def test_it_measures_known_distances():
    assert haversine_km(45.7640, 4.8357, 48.8566, 2.3522) == pytest.approx(391.5, abs=1)  # Lyon-Paris
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@given(lats, lons)
def test_it_puts_a_point_at_zero_km_from_itself(lat, lon):
    assert haversine_km(lat, lon, lat, lon) == pytest.approx(0, abs=1e-6)


@given(lats, lons, lats, lons)
def test_it_is_symmetric_and_bounded_by_half_the_circumference(lat1, lon1, lat2, lon2):
    d = haversine_km(lat1, lon1, lat2, lon2)

    assert d == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-6)
    assert 0 <= d <= math.pi * EARTH_RADIUS_KM + 1e-6


@given(lats, lons, lats, lons, lats, lons)
def test_it_respects_the_triangle_inequality(lat1, lon1, lat2, lon2, lat3, lon3):
    direct = haversine_km(lat1, lon1, lat3, lon3)
    detour = haversine_km(lat1, lon1, lat2, lon2) + haversine_km(lat2, lon2, lat3, lon3)

    assert direct <= detour + 1e-6


@given(france_lats, france_lons, radii, bearings, st.floats(min_value=0.0, max_value=1.0))
def test_it_never_leaves_a_point_of_the_circle_outside_the_bounding_box(lat, lon, km, bearing, fraction):
    point_lat, point_lon = destination(lat, lon, km * fraction, bearing)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)

    assert haversine_km(lat, lon, point_lat, point_lon) == pytest.approx(km * fraction, abs=1e-6)
    assert min_lat - 1e-9 <= point_lat <= max_lat + 1e-9
    assert min_lon - 1e-9 <= point_lon <= max_lon + 1e-9


@pytest.mark.parametrize(("lat", "km"), [(43.3, 50), (45.7, 500), (51.0, 500), (51.0, 20), (-45.0, 300)])
def test_it_contains_the_widest_point_of_the_circle(lat, km):
    # Walk the whole edge of the circle: its widest point is not on the centre's parallel.
    edge = [destination(lat, 2.0, km, math.pi * i / 2000) for i in range(2001)]
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, 2.0, km)

    assert max(p_lon for _, p_lon in edge) <= max_lon + 1e-9
    assert min(p_lat for p_lat, _ in edge) >= min_lat - 1e-9
    assert max(p_lat for p_lat, _ in edge) <= max_lat + 1e-9
    # ...and the box is tight: the widest point touches it.
    assert max(p_lon for _, p_lon in edge) == pytest.approx(max_lon, abs=1e-5)


@given(france_lats, france_lons, radii)
def test_it_keeps_the_bounding_box_tight(lat, lon, km):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)

    assert haversine_km(lat, lon, max_lat, lon) == pytest.approx(km, rel=1e-6)
    assert haversine_km(lat, lon, min_lat, lon) == pytest.approx(km, rel=1e-6)
    assert min_lat < lat < max_lat and min_lon < lon < max_lon


def test_it_covers_every_longitude_when_the_circle_reaches_a_pole():
    _, max_lat, min_lon, max_lon = bounding_box(89.5, 10.0, 100)

    assert max_lat > 90 and (min_lon, max_lon) == (-170.0, 190.0)


@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_it_parses_what_it_is_given_as_lat_lon(lat, lon):
    assert parse_latlon(f"{lat!r},{lon!r}") == (lat, lon)


@pytest.mark.parametrize(
    "value",
    ["", "45.7", "45.7,4.8,3", "lyon", "45,7;4,8", "91,0", "0,181", "-90.5,0", "nan,4", "45,inf", None],
)
def test_it_rejects_malformed_or_out_of_range_positions(value):
    assert parse_latlon(value) is None


@given(st.text(max_size=30))
def test_it_never_raises_on_arbitrary_text(value):
    result = parse_latlon(value)

    assert result is None or (-90 <= result[0] <= 90 and -180 <= result[1] <= 180)
