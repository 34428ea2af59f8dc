"""Pickup points and home deliveries in the back-office: lists in a few queries, create, edit,
withdraw and put back, postcodes checked, French errors that change nothing."""

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.cycles.models import ShippingMethod
from tests.factories import EnterpriseFactory


def test_it_lists_pickup_points_and_deliveries(
    client_for, manager, enterprise, django_assert_max_num_queries
):
    ShippingMethod.objects.create(
        enterprise=enterprise,
        name="Retrait à la ferme",
        address="12 chemin des Vergers",
        weekday=4,
        opens_at=time(17, 30),
        closes_at=time(19),
    )
    ShippingMethod.objects.create(
        enterprise=enterprise,
        kind="delivery",
        name="Livraison Lyon 4e",
        postcodes="69004",
        fee=Decimal("4.50"),
        minimum_order=Decimal("30"),
    )
    ShippingMethod.objects.create(enterprise=EnterpriseFactory(), name="Retrait du voisin", address="x")
    client = client_for(manager)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("cycles:shipping", args=[enterprise.slug]))
    text = response.content.decode()
    assert "Retrait à la ferme" in text and "vendredi, 17:30 – 19:00" in text
    assert "Livraison Lyon 4e" in text and "4,50\u00a0€" in text and "minimum 30,00\u00a0€" in text
    assert "Retrait du voisin" not in text


def test_it_creates_a_pickup_point(client_for, manager, enterprise):
    url = reverse("cycles:shipping_new", args=[enterprise.slug, "pickup"])
    response = client_for(manager).post(
        url,
        {
            "name": "Halle",
            "address": "1 place du Marché",
            "postcode": "69100",
            "city": "Villeurbanne",
            "weekday": "2",
            "opens_at": "17:00",
            "closes_at": "19:30",
            "instructions": "Sous la halle",
        },
    )
    assert response.status_code == 302
    method = ShippingMethod.objects.get(enterprise=enterprise)
    assert (method.kind, method.weekday, method.opens_at, method.fee) == ("pickup", 2, time(17), 0)


def test_it_creates_a_delivery_with_its_zone_normalised(client_for, manager, enterprise):
    url = reverse("cycles:shipping_new", args=[enterprise.slug, "delivery"])
    response = client_for(manager).post(
        url,
        {
            "name": "Livraison Lyon",
            "postcodes": "69001 69004;69004,\n69005",
            "fee": "3,50",
            "fee_tax_rate": "tva-20",
            "minimum_order": "25",
        },
    )
    assert response.status_code == 302
    method = ShippingMethod.objects.get(enterprise=enterprise)
    assert method.postcodes == "69001, 69004, 69005"
    assert method.serves("69004") and not method.serves("69002")
    assert (method.fee, method.fee_tax_rate.rate, method.minimum_order) == (
        Decimal("3.50"),
        20,
        Decimal("25"),
    )


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (
            "delivery",
            {"postcodes": "69001, 6900, lyon"},
            "Ces codes postaux ne sont pas valides : 6900, lyon",
        ),
        ("delivery", {"postcodes": ""}, "Indiquez au moins un code postal desservi"),
        ("delivery", {"postcodes": "69001", "fee": "gratuit"}, "Le montant doit être un nombre positif"),
        ("pickup", {"address": ""}, "Indiquez l&#x27;adresse du point de retrait"),
        ("pickup", {"address": "1 rue", "postcode": "123"}, "Un code postal a 5 chiffres"),
        (
            "pickup",
            {"address": "1 rue", "opens_at": "19:00", "closes_at": "18:00"},
            "L&#x27;heure de fin doit être après",
        ),
        ("pickup", {"address": "1 rue", "opens_at": "25h"}, "Indiquez une heure"),
    ],
)
def test_it_refuses_bad_shipping_input_in_french(client_for, manager, enterprise, kind, data, message):
    url = reverse("cycles:shipping_new", args=[enterprise.slug, kind])
    response = client_for(manager).post(url, {"name": "Mode", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ShippingMethod.objects.exists()


def test_it_answers_404_for_an_unknown_kind(client_for, manager, enterprise):
    url = reverse("cycles:shipping_new", args=[enterprise.slug, "drone"])
    assert client_for(manager).get(url).status_code == 404


def test_it_edits_withdraws_and_offers_again_a_delivery(client_for, manager, enterprise):
    method = ShippingMethod.objects.create(
        enterprise=enterprise, kind="delivery", name="Livraison", postcodes="69001"
    )
    client = client_for(manager)
    page = client.get(reverse("cycles:shipping_edit", args=[enterprise.slug, method.uuid]))
    assert "69001" in page.content.decode()
    client.post(
        reverse("cycles:shipping_edit", args=[enterprise.slug, method.uuid]),
        {"name": "Livraison Lyon", "postcodes": "69001, 69002", "fee": "2"},
    )
    method.refresh_from_db()
    assert (method.name, method.postcodes, method.fee) == ("Livraison Lyon", "69001, 69002", Decimal("2.00"))
    client.post(reverse("cycles:shipping_deactivate", args=[enterprise.slug, method.uuid]))
    method.refresh_from_db()
    assert not method.active
    client.post(reverse("cycles:shipping_activate", args=[enterprise.slug, method.uuid]))
    method.refresh_from_db()
    assert method.active


def test_it_hides_another_enterprises_shipping_method(client_for, manager, enterprise):
    other = ShippingMethod.objects.create(enterprise=EnterpriseFactory(), name="Ailleurs", address="x")
    client = client_for(manager)
    assert client.get(reverse("cycles:shipping_edit", args=[enterprise.slug, other.uuid])).status_code == 404
    assert (
        client.post(reverse("cycles:shipping_deactivate", args=[enterprise.slug, other.uuid])).status_code
        == 404
    )


def test_it_shows_the_shipping_nav_entry_to_managers(client_for, manager, enterprise):
    text = client_for(manager).get(reverse("cycles:fees", args=[enterprise.slug])).content.decode()
    assert reverse("cycles:shipping", args=[enterprise.slug]) in text
