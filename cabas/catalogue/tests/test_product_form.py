from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.catalogue.models import Label, Product, Variant
from cabas.enterprises.models import Relationship, Role
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def management(total, initial=0):
    return {
        "variants-TOTAL_FORMS": str(total),
        "variants-INITIAL_FORMS": str(initial),
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
    }


def variant_fields(index, **fields):
    defaults = {"quantity": "500", "unit": "g", "price": "3,20", "on_hand": "10"}
    return {f"variants-{index}-{k}": v for k, v in {**defaults, **fields}.items()}


def product_post(**fields):
    return {"name": "Tomates anciennes", "category": "tomates", **fields}


def new_url(enterprise):
    return reverse("catalogue:product_new", args=[enterprise.slug])


def edit_url(enterprise, product):
    return reverse("catalogue:product_edit", args=[enterprise.slug, product.uuid])


def test_it_creates_a_product_with_two_variants_and_a_label(client_for, manager, enterprise):
    ab = Label.objects.get(slug="ab")
    data = {
        **product_post(labels=[str(ab.pk)], allergens="", conservation="Au frais"),
        **management(2),
        **variant_fields(0),
        **variant_fields(
            1, quantity="1", unit="kg", price="6", tax_rate="tva-20", sku="TOM-1KG", low_stock_threshold="3"
        ),
    }

    response = client_for(manager).post(new_url(enterprise), data)

    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(enterprise, product)
    assert product.producer == enterprise
    assert product.conservation == "Au frais"
    assert list(product.labels.all()) == [ab]
    kilo = product.variants.get(unit="kg")
    assert (kilo.sku, kilo.price, kilo.tax_rate.slug, kilo.low_stock_threshold) == (
        "TOM-1KG",
        Decimal("6.00"),
        "tva-20",
        3,
    )


def test_it_ignores_the_blank_extra_variant(client_for, manager, enterprise):
    data = {**product_post(), **management(2), **variant_fields(0), "variants-1-unit": "g"}

    client_for(manager).post(new_url(enterprise), data)

    assert Variant.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "-2"}, "Le prix doit être un nombre positif, ex. 3,50"),
        ({"price": "trois"}, "Le prix doit être un nombre positif, ex. 3,50"),
        ({"quantity": "0"}, "La quantité doit être un nombre positif, ex. 500 ou 1,5"),
        ({"on_hand": "-1"}, "Le stock doit être un nombre entier positif ou nul, ex. 12"),
        (
            {"unit": "item", "variable_weight": "on"},
            "Un produit à poids variable se vend au kilo ou au litre",
        ),
    ],
)
def test_it_shows_french_errors_and_creates_nothing(client_for, manager, enterprise, fields, message):
    data = {**product_post(), **management(1), **variant_fields(0, **fields)}

    response = client_for(manager).post(new_url(enterprise), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()


def test_it_asks_for_a_name_a_category_and_a_variant(client_for, manager, enterprise):
    data = {"name": "", "category": "", **management(1), "variants-0-unit": "g"}

    html = client_for(manager).post(new_url(enterprise), data).content.decode()

    assert "Donnez un nom au produit." in html
    assert "Choisissez une catégorie." in html
    assert "Ajoutez au moins une variante (taille et prix)." in html
    assert not Product.objects.exists()


def test_it_shows_the_category_default_tax_rate_and_the_vat_franchise(client_for, manager, enterprise):
    enterprise.vat_regime = "franchise"
    enterprise.save()
    product = ProductFactory(producer=enterprise)
    VariantFactory(product=product)

    html = client_for(manager).get(edit_url(enterprise, product)).content.decode()

    assert "Taux par défaut de la catégorie (5,5\u00a0%)" in html
    assert "TVA non applicable, art. 293 B du CGI" in html


def test_it_shows_the_unit_price_of_saved_variants_without_javascript(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise)
    VariantFactory(product=product, unit="g", quantity=Decimal("500"), price=Decimal("3.20"))

    html = client_for(manager).get(edit_url(enterprise, product)).content.decode()

    assert "soit 6,40\u00a0€/kg" in html
    assert "3,20" in html


def test_it_edits_a_product_and_its_variants(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates")
    variant = VariantFactory(product=product)
    data = {
        **product_post(name="Tomates cerises", category="salades"),
        **management(2, initial=1),
        **variant_fields(0, uuid=str(variant.uuid), price="4,10", on_hand="3"),
        **variant_fields(1, quantity="1", unit="kg", price="7"),
    }

    response = client_for(manager).post(edit_url(enterprise, product), data)

    assert response.status_code == 302
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.name, product.category.slug) == ("Tomates cerises", "salades")
    assert (variant.price, variant.on_hand) == (Decimal("4.10"), 3)
    assert product.variants.count() == 2


def test_it_archives_a_variant_from_the_form(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise)
    a, b = VariantFactory(product=product), VariantFactory(product=product)
    data = {
        **product_post(),
        **management(2, initial=2),
        **variant_fields(0, uuid=str(a.uuid)),
        **variant_fields(1, uuid=str(b.uuid), archive="on"),
    }

    client_for(manager).post(edit_url(enterprise, product), data)

    b.refresh_from_db()
    assert b.archived_at is not None
    assert Variant.objects.filter(pk=b.pk).exists()


def test_it_changes_nothing_when_the_edit_is_wrong(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates")
    variant = VariantFactory(product=product)
    data = {
        **product_post(name="Autre"),
        **management(1, initial=1),
        **variant_fields(0, uuid=str(variant.uuid), price="-1"),
    }

    response = client_for(manager).post(edit_url(enterprise, product), data)

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "Tomates"


def test_it_refuses_a_variant_of_another_product_smuggled_into_the_form(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates")
    foreign = VariantFactory(price=Decimal("3.20"))
    data = {
        **product_post(name="Autre"),
        **management(1, initial=1),
        **variant_fields(0, uuid=str(foreign.uuid), price="0"),
    }

    html = client_for(manager).post(edit_url(enterprise, product), data).content.decode()

    assert "Cette variante n&#x27;appartient pas à ce produit." in html
    foreign.refresh_from_db()
    product.refresh_from_db()
    assert foreign.price == Decimal("3.20")
    assert product.name == "Tomates"


def test_it_previews_the_unit_price_while_typing(client_for, manager, enterprise):
    preview = reverse("catalogue:product_preview", args=[enterprise.slug])
    data = {"variants-0-price": "3,20", "variants-0-quantity": "500", "variants-0-unit": "g"}

    response = client_for(manager).post(f"{preview}?prefix=variants-0", data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.decode().strip() == "soit 6,40\u00a0€/kg"


def test_it_previews_nothing_for_incomplete_or_odd_input(client_for, manager, enterprise):
    preview = reverse("catalogue:product_preview", args=[enterprise.slug])
    client = client_for(manager)

    incomplete = client.post(f"{preview}?prefix=variants-0", {"variants-0-price": "3"})
    odd_prefix = client.post(f"{preview}?prefix=<script>", {"<script>-price": "3"})

    assert incomplete.content.decode().strip() == ""
    assert odd_prefix.content.decode().strip() == ""


def test_it_duplicates_archives_and_brings_back_a_product(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Confiture")
    VariantFactory(product=product, sku="CONF", on_hand=9)
    client = client_for(manager)

    response = client.post(reverse("catalogue:product_duplicate", args=[enterprise.slug, product.uuid]))
    copy = Product.objects.get(name="Confiture (copie)")
    assert response["Location"] == edit_url(enterprise, copy)
    assert copy.variants.get().sku == "CONF-copie"

    client.post(reverse("catalogue:product_archive", args=[enterprise.slug, product.uuid]))
    product.refresh_from_db()
    assert product.archived_at is not None

    client.post(reverse("catalogue:product_unarchive", args=[enterprise.slug, product.uuid]))
    product.refresh_from_db()
    assert product.archived_at is None
    assert Product.objects.count() == 2


def test_it_lets_a_granted_hub_create_and_edit_for_its_producers(client):
    hub = HubFactory()
    farm_a, farm_b = EnterpriseFactory(name="Ferme A"), EnterpriseFactory(name="Ferme B")
    for farm in (farm_a, farm_b):
        RelationshipFactory(
            grantor=farm, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
        )
    client.force_login(RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user)

    missing = client.post(new_url(hub), {**product_post(), **management(1), **variant_fields(0)})
    assert "Choisissez le producteur." in missing.content.decode()

    client.post(new_url(hub), {**product_post(producer=farm_b.slug), **management(1), **variant_fields(0)})

    product = Product.objects.get()
    assert product.producer == farm_b
    assert client.get(edit_url(hub, product)).status_code == 200


def test_it_answers_404_for_products_outside_what_the_enterprise_manages(client_for, manager, enterprise):
    other = VariantFactory(product__name="Pas à moi").product
    client = client_for(manager)

    assert client.get(edit_url(enterprise, other)).status_code == 404
    for name in ("product_duplicate", "product_archive", "product_unarchive"):
        assert (
            client.post(reverse(f"catalogue:{name}", args=[enterprise.slug, other.uuid])).status_code == 404
        )
    other.refresh_from_db()
    assert other.archived_at is None
    assert Product.objects.count() == 1


def test_it_answers_404_to_a_hub_once_the_producer_revoked_it(client, enterprise):
    product = VariantFactory(product__producer=enterprise).product
    hub = HubFactory()
    relationship = RelationshipFactory(
        grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
    )
    client.force_login(RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user)
    assert client.get(edit_url(hub, product)).status_code == 200

    relationship.status = Relationship.Status.REVOKED
    relationship.save()

    assert client.get(edit_url(hub, product)).status_code == 404
    archive = client.post(reverse("catalogue:product_archive", args=[hub.slug, product.uuid]))
    assert archive.status_code == 404
    product.refresh_from_db()
    assert product.archived_at is None


def test_it_explains_to_a_hub_without_producers_how_to_get_some(client):
    hub = HubFactory()
    client.force_login(RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user)

    html = client.get(new_url(hub)).content.decode()

    assert "Gérer les produits du producteur" in html
