"""/map/data.geojson: the markers of every map."""

import gzip
import json

import pytest

from cabas.enterprises.models import Enterprise, ModelPreset, Sells
from tests.factories import EnterpriseFactory, HubFactory

pytestmark = pytest.mark.django_db

URL = "/map/data.geojson"


def features(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {f["properties"]["slug"]: f for f in response.json()["features"]}


def test_it_returns_a_feature_collection_of_visible_located_enterprises(client):
    EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines", city="Yzeron")
    EnterpriseFactory(slug="masquee", visibility="hidden")
    EnterpriseFactory(slug="sans-position", lat=None, lon=None)

    response = client.get(URL)

    assert response["Content-Type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [4.5903, 45.7081]},
            "properties": {
                "name": "Ferme des Collines",
                "kind": "producer_shop",
                "kind_label": "Producteur en vente directe",
                "url": "/ferme-des-collines/",
                "slug": "ferme-des-collines",
                "city": "Yzeron",
            },
        }
    ]


def test_it_gives_each_kind_its_label(client):
    EnterpriseFactory(slug="producteur", model=ModelPreset.PRODUCER, is_producer=True, sells=Sells.NONE)
    HubFactory(slug="epicerie")
    EnterpriseFactory(slug="profil", is_producer=False, sells=Sells.OWN)

    found = features(client)

    assert {slug: f["properties"]["kind_label"] for slug, f in found.items()} == {
        "producteur": "Producteur",
        "epicerie": "Point de vente collectif",
        "profil": "Profil",
    }


def test_it_filters_by_kind(client):
    EnterpriseFactory(slug="ferme")
    HubFactory(slug="epicerie")

    assert set(features(client, kind="hub")) == {"epicerie"}
    assert set(features(client, kind="producer_shop")) == {"ferme"}


def test_it_filters_by_distance_from_a_point(client):
    EnterpriseFactory(slug="yzeron")  # 45.7081, 4.5903
    HubFactory(slug="craponne", city="Craponne", lat=45.7453, lon=4.7236)  # about 11 km east
    EnterpriseFactory(slug="paris", lat=48.8566, lon=2.3522)

    assert set(features(client, near="45.7081,4.5903", km="5")) == {"yzeron"}
    assert set(features(client, near="45.7081,4.5903", km="12")) == {"yzeron", "craponne"}
    assert set(features(client, near="45.7081,4.5903")) == {"yzeron", "craponne"}  # 20 km by default
    assert set(features(client, near="45.7081,4.5903", km="500")) == {"yzeron", "craponne", "paris"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "lyon"}, "Le paramètre near doit être « latitude,longitude »"),
        ({"near": "45.7"}, "Le paramètre near doit être « latitude,longitude »"),
        ({"near": "91,4.8"}, "Le paramètre near doit être « latitude,longitude »"),
        ({"near": "nan,4.8"}, "Le paramètre near doit être « latitude,longitude »"),
        ({"near": "45.7,4.8", "km": "beaucoup"}, "Le rayon km doit être un nombre de kilomètres"),
        ({"near": "45.7,4.8", "km": "-3"}, "Le rayon km doit être un nombre de kilomètres"),
        ({"near": "45.7,4.8", "km": "0"}, "Le rayon km doit être un nombre de kilomètres"),
        ({"near": "45.7,4.8", "km": "inf"}, "Le rayon km doit être un nombre de kilomètres"),
        ({"near": "45.7,4.8", "km": "5000"}, "Le rayon km doit être un nombre de kilomètres"),
        ({"kind": "ferme"}, "Type inconnu « ferme »"),
    ],
)
def test_it_refuses_bad_filters_with_a_french_message(client, params, message):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_it_lets_browsers_cache_the_answer_for_a_minute(client):
    response = client.get(URL)

    # private: labels are in the visitor's language, a shared cache must not mix them up
    assert "private" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_it_is_not_shadowed_by_the_enterprise_page(client):
    EnterpriseFactory(slug="map")

    assert client.get(URL)["Content-Type"].startswith("application/geo+json")


def test_it_answers_for_5000_enterprises_in_at_most_3_queries(client, django_assert_max_num_queries):
    Enterprise.objects.bulk_create(
        Enterprise(
            slug=f"ferme-{i}",
            name=f"Ferme {i}",
            model=ModelPreset.FARM_SALE,
            is_producer=True,
            sells=Sells.OWN,
            city="Yzeron",
            lat=43 + (i % 100) * 0.05,
            lon=(i // 100) * 0.1,
            visibility="hidden" if i % 50 == 0 else "public",
        )
        for i in range(5000)
    )

    with django_assert_max_num_queries(3):
        response = client.get(URL)
    with django_assert_max_num_queries(3):
        near = client.get(URL, {"near": "45,2", "km": "50", "kind": "producer_shop"})

    assert len(response.json()["features"]) == 4900
    assert 0 < len(near.json()["features"]) < 4900


def test_it_compresses_the_answer_for_browsers_that_accept_gzip(client):
    EnterpriseFactory.create_batch(30)

    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 30
