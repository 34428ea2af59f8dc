"""A farm's manager imports its bank statement on a phone: a file with a mistake first (nothing is
imported, each problem is listed), then the bank's export — the transfer of one order is matched by
its reference — and matches by hand the transfer that named nothing. Every page is checked with
axe-core and fits a 360 px screen."""

import pytest
from playwright.sync_api import expect

from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.models import PaymentState, StatementImport, StatementLine
from cabas.payments.records import services as services_payments
from cabas.payments.references import account_reference
from cabas.payments.tests.files import statement_bytes
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerant@ferme-des-saules.fr"
CA = "Crédit Agricole (Date ; Libellé ; Débit euros ; Crédit euros)"


def test_a_manager_imports_a_statement_and_matches_a_transfer_by_hand(
    page, login_as, axe_check, no_horizontal_scroll, tmp_path
):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    data = open_shop()
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    claire = placed_order(data, method=data.transfer, key="c1")
    francois = placed_order(data, method=data.transfer, key="f1", email="francois@exemple.fr")
    values = {
        "ORDER_1_REF": claire.payment_reference,
        "ORDER_2": francois.number,
        "ACCOUNT_REF": account_reference(999),
    }
    export = tmp_path / "CA20260316_0915.csv"
    export.write_bytes(statement_bytes("credit_agricole_1.csv", **values))
    bad = tmp_path / "releve-mars.csv"
    bad.write_bytes(statement_bytes("credit_agricole_bad.csv"))

    login_as(page, MANAGER)
    page.goto(f"/manage/{data.shop.slug}/payments/statements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevés bancaires")
    check()
    page.get_by_role("link", name="Importer un relevé").click()
    page.get_by_text("Autre CSV : décrire les colonnes").click()  # the custom mapping, unfolded
    expect(page.get_by_label("Colonne de la date")).to_be_visible()
    check()

    # A file with mistakes: nothing is imported, every problem is listed with its line.
    page.get_by_label("Relevé bancaire").set_input_files(str(bad))
    page.get_by_label(CA).check()
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("Ligne 6 : montant « douze » illisible.")).to_be_visible()
    assert not StatementImport.objects.exists()
    check()

    # The bank's export: Claire's transfer carried her order's reference, François' named his order.
    page.get_by_label("Relevé bancaire").set_input_files(str(export))
    page.get_by_label(CA).check()
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("7 opérations importées, 2 rapprochées automatiquement")).to_be_visible()
    expect(page.get_by_text(f"Commande {claire.number}")).to_be_visible()
    assert services_payments.order_payment_state(claire) == PaymentState.PAID
    check()

    # The 17,80 € transfer named nothing: the manager finds François' order and matches it.
    page.get_by_role("link", name="3 à rapprocher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crédits à rapprocher")
    check()
    page.get_by_role("link", name="Rapprocher 17,80 € 12/03/2026").click()
    check()
    page.get_by_label("Chercher une commande ou un client").fill(francois.number)
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("cell", name="4,50 €")).to_be_visible()  # what is left to pay
    check()
    page.get_by_role("button", name=f"Paie cette commande {francois.number}").click()
    expect(page.get_by_text(f"est rapproché de la commande {francois.number}")).to_be_visible()
    line = StatementLine.objects.get(label__endswith="Panier de légumes")
    assert line.status == StatementLine.Status.MATCHED and line.payment.order == francois
    check()
