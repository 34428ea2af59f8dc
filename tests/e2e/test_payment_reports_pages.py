"""A farm's manager reads the payment reports on a phone: payments by method for a chosen month
(a mistyped range first), the customer balances, the SEPA collections, and downloads a CSV. Every
page is checked with axe-core and fits a 360 px screen."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.orders.models import Customer
from cabas.payments.accounts.ledger import account_post
from cabas.payments.models import Collection, CollectionItem, Mandate
from cabas.payments.records.services import payment_record
from tests.e2e.helpers import manage_menu
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerant@ferme-des-saules.fr"


def history():
    farm = EnterpriseFactory(name="Ferme des Saules", slug="ferme-des-saules")
    RoleFactory(enterprise=farm, role="manager", user__email=MANAGER)
    lea = Customer.objects.create(
        enterprise=farm, email="lea@exemple.fr", first_name="Léa", last_name="Bernard"
    )

    def pay(kind, amount, day, **kwargs):
        return payment_record(
            seller=farm, customer=lea, kind=kind, amount=Decimal(amount), received_on=day, **kwargs
        )

    pay("cheque", "12.50", datetime.date(2026, 3, 2), cheque_number="0004521")
    pay("transfer", "40.00", datetime.date(2026, 3, 10))
    pay("transfer", "-15.00", datetime.date(2026, 3, 12))
    account_post(customer=lea, kind="top_up", amount=Decimal("30.00"))
    account_post(customer=lea, kind="order", amount=Decimal("-8.40"))
    mandate = Mandate.objects.create(
        seller=farm,
        customer=lea,
        reference="RUM-FDS-2026-0001",
        debtor_name="Léa Bernard",
        iban="FR7630006000011234567890189",
        signed_on=datetime.date(2026, 1, 5),
    )
    collection = Collection.objects.create(
        seller=farm,
        collection_date=datetime.date(2026, 3, 20),
        message_id="CABAS-FDS-0001",
        total=Decimal("22"),
    )
    debit = pay("sepa", "22.00", datetime.date(2026, 3, 20), state="pending")
    CollectionItem.objects.create(
        collection=collection,
        mandate=mandate,
        payment=debit,
        amount=Decimal("22.00"),
        end_to_end_id="E2E-1",
        sequence_type="FRST",
    )
    return farm


def test_a_manager_reads_the_payment_reports_on_a_phone(page, login_as, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1")).to_have_text("Rapports de paiement")
        no_horizontal_scroll(page)
        axe_check(page)

    farm = history()
    login_as(page, MANAGER)
    page.goto(f"/manage/{farm.slug}/")
    manage_menu(page).get_by_role("link", name="Rapports", exact=True).click()
    page.get_by_role("link", name="Rapports de paiement").click()
    expect(page.get_by_role("heading", level=2, name="Paiements par moyen et par période")).to_be_visible()
    check()

    # A mistyped range is refused with a French message; then March 2026 by week.
    page.get_by_label("Regrouper par").select_option("week")
    page.get_by_label("Du :", exact=True).fill("2026-03-31")
    page.get_by_label("Au (inclus)").fill("2026-03-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("La date de fin doit suivre la date de début.")).to_be_visible()
    check()
    page.get_by_label("Du :", exact=True).fill("2026-03-01")
    page.get_by_label("Au (inclus)").fill("2026-03-31")
    page.get_by_role("button", name="Afficher").click()
    table = page.get_by_role("table", name="Paiements reçus du 01/03/2026 au 31/03/2026")
    expect(table.get_by_role("row", name="semaine du 09/03/2026 Virement bancaire")).to_contain_text("-15,00")
    expect(table.locator("tfoot")).to_contain_text(
        "37,50"
    )  # 12,50 + 40,00 - 15,00; the pending debit not counted
    check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV (tableur)").click()
    assert download_info.value.suggested_filename == f"paiements-{farm.slug}-2026-03-01-2026-03-31.csv"

    page.get_by_role("link", name="Soldes des comptes clients").click()
    expect(page.get_by_role("row", name="Léa Bernard")).to_contain_text("21,60")
    check()

    page.get_by_role("link", name="Remises SEPA").click()
    page.get_by_label("Du :", exact=True).fill("2026-03-01")
    page.get_by_label("Au (inclus)").fill("2026-03-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("row", name="20/03/2026 CABAS-FDS-0001")).to_contain_text("22,00")
    check()
