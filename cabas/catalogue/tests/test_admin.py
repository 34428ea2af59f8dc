import pytest
from django.urls import reverse

from cabas.catalogue.models import Category, Product
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name", ["catalogue_product", "catalogue_category", "catalogue_taxrate", "catalogue_label"]
)
def test_it_lists_and_searches_the_catalogue_for_the_operator(staff_client, name):
    VariantFactory(sku="ABC-1")

    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:{name}_changelist") + "?q=abc").status_code == 200


def test_it_edits_a_product_with_its_variants_inline(staff_client):
    variant = VariantFactory(sku="ABC-1")

    html = staff_client.get(
        reverse("admin:catalogue_product_change", args=[variant.product.pk])
    ).content.decode()

    assert 'value="ABC-1"' in html
    legumes = Category.objects.get(slug="legumes")
    assert staff_client.get(reverse("admin:catalogue_category_change", args=[legumes.pk])).status_code == 200


def test_it_archives_products_instead_of_deleting_them(staff_client):
    product = VariantFactory().product

    staff_client.post(
        reverse("admin:catalogue_product_changelist"),
        {"action": "archive_products", "_selected_action": [product.pk]},
    )

    product.refresh_from_db()
    assert product.archived_at is not None
    delete = staff_client.get(reverse("admin:catalogue_product_delete", args=[product.pk]))
    assert delete.status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()
