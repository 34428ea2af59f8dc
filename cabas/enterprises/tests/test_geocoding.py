"""Geocoding: the deterministic offline backend and the national address API ("ban") backend,
the latter against a stand-in HTTP server on 127.0.0.1 (no network)."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.test import override_settings

from cabas.enterprises.geocoding import Place, geocode_address, geocode_place
from cabas.lib.geo import haversine_km

YZERON = (45.7081, 4.5903)


# --- Offline backend -----------------------------------------------------------------------------


def test_it_geocodes_the_same_address_to_the_same_point():
    first = geocode_address("12 chemin des Vergers", "69510", "Yzeron")
    again = geocode_address("12 chemin des Vergers", "69510", "Yzeron")

    assert first == again
    assert isinstance(first, Place)


def test_it_puts_different_streets_at_different_points_near_the_town():
    a = geocode_address("12 chemin des Vergers", "69510", "Yzeron")
    b = geocode_address("3 route du Plateau", "69510", "Yzeron")

    assert (a.lat, a.lon) != (b.lat, b.lon)
    for point in (a, b):
        assert haversine_km(point.lat, point.lon, *YZERON) < 1.5


def test_it_ignores_case_and_accents_of_the_town():
    shouted, written = geocode_address("", "", "SAINT-ETIENNE"), geocode_address("", "", "Saint-Étienne")

    assert (shouted.lat, shouted.lon, shouted.label) == (written.lat, written.lon, "Saint-Étienne")


def test_it_falls_back_to_the_departement_for_an_unlisted_town():
    place = geocode_address("1 place de la Mairie", "01000", "Bourg-en-Bresse")

    assert place is not None
    assert haversine_km(place.lat, place.lon, 46.10, 5.35) < 2


def test_it_returns_none_for_an_unknown_address():
    assert geocode_address("1 rue Imaginaire", "", "Atlantide") is None
    assert geocode_address("1 rue Imaginaire", "", "") is None
    assert geocode_address("", "99999", "") is None


def test_it_finds_places_typed_in_a_search_box():
    assert geocode_place("Lyon").label == "Lyon"
    assert geocode_place("  saint-martin-en-haut ").label == "Saint-Martin-en-Haut"
    assert geocode_place("69440").label == "Mornant"
    assert geocode_place("69510 Yzeron").label == "Yzeron"
    assert geocode_place("Yzeron, 69510").label == "Yzeron"
    assert geocode_place("Trifouillis-les-Oies") is None
    assert geocode_place("") is None


# --- "ban" backend against a local stand-in server ------------------------------------------------


class StandIn(BaseHTTPRequestHandler):
    """Answers like the address API; `behaviour` picks the answer for the current test."""

    behaviour = "success"
    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        StandIn.requests.append({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})
        if self.behaviour == "timeout":
            time.sleep(1.0)
        if self.behaviour == "error":
            return self._send(500, b"Internal Server Error", "text/plain")
        if self.behaviour == "malformed":
            return self._send(200, b'{"features": [{"geometry": ', "application/json")
        if self.behaviour == "not-geojson":
            return self._send(200, b'["not", "a", "feature collection"]', "application/json")
        features = {
            "success": [self._feature(0.92)],
            "low-score": [self._feature(0.21)],
            "no-result": [],
            "timeout": [self._feature(0.92)],
        }[self.behaviour]
        body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        return self._send(200, body, "application/json")

    @staticmethod
    def _feature(score):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [4.5912, 45.7093]},
            "properties": {
                "label": "12 Chemin des Vergers 69510 Yzeron",
                "score": score,
                "postcode": "69510",
                "city": "Yzeron",
            },
        }

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ban(monkeypatch):
    """The stand-in server, with settings pointing the "ban" backend at it."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.behaviour, StandIn.requests = "success", []
    cache.clear()
    url = f"http://127.0.0.1:{server.server_address[1]}/search"
    with override_settings(GEOCODER="ban", GEOCODER_URL=url, GEOCODER_TIMEOUT=0.3):
        yield StandIn
    server.shutdown()
    server.server_close()
    cache.clear()


def test_it_geocodes_an_address_with_the_national_address_api(ban):
    place = geocode_address("12 chemin des Vergers", "69510", "Yzeron")

    assert place == Place(
        lat=45.7093, lon=4.5912, label="12 Chemin des Vergers 69510 Yzeron", postcode="69510", city="Yzeron"
    )
    assert ban.requests == [{"q": "12 chemin des Vergers 69510 Yzeron", "limit": "1", "postcode": "69510"}]


def test_it_looks_up_search_box_places_as_municipalities_and_remembers_them(ban):
    assert geocode_place("Yzeron").city == "Yzeron"
    assert geocode_place("yzeron").city == "Yzeron"

    assert ban.requests == [{"q": "Yzeron", "type": "municipality", "limit": "1"}]


@pytest.mark.parametrize(
    "behaviour", ["no-result", "low-score", "error", "timeout", "malformed", "not-geojson"]
)
def test_it_returns_none_when_the_address_api_fails_or_finds_nothing(ban, behaviour):
    ban.behaviour = behaviour
    started = time.monotonic()

    assert geocode_address("12 chemin des Vergers", "69510", "Yzeron") is None
    assert geocode_place("Yzeron") is None
    assert time.monotonic() - started < 2  # the timeout is honoured
    assert len(ban.requests) == 2  # failures are not cached: the next search asks again


def test_it_places_a_lyon_address_in_its_arrondissement_from_the_postcode():
    seventh = geocode_address("", "69007", "Lyon")
    fourth = geocode_address("", "69004", "Lyon")

    assert (seventh.lat, seventh.lon) == (45.7456, 4.8424)
    assert (fourth.lat, fourth.lon) == (45.7786, 4.8272)
