"""A farm's manager debits its customers by SEPA direct debit on a phone: records the mandate of a
customer who chose direct debit (a mistyped IBAN first), creates the collection, downloads the file for
the bank, then marks it received. Every page is checked with axe-core and fits a 360 px screen."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cabas.payments.models import Collection, Mandate, PaymentState
from cabas.payments.records import services as services_payments
from cabas.payments.tests.sepa_setup import pain008_schema, sepa_order, sepa_shop
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerant@ferme-des-saules.fr"


def test_a_manager_records_a_mandate_and_collects_an_order(
    page, login_as, axe_check, no_horizontal_scroll, tmp_path
):
    def check():
        expect(page.locator("main h1")).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    data = sepa_shop()
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    order = sepa_order(data, email="claire@exemple.fr")
    slug = data.shop.slug

    login_as(page, MANAGER)
    page.goto(f"/manage/{slug}/payments/collections/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prélèvements SEPA")
    check()
    page.get_by_role("link", name="Nouvelle remise").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Commandes sans mandat actif")
    check()

    # The customer chose direct debit but has no mandate yet: record it, mistyping the IBAN first.
    page.get_by_role("link", name="Ajouter son mandat").click()
    expect(page.get_by_label("Titulaire du compte")).to_have_value("Claire Martin")
    page.get_by_label("IBAN", exact=True).fill("FR76 3000 4000 0000 0123 4567 854")
    page.get_by_role("button", name="Enregistrer le mandat").click()
    bad_key = "IBAN invalide : la clé de contrôle ne correspond pas."
    expect(page.get_by_text(bad_key, exact=False)).to_be_visible()
    assert not Mandate.objects.exists()
    check()
    page.get_by_label("IBAN", exact=True).fill("FR76 3000 4000 0000 0123 4567 845")
    page.get_by_role("button", name="Enregistrer le mandat").click()
    mandate = Mandate.objects.get()
    expect(page.get_by_text(f"Le mandat {mandate.reference} est enregistré.")).to_be_visible()
    expect(page.get_by_text("•••• •••• •••• •••• •••• •••7 845")).to_be_visible()
    check()

    # The collection: the order is listed, checked, for what is left to pay.
    page.get_by_role("link", name="Remises", exact=True).click()
    page.get_by_role("link", name="Nouvelle remise").click()
    expect(page.get_by_label(f"Prélever la commande {order.number}")).to_be_checked()
    check()
    due = timezone.localdate() + datetime.timedelta(days=3)
    page.get_by_label("Date d'échéance").fill(due.isoformat())
    page.get_by_role("button", name="Créer la remise").click()
    expect(page.get_by_text("La remise est prête")).to_be_visible()
    check()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le fichier pour la banque (XML)").click()
    download = download_info.value
    assert download.suggested_filename == f"prelevements-{slug}-{due.isoformat()}.xml"
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    assert pain008_schema().is_valid(saved.read_text(encoding="utf-8"))

    page.get_by_role("button", name="Marquer comme encaissé").click()
    expect(page.get_by_text("1 prélèvement est marqué comme encaissé.")).to_be_visible()
    assert services_payments.order_payment_state(order) == PaymentState.PAID
    check()
    page.get_by_role("link", name="‹ Prélèvements SEPA").click()
    expect(page.get_by_role("cell", name="9,50\u00a0€").first).to_be_visible()
    assert Collection.objects.get().total == order.total
    check()
