from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Category, Label, Product, Variant
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


def url(enterprise, **params):
    from urllib.parse import urlencode

    base = reverse("catalogue:products", args=[enterprise.slug])
    return f"{base}?{urlencode(params)}" if params else base


def hub_manager_of(producer, **relationship):
    hub = HubFactory(name="Épicerie du Plateau")
    fields = {"status": Relationship.Status.ACCEPTED, "manage_products": True, **relationship}
    RelationshipFactory(grantor=producer, grantee=hub, **fields)
    return hub, RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user


def test_it_lists_products_with_sizes_prices_and_prices_per_unit(client_for, manager, enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates anciennes")
    VariantFactory(product=product, unit="g", quantity=Decimal("500"), price=Decimal("3.20"), on_hand=8)
    VariantFactory(
        product=product,
        unit="item",
        quantity=Decimal("6"),
        unit_name="œufs",
        price=Decimal("3"),
        on_demand=True,
    )

    response = client_for(manager).get(url(enterprise))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tomates anciennes" in html
    assert "500 g" in html
    assert "3,20\u00a0€" in html
    assert "6,40\u00a0€/kg" in html
    assert "6 œufs" in html
    assert "0,50\u00a0€/pièce" in html
    assert "à la demande" in html
    assert 'aria-current="page">Produits<' in html


def test_it_shows_variable_weight_prices_per_kilo_with_the_estimated_piece_price(
    client_for, manager, enterprise
):
    VariantFactory(
        product__producer=enterprise,
        variable_weight=True,
        unit="kg",
        quantity=Decimal("1.2"),
        price=Decimal("24"),
    )

    html = client_for(manager).get(url(enterprise)).content.decode()

    assert "24,00\u00a0€/kg" in html
    assert "≈ 28,80\u00a0€ la pièce" in html


def test_it_flags_low_stock_out_of_stock_and_archived_products(client_for, manager, enterprise):
    VariantFactory(product__producer=enterprise, on_hand=2, low_stock_threshold=5)
    VariantFactory(product__producer=enterprise, on_hand=0)

    html = client_for(manager).get(url(enterprise)).content.decode()
    assert "stock bas" in html
    assert "rupture" in html

    Product.objects.update(archived_at=timezone.now())
    html = client_for(manager).get(url(enterprise, archived="archived")).content.decode()
    assert "archivé" in html


def test_it_reminds_a_producer_under_the_vat_franchise(client_for, manager, enterprise):
    enterprise.vat_regime = "franchise"
    enterprise.save()

    html = client_for(manager).get(url(enterprise)).content.decode()

    assert "TVA non applicable, art. 293 B du CGI" in html


def test_it_searches_by_name_and_by_sku(client_for, manager, enterprise):
    VariantFactory(product__producer=enterprise, product__name="Miel de lavande", sku="MIEL-LAV")
    VariantFactory(product__producer=enterprise, product__name="Confiture de fraises", sku="CONF-01")
    client = client_for(manager)

    by_name = client.get(url(enterprise, q="lavande")).content.decode()
    by_sku = client.get(url(enterprise, q="conf-01")).content.decode()

    assert "Miel de lavande" in by_name and "Confiture de fraises" not in by_name
    assert "Confiture de fraises" in by_sku and "Miel de lavande" not in by_sku


def test_it_filters_by_category_including_its_subcategories_and_by_label(client_for, manager, enterprise):
    tomato = ProductFactory(
        producer=enterprise, name="Tomate cœur de bœuf", category=Category.objects.get(slug="tomates")
    )
    ProductFactory(
        producer=enterprise, name="Fromage frais", category=Category.objects.get(slug="fromages-frais")
    )
    tomato.labels.add(Label.objects.get(slug="ab"))
    client = client_for(manager)

    vegetables = client.get(url(enterprise, category="legumes")).content.decode()
    organic = client.get(url(enterprise, label="ab")).content.decode()

    assert "Tomate cœur de bœuf" in vegetables and "Fromage frais" not in vegetables
    assert "Tomate cœur de bœuf" in organic and "Fromage frais" not in organic


@pytest.mark.parametrize(
    ("state", "shown"),
    [("in_stock", "Plein"), ("low", "Bas"), ("out", "Vide"), ("on_demand", "Demande")],
)
def test_it_filters_by_stock_state(client_for, manager, enterprise, state, shown):
    VariantFactory(product__producer=enterprise, product__name="Plein", on_hand=50, low_stock_threshold=5)
    VariantFactory(product__producer=enterprise, product__name="Bas", on_hand=3, low_stock_threshold=5)
    VariantFactory(product__producer=enterprise, product__name="Vide", on_hand=0)
    VariantFactory(product__producer=enterprise, product__name="Demande", on_hand=0, on_demand=True)

    page = client_for(manager).get(url(enterprise, stock=state)).context["page"]

    assert [p.name for p in page.object_list] == [shown]


def test_it_hides_archived_products_unless_asked(client_for, manager, enterprise):
    VariantFactory(product__producer=enterprise, product__name="En vente")
    VariantFactory(product__producer=enterprise, product__name="Ancien", product__archived_at=timezone.now())
    client = client_for(manager)

    def names(**params):
        return [p.name for p in client.get(url(enterprise, **params)).context["page"].object_list]

    assert names() == ["En vente"]
    assert names(archived="archived") == ["Ancien"]
    assert names(archived="all") == ["Ancien", "En vente"]


def test_it_paginates_products(client_for, manager, enterprise):
    Product.objects.bulk_create(
        Product(producer=enterprise, name=f"Produit {n:03d}", category=Category.objects.get(slug="tomates"))
        for n in range(120)
    )
    client = client_for(manager)

    first = client.get(url(enterprise)).context["page"]
    last = client.get(url(enterprise, page=3)).context["page"]

    assert len(first.object_list) == 50
    assert first.paginator.num_pages == 3
    assert [p.name for p in last.object_list][0] == "Produit 100"


def test_it_lists_ten_thousand_variants_in_at_most_twenty_queries(
    client_for, manager, enterprise, django_assert_max_num_queries
):
    category = Category.objects.get(slug="tomates")
    products = Product.objects.bulk_create(
        Product(producer=enterprise, name=f"Produit {n:04d}", category=category) for n in range(1000)
    )
    Variant.objects.bulk_create(
        Variant(
            product=product,
            unit="g",
            quantity=Decimal(100 * (i + 1)),
            price=Decimal("2.50"),
            on_hand=i,
            low_stock_threshold=2,
            sku=f"P{product.pk}-{i}",
        )
        for product in products
        for i in range(10)
    )
    assert Variant.objects.count() == 10_000
    client = client_for(manager)

    with django_assert_max_num_queries(20):
        response = client.get(url(enterprise))
    with django_assert_max_num_queries(20):
        filtered = client.get(
            url(enterprise, q="produit 09", stock="low", category="legumes", label="", page=2)
        )

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 1000
    assert filtered.status_code == 200


def test_it_shows_a_hub_the_products_of_producers_that_granted_it(client, enterprise):
    VariantFactory(product__producer=enterprise, product__name="Tomme des Collines")
    other = EnterpriseFactory(name="Chèvrerie du Vallon")
    VariantFactory(product__producer=other, product__name="Crottin")
    hub, hub_manager = hub_manager_of(enterprise)
    RelationshipFactory(grantor=other, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True)
    VariantFactory(product__name="Produit d'un inconnu")
    client.force_login(hub_manager)

    everything = client.get(url(hub)).content.decode()
    one = client.get(url(hub, producer=other.slug)).content.decode()

    assert "Tomme des Collines" in everything and "Crottin" in everything
    assert "Produit d'un inconnu" not in everything
    assert "Chèvrerie du Vallon" in everything  # the producer filter and the producer of each product
    assert "Crottin" in one and "Tomme des Collines" not in one


def test_it_shows_nothing_to_a_hub_whose_permission_was_revoked(client, enterprise):
    VariantFactory(product__producer=enterprise, product__name="Tomme des Collines")
    hub, hub_manager = hub_manager_of(enterprise, status=Relationship.Status.REVOKED)
    client.force_login(hub_manager)

    html = client.get(url(hub)).content.decode()

    assert "Tomme des Collines" not in html
    assert "Aucun producteur ne vous a confié la gestion de ses produits." in html


def test_it_is_closed_to_volunteers_and_outsiders(client_for, volunteer, outsider, enterprise):
    assert client_for(volunteer).get(url(enterprise)).status_code == 403
    assert client_for(outsider).get(url(enterprise)).status_code == 404


def test_it_links_to_the_import_and_the_exports(client_for, manager, enterprise):
    html = client_for(manager).get(url(enterprise)).content.decode()

    assert f'href="/manage/{enterprise.slug}/products/import/"' in html
    assert f'href="/manage/{enterprise.slug}/products/export.csv"' in html
    assert f'href="/manage/{enterprise.slug}/products/export.xlsx"' in html
