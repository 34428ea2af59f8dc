"""Paying by card in a real browser, against the local Stripe stand-in and its bare payment page:
a buyer pays and sees the order confirmed; another comes back without paying and cancels; a
manager connects the farm's Stripe account. Every page of ours is checked with axe-core and fits
a 360 px screen."""

import copy
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cabas.catalogue.models import Variant
from cabas.orders.cart import cart_set_quantity
from cabas.orders.models import Order
from cabas.payments.models import Payment, StripeAccount
from cabas.payments.tests.stripe_standin import card_shop, running
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUYER = "claire@exemple.fr"


@pytest.fixture
def standin(settings, live_server):
    with running(settings) as standin:
        settings.SITE_URL = live_server.url
        # The stand-in's payment page plays https://checkout.stripe.com, allowed in production.
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = ["'self'", standin.url]
        settings.CONTENT_SECURITY_POLICY = policy
        yield standin


@pytest.fixture
def check(page, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    return check


def _checkout_by_card(page, login_as, data):
    """The buyer's cart (2 tomatoes, 1 box of eggs), confirmed at checkout with the card."""
    user = UserFactory(email=BUYER)
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=user)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=2)
    cart_set_quantity(cart=cart, variant=data.variants[1], quantity=1)
    login_as(page, BUYER)
    page.goto(f"/{data.shop.slug}/shop/checkout/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_role("radio", name=re.compile("^Retrait à la ferme")).check()
    page.get_by_role("radio", name=re.compile("^Carte bancaire")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    # At "Stripe": the seller's payment page for the order's total.
    expect(page.get_by_role("heading", level=1)).to_have_text("Payer 9.50 EUR")
    return Order.objects.get(email=BUYER)


def test_a_buyer_pays_by_card_and_sees_the_order_confirmed(page, login_as, check, standin):
    data = card_shop(standin)
    order = _checkout_by_card(page, login_as, data)
    assert order.status == Order.Status.AWAITING
    page.get_by_role("button", name="Payer").click()
    confirmed = f"Votre paiement est reçu et votre commande {order.number} est confirmée"
    expect(page.get_by_text(confirmed)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.number}")
    expect(page.get_by_text("Passée", exact=True)).to_be_visible()
    check()
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert Payment.objects.get(order=order).state == "succeeded"
    assert [m.to for m in mail.outbox if order.number in m.subject] == [[BUYER]]


def test_a_buyer_back_without_paying_can_pay_later_or_cancel(page, login_as, check, standin):
    data = card_shop(standin)
    order = _checkout_by_card(page, login_as, data)
    page.get_by_role("link", name="Retour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Paiement de la commande {order.number}")
    expect(page.get_by_text("rien ne vous a été débité")).to_be_visible()
    check()
    # The order's page offers to pay too, while the products are reserved.
    page.get_by_role("link", name="Voir la commande").click()
    expect(page.get_by_text("vos produits vous sont réservés jusqu")).to_be_visible()
    check()
    page.get_by_role("button", name="Annuler la commande").click()
    expect(page.get_by_text(f"La commande {order.number} est annulée")).to_be_visible()
    check()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert Variant.objects.get(pk=data.variants[0].pk).on_hand == 10


def test_a_manager_connects_the_farms_stripe_account(page, login_as, check, standin):
    farm = EnterpriseFactory(name="Ferme des Saules", slug="ferme-des-saules")
    RoleFactory(enterprise=farm, role="manager", user__email="gerant@ferme-des-saules.fr")
    login_as(page, "gerant@ferme-des-saules.fr")
    page.goto("/manage/ferme-des-saules/payments/card/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement par carte")
    check()
    page.get_by_role("button", name="Relier un compte Stripe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Configurer le compte Stripe")
    page.get_by_role("button", name="Activer le compte").click()
    expect(page.get_by_text("Votre compte Stripe peut recevoir des paiements par carte.")).to_be_visible()
    check()
    assert StripeAccount.objects.get(enterprise=farm).charges_enabled
