from decimal import Decimal

import pytest

from cabas.catalogue.models import Category, Product, TaxRate, Variant
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def variant(**kwargs):
    product = Product.objects.create(
        producer=EnterpriseFactory(), name="Tomates anciennes", category=Category.objects.get(slug="tomates")
    )
    defaults = {"unit": "g", "quantity": Decimal("500"), "price": Decimal("3.20")}
    return Variant.objects.create(product=product, **{**defaults, **kwargs})


def test_it_shows_the_size_and_the_price_per_kilo():
    v = variant()

    assert v.measure.display() == "500 g"
    assert v.reference_price() == Decimal("6.40")
    assert v.measure.reference_label() == "kg"
    assert v.full_name == "Tomates anciennes — 500 g"


def test_it_prices_a_variable_weight_piece_from_its_estimated_weight():
    v = variant(variable_weight=True, unit="kg", quantity=Decimal("1.2"), price=Decimal("24.00"))

    assert v.reference_price() == Decimal("24.00")  # per kg
    assert v.estimated_price() == Decimal("28.80")


def test_it_takes_the_category_vat_rate_unless_the_variant_sets_one():
    v = variant()

    assert v.effective_tax_rate().rate == Decimal("5.5")
    v.tax_rate = TaxRate.objects.get(slug="tva-20")
    assert v.effective_tax_rate().rate == Decimal("20")


@pytest.mark.parametrize(
    "on_hand, on_demand, threshold, in_stock, low",
    [
        (0, False, None, False, False),
        (3, False, 5, True, True),
        (10, False, 5, True, False),
        (0, True, 5, True, False),
    ],
)
def test_it_tells_the_stock_state(on_hand, on_demand, threshold, in_stock, low):
    v = variant(on_hand=on_hand, on_demand=on_demand, low_stock_threshold=threshold)

    assert (v.in_stock, v.low_stock) == (in_stock, low)


def test_it_refuses_a_negative_stock_in_the_database():
    from django.db import IntegrityError, transaction

    v = variant(on_hand=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=v.pk).update(on_hand=-1)


def test_it_seeds_every_category_with_its_english_name_dfc_type_and_vat():
    categories = Category.objects.all()

    assert categories.filter(parent=None).count() >= 15
    assert all(
        c.name_en and c.dfc_product_type.startswith("https://github.com/datafoodconsortium/")
        for c in categories
    )
    assert Category.objects.get(slug="vins-et-alcools").default_tax_rate.rate == Decimal("20")
    assert Category.objects.get(slug="legumes").default_tax_rate.rate == Decimal("5.5")
    assert Category.objects.get(slug="plantes-et-fleurs").default_tax_rate.rate == Decimal("10")
