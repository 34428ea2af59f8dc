import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cabas.catalogue.models import Category, Product, Variant
from cabas.enterprises.models import Relationship, Role
from tests.factories import HubFactory, RelationshipFactory, RoleFactory, VariantFactory

pytestmark = pytest.mark.django_db


def bulk_url(enterprise):
    return reverse("catalogue:product_bulk", args=[enterprise.slug])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def variants(enterprise):
    return [VariantFactory(product__producer=enterprise, on_hand=5) for _ in range(3)]


def post(client, enterprise, variants, **data):
    return client.post(bulk_url(enterprise), {"variants": [str(v.uuid) for v in variants], **data})


def test_it_sets_the_stock_of_the_checked_variants(client_for, manager, enterprise, variants):
    back = reverse("catalogue:products", args=[enterprise.slug]) + "?stock=low"

    response = post(client_for(manager), enterprise, variants[:2], action="set_stock", value="12", next=back)

    assert response["Location"] == back
    assert messages_of(response) == ["Stock mis à 12 pour 2 variantes."]
    assert sorted(Variant.objects.values_list("on_hand", flat=True)) == [5, 12, 12]


def test_it_puts_the_checked_variants_on_demand(client_for, manager, enterprise, variants):
    response = post(client_for(manager), enterprise, variants, action="on_demand_on")

    assert messages_of(response) == ["3 variantes passées à la demande."]
    assert all(Variant.objects.values_list("on_demand", flat=True))


def test_it_changes_the_category_of_the_products(client_for, manager, enterprise, variants):
    response = post(client_for(manager), enterprise, variants[:1], action="set_category", category="salades")

    assert messages_of(response) == ["1 produit classé dans « Salades »."]
    assert variants[0].product.__class__.objects.get(pk=variants[0].product_id).category.slug == "salades"


def test_it_archives_the_checked_variants_and_keeps_the_rows(client_for, manager, enterprise, variants):
    response = post(client_for(manager), enterprise, variants, action="archive")

    assert messages_of(response) == ["3 variantes archivées."]
    assert Variant.objects.filter(archived_at__isnull=False).count() == 3
    assert Product.objects.filter(archived_at__isnull=False).count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"action": "set_stock", "value": "-2"},
            "Le stock doit être un nombre entier positif ou nul, ex. 12",
        ),
        ({"action": "set_stock", "value": ""}, "Indiquez le nouveau stock, ex. 12"),
        ({"action": "set_category", "category": ""}, "Choisissez la nouvelle catégorie."),
        ({"action": ""}, "Choisissez une action."),
        ({"action": "delete_everything"}, "Sélectionnez un choix valide."),
    ],
)
def test_it_refuses_bad_input_in_french_and_changes_nothing(
    client_for, manager, enterprise, variants, data, message
):
    response = post(client_for(manager), enterprise, variants, **data)

    assert response.status_code == 302
    assert any(message in m for m in messages_of(response))
    assert set(Variant.objects.values_list("on_hand", flat=True)) == {5}
    assert not Variant.objects.filter(archived_at__isnull=False).exists()
    assert set(Product.objects.values_list("category__slug", flat=True)) == {"tomates"}


def test_it_asks_to_check_at_least_one_variant(client_for, manager, enterprise):
    response = client_for(manager).post(bulk_url(enterprise), {"action": "archive"})

    assert messages_of(response) == ["Cochez au moins une variante."]


def test_it_changes_nothing_when_a_foreign_variant_is_slipped_in(client_for, manager, enterprise, variants):
    foreign = VariantFactory(on_hand=5)

    response = post(client_for(manager), enterprise, [*variants, foreign], action="set_stock", value="0")

    assert response.status_code == 404
    assert set(Variant.objects.values_list("on_hand", flat=True)) == {5}


def test_it_lets_a_granted_hub_act_on_its_producers_variants(client, enterprise, variants):
    hub = HubFactory()
    RelationshipFactory(
        grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
    )
    client.force_login(RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user)

    response = post(client, hub, variants, action="on_demand_on")

    assert response.status_code == 302
    assert Variant.objects.filter(on_demand=True).count() == 3


def test_it_offers_the_bulk_form_on_the_list(client_for, manager, enterprise, variants):
    html = client_for(manager).get(reverse("catalogue:products", args=[enterprise.slug])).content.decode()

    assert 'id="bulk-form"' in html
    assert f'form="bulk-form" name="variants" value="{variants[0].uuid}"' in html
    assert Category.objects.get(slug="salades").name in html
