"""A customer pays by bank transfer: checks out on a phone, sees the account, the amount, the reference
and the QR code (which a decoder reads from the screen); the seller's manager sets up the transfer
method (a mistyped IBAN first), sees the order unpaid in the list, records a cheque and refunds part
of it to the customer's account. Every page is checked with axe-core and fits a 360 px screen."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cabas.orders.models import Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.models import PaymentMethod
from cabas.payments.references import display
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerante@ferme-des-saules.fr"
IBAN = "FR7630006000011234567890189"


def test_a_manager_sets_up_transfers_and_a_customer_pays_by_transfer_with_the_qr_code(
    page, login_as, axe_check, no_horizontal_scroll
):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    data = open_shop()
    PaymentMethod.objects.filter(pk=data.transfer.pk).delete()
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    slug = data.shop.slug

    # The manager offers transfers: the kind first, then the account (a mistyped IBAN first).
    login_as(page, MANAGER)
    page.goto(f"/manage/{slug}/payment-methods/")
    check()
    page.get_by_role("link", name="Nouveau moyen de paiement").click()
    check()
    page.get_by_role("link", name="Virement bancaire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Virement bancaire")
    expect(page.get_by_label("Titulaire du compte")).to_have_value("Ferme des Saules")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 188")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("clé de contrôle incorrecte", exact=False)).to_be_visible()
    check()
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("« Virement bancaire » est proposé à vos clients.")).to_be_visible()
    method = PaymentMethod.objects.get(kind="transfer")
    assert (method.iban, method.bic) == (IBAN, "AGRIFRPPXXX")
    data.distribution.payment_methods.add(method)
    check()

    # A guest orders two boxes of eggs and pays by transfer.
    page.context.clear_cookies()
    page.goto(f"/{slug}/shop/")
    row = page.locator(".variant-row").filter(has_text="6 pièces")
    row.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(row.locator(".stepper-count")).to_have_text("1 dans le panier")
    row.get_by_role("button", name=re.compile("ajouter un")).click()
    expect(row.locator(".stepper-count")).to_have_text("2 dans le panier")
    page.locator("#cart-summary").get_by_role("link", name="Commander").click()
    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_label("Adresse e-mail").fill("claire@exemple.fr")
    page.get_by_role("radio", name=re.compile("^Retrait à la ferme")).check()
    page.get_by_role("radio", name=re.compile("^Virement bancaire")).check()
    page.get_by_role("button", name=re.compile("^Confirmer la commande")).click()

    expect(page.get_by_text(re.compile(r"Merci ! Votre commande .+ est enregistrée"))).to_be_visible()
    order = Order.objects.get(email="claire@exemple.fr")
    assert order.total == Decimal("5.40")  # 2 × (2,50 + 0,20)
    transfer = page.locator("section", has=page.get_by_role("heading", name="Paiement"))
    expect(transfer.get_by_role("heading", name="Payer par virement")).to_be_visible()
    for text in ("Ferme des Saules", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPPXXX", "5,40"):
        expect(transfer).to_contain_text(text)
    expect(transfer).to_contain_text(display(order.payment_reference))
    qr = page.get_by_role("img", name=re.compile("^QR code du virement"))
    expect(qr).to_be_visible()
    check()
    # What the screen shows is a valid EPC QR code for this very transfer.
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    lines = found.text.split("\n")
    assert (lines[6], lines[9]) == (IBAN, order.payment_reference)
    assert Decimal(lines[7][3:]) == Decimal("5.40")


def test_a_manager_records_a_cheque_and_refunds_part_of_it_to_the_account(
    page, login_as, axe_check, no_horizontal_scroll
):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    from cabas.payments.tests.placed import placed_order

    data = open_shop()
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    order = placed_order(data)
    slug = data.shop.slug

    login_as(page, MANAGER)
    page.goto(f"/manage/{slug}/orders/")
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("Non payée")
    page.get_by_label("Paiement").select_option("paid")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucune commande ne correspond à ces critères.")).to_be_visible()
    page.get_by_label("Paiement").select_option("unpaid")
    page.get_by_role("button", name="Filtrer").click()
    check()
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    expect(page.get_by_text("Aucun paiement enregistré pour cette commande.")).to_be_visible()
    check()

    # A cheque dated tomorrow first: refused, nothing recorded.
    form = page.locator("form.pay-record")
    form.get_by_label("Moyen").select_option("cheque")
    expect(form.get_by_label("Montant (€)")).to_have_value("9,50")
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    form.get_by_label("Date de réception").fill(tomorrow.isoformat())
    form.get_by_label("N° de chèque").fill("0012345")
    form.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("La date de réception ne peut pas être dans le futur.")).to_be_visible()
    assert not order.payments.exists()
    check()
    form = page.locator("form.pay-record")
    form.get_by_label("Date de réception").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("Paiement de 9,50\u00a0€ enregistré (Chèque).")).to_be_visible()
    expect(page.locator(".order-payments .pay-state")).to_have_text("Payée")
    expect(page.locator(".pay-history")).to_contain_text("0012345")

    # Two tomatoes were spoiled: 3,40 € back to the customer's account.
    page.get_by_text(re.compile("^Rembourser le paiement du")).click()
    refund = page.locator("details.pay-refund form")
    refund.get_by_label("Montant à rembourser (€)").fill("3,40")
    refund.get_by_role("radio", name=re.compile("^sur le compte client")).check()
    refund.get_by_label("Note").fill("tomates abîmées")
    refund.get_by_role("button", name="Rembourser").click()
    expect(page.get_by_text(re.compile("^Remboursement de 3,40\u00a0€ enregistré"))).to_be_visible()
    # Nothing was overpaid: a goodwill reduction, the order stays paid with a lower total.
    expect(page.get_by_text(re.compile("^Geste commercial de 3,40\u00a0€"))).to_be_visible()
    expect(page.locator(".order-payments .pay-state")).to_have_text("Payée")
    expect(page.locator(".pay-history")).to_contain_text("tomates abîmées")
    check()
    assert ledger.account_balance(order.customer) == Decimal("3.40")
