import pytest
from django.test import override_settings

from cabas.catalogue.models import Label
from cabas.enterprises.models import ModelPreset, Sells
from tests.factories import EnterpriseFactory, HubFactory, NetworkFactory

URL = "/api/v1/enterprises"


@pytest.fixture
def territory(db):
    """A producer in Yzeron (Monts du Lyonnais), a hub in Lyon, a hidden farm, a farm in Paris."""
    farm = EnterpriseFactory(
        name="Ferme des Collines", slug="ferme-des-collines", trade="maraîchage bio",
        short_description="Légumes de saison", postcode="69510", city="Yzeron", lat=45.7081, lon=4.5903,
        model=ModelPreset.PRODUCER, sells=Sells.NONE,
    )
    farm.labels.set(Label.objects.filter(slug__in=["ab", "nature-et-progres"]))
    hub = HubFactory(name="L'Épicerie de la Croix-Rousse", slug="epicerie-croix-rousse", city="Lyon",
                     postcode="69004", lat=45.7786, lon=4.8272)
    EnterpriseFactory(name="Ferme cachée", slug="ferme-cachee", visibility="hidden")
    EnterpriseFactory(name="Ferme de Paris", slug="ferme-de-paris", city="Paris", postcode="75001",
                      lat=48.8566, lon=2.3522)
    return farm, hub


def slugs(response):
    return [item["slug"] for item in response.json()["items"]]


@override_settings(SITE_URL="https://cabas.example.org")
def test_it_lists_public_enterprises_with_their_public_fields(client, territory):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert "ferme-cachee" not in slugs(response)
    farm = next(item for item in body["items"] if item["slug"] == "ferme-des-collines")
    assert farm == {
        "slug": "ferme-des-collines",
        "name": "Ferme des Collines",
        "kind": "producer",
        "kind_label": "Producteur",
        "model": "producer",
        "model_label": "Producteur",
        "is_producer": True,
        "sells": "none",
        "trade": "maraîchage bio",
        "city": "Yzeron",
        "postcode": "69510",
        "lat": 45.7081,
        "lon": 4.5903,
        "url": "https://cabas.example.org/ferme-des-collines/",
        "short_description": "Légumes de saison",
        "labels": ["ab", "nature-et-progres"],
        "distance_km": None,
    }


def test_it_filters_by_kind(client, territory):
    response = client.get(URL, {"kind": "hub"})

    assert slugs(response) == ["epicerie-croix-rousse"]


def test_it_explains_an_unknown_kind(client, territory):
    response = client.get(URL, {"kind": "supermarche"})

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Paramètres invalides : kind."
    assert body["errors"][0]["field"] == "kind"
    assert "producer, producer_shop, hub, profile" in body["errors"][0]["message"]


def test_it_searches_by_name_or_town(client, territory):
    assert slugs(client.get(URL, {"q": "yzeron"})) == ["ferme-des-collines"]
    assert slugs(client.get(URL, {"q": "Croix-Rousse"})) == ["epicerie-croix-rousse"]


def test_it_finds_enterprises_near_a_point_nearest_first(client, territory):
    response = client.get(URL, {"near": "45.7640,4.8357", "km": "30"})

    items = response.json()["items"]
    assert [i["slug"] for i in items] == ["epicerie-croix-rousse", "ferme-des-collines"]
    assert 1 < items[0]["distance_km"] < 3
    assert 15 < items[1]["distance_km"] < 25


def test_it_uses_a_20_km_radius_by_default(client, territory):
    # From Vaugneray: Yzeron is ~6 km away, the Croix-Rousse ~14 km, Paris ~400 km.
    response = client.get(URL, {"near": "45.7378,4.6561"})

    assert slugs(response) == ["ferme-des-collines", "epicerie-croix-rousse"]


def test_it_narrows_the_search_to_the_given_radius(client, territory):
    response = client.get(URL, {"near": "45.7378,4.6561", "km": "8"})

    assert slugs(response) == ["ferme-des-collines"]


@pytest.mark.parametrize("near", ["abc", "45.7", "91,4", "45.7,4.8,3", "nan,4", "٤٥,4", "1e1,4", " 45,4"])
def test_it_rejects_a_malformed_point_in_french(client, territory, near):
    response = client.get(URL, {"near": near})

    assert response.status_code == 422
    assert response.json()["detail"] == "Paramètres invalides : near."
    assert "latitude,longitude" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("km", ["0", "-3", "10000", "loin"])
def test_it_rejects_a_bad_radius(client, territory, km):
    response = client.get(URL, {"near": "45.76,4.83", "km": km})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "km"


def test_it_paginates_with_limit_and_offset(client, territory):
    first = client.get(URL, {"limit": 2})
    second = client.get(URL, {"limit": 2, "offset": 2})

    assert first.json()["count"] == 3
    assert len(first.json()["items"]) == 2
    assert len(second.json()["items"]) == 1
    assert not set(slugs(first)) & set(slugs(second))


def test_it_caps_the_page_size_at_200(client, territory):
    response = client.get(URL, {"limit": 500})

    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "limit",
        "message": "La valeur doit être inférieure ou égale à 200.",
        "type": "less_than_equal",
    }


def test_it_lists_in_constant_queries(client, db, django_assert_max_num_queries):
    labels = list(Label.objects.all()[:3])
    for n in range(30):
        EnterpriseFactory(name=f"Ferme {n:02}").labels.set(labels)

    with django_assert_max_num_queries(3):
        response = client.get(URL, {"limit": 200})

    assert len(response.json()["items"]) == 30
    assert all(len(item["labels"]) == 3 for item in response.json()["items"])


def test_it_lists_near_a_point_in_constant_queries(client, db, django_assert_max_num_queries):
    for n in range(30):
        EnterpriseFactory(name=f"Ferme {n:02}")

    with django_assert_max_num_queries(3):
        response = client.get(URL, {"near": "45.70,4.59", "km": "5"})

    assert response.json()["count"] == 30


@override_settings(SITE_URL="https://cabas.example.org")
def test_it_shows_one_enterprise_with_its_description_and_networks(client, territory):
    farm, hub = territory
    farm.description = "Nous cultivons 40 variétés de légumes sur 2 hectares."
    farm.website = "https://ferme-des-collines.fr"
    farm.save()
    network = NetworkFactory(
        name="Coopérative des Monts du Lyonnais", slug="monts-du-lyonnais", coordinator=hub
    )
    network.members.add(farm)

    response = client.get(f"{URL}/ferme-des-collines")

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Nous cultivons 40 variétés de légumes sur 2 hectares."
    assert body["website"] == "https://ferme-des-collines.fr"
    assert body["labels"] == ["ab", "nature-et-progres"]
    assert body["networks"] == [{
        "slug": "monts-du-lyonnais", "name": "Coopérative des Monts du Lyonnais",
        "url": "https://cabas.example.org/networks/monts-du-lyonnais/",
    }]


def test_it_hides_a_hidden_enterprise(client, territory):
    response = client.get(f"{URL}/ferme-cachee")

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_it_answers_404_for_an_unknown_slug(client, territory):
    assert client.get(f"{URL}/nexiste-pas").status_code == 404


def test_it_needs_no_authentication(client, territory):
    response = client.get(URL, HTTP_AUTHORIZATION="")

    assert response.status_code == 200


def test_it_never_gives_the_contact_email_of_an_enterprise(client, territory):
    farm, _hub = territory
    farm.email = "compte@ferme-des-collines.fr"
    farm.public_email = "bonjour@ferme-des-collines.fr"
    farm.save()

    listed = client.get(URL).content.decode()
    detail = client.get(f"{URL}/{farm.slug}").content.decode()

    assert client.get(f"{URL}/{farm.slug}").status_code == 200
    assert "compte@ferme-des-collines.fr" not in listed and "compte@ferme-des-collines.fr" not in detail
