"""/map/: the full map, its list alternative and its filters (which work without JavaScript)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from tests.factories import EnterpriseFactory, HubFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_it_loads_leaflet_and_the_map_script_from_static_files(client):
    html = text(client.get("/map/"))

    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in html
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "js/map.js",
        "vendor/leaflet/images/marker-icon.png",
        "css/public.css",
    ):
        assert finders.find(path), path


def test_it_passes_everything_the_map_needs_through_data_attributes(client):
    html = text(client.get("/map/"))

    assert 'data-geojson-url="/map/data.geojson"' in html
    assert 'data-icon-url="/static/vendor/leaflet/images/marker-icon.png"' in html
    assert 'data-tile-url=""' in html  # tests never fetch tiles
    assert 'role="region" aria-label="Carte des structures trouvées"' in html
    assert 'aria-live="polite"' in html


@override_settings(
    MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© Contributeurs"
)
def test_it_uses_the_tile_url_and_attribution_from_settings(client):
    html = text(client.get("/map/"))

    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Contributeurs"' in html


def test_it_lists_the_same_enterprises_under_the_map_as_an_accessible_alternative(client):
    EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")
    HubFactory(name="Épicerie du Marché", slug="epicerie-du-marche")
    EnterpriseFactory(name="Ferme masquée", visibility="hidden")

    html = text(client.get("/map/"))

    assert "Liste : 2 structures" in html
    farm = '<a href="/ferme-des-collines/">Ferme des Collines</a> — Producteur en vente directe, Yzeron'
    assert farm in html
    assert '<a href="/epicerie-du-marche/">Épicerie du Marché</a>' in html
    assert "Ferme masquée" not in html


def test_it_filters_the_map_and_the_list_by_kind_without_javascript(client):
    EnterpriseFactory(name="Ferme des Collines")
    HubFactory(name="Épicerie du Marché")

    html = text(client.get("/map/", {"kind": "hub"}))

    assert '<label for="id_kind">Type</label>' in html
    assert '<option value="hub" selected>' in html
    assert "Épicerie du Marché" in html
    assert "Ferme des Collines" not in html
    assert 'data-geojson-url="/map/data.geojson?kind=hub"' in html


def test_it_filters_the_map_around_a_place(client):
    EnterpriseFactory(name="Ferme des Collines")  # Yzeron
    HubFactory(name="Épicerie de Paris", city="Paris", lat=48.8566, lon=2.3522)

    html = text(client.get("/map/", {"place": "Yzeron", "km": "5"}))

    assert "Liste : 1 structure à moins de 5 km de Yzeron" in html
    assert "Épicerie de Paris" not in html
    assert re.search(r'data-geojson-url="/map/data.geojson\?near=45.70810%2C4.59030&amp;km=5"', html)


def test_it_explains_an_unknown_kind_or_place(client):
    html = text(client.get("/map/", {"kind": "ferme", "place": "Atlantide"}))

    assert "Sélectionnez un choix valide" in html
    assert "Nous ne trouvons pas « Atlantide ». Essayez un code postal." in html
    assert 'data-geojson-url="/map/data.geojson"' in html  # unfiltered rather than broken


def test_it_shows_a_map_on_home_network_and_enterprise_pages(client):
    farm = EnterpriseFactory(slug="la-ferme")
    network = NetworkFactory(slug="le-reseau")
    network.members.add(farm)

    for url in ("/", "/networks/le-reseau/", "/la-ferme/"):
        html = text(client.get(url))
        assert "data-map" in html, url
        assert "/static/js/map.js" in html, url
    # Small maps carry their markers: no extra request.
    assert "&quot;slug&quot;:&quot;la-ferme&quot;" in text(client.get("/la-ferme/"))
