"""The buyer is emailed each payment and refund the seller records for their order, and sees
« Payée » on their order's page once it is paid."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from cabas.lib.money import format_eur
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.records.refunds import payment_refund
from cabas.payments.records.services import payment_record
from cabas.payments.tests.placed import placed_order

pytestmark = pytest.mark.django_db


def _order(customer):
    data = open_shop()
    order = placed_order(data, user=customer, email=customer.email)
    mail.outbox.clear()
    return data, order


def test_a_partial_payment_is_emailed_with_what_is_left_to_pay(customer, django_capture_on_commit_callbacks):
    data, order = _order(customer)

    with django_capture_on_commit_callbacks(execute=True):
        payment_record(seller=data.shop, kind="cheque", amount="5", order=order)

    (email,) = mail.outbox
    assert email.to == [customer.email]
    assert email.subject.startswith(f"Paiement de 5,00 € reçu pour la commande {order.number}")
    due = format_eur(order.total - Decimal("5"))
    assert f"Il reste {due} à payer sur {format_eur(order.total)}." in email.body


def test_a_full_payment_says_the_order_is_paid_and_the_page_says_payee(
    client_for, customer, django_capture_on_commit_callbacks
):
    data, order = _order(customer)
    page = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert '<span class="badge">Non payée</span>' in page

    with django_capture_on_commit_callbacks(execute=True):
        payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)

    (email,) = mail.outbox
    assert "Votre commande est entièrement réglée." in email.body
    page = client_for(customer).get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert '<span class="badge">Payée</span>' in page


def test_a_refund_is_emailed_with_what_is_left(customer, django_capture_on_commit_callbacks):
    data, order = _order(customer)
    payment = payment_record(seller=data.shop, kind="cheque", amount=order.total, order=order)

    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(payment=payment, amount="1", to="cash")

    (email,) = mail.outbox
    assert email.subject.startswith(f"Remboursement de 1,00 € — commande {order.number}")
    assert f"vous a remboursé 1,00\xa0€ pour la commande {order.number}" in email.body
    assert "Votre commande est entièrement réglée." in email.body  # what is not owed back: a reduction


def test_nothing_is_sent_when_the_payment_is_not_kept(customer, django_capture_on_commit_callbacks):
    data, order = _order(customer)

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            payment_record(seller=data.shop, kind="cheque", amount="5", order=order)
            transaction.set_rollback(True)
        payment_record(seller=data.shop, kind="cheque", amount="5", order=order, state="pending")

    assert mail.outbox == []


def test_the_amounts_are_written_in_the_buyers_language_whatever_the_sellers(
    customer, django_capture_on_commit_callbacks
):
    from django.utils import translation

    customer.language = "en"
    customer.save(update_fields=["language"])
    data, order = _order(customer)

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        payment_record(seller=data.shop, kind="cheque", amount="5", order=order)

    (email,) = mail.outbox
    due = format_eur(order.total - Decimal("5"), language="en")
    assert "€5.00" in email.subject and "5,00" not in email.subject
    assert due.startswith("€") and due in email.body and "\u00a0€" not in email.body


def test_a_french_buyer_gets_french_amounts_from_an_english_speaking_seller(
    customer, django_capture_on_commit_callbacks
):
    from django.utils import translation

    data, order = _order(customer)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        payment_record(seller=data.shop, kind="cheque", amount="5", order=order)

    (email,) = mail.outbox
    assert email.subject.startswith(f"Paiement de 5,00 € reçu pour la commande {order.number}")
    assert "€" not in email.body.replace("\u00a0€", "")
