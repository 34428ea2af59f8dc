"""enterprise_search: the one search behind the lists, the map and the API."""

import pytest

from cabas.enterprises.models import ModelPreset, Sells
from cabas.enterprises.search import Near, enterprise_search
from cabas.lib.geo import haversine_km
from tests.factories import EnterpriseFactory, HubFactory

pytestmark = pytest.mark.django_db

YZERON = (45.7081, 4.5903)


def names(qs) -> set[str]:
    return {e.name for e in qs}


@pytest.fixture
def territory(db):
    return {
        "yzeron": EnterpriseFactory(name="Ferme des Collines", trade="élevage caprin"),
        "thurins": EnterpriseFactory(
            name="Vergers de Thurins",
            trade="arboriculture",
            city="Thurins",
            postcode="69510",
            lat=45.6817,
            lon=4.6406,
        ),
        "mornant": EnterpriseFactory(
            name="Le Fournil",
            model=ModelPreset.PRODUCER,
            sells=Sells.NONE,
            trade="boulangerie",
            city="Mornant",
            postcode="69440",
            lat=45.6189,
            lon=4.6719,
        ),
        "lyon": HubFactory(name="Épicerie de la Croix-Rousse", trade="épicerie"),
        "hidden": EnterpriseFactory(name="Ferme Cachée", city="Yzeron", visibility="hidden"),
        "paris": HubFactory(name="Marché de Paris", city="Paris", postcode="75001", lat=48.8566, lon=2.3522),
    }


def test_it_finds_by_name_case_insensitively(territory):
    assert names(enterprise_search(q="fournil")) == {"Le Fournil"}
    assert names(enterprise_search(q="VERGERS")) == {"Vergers de Thurins"}


def test_it_finds_by_town_trade_and_postcode_prefix(territory):
    assert names(enterprise_search(q="Mornant")) == {"Le Fournil"}
    assert names(enterprise_search(q="arboriculture")) == {"Vergers de Thurins"}
    assert names(enterprise_search(q="69510")) == {"Ferme des Collines", "Vergers de Thurins"}
    assert names(enterprise_search(q="694")) == {"Le Fournil"}
    assert names(enterprise_search(q="69")) == {
        "Ferme des Collines",
        "Vergers de Thurins",
        "Le Fournil",
        "Épicerie de la Croix-Rousse",
    }


def test_it_requires_every_word_to_match_somewhere(territory):
    assert names(enterprise_search(q="vergers thurins")) == {"Vergers de Thurins"}
    assert names(enterprise_search(q="vergers mornant")) == set()


def test_it_keeps_enterprises_inside_the_radius_and_drops_those_outside(territory):
    inside = enterprise_search(near=Near(*YZERON, km=10))

    assert [e.name for e in inside] == ["Ferme des Collines", "Vergers de Thurins"]  # nearest first
    assert names(enterprise_search(near=Near(*YZERON, km=15))) == {
        "Ferme des Collines",
        "Vergers de Thurins",
        "Le Fournil",
    }
    assert "Marché de Paris" in names(enterprise_search(near=Near(*YZERON, km=500)))


def test_it_annotates_the_distance_in_km(territory):
    thurins = enterprise_search(q="Thurins", near=Near(*YZERON, km=10)).get()

    assert thurins.distance_km == pytest.approx(haversine_km(*YZERON, 45.6817, 4.6406), abs=0.01)
    assert 4.5 < thurins.distance_km < 5.5


def test_it_filters_by_kind(territory):
    assert names(enterprise_search(kind="hub")) == {"Épicerie de la Croix-Rousse", "Marché de Paris"}
    assert names(enterprise_search(kind="producer")) == {"Le Fournil"}
    assert names(enterprise_search(kind="producer_shop")) == {"Ferme des Collines", "Vergers de Thurins"}
    with pytest.raises(ValueError):
        enterprise_search(kind="ferme")


def test_it_combines_name_kind_and_place(territory):
    found = enterprise_search(q="ferme", kind="producer_shop", near=Near(*YZERON, km=20))

    assert names(found) == {"Ferme des Collines"}


def test_it_never_returns_hidden_enterprises(territory):
    for criteria in (
        {},
        {"q": "Cachée"},
        {"q": "Yzeron"},
        {"kind": "producer_shop"},
        {"near": Near(*YZERON, km=1)},
    ):
        assert "Ferme Cachée" not in names(enterprise_search(**criteria)), criteria


def test_it_skips_enterprises_without_position_when_searching_near(territory):
    EnterpriseFactory(name="Ferme sans position", lat=None, lon=None)

    assert "Ferme sans position" in names(enterprise_search())
    assert "Ferme sans position" not in names(enterprise_search(near=Near(*YZERON, km=500)))
