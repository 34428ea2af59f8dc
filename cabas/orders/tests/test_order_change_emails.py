"""The buyer's own edit and cancel: emailed to them, and in the history of their order's page."""

import pytest
from django.core import mail
from django.urls import reverse

from cabas.lib.money import format_eur
from cabas.orders import changes
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.tests.placed import placed_order

pytestmark = pytest.mark.django_db


def test_the_buyers_edit_emails_what_changed_and_the_new_total(django_capture_on_commit_callbacks, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order = changes.order_edit(order=order, quantities={str(data.variants[0].uuid): "5"}, user=customer)

    (email,) = mail.outbox
    assert email.to == [customer.email]
    assert email.subject.startswith(f"Votre commande {order.number} a été modifiée")
    assert f"Vous avez modifié votre commande {order.number}" in email.body
    assert "Tomates" in email.body and ": 2 → 5." in email.body
    assert f"Nouveau total : {format_eur(order.total)}" in email.body


def test_an_edit_that_changes_nothing_sends_nothing(django_capture_on_commit_callbacks, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes.order_edit(order=order, quantities={str(data.variants[0].uuid): "2"}, user=customer)

    assert mail.outbox == []


def test_the_buyers_cancel_emails_them_what_happens_to_their_payment(
    django_capture_on_commit_callbacks, customer
):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes.order_cancel(order=order, user=customer)

    (email,) = mail.outbox
    assert email.subject.startswith(f"Votre commande {order.number} a été annulée")
    assert f"Vous avez annulé votre commande {order.number}" in email.body
    assert "il n'y a plus rien à payer" in email.body
    assert "Vous n'avez rien réglé : il n'y a rien à rembourser." in email.body
    assert "Raison" not in email.body


def test_the_order_page_shows_its_history_to_the_buyer(
    client_for, customer, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    with django_capture_on_commit_callbacks(execute=True):
        changes.order_edit(order=order, quantities={str(data.variants[0].uuid): "5"}, user=customer)
        changes.order_edit(order=order, quantities={str(data.variants[0].uuid): "4"}, user=customer)
    client = client_for(customer)

    with django_assert_max_num_queries(16):
        html = client.get(reverse("shop:order", args=[order.uuid])).content.decode()

    history = html.split('id="events-title"')[1].split("</section>")[0]
    assert "Historique" in html
    assert history.index("Passée") < history.index("Modifiée par le client")
    assert history.count("Modifiée par le client") == 2
    assert ": 2 → 5." in history and ": 5 → 4." in history


def test_the_buyer_adds_a_product_of_the_cycle_from_the_edit_page(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    order.lines.filter(variant=data.variants[1]).delete()  # the eggs: offered, not in the order
    client = client_for(customer)
    url = reverse("shop:order_edit", args=[order.uuid])

    page = client.get(url).content.decode()
    options = page.split('<select id="add" name="add">')[1].split("</select>")[0]
    assert f'value="{data.variants[1].uuid}"' in options
    assert f'value="{data.variants[0].uuid}"' not in options  # already in the order
    assert '<label for="add_quantity">Quantité</label>' in page

    client.post(
        url, {f"q-{data.variants[0].uuid}": "2", "add": str(data.variants[1].uuid), "add_quantity": "3"}
    )

    order.refresh_from_db()
    assert order.lines.get(variant=data.variants[1]).quantity == 3
    assert order.total == order.items_total + order.fees_total


def test_adding_a_product_not_offered_changes_nothing(client_for, customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    total = order.total
    url = reverse("shop:order_edit", args=[order.uuid])

    response = client_for(customer).post(
        url, {f"q-{data.variants[0].uuid}": "2", "add": "00000000-0000-0000-0000-000000000000"}
    )

    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    order.refresh_from_db()
    assert order.total == total and order.lines.count() == 2
