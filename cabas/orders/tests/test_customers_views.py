"""Back-office customers: the list with search, tags and orders, add and edit, export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.orders.models import Customer, Order
from tests.factories import EnterpriseFactory


@pytest.fixture
def shop(enterprise):
    return enterprise


def add(shop, email, first="", last="", code="", tags=(), phone=""):
    return Customer.objects.create(
        enterprise=shop,
        email=email,
        first_name=first,
        last_name=last,
        code=code,
        tags=list(tags),
        phone=phone,
    )


def order(shop, customer, total, status=Order.Status.PLACED, number=""):
    return Order.objects.create(
        seller=shop, customer=customer, status=status, total=Decimal(total), number=number
    )


def list_url(shop, **params):
    url = reverse("orders:customers", args=[shop.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def names(response):
    return [c.email for c in response.context["page"].object_list]


def test_it_lists_customers_with_the_number_and_total_of_their_placed_orders(shop, manager, client_for):
    karim = add(
        shop, "karim@exemple.fr", "Karim", "Haddad", code="C001", tags=["adherent"], phone="06 12 34 56 78"
    )
    lea = add(shop, "lea@exemple.fr", "Léa", "Martin")
    order(shop, karim, "23.50", number="1")
    order(shop, karim, "10.00", status=Order.Status.FULFILLED, number="2")
    order(shop, karim, "99.00", status=Order.Status.CANCELLED, number="3")
    order(shop, karim, "50.00", status=Order.Status.CART)
    order(shop, lea, "5.00", status=Order.Status.CART)

    response = client_for(manager).get(list_url(shop))

    assert response.status_code == 200
    rows = {c.email: c for c in response.context["page"].object_list}
    assert (rows["karim@exemple.fr"].orders_count, rows["karim@exemple.fr"].orders_total) == (
        2,
        Decimal("33.50"),
    )
    assert (rows["lea@exemple.fr"].orders_count, rows["lea@exemple.fr"].orders_total) == (0, Decimal("0"))
    html = response.content.decode()
    assert "Karim Haddad" in html and "C001" in html and "adherent" in html and "06 12 34 56 78" in html
    assert "33,50 €" in html


def test_it_lists_only_the_customers_of_this_enterprise(shop, manager, client_for):
    add(shop, "karim@exemple.fr")
    add(EnterpriseFactory(), "ailleurs@exemple.fr")

    response = client_for(manager).get(list_url(shop))

    assert names(response) == ["karim@exemple.fr"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("haddad", ["karim@exemple.fr"]),
        ("Karim Haddad", ["karim@exemple.fr"]),
        ("lea@", ["lea@exemple.fr"]),
        ("c00", ["karim@exemple.fr"]),
        ("exemple", ["karim@exemple.fr", "lea@exemple.fr"]),
        ("personne", []),
    ],
)
def test_it_searches_by_name_email_and_code(shop, manager, client_for, q, expected):
    add(shop, "karim@exemple.fr", "Karim", "Haddad", code="C001")
    add(shop, "lea@exemple.fr", "Léa", "Martin", code="X9")

    response = client_for(manager).get(list_url(shop, q=q))

    assert sorted(names(response)) == expected


def test_it_filters_by_tag(shop, manager, client_for):
    add(shop, "karim@exemple.fr", tags=["adherent", "pro"])
    add(shop, "lea@exemple.fr", tags=["adherent-solidaire"])
    add(shop, "zoe@exemple.fr")

    response = client_for(manager).get(list_url(shop, tag="adherent"))

    assert names(response) == ["karim@exemple.fr"]
    assert "adherent-solidaire" in dict(response.context["form"].fields["tag"].choices)


def test_it_pages_a_long_list_in_a_constant_number_of_queries(
    shop, manager, client_for, django_assert_max_num_queries
):
    customers = Customer.objects.bulk_create(
        Customer(enterprise=shop, email=f"client{i:03}@exemple.fr", last_name=f"Nom {i:03}", tags=["t"])
        for i in range(120)
    )
    for index, customer in enumerate(customers[:30]):
        order(shop, customer, "12.00", number=str(index + 1))
    client = client_for(manager)

    with django_assert_max_num_queries(8):
        response = client.get(list_url(shop, page=2))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 120


def test_it_adds_a_customer_with_tags_from_a_comma_separated_field(shop, manager, client_for):
    response = client_for(manager).post(
        reverse("orders:customer_new", args=[shop.slug]),
        {
            "email": " Karim@Exemple.fr ",
            "first_name": "Karim",
            "last_name": "Haddad",
            "code": "C001",
            "tags": "Adhérent, pro, pro",
            "phone": "",
            "address": "",
            "postcode": "",
            "city": "",
        },
    )

    assert response.status_code == 302
    customer = Customer.objects.get(enterprise=shop)
    assert (customer.email, customer.tags, customer.code) == ("karim@exemple.fr", ["adherent", "pro"], "C001")


def test_it_refuses_an_email_already_known_and_changes_nothing(shop, manager, client_for):
    add(shop, "karim@exemple.fr", "Karim")

    response = client_for(manager).post(
        reverse("orders:customer_new", args=[shop.slug]), {"email": "KARIM@exemple.fr", "first_name": "Autre"}
    )

    assert response.status_code == 200
    assert "Un client avec l&#x27;adresse karim@exemple.fr existe déjà." in response.content.decode()
    assert Customer.objects.count() == 1


def test_it_refuses_an_invalid_email(shop, manager, client_for):
    response = client_for(manager).post(reverse("orders:customer_new", args=[shop.slug]), {"email": "karim"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Customer.objects.exists()


def test_it_edits_a_customer_and_shows_tags_as_text(shop, manager, client_for):
    customer = add(shop, "karim@exemple.fr", "Karim", tags=["adherent", "pro"])
    client = client_for(manager)
    url = reverse("orders:customer_edit", args=[shop.slug, customer.uuid])

    page = client.get(url)
    response = client.post(
        url, {"email": "karim@exemple.fr", "first_name": "Karim", "last_name": "Haddad", "tags": "pro"}
    )

    assert 'value="adherent, pro"' in page.content.decode()
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.last_name, customer.tags) == ("Haddad", ["pro"])


def test_it_refuses_a_code_another_customer_has(shop, manager, client_for):
    add(shop, "lea@exemple.fr", "Léa", code="C001")
    customer = add(shop, "karim@exemple.fr", "Karim")

    response = client_for(manager).post(
        reverse("orders:customer_edit", args=[shop.slug, customer.uuid]),
        {"email": "karim@exemple.fr", "code": "c001"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Le code c001 est déjà celui de Léa."]
    customer.refresh_from_db()
    assert customer.code == ""


def test_it_answers_404_for_a_customer_of_another_enterprise(shop, manager, client_for):
    other = add(EnterpriseFactory(), "ailleurs@exemple.fr")

    response = client_for(manager).get(reverse("orders:customer_edit", args=[shop.slug, other.uuid]))

    assert response.status_code == 404


def test_it_exports_the_customers_for_a_french_spreadsheet(shop, manager, client_for):
    karim = add(
        shop,
        "karim@exemple.fr",
        "Karim",
        "Haddad",
        code="C001",
        tags=["adherent", "pro"],
        phone="+33 6 12 34 56 78",
    )
    add(shop, "evil@exemple.fr", "=HYPERLINK(1)")
    order(shop, karim, "23.50", number="1")

    response = client_for(manager).get(reverse("orders:customer_export", args=[shop.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="clients-ferme-des-collines-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffemail;prénom;nom;téléphone;code;étiquettes")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    karim_row = next(r for r in rows if r[0] == "karim@exemple.fr")
    assert karim_row[:6] == [
        "karim@exemple.fr",
        "Karim",
        "Haddad",
        "'+33 6 12 34 56 78",
        "C001",
        "adherent, pro",
    ]
    assert karim_row[-2:] == ["1", "23,50"]
    assert next(r for r in rows if r[0] == "evil@exemple.fr")[1] == "'=HYPERLINK(1)"


def test_it_shows_the_customers_entry_in_the_side_nav_of_a_shop(shop, manager, client_for):
    response = client_for(manager).get(list_url(shop))

    assert 'aria-current="page">Clients</a>' in response.content.decode()
