"""Builders for the SEPA tests: the open shop of the orders tests with a SEPA payment method (the
seller's account and creditor identifier), and orders placed with it."""

import datetime
from pathlib import Path

import sepaxml
import xmlschema
from django.utils import timezone

from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import PaymentMethod
from cabas.payments.sepa import services as services_sepa
from cabas.payments.tests.placed import placed_order

# Valid French IBANs (check digits and RIB key) for the tests.
CREDITOR_IBAN = "FR7630006000011234567890189"
CLAIRE_IBAN = "FR76 3000 4000 0000 0123 4567 845"
PAUL_IBAN = "FR7610278000000001234567856"
LEA_IBAN = "FR1420041010050500013M02606"
CREDITOR_ID = "FR72ZZZ123456"

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.02.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


def pain008_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def sepa_shop(**kwargs):
    """`open_shop()` whose distribution also offers "Prélèvement SEPA" (`data.sepa`)."""
    data = open_shop(**kwargs)
    data.sepa = PaymentMethod.objects.create(
        enterprise=data.shop,
        kind="sepa",
        name="Prélèvement SEPA",
        account_holder="Ferme des Saules",
        iban=CREDITOR_IBAN,
        bic="AGRIFRPP",
        creditor_identifier=CREDITOR_ID,
    )
    data.distribution.payment_methods.add(data.sepa)
    return data


def sepa_order(data, *, email="claire@exemple.fr", key=None):
    """An order of 9,50 € placed with the SEPA method."""
    return placed_order(data, method=data.sepa, email=email, key=key or email)


def mandate_for(order, *, iban=CLAIRE_IBAN, name=None, days_ago=10, **kwargs):
    return services_sepa.mandate_create(
        seller=order.seller,
        customer=order.customer,
        debtor_name=name or order.full_name,
        iban=iban,
        signed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def collect(data, orders, *, days=3, user=None):
    return services_sepa.collection_create(
        seller=data.shop,
        method=data.sepa,
        collection_date=timezone.localdate() + datetime.timedelta(days=days),
        orders=[o.uuid for o in orders],
        user=user,
    )
