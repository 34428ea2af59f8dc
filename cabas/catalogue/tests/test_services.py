from decimal import Decimal

import pytest
from django.http import Http404

from cabas.catalogue import services
from cabas.catalogue.exceptions import (
    BulkActionError,
    InvalidBulkUnitSize,
    InvalidPrice,
    InvalidStock,
    InvalidVariant,
    ProductError,
)
from cabas.catalogue.models import Category, Label, Product, ProductPhoto, TaxRate, Variant
from cabas.enterprises.models import Relationship
from tests.factories import HubFactory, ProductFactory, RelationshipFactory, VariantFactory

pytestmark = pytest.mark.django_db


def category(slug="tomates"):
    return Category.objects.get(slug=slug)


def variant_data(**kwargs):
    return {"unit": "g", "quantity": Decimal("500"), "price": Decimal("3.20"), "on_hand": 5, **kwargs}


def granted_hub(producer, **kwargs):
    hub = HubFactory()
    fields = {"status": Relationship.Status.ACCEPTED, "manage_products": True, **kwargs}
    RelationshipFactory(grantor=producer, grantee=hub, **fields)
    return hub


# --- Who manages what ----------------------------------------------------------------------------


def test_it_lets_a_producer_manage_only_its_own_products(enterprise):
    mine = ProductFactory(producer=enterprise)
    ProductFactory()

    assert list(services.products_manageable_by(enterprise)) == [mine]


def test_it_lets_a_hub_manage_the_products_of_producers_that_granted_it(enterprise):
    product = ProductFactory(producer=enterprise)
    hub = granted_hub(enterprise)
    ProductFactory()

    assert list(services.products_manageable_by(hub)) == [product]
    assert services.product_for_manager(hub, product.uuid) == product
    assert list(services.producers_manageable_by(hub)) == [enterprise]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Relationship.Status.REQUESTED},
        {"status": Relationship.Status.REVOKED},
        {"status": Relationship.Status.REFUSED},
        {"manage_products": False},
    ],
)
def test_it_hides_products_without_an_accepted_manage_products_permission(enterprise, fields):
    product = ProductFactory(producer=enterprise)
    hub = granted_hub(enterprise, **fields)

    assert not services.products_manageable_by(hub).exists()
    with pytest.raises(Http404):
        services.product_for_manager(hub, product.uuid)
    with pytest.raises(Http404):
        services.variant_for_manager(hub, VariantFactory(product=product).uuid)


# --- Create and update ---------------------------------------------------------------------------


def test_it_creates_a_product_with_its_variants(enterprise):
    ab = Label.objects.get(slug="ab")
    product = services.product_create(
        producer=enterprise,
        data={"name": " Tomates cerises ", "category": category(), "labels": [ab]},
        variants=[variant_data(), variant_data(unit="kg", quantity=Decimal("1"), price=Decimal("6"))],
    )

    assert product.name == "Tomates cerises"
    assert list(product.labels.all()) == [ab]
    sizes = [v.measure.display() for v in product.variants.order_by("position")]
    assert sizes == ["500 g", "1 kg"]


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"price": Decimal("-1")}, InvalidPrice),
        ({"quantity": Decimal("0")}, InvalidVariant),
        ({"on_hand": -3}, InvalidStock),
        ({"unit": "item", "variable_weight": True}, InvalidVariant),
        ({"unit": "tonne"}, InvalidVariant),
    ],
)
def test_it_creates_nothing_when_one_variant_is_wrong(enterprise, bad, error):
    with pytest.raises(error) as caught:
        services.product_create(
            producer=enterprise,
            data={"name": "Tomates", "category": category()},
            variants=[variant_data(), variant_data(**bad)],
        )

    assert caught.value.message
    assert not Product.objects.exists()
    assert not Variant.objects.exists()


def test_it_refuses_a_product_without_variants_or_name(enterprise):
    with pytest.raises(InvalidVariant):
        services.product_create(
            producer=enterprise, data={"name": "Tomates", "category": category()}, variants=[]
        )
    with pytest.raises(ProductError):
        services.product_create(
            producer=enterprise, data={"name": " ", "category": category()}, variants=[variant_data()]
        )
    assert not Product.objects.exists()


def test_it_updates_adds_and_archives_variants(enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates")
    kept = VariantFactory(product=product)
    old = VariantFactory(product=product, unit="kg", quantity=Decimal("1"))

    services.product_update(
        product=product,
        data={"name": "Tomates anciennes", "category": category("salades")},
        variants=[
            {"uuid": kept.uuid, **variant_data(price=Decimal("3.50"))},
            {"uuid": old.uuid, "archive": True},
            variant_data(unit="item", quantity=Decimal("1"), unit_name="cagette", price=Decimal("15")),
        ],
    )

    product.refresh_from_db()
    kept.refresh_from_db()
    old.refresh_from_db()
    assert product.name == "Tomates anciennes"
    assert product.category.slug == "salades"
    assert kept.price == Decimal("3.50")
    assert old.archived_at is not None
    assert product.variants.get(unit="item").measure.display() == "1 cagette"


def test_it_changes_nothing_when_an_update_names_another_products_variant(enterprise):
    product = ProductFactory(producer=enterprise, name="Tomates")
    foreign = VariantFactory()

    with pytest.raises(InvalidVariant):
        services.product_update(
            product=product,
            data={"name": "Renommé", "category": category()},
            variants=[{"uuid": foreign.uuid, **variant_data(price=Decimal("9"))}],
        )

    product.refresh_from_db()
    foreign.refresh_from_db()
    assert product.name == "Tomates"
    assert foreign.price == Decimal("3.20")


# --- Archive and duplicate ----------------------------------------------------------------------


def test_it_archives_instead_of_deleting_and_brings_back(enterprise):
    variant = VariantFactory(product__producer=enterprise)
    product = variant.product

    services.product_archive(product=product)

    assert Product.objects.filter(pk=product.pk, archived_at__isnull=False).exists()
    assert Variant.objects.filter(pk=variant.pk).exists()
    assert not Product.objects.active().filter(pk=product.pk).exists()

    services.product_unarchive(product=product)

    assert Product.objects.active().filter(pk=product.pk).exists()


def test_it_duplicates_a_product_with_empty_stock_and_marked_skus(enterprise):
    product = ProductFactory(
        producer=enterprise, name="Miel de printemps", description="Crémeux", bulk_unit_size=Decimal("12")
    )
    product.labels.add(Label.objects.get(slug="ab"))
    VariantFactory(product=product, sku="MIEL-500", on_hand=12, low_stock_threshold=3)
    VariantFactory(product=product, sku="", on_hand=4, on_demand=True, unit="kg", quantity=Decimal("1"))
    VariantFactory(product=product, sku="OLD", archived_at="2025-01-01T00:00Z")
    ProductPhoto.objects.create(
        product=product, image="products/miel.jpg", thumbnail="products/miel-400.jpg", alt="Pot de miel"
    )

    copy = services.product_duplicate(product=product)

    assert copy.pk != product.pk
    assert copy.name == "Miel de printemps (copie)"
    assert (copy.description, copy.bulk_unit_size) == ("Crémeux", Decimal("12"))
    assert [label.slug for label in copy.labels.all()] == ["ab"]
    variants = list(copy.variants.order_by("id"))
    assert [v.sku for v in variants] == ["MIEL-500-copie", ""]
    assert [v.on_hand for v in variants] == [0, 0]
    assert variants[0].low_stock_threshold == 3
    assert variants[1].on_demand
    assert [(p.image.name, p.alt) for p in copy.photos.all()] == [("products/miel.jpg", "Pot de miel")]
    assert product.variants.count() == 3  # the original is untouched


@pytest.mark.parametrize("size", [Decimal("0"), Decimal("-2"), Decimal("1.2345"), Decimal("10000000"), "25"])
def test_it_refuses_a_bad_bulk_unit_size_and_keeps_the_old_one(enterprise, size):
    product = ProductFactory(producer=enterprise, bulk_unit_size=Decimal("25"))

    with pytest.raises(InvalidBulkUnitSize):
        services.product_update(product=product, data={"bulk_unit_size": size})

    product.refresh_from_db()
    assert product.bulk_unit_size == Decimal("25")


def test_it_sets_and_clears_the_bulk_unit_size(enterprise):
    product = ProductFactory(producer=enterprise)

    services.product_update(product=product, data={"bulk_unit_size": Decimal("2.5")})
    product.refresh_from_db()
    assert product.bulk_unit_size == Decimal("2.5")
    services.product_update(product=product, data={"bulk_unit_size": None})
    product.refresh_from_db()
    assert product.bulk_unit_size is None


# --- Price and stock ------------------------------------------------------------------------------


def test_it_sets_a_price_typed_with_a_decimal_comma():
    variant = VariantFactory()

    services.variant_set_price(variant=variant, price="3,50")

    variant.refresh_from_db()
    assert variant.price == Decimal("3.50")


@pytest.mark.parametrize("price", ["-1", "abc", "", "NaN"])
def test_it_refuses_a_bad_price_and_keeps_the_old_one(price):
    variant = VariantFactory(price=Decimal("3.20"))

    with pytest.raises(InvalidPrice) as caught:
        services.variant_set_price(variant=variant, price=price)

    assert caught.value.message == "Le prix doit être un nombre positif, ex. 3,50"
    variant.refresh_from_db()
    assert variant.price == Decimal("3.20")


@pytest.mark.parametrize("stock", [-1, "deux", "1,5"])
def test_it_refuses_a_bad_stock_and_keeps_the_old_one(stock):
    variant = VariantFactory(on_hand=7)

    with pytest.raises(InvalidStock):
        services.variant_set_stock(variant=variant, on_hand=stock)

    variant.refresh_from_db()
    assert variant.on_hand == 7


def test_it_never_takes_the_stock_below_zero():
    variant = VariantFactory(on_hand=2)

    assert services.variant_stock_adjust(variant=variant, delta=-2)
    assert not services.variant_stock_adjust(variant=variant, delta=-1)

    variant.refresh_from_db()
    assert variant.on_hand == 0


# --- Bulk actions -------------------------------------------------------------------------------


def test_it_sets_the_stock_of_several_variants(enterprise):
    a, b = VariantFactory(product__producer=enterprise), VariantFactory(product__producer=enterprise)

    summary = services.variant_bulk_update(
        manager=enterprise, variant_uuids=[a.uuid, b.uuid], action="set_stock", value=20
    )

    assert summary == "Stock mis à 20 pour 2 variantes."
    assert set(Variant.objects.values_list("on_hand", flat=True)) == {20}


def test_it_puts_variants_on_demand_and_back(enterprise):
    variant = VariantFactory(product__producer=enterprise)

    services.variant_bulk_update(manager=enterprise, variant_uuids=[variant.uuid], action="on_demand_on")
    variant.refresh_from_db()
    assert variant.on_demand

    services.variant_bulk_update(manager=enterprise, variant_uuids=[variant.uuid], action="on_demand_off")
    variant.refresh_from_db()
    assert not variant.on_demand


def test_it_moves_the_products_of_the_selection_to_a_category(enterprise):
    variant = VariantFactory(product__producer=enterprise)
    salads = category("salades")

    summary = services.variant_bulk_update(
        manager=enterprise, variant_uuids=[variant.uuid], action="set_category", value=salads
    )

    assert summary == "1 produit classé dans « Salades »."
    variant.product.refresh_from_db()
    assert variant.product.category == salads


def test_it_archives_variants_and_their_product_once_all_are_archived(enterprise):
    product = ProductFactory(producer=enterprise)
    a, b = VariantFactory(product=product), VariantFactory(product=product)

    services.variant_bulk_update(manager=enterprise, variant_uuids=[a.uuid], action="archive")
    product.refresh_from_db()
    assert product.archived_at is None

    services.variant_bulk_update(manager=enterprise, variant_uuids=[b.uuid], action="archive")
    product.refresh_from_db()
    assert product.archived_at is not None
    assert Variant.objects.filter(product=product).count() == 2


def test_it_changes_nothing_when_the_selection_holds_a_foreign_variant(enterprise):
    mine = VariantFactory(product__producer=enterprise, on_hand=3)
    foreign = VariantFactory(on_hand=3)

    with pytest.raises(Http404):
        services.variant_bulk_update(
            manager=enterprise, variant_uuids=[mine.uuid, foreign.uuid], action="set_stock", value=0
        )

    assert set(Variant.objects.values_list("on_hand", flat=True)) == {3}


@pytest.mark.parametrize(
    ("action", "value"), [("set_stock", -4), ("set_stock", None), ("set_category", None), ("explode", None)]
)
def test_it_refuses_a_bad_bulk_action_and_changes_nothing(enterprise, action, value):
    variant = VariantFactory(product__producer=enterprise, on_hand=3)

    with pytest.raises((BulkActionError, InvalidStock)):
        services.variant_bulk_update(
            manager=enterprise, variant_uuids=[variant.uuid], action=action, value=value
        )

    variant.refresh_from_db()
    assert variant.on_hand == 3


def test_it_refuses_an_empty_selection(enterprise):
    with pytest.raises(BulkActionError) as caught:
        services.variant_bulk_update(manager=enterprise, variant_uuids=[], action="archive")
    assert caught.value.message == "Cochez au moins une variante."


def test_it_lets_a_granted_hub_run_bulk_actions_on_the_producers_variants(enterprise):
    variant = VariantFactory(product__producer=enterprise)
    hub = granted_hub(enterprise)

    services.variant_bulk_update(manager=hub, variant_uuids=[variant.uuid], action="set_stock", value=9)

    variant.refresh_from_db()
    assert variant.on_hand == 9


# --- Unit price text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"price": "3,20", "quantity": "500", "unit": "g"}, "soit 6,40\u00a0€/kg"),
        ({"price": "2", "quantity": "75", "unit": "cl"}, "soit 2,67\u00a0€/L"),
        ({"price": "3", "quantity": "6", "unit": "item", "unit_name": "œufs"}, "soit 0,50\u00a0€/pièce"),
        (
            {"price": "24", "quantity": "1,2", "unit": "kg", "variable_weight": True},
            "soit environ 28,80\u00a0€ la pièce de 1,2 kg",
        ),
        ({"price": "abc", "quantity": "500", "unit": "g"}, ""),
        ({"price": "3", "quantity": "0", "unit": "g"}, ""),
        ({"price": "3", "quantity": "1", "unit": "??"}, ""),
    ],
)
def test_it_writes_the_price_per_unit(kwargs, text):
    assert services.reference_price_text(**kwargs) == text


def test_it_keeps_the_tax_rate_chosen_for_a_variant(enterprise):
    twenty = TaxRate.objects.get(slug="tva-20")
    product = services.product_create(
        producer=enterprise,
        data={"name": "Cidre", "category": category()},
        variants=[variant_data(tax_rate=twenty)],
    )
    assert product.variants.get().effective_tax_rate() == twenty


def test_it_refuses_products_for_an_enterprise_that_does_not_produce():
    with pytest.raises(ProductError):
        services.product_create(
            producer=HubFactory(), data={"name": "X", "category": category()}, variants=[variant_data()]
        )
