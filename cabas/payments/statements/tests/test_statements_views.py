"""The bank statement pages of the back-office: upload (preset, CAMT.053, custom mapping), the list
of imports, one import's operations, the credits left to match and matching one by hand."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cabas.enterprises.models import Role
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.models import Payment, PaymentState, StatementImport, StatementLine
from cabas.payments.records import services as services_payments
from cabas.payments.statements.tests.test_statements_import import Shop
from cabas.payments.tests.files import statement_file
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
Status = StatementLine.Status


@pytest.fixture
def shop(manager, enterprise):
    """The test shop is the `enterprise` of the fixtures (its manager is logged in below)."""
    return Shop(open_shop(shop=enterprise))


@pytest.fixture
def web(client_for, manager):
    return client_for(manager)


def url(name, shop, **kwargs):
    return reverse(f"payments:{name}", kwargs={"slug": shop.shop.slug, **kwargs})


def upload(web, shop, name, file_format="credit_agricole", **values):
    data = {"file": statement_file(name, **{**shop.values(), **values}), "file_format": file_format}
    return web.post(url("statement_import", shop), data, follow=True)


def text(response) -> str:
    return response.content.decode()


def test_a_manager_imports_a_bank_export_and_sees_what_was_matched(web, shop):
    page = web.get(url("statement_import", shop))
    assert "Crédit Agricole (Date ; Libellé ; Débit euros ; Crédit euros)" in text(page)
    assert "CAMT.053" in text(page)

    response = upload(web, shop, "credit_agricole_1.csv")

    statement = StatementImport.objects.get()
    assert response.redirect_chain[-1][0] == url("statement", shop, statement=statement.uuid)
    body = text(response)
    assert "7 opérations importées, 3 rapprochées automatiquement, 2 crédits à rapprocher." in body
    assert f"Commande {shop.claire.number}" in body and f"Commande {shop.francois.number}" in body
    assert "Compte de Hélène Lefèvre" in body
    assert "VIR SEPA RECU DE: GARÇON BÉNÉDICTE MOTIF: Panier de légumes" in body
    assert "1\u202f204,50\u00a0€" in body and "Débit" in body


def test_importing_the_same_file_again_says_so_and_changes_nothing(web, shop):
    upload(web, shop, "credit_agricole_1.csv")

    response = upload(web, shop, "credit_agricole_1.csv")

    assert "Ce relevé a déjà été importé le" in text(response)
    assert StatementImport.objects.count() == 1 and StatementLine.objects.count() == 7
    assert Payment.objects.count() == 3


def test_a_bad_file_shows_each_problem_and_imports_nothing(web, shop):
    response = upload(web, shop, "credit_agricole_bad.csv")

    assert response.status_code == 200
    body = text(response)
    assert "Le relevé contient 3 problèmes : rien n&#x27;a été importé." in body
    assert "Ligne 5 : date « 31/02/2026 » illisible (attendue au format jj/mm/aaaa)." in body
    assert "Ligne 6 : montant « douze » illisible." in body
    assert not StatementImport.objects.exists() and not StatementLine.objects.exists()


def test_a_camt053_statement_is_imported_from_the_page(web, shop):
    response = upload(web, shop, "camt053.xml", "camt053", COLLECTION_TOTAL="19.00")

    assert "5 opérations importées" in text(response)
    assert services_payments.order_payment_state(shop.claire) == PaymentState.PAID


def test_a_custom_mapping_is_described_in_the_form(web, shop):
    csv = f"Jour|Somme|Texte\n02.03.2026|9,50|VIR {shop.claire.number}\n".encode("cp1252")
    data = {
        "file": SimpleUploadedFile("export.txt", csv),
        "file_format": "csv-custom",
        "delimiter": "|",
        "encoding": "windows-1252",
        "has_header": "on",
        "date_column": "Jour",
        "date_format": "%d.%m.%Y",
        "amount_mode": "single",
        "amount_column": "somme",
        "label_columns": "Texte",
        "decimal_comma": "on",
    }

    response = web.post(url("statement_import", shop), data, follow=True)

    assert "1 opération importée, 1 rapprochée automatiquement" in text(response)
    assert StatementImport.objects.get().file_format == "csv-custom"


def test_a_custom_mapping_without_its_columns_is_refused_field_by_field(web, shop):
    data = {
        "file": SimpleUploadedFile("export.csv", b"a;b\n"),
        "file_format": "csv-custom",
        "amount_mode": "split",
        "has_header": "on",
    }

    response = web.post(url("statement_import", shop), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"date_column", "label_columns", "debit_column", "credit_column"}
    assert "Indiquez cette colonne pour un CSV décrit à la main." in text(response)
    assert not StatementImport.objects.exists()


def test_the_lists_of_imports_and_of_credits_to_match_keep_their_query_count(
    web, shop, django_assert_max_num_queries
):
    upload(web, shop, "credit_agricole_1.csv")
    upload(web, shop, "credit_agricole_2.csv")
    upload(web, shop, "banque_postale.csv", "banque_postale")
    statement = StatementImport.objects.order_by("imported_at").first()

    # Session, user, role; then the page's own queries — however many statements and lines.
    with django_assert_max_num_queries(7):
        listing = web.get(url("statements", shop))
    assert listing.status_code == 200
    body = text(listing)
    assert "credit_agricole_1.csv" in body and "banque_postale.csv" in body
    assert "crédits à rapprocher à la main" in body

    with django_assert_max_num_queries(7):
        detail = web.get(url("statement", shop, statement=statement.uuid))
    assert detail.status_code == 200 and f"Commande {shop.claire.number}" in text(detail)

    with django_assert_max_num_queries(6):
        lines = web.get(url("statement_lines", shop))
    unmatched = StatementLine.objects.filter(status=Status.UNMATCHED)
    assert len(lines.context["page"].object_list) == unmatched.count() == 5
    assert "REMISE CHEQUES N° 0001234 - 3 chèques" in text(lines)

    line = unmatched.first()
    with django_assert_max_num_queries(8):
        page = web.get(url("statement_line", shop, line=line.uuid), {"q": "e"})
    assert page.status_code == 200


def test_the_line_page_suggests_the_orders_with_this_amount_left_to_pay(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    csv = "Date;Libellé;Montant(EUROS)\n20/03/2026;VIREMENT DE MME MARTIN;4,50\n".encode("cp1252")
    web.post(
        url("statement_import", shop),
        {"file": SimpleUploadedFile("lbp.csv", csv), "file_format": "banque_postale"},
    )
    line = StatementLine.objects.get(amount=Decimal("4.50"))

    page = web.get(url("statement_line", shop, line=line.uuid))

    # François' order has 4,50 € left to pay (5 € of 9,50 € received); Claire's is paid.
    assert [order.number for order in page.context["orders"]] == [shop.francois.number]
    assert page.context["orders"][0].left == Decimal("4.50")
    assert "Paie cette commande" in text(page)


def test_a_manager_finds_an_order_by_name_and_matches_the_credit_to_it(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    line = StatementLine.objects.get(amount=Decimal("17.80"))

    page = web.get(url("statement_line", shop, line=line.uuid), {"q": "martin"})  # name at checkout
    left = {o.number: o.left for o in page.context["orders"]}
    assert left == {shop.claire.number: Decimal("0.00"), shop.francois.number: Decimal("4.50")}
    page = web.get(url("statement_line", shop, line=line.uuid), {"q": shop.francois.number})
    assert [o.number for o in page.context["orders"]] == [shop.francois.number]
    assert page.context["orders"][0].left == Decimal("4.50")

    response = web.post(
        url("statement_line_order", shop, line=line.uuid), {"order": str(shop.francois.uuid)}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("statement_lines", shop)
    assert (
        f"Le virement de 17,80\u00a0€ du 12/03/2026 est rapproché de la commande {shop.francois.number}."
        in text(response)
    )
    line.refresh_from_db()
    assert line.status == Status.MATCHED and line.payment.order == shop.francois
    assert services_payments.order_payment_state(shop.francois) == PaymentState.OVERPAID


def test_a_manager_tops_up_a_customer_account_from_a_credit(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    line = StatementLine.objects.get(amount=Decimal("17.80"))

    page = web.get(url("statement_line", shop, line=line.uuid), {"q": "Lefèvre"})
    assert [c.pk for c in page.context["customers"]] == [shop.helene.pk]
    assert page.context["customers"][0].balance == Decimal("50.00")

    response = web.post(
        url("statement_line_account", shop, line=line.uuid), {"customer": str(shop.helene.uuid)}, follow=True
    )

    assert "approvisionne le compte de Hélène Lefèvre" in text(response)
    assert ledger.account_balance(shop.helene) == Decimal("67.80")


def test_a_manager_ignores_a_credit_and_it_leaves_the_list(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    line = StatementLine.objects.get(amount=Decimal("1250.00"))

    response = web.post(url("statement_line_ignore", shop, line=line.uuid), follow=True)

    assert "L&#x27;opération de 1\u202f250,00\u00a0€ du 10/03/2026 est ignorée." in text(response)
    assert "REMISE CHEQUES" not in text(web.get(url("statement_lines", shop)))
    again = web.post(url("statement_line_ignore", shop, line=line.uuid), follow=True)
    assert "Cette opération est déjà rapprochée ou ignorée." in text(again)


def test_orders_and_customers_of_another_seller_cannot_be_chosen(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    line = StatementLine.objects.get(amount=Decimal("17.80"))
    other = Shop(open_shop(shop=EnterpriseFactory(name="Les Jardins", slug="les-jardins")))

    response = web.post(
        url("statement_line_order", shop, line=line.uuid), {"order": str(other.claire.uuid)}, follow=True
    )
    assert "Choisissez une commande." in text(response)
    response = web.post(
        url("statement_line_account", shop, line=line.uuid), {"customer": str(other.helene.uuid)}, follow=True
    )
    assert "Choisissez un client." in text(response)
    response = web.post(
        url("statement_line_collection", shop, line=line.uuid), {"collection": "x"}, follow=True
    )
    assert "Choisissez une remise de prélèvements." in text(response)
    line.refresh_from_db()
    assert line.status == Status.UNMATCHED and not other.claire.payments.exists()


def test_an_amount_above_the_search_results_is_still_matched_by_hand_and_an_error_keeps_the_page(web, shop):
    upload(web, shop, "credit_agricole_1.csv")
    line = StatementLine.objects.get(amount=Decimal("17.80"))
    shop.claire.status = "cancelled"
    shop.claire.save(update_fields=["status"])

    response = web.post(
        url("statement_line_order", shop, line=line.uuid), {"order": str(shop.claire.uuid)}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("statement_line", shop, line=line.uuid)
    assert "ne peut pas être payée" in text(response)


def test_the_navigation_shows_bank_statements_to_managers_only(web, shop, client_for, volunteer):
    page = web.get(url("statements", shop))
    assert "Relevés bancaires" in text(page) and 'aria-current="page">Relevés bancaires' in text(page)
    Role.objects.filter(user=volunteer).update(role="volunteer")
    dashboard = client_for(volunteer).get(reverse("manage:dashboard", kwargs={"slug": shop.shop.slug}))
    assert url("statements", shop) not in text(dashboard)


def test_a_manager_matches_a_credit_to_a_pending_sepa_collection(client_for, manager, enterprise):
    from cabas.payments.tests.sepa_setup import collect, mandate_for, sepa_order, sepa_shop

    data = sepa_shop(shop=enterprise)
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(paul, iban="FR7610278000000001234567856")
    collection = collect(data, [paul])
    web = client_for(manager)
    csv = "Date;Libellé;Montant(EUROS)\n01/01/2020;REMISE BANQUE;9,50\n".encode()
    web.post(
        reverse("payments:statement_import", kwargs={"slug": enterprise.slug}),
        {"file": SimpleUploadedFile("lbp.csv", csv), "file_format": "banque_postale"},
    )
    line = StatementLine.objects.get()
    line_url = reverse("payments:statement_line", kwargs={"slug": enterprise.slug, "line": line.uuid})

    page = web.get(line_url)
    assert page.context["collections"] == [collection]
    assert collection.message_id in text(page)

    response = web.post(
        reverse("payments:statement_line_collection", kwargs={"slug": enterprise.slug, "line": line.uuid}),
        {"collection": str(collection.uuid)},
        follow=True,
    )

    assert f"est rapproché de la remise {collection.message_id}." in text(response)
    assert services_payments.order_payment_state(paul) == PaymentState.PAID


def test_a_file_of_another_bank_says_so_once_and_the_last_format_is_proposed_again(web, shop):
    response = upload(web, shop, "banque_postale.csv", "credit_agricole")

    body = text(response)
    assert body.count("Aucune ligne d&#x27;en-tête avec les colonnes") == 1
    assert "vérifiez le format choisi. Rien n&#x27;a été importé." in body
    assert not StatementImport.objects.exists()

    upload(web, shop, "banque_postale.csv", "banque_postale")
    form = web.get(url("statement_import", shop)).context["form"]
    assert form["file_format"].value() == "banque_postale"
