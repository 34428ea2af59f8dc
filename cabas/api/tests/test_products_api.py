"""The products API: a producer's public catalogue, and writes with the back-office's rules."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.accounts.models import ApiToken
from cabas.catalogue.models import Category, Label, Product, TaxRate, Variant
from cabas.enterprises.models import Relationship, VatRegime
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def list_url(slug="ferme-des-collines"):
    return f"/api/v1/enterprises/{slug}/products"


def product_url(product):
    return f"/api/v1/products/{product.uuid}"


@pytest.fixture
def catalogue(enterprise):
    """Tomatoes (two sizes, one archived), a variable-weight cheese, an archived jam."""
    tomatoes = ProductFactory(producer=enterprise, name="Tomates anciennes", description="Cœur de bœuf")
    tomatoes.labels.set(Label.objects.filter(slug__in=["ab"]))
    VariantFactory(product=tomatoes, unit="g", quantity=Decimal("500"), price=Decimal("3.20"), on_hand=8)
    VariantFactory(
        product=tomatoes, unit="kg", quantity=Decimal("1"), price=Decimal("6.00"), archived_at=timezone.now()
    )
    cheese = ProductFactory(
        producer=enterprise, name="Tomme", category=Category.objects.get(slug="fromages-affines")
    )
    VariantFactory(
        product=cheese,
        unit="g",
        quantity=Decimal("300"),
        price=Decimal("24.00"),
        variable_weight=True,
        tax_rate=TaxRate.objects.get(rate=Decimal("5.5")),
    )
    jam = ProductFactory(producer=enterprise, name="Confiture", archived_at=timezone.now())
    VariantFactory(product=jam, unit="g", quantity=Decimal("350"), price=Decimal("5.50"))
    return tomatoes, cheese, jam


def names(response):
    return [item["name"] for item in response.json()["items"]]


# --- reading ----------------------------------------------------------------------------------


def test_it_lists_the_active_products_with_their_variants(client, enterprise, catalogue):
    enterprise.vat_regime = VatRegime.FRANCHISE
    enterprise.save()

    response = client.get(list_url())

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert names(response) == ["Tomates anciennes", "Tomme"]
    tomatoes = body["items"][0]
    assert tomatoes["producer"] == "ferme-des-collines"
    assert tomatoes["category"]["slug"] == "tomates"
    assert tomatoes["category"]["name"] == "Tomates"
    assert tomatoes["labels"] == ["ab"]
    assert tomatoes["vat_note"] == "TVA non applicable, art. 293 B du CGI"
    assert len(tomatoes["variants"]) == 1
    variant = tomatoes["variants"][0]
    assert variant["unit_display"] == "500 g"
    assert variant["quantity"] == "500"
    assert variant["price"] == "3.20"
    assert variant["price_per_unit"] == "6.40"
    assert variant["reference_unit"] == "kg"
    assert variant["tax_rate"] == "5.5"
    assert variant["on_hand"] == 8
    cheese = body["items"][1]["variants"][0]
    assert (cheese["variable_weight"], cheese["price_per_unit"], cheese["estimated_price"]) == (
        True,
        "24.00",
        "7.20",
    )


def test_it_sends_money_as_strings_never_as_numbers(client, catalogue):
    raw = client.get(list_url()).content.decode()

    assert '"price": "3.20"' in raw or '"price":"3.20"' in raw
    assert not any(isinstance(v, float) for v in _walk(json.loads(raw)))


def _walk(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def test_it_filters_by_category_including_subcategories_and_by_name(client, catalogue):
    assert names(client.get(list_url(), {"category": "fromages-affines"})) == ["Tomme"]
    assert names(client.get(list_url(), {"category": "legumes"})) == ["Tomates anciennes"]
    assert names(client.get(list_url(), {"q": "TOM"})) == ["Tomates anciennes", "Tomme"]
    assert names(client.get(list_url(), {"category": "inconnue"})) == []


def test_it_names_categories_in_the_language_of_the_request(client, catalogue):
    response = client.get(list_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["items"][0]["category"]["name"] == "Tomatoes"


def test_it_hides_a_hidden_producer_from_the_public(client, enterprise, catalogue):
    enterprise.visibility = "hidden"
    enterprise.save()

    response = client.get(list_url())

    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_it_shows_archived_products_to_a_manager_who_asks(client, manager, catalogue):
    response = client.get(list_url(), {"archived": "true"}, **bearer(manager))

    assert names(response) == ["Confiture", "Tomates anciennes", "Tomme"]
    tomatoes = response.json()["items"][1]
    assert [v["archived"] for v in tomatoes["variants"]] == [False, True]


def test_it_shows_archived_products_to_a_hub_that_manages_them(client, enterprise, catalogue):
    hub = HubFactory()
    RelationshipFactory(
        grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
    )
    hub_manager = RoleFactory(enterprise=hub, role="manager").user

    response = client.get(list_url(), {"archived": "true"}, **bearer(hub_manager))

    assert response.json()["count"] == 3


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "outsider"])
def test_it_refuses_archived_products_to_others(client, catalogue, volunteer, outsider, who):
    headers = {} if who == "anonymous" else bearer({"volunteer": volunteer, "outsider": outsider}[who])

    response = client.get(list_url(), {"archived": "true"}, **headers)

    assert response.status_code == 403
    assert "gestionnaires" in response.json()["detail"]


def test_it_lists_a_page_in_a_constant_number_of_queries(
    client, enterprise, manager, django_assert_num_queries
):
    for n in range(30):
        product = ProductFactory(producer=enterprise, name=f"Produit {n:02}")
        product.labels.set(Label.objects.filter(slug__in=["ab", "hve"]))
        for size in (250, 500, 1000):
            VariantFactory(product=product, quantity=size)
    headers = bearer(manager)

    with django_assert_num_queries(6):  # producer, count, products, variants, labels, photos
        response = client.get(list_url(), {"limit": 25})
    assert len(response.json()["items"]) == 25

    # With a token: + the token, its last use, the caller's roles.
    with django_assert_num_queries(9):
        response = client.get(list_url(), {"limit": 25, "archived": "true"}, **headers)
    assert len(response.json()["items"]) == 25


def test_it_shows_one_product(client, catalogue):
    tomatoes = catalogue[0]

    response = client.get(product_url(tomatoes))

    assert response.status_code == 200
    assert response.json()["uuid"] == str(tomatoes.uuid)
    assert [v["unit_display"] for v in response.json()["variants"]] == ["500 g"]


def test_it_hides_an_archived_product_from_the_public(client, manager, catalogue):
    jam = catalogue[2]

    assert client.get(product_url(jam)).status_code == 404
    assert client.get(product_url(jam), **bearer(manager)).json()["archived"] is True
    assert client.get("/api/v1/products/pas-un-uuid").status_code == 404


# --- writing ----------------------------------------------------------------------------------


def new_product(**overrides):
    body = {
        "name": "Carottes nouvelles",
        "category": "legumes-racines",
        "description": "En botte, avec les fanes",
        "labels": ["ab"],
        "variants": [
            {"unit": "item", "quantity": "1", "unit_name": "botte", "price": "2.50", "on_hand": 20},
            {"unit": "kg", "quantity": "1", "price": "3.00", "on_demand": True, "tax_rate": "5.5"},
        ],
    }
    body.update(overrides)
    return body


def post(client, body, headers, slug="ferme-des-collines"):
    return client.post(list_url(slug), json.dumps(body), content_type="application/json", **headers)


def patch(client, product, body, headers):
    return client.patch(product_url(product), json.dumps(body), content_type="application/json", **headers)


def test_it_creates_a_product_with_its_variants(client, manager, enterprise):
    response = post(client, new_product(), bearer(manager))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Carottes nouvelles"
    assert [v["unit_display"] for v in body["variants"]] == ["1 botte", "1 kg"]
    product = Product.objects.get(uuid=body["uuid"])
    assert product.producer == enterprise
    assert list(product.labels.values_list("slug", flat=True)) == ["ab"]
    assert product.variants.get(unit="item").price == Decimal("2.50")


def test_it_lets_a_hub_that_manages_the_products_create_one(client, enterprise):
    hub = HubFactory()
    RelationshipFactory(
        grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
    )
    hub_owner = RoleFactory(enterprise=hub, role="owner").user

    assert post(client, new_product(), bearer(hub_owner)).status_code == 201


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (new_product(name=""), "name", "Ce champ ne peut pas être vide."),
        (new_product(category="patates"), "category", "Catégorie inconnue : « patates »."),
        (new_product(labels=["bio-de-chez-moi"]), "labels", "Label inconnu : bio-de-chez-moi."),
        (new_product(variants=[]), "variants", "Au moins 1 élément est attendu."),
        (
            new_product(variants=[{"quantity": "1", "price": "-2"}]),
            "variants.0.price",
            "La valeur doit être supérieure ou égale à 0.",
        ),
        (
            new_product(variants=[{"quantity": "1", "price": "2.555"}]),
            "variants.0.price",
            "2 chiffres après la virgule au maximum.",
        ),
        (
            new_product(variants=[{"quantity": "1", "price": 2.5}]),
            "variants.0.price",
            "Envoyez les montants et quantités en texte (ex. « 3.20 ») : un nombre à virgule flottante "
            "n'est pas exact au centime.",
        ),
        (new_product(variants=[{"quantity": "1"}]), "variants.0.price", "Ce champ est obligatoire."),
        (
            new_product(variants=[{"quantity": "0", "price": "2"}]),
            "variants.0.quantity",
            "La valeur doit être strictement supérieure à 0.",
        ),
        (
            new_product(variants=[{"unit": "boisseau", "quantity": "1", "price": "2"}]),
            "variants.0.unit",
            "Valeur inconnue. Valeurs possibles : g, kg, ml, cl, dl, l, item.",
        ),
        (
            new_product(variants=[{"quantity": "1", "price": "2", "tax_rate": "7"}]),
            "variants.0.tax_rate",
            "Taux de TVA inconnu : choisissez 0, 5.5, 10 ou 20.",
        ),
        (
            new_product(variants=[{"quantity": "1", "price": "2", "on_hand": -1}]),
            "variants.0.on_hand",
            "La valeur doit être supérieure ou égale à 0.",
        ),
    ],
)
def test_it_answers_422_with_the_field_and_a_french_message(client, manager, body, field, message):
    response = post(client, body, bearer(manager))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"field": field, "message": message} in [{k: e[k] for k in ("field", "message")} for e in errors]
    assert not Product.objects.exists()


def test_it_reports_a_rule_of_the_catalogue_as_422(client, manager):
    body = new_product(variants=[{"unit": "item", "quantity": "1", "price": "2", "variable_weight": True}])

    response = post(client, body, bearer(manager))

    assert response.status_code == 422
    assert "poids variable" in response.json()["detail"]
    assert not Product.objects.exists()


def test_it_hides_a_producer_from_an_outsider_who_writes(client, outsider, enterprise):
    response = post(client, new_product(), bearer(outsider))

    assert response.status_code == 404
    assert not Product.objects.exists()


def test_it_refuses_a_volunteer_with_403(client, volunteer):
    response = post(client, new_product(), bearer(volunteer))

    assert response.status_code == 403
    assert "responsables et gestionnaires" in response.json()["detail"]


def test_it_needs_a_token_to_write(client, enterprise):
    response = post(client, new_product(), {})

    assert response.status_code == 401
    assert "jeton" in response.json()["detail"]


def test_it_updates_the_price_and_stock_of_a_variant(client, manager, catalogue):
    tomatoes = catalogue[0]
    variant = tomatoes.variants.get(archived_at__isnull=True)

    response = patch(
        client,
        tomatoes,
        {
            "description": "Variété ancienne",
            "variants": [{"uuid": str(variant.uuid), "price": "3.40", "on_hand": 3}],
        },
        bearer(manager),
    )

    assert response.status_code == 200, response.json()
    variant.refresh_from_db()
    tomatoes.refresh_from_db()
    assert (variant.price, variant.on_hand, variant.unit, variant.quantity) == (Decimal("3.40"), 3, "g", 500)
    assert tomatoes.description == "Variété ancienne"
    assert tomatoes.name == "Tomates anciennes"  # not sent: unchanged


def test_it_adds_and_archives_variants_in_a_patch(client, manager, catalogue):
    tomatoes = catalogue[0]
    variant = tomatoes.variants.get(archived_at__isnull=True)

    response = patch(
        client,
        tomatoes,
        {
            "variants": [
                {"uuid": str(variant.uuid), "archive": True},
                {"unit": "kg", "quantity": "2", "price": "11"},
            ]
        },
        bearer(manager),
    )

    assert response.status_code == 200, response.json()
    variant.refresh_from_db()
    assert variant.archived_at is not None
    assert tomatoes.variants.filter(archived_at__isnull=True).get().measure.display() == "2 kg"


def test_it_refuses_a_variant_of_another_product_and_changes_nothing(client, manager, catalogue):
    tomatoes, cheese, _ = catalogue
    other = cheese.variants.get()

    response = patch(
        client,
        tomatoes,
        {"name": "Nouveau nom", "variants": [{"uuid": str(other.uuid), "price": "1"}]},
        bearer(manager),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "variants.0.uuid"
    tomatoes.refresh_from_db()
    assert tomatoes.name == "Tomates anciennes"
    assert Variant.objects.get(pk=other.pk).price == Decimal("24.00")


def test_it_needs_a_price_for_a_new_variant_in_a_patch(client, manager, catalogue):
    response = patch(client, catalogue[0], {"variants": [{"unit": "kg", "quantity": "2"}]}, bearer(manager))

    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "variants.0.price",
        "message": "Ce champ est obligatoire pour une nouvelle variante.",
        "type": "invalid",
    }


def test_it_applies_the_same_access_rules_to_patch(client, volunteer, outsider, catalogue):
    tomatoes = catalogue[0]

    assert patch(client, tomatoes, {"name": "X"}, bearer(outsider)).status_code == 404
    assert patch(client, tomatoes, {"name": "X"}, bearer(volunteer)).status_code == 403
    other_hub = HubFactory()
    RelationshipFactory(
        grantor=tomatoes.producer,
        grantee=other_hub,
        status=Relationship.Status.ACCEPTED,
        manage_products=False,
        add_to_cycles=True,
    )
    seller = RoleFactory(enterprise=other_hub, role="owner").user
    assert patch(client, tomatoes, {"name": "X"}, bearer(seller)).status_code == 404
    tomatoes.refresh_from_db()
    assert tomatoes.name == "Tomates anciennes"


def test_it_hides_the_products_of_another_producer_from_its_writers(client, outsider):
    foreign = ProductFactory(producer=EnterpriseFactory())

    assert patch(client, foreign, {"name": "X"}, bearer(outsider)).status_code == 404
