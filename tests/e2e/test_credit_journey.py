"""A manager records a customer's top-up received by transfer; the customer finds "Mon compte client" from
"Mes commandes", sees the balance and how to top up, pays an order from the balance at checkout and
sees it on the statement — on a 360 px phone, with no axe-core violation on the accounts pages."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.models import PaymentMethod, PaymentState
from cabas.payments.records.services import order_payment_state
from tests.e2e.helpers import manage_menu
from tests.factories import RoleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUYER = "claire.martin@exemple.fr"
MANAGER = "gerante@ferme-des-saules.fr"


@pytest.fixture
def shop():
    data = open_shop()
    credit = PaymentMethod.objects.create(
        enterprise=data.shop, kind="credit", name="Compte client", min_balance=Decimal("0")
    )
    data.distribution.payment_methods.add(credit)
    data.transfer.iban, data.transfer.account_holder = "FR7630006000011234567890189", "Ferme des Saules"
    data.transfer.save()
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    user = UserFactory(email=BUYER, full_name="Claire Martin")
    Customer.objects.create(
        enterprise=data.shop, email=BUYER, user=user, first_name="Claire", last_name="Martin"
    )
    return data


def test_a_customer_tops_up_credit_and_pays_an_order_with_it(
    page, shop, login_as, axe_check, no_horizontal_scroll
):
    def check():
        no_horizontal_scroll(page)
        axe_check(page)

    slug = shop.shop.slug
    # The manager records the transfer received.
    login_as(page, MANAGER)
    page.goto(f"/manage/{slug}/")
    manage_menu(page).get_by_role("link", name="Comptes clients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes clients")
    check()
    page.get_by_label("Tous les clients, même sans compte").check()
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Claire Martin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte de Claire Martin")
    check()
    page.get_by_role("radio", name="Virement").check()
    page.get_by_label("Montant (€)").first.fill("20,00")
    page.get_by_role("button", name="Créditer le compte").click()
    expect(page.get_by_text(re.compile("Approvisionnement de 20,00.€ enregistré"))).to_be_visible()
    expect(page.locator(".account-balance")).to_have_text(re.compile("Solde : 20,00.€"))
    check()

    # The customer sees the balance in "Mon compte client", linked from "Mes commandes".
    page.context.clear_cookies()
    login_as(page, BUYER)
    page.goto("/my/orders/")
    page.get_by_role("link", name=re.compile("^Mon compte client")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte client")
    check()
    page.get_by_role("link", name=re.compile("Relevé et approvisionnement")).click()
    expect(page.locator(".account-balance")).to_have_text(re.compile("Solde : 20,00.€"))
    expect(page.get_by_text("FR76 3000 6000 0112 3456 7890 189")).to_be_visible()
    expect(page.locator(".transfer-details .account-reference").first).to_have_text(re.compile(r"^RF\d\d "))
    check()

    # The customer fills a cart and pays it from the balance.
    page.goto(f"/{slug}/shop/?cycle={shop.cycle.uuid}")
    rows = page.locator(".variant-row:not(.is-sold-out)")
    for n in range(2):
        rows.nth(n).get_by_role("button", name=re.compile("^Ajouter")).click()
        expect(rows.nth(n).locator(".stepper-count")).to_have_text("1 dans le panier")
    page.locator("#cart-summary").get_by_role("link", name="Commander").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commander")
    credit = page.get_by_role("radio", name=re.compile("^Compte client"))
    expect(page.locator(f"label[for='pay-{PaymentMethod.objects.get(kind='credit').uuid}']")).to_contain_text(
        re.compile("Solde de votre compte : 20,00.€")
    )
    page.get_by_role("radio", name=re.compile("^Retrait à la ferme")).check()
    credit.check()
    check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()
    expect(page.get_by_text(re.compile(r"Merci ! Votre commande .+ est enregistrée"))).to_be_visible()

    order = Order.objects.get(email=BUYER, status=Order.Status.PLACED)
    assert order_payment_state(order) == PaymentState.PAID
    customer = Customer.objects.get(email=BUYER)
    assert ledger.account_balance(customer) == Decimal("20.00") - order.total

    # The statement shows the order and what is left.
    page.goto("/payments/accounts/")
    page.get_by_role("link", name=re.compile("Relevé et approvisionnement")).click()
    left = f"{Decimal('20.00') - order.total:.2f}".replace(".", ",")
    expect(page.locator(".account-balance")).to_have_text(re.compile(f"Solde : {left}.€"))
    expect(page.get_by_role("row").filter(has_text=f"Commande {order.number}")).to_be_visible()
