from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.enterprises.models import Relationship, Role
from tests.factories import HubFactory, RelationshipFactory, RoleFactory, VariantFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def edit_url(enterprise, variant):
    return reverse("catalogue:variant_edit", args=[enterprise.slug, variant.uuid])


def fields(variant, price=None, on_hand=None):
    data = {}
    if price is not None:
        data[f"v-{variant.uuid}-price"] = price
    if on_hand is not None:
        data[f"v-{variant.uuid}-on_hand"] = on_hand
    return data


@pytest.fixture
def variant(enterprise):
    return VariantFactory(
        product__producer=enterprise, product__name="Tomates", price=Decimal("3.20"), on_hand=10
    )


def test_it_answers_htmx_with_the_row_form(client_for, manager, enterprise, variant):
    response = client_for(manager).get(edit_url(enterprise, variant), **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="variant-{variant.uuid}"')
    assert 'value="3,20"' in html
    assert "<html" not in html


def test_it_saves_price_and_stock_and_answers_the_updated_row(client_for, manager, enterprise, variant):
    response = client_for(manager).post(edit_url(enterprise, variant), fields(variant, "4,5", "7"), **HTMX)

    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("4.50"), 7)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="variant-{variant.uuid}"')
    assert "4,50\u00a0€" in html
    assert "9,00\u00a0€/kg" in html
    assert "Enregistré." in html


@pytest.mark.parametrize(
    ("price", "stock", "message"),
    [
        ("-3", "7", "Le prix doit être un nombre positif, ex. 3,50"),
        ("abc", "7", "Le prix doit être un nombre positif, ex. 3,50"),
        ("3,505", "7", "Le prix doit être un nombre positif, ex. 3,50"),
        ("", "7", "Le prix doit être un nombre positif, ex. 3,50"),
        ("4", "-1", "Le stock doit être un nombre entier positif ou nul, ex. 12"),
        ("4", "2,5", "Le stock doit être un nombre entier positif ou nul, ex. 12"),
    ],
)
def test_it_shows_errors_in_place_and_changes_nothing(
    client_for, manager, enterprise, variant, price, stock, message
):
    response = client_for(manager).post(edit_url(enterprise, variant), fields(variant, price, stock), **HTMX)

    assert response.status_code == 200  # htmx swaps 200 answers: the error shows in the row
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="variant-{variant.uuid}"')
    assert message in html
    assert 'aria-invalid="true"' in html
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("3.20"), 10)


def test_it_works_without_javascript(client_for, manager, enterprise, variant):
    client = client_for(manager)
    back = reverse("catalogue:products", args=[enterprise.slug]) + "?q=tom"

    page = client.get(edit_url(enterprise, variant) + f"?next={back}")
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert "Prix et stock" in page.content.decode()

    wrong = client.post(edit_url(enterprise, variant), {**fields(variant, "-1", "3"), "next": back})
    assert wrong.status_code == 200
    assert "Le prix doit être un nombre positif, ex. 3,50" in wrong.content.decode()

    saved = client.post(edit_url(enterprise, variant), {**fields(variant, "2,90", "3"), "next": back})
    assert saved.status_code == 302
    assert saved["Location"] == back
    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("2.90"), 3)


def test_it_never_redirects_outside_the_site(client_for, manager, enterprise, variant):
    response = client_for(manager).post(
        edit_url(enterprise, variant), {**fields(variant, "3", "3"), "next": "https://exemple.com/"}
    )

    assert response["Location"] == reverse("catalogue:products", args=[enterprise.slug])


def test_it_edits_only_the_price_of_an_on_demand_variant(client_for, manager, enterprise):
    variant = VariantFactory(product__producer=enterprise, on_demand=True, on_hand=0)

    response = client_for(manager).post(edit_url(enterprise, variant), fields(variant, "5", "99"), **HTMX)

    variant.refresh_from_db()
    assert (variant.price, variant.on_hand) == (Decimal("5.00"), 0)
    assert "à la demande" in response.content.decode()


def test_it_cancels_back_to_the_row(client_for, manager, enterprise, variant):
    row_url = reverse("catalogue:variant_row", args=[enterprise.slug, variant.uuid])
    client = client_for(manager)

    fragment = client.get(row_url, **HTMX).content.decode()
    page = client.get(row_url).content.decode()

    assert fragment.lstrip().startswith(f'<tr id="variant-{variant.uuid}"')
    assert "3,20\u00a0€" in fragment
    assert "<html" in page  # without JavaScript: the variant's price and stock page


def test_it_answers_404_for_another_producers_variant(client_for, manager, enterprise):
    foreign = VariantFactory(price=Decimal("3.20"))
    client = client_for(manager)

    assert client.get(edit_url(enterprise, foreign), **HTMX).status_code == 404
    assert client.post(edit_url(enterprise, foreign), fields(foreign, "0", "0")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.price == Decimal("3.20")


def test_it_lets_a_granted_hub_edit_inline_until_revoked(client, enterprise, variant):
    hub = HubFactory()
    relationship = RelationshipFactory(
        grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED, manage_products=True
    )
    client.force_login(RoleFactory(enterprise=hub, role=Role.Level.MANAGER).user)

    client.post(edit_url(hub, variant), fields(variant, "6", "1"), **HTMX)
    variant.refresh_from_db()
    assert variant.price == Decimal("6.00")

    relationship.status = Relationship.Status.REVOKED
    relationship.save()
    assert client.post(edit_url(hub, variant), fields(variant, "1", "1"), **HTMX).status_code == 404
    variant.refresh_from_db()
    assert variant.price == Decimal("6.00")
