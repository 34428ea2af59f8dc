"""Importing bank statements: stored once, all or nothing, credits matched to orders (fully or
partly paid), top-ups of customer accounts and SEPA collections; the rest left for a person."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cabas.orders.models import Customer
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import AccountEntry, Payment, PaymentState, StatementImport, StatementLine
from cabas.payments.records import services as services_payments
from cabas.payments.references import account_reference
from cabas.payments.statements import MAX_FILE_BYTES, StatementRejected, services
from cabas.payments.statements.csv_formats import CsvMapping
from cabas.payments.tests.files import statement_file
from cabas.payments.tests.placed import placed_order
from cabas.payments.tests.sepa_setup import collect, mandate_for, sepa_order, sepa_shop
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

CA = "credit_agricole"
Status = StatementLine.Status


class Shop:
    """A shop with two orders of 9,50 € placed by transfer (Claire, François) and a customer with
    an account (Hélène)."""

    def __init__(self, data=None):
        self.data = data or open_shop()
        self.shop = self.data.shop
        self.claire = placed_order(self.data, method=self.data.transfer, key="c1")
        self.francois = placed_order(
            self.data, method=self.data.transfer, key="f1", email="francois@exemple.fr"
        )
        self.helene = Customer.objects.create(
            enterprise=self.shop, email="helene@exemple.fr", first_name="Hélène", last_name="Lefèvre"
        )

    def values(self):
        number = self.francois.number
        return {
            "ORDER_1_REF": self.claire.payment_reference,
            "ORDER_2": number,
            "ORDER_2_SPACED": number.replace("-", " "),
            "ACCOUNT_REF": account_reference(self.helene.pk),
        }

    def load(self, name, file_format=CA, user=None, **values):
        file = statement_file(name, **{**self.values(), **values})
        return services.statement_import(seller=self.shop, file=file, file_format=file_format, user=user)


def state(order):
    return services_payments.order_payment_state(order)


def test_it_pays_an_order_by_its_reference_partly_another_by_its_number_and_tops_up_an_account(owner):
    shop = Shop()

    result = shop.load("credit_agricole_1.csv", user=owner)

    assert (result.stored, result.known, result.matched, result.unmatched) == (7, 0, 3, 2)
    assert result.message == (
        "7 opérations importées, 3 rapprochées automatiquement, 2 crédits à rapprocher."
    )
    # Claire's transfer carried her order's RF reference: the order is paid.
    assert state(shop.claire) == PaymentState.PAID
    payment = shop.claire.payments.get()
    assert (payment.kind, payment.amount, payment.state) == ("transfer", Decimal("9.50"), "succeeded")
    assert payment.received_on == datetime.date(2026, 3, 2)
    assert payment.method == shop.data.transfer and payment.recorded_by == owner
    assert payment.statement_line.status == Status.MATCHED
    # François sent 5 € of his 9,50 € order, naming its number: partly paid.
    assert state(shop.francois) == PaymentState.PARTIAL
    assert services_payments.order_paid(shop.francois) == Decimal("5.00")
    # Hélène's transfer carried her account reference: a top-up of 50 €.
    assert ledger.account_balance(shop.helene) == Decimal("50.00")
    entry = AccountEntry.objects.get(customer=shop.helene)
    assert entry.kind == "top_up" and entry.payment.customer == shop.helene and entry.payment.order is None
    # The cheques remittance and the unnamed transfer are left for a person; debits are kept aside.
    lines = StatementLine.objects.filter(statement=result.statement)
    assert sorted(lines.filter(status=Status.UNMATCHED).values_list("amount", flat=True)) == [
        Decimal("17.80"),
        Decimal("1250.00"),
    ]
    assert sorted(lines.filter(status=Status.IGNORED).values_list("amount", flat=True)) == [
        Decimal("-1204.50"),
        Decimal("-84.32"),
    ]
    assert result.statement.filename == "credit_agricole_1.csv"
    assert result.statement.file_format == CA


def test_importing_the_same_statement_twice_changes_nothing():
    shop = Shop()
    first = shop.load("credit_agricole_1.csv")
    counts = (StatementLine.objects.count(), Payment.objects.count(), AccountEntry.objects.count())

    again = shop.load("credit_agricole_1.csv")

    assert again.already_imported and again.statement == first.statement
    assert again.message.startswith("Ce relevé a déjà été importé le ")
    assert again.message.endswith(": rien n'a changé.")
    assert StatementImport.objects.count() == 1
    assert (StatementLine.objects.count(), Payment.objects.count(), AccountEntry.objects.count()) == counts
    assert ledger.account_balance(shop.helene) == Decimal("50.00")


def test_an_overlapping_statement_stores_only_its_new_lines_and_completes_a_partial_payment():
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    assert state(shop.francois) == PaymentState.PARTIAL

    result = shop.load("credit_agricole_2.csv")

    # 10/03 (cheques) and 12/03 (unnamed transfer) were in the first statement too.
    assert (result.stored, result.known, result.matched, result.unmatched) == (2, 2, 1, 0)
    assert "2 déjà connues (relevé précédent), ignorées" in result.message
    assert StatementLine.objects.count() == 9
    assert StatementLine.objects.filter(amount=Decimal("17.80")).count() == 1
    # The rest of François' order, with its number written with spaces: now paid.
    assert state(shop.francois) == PaymentState.PAID
    assert list(shop.francois.payments.values_list("amount", flat=True).order_by("id")) == [
        Decimal("5.00"),
        Decimal("4.50"),
    ]


def test_two_partial_transfers_of_one_statement_pay_an_order_and_a_third_is_left():
    shop = Shop()
    number = shop.francois.number
    csv = (
        "Date;Libellé;Montant(EUROS)\n"
        f"02/03/2026;VIR DE DUPONT {number} 1/2;4,00\n"
        f"03/03/2026;VIR DE DUPONT {number} 2/2;5,50\n"
        f"04/03/2026;VIR DE DUPONT {number} encore;1,00\n"
    ).encode("cp1252")

    result = services.statement_import(seller=shop.shop, file=csv, file_format="banque_postale")

    assert (result.matched, result.unmatched) == (2, 1)
    assert state(shop.francois) == PaymentState.PAID
    assert StatementLine.objects.get(status=Status.UNMATCHED).amount == Decimal("1.00")


def test_a_transfer_above_what_is_left_to_pay_is_left_for_a_person():
    shop = Shop()
    csv = f"Date;Libellé;Montant(EUROS)\n02/03/2026;VIR {shop.claire.payment_reference};20,00\n".encode()

    result = services.statement_import(seller=shop.shop, file=csv, file_format="banque_postale")

    assert (result.matched, result.unmatched) == (0, 1)
    assert not Payment.objects.exists()


def test_a_label_naming_two_orders_or_an_order_and_an_account_is_left_for_a_person():
    shop = Shop()
    two_orders = f"VIR {shop.claire.number} ET {shop.francois.number}"
    order_and_account = f"VIR {shop.claire.payment_reference} {account_reference(shop.helene.pk)}"
    csv = f"Date;Libellé;Montant(EUROS)\n02/03/2026;{two_orders};9,50\n03/03/2026;{order_and_account};9,50\n"

    result = services.statement_import(seller=shop.shop, file=csv.encode(), file_format="banque_postale")

    assert (result.matched, result.unmatched) == (0, 2)
    assert not Payment.objects.exists() and not AccountEntry.objects.exists()


def test_references_of_another_seller_are_never_matched():
    shop = Shop()
    other = open_shop(shop=EnterpriseFactory(name="Les Jardins", slug="les-jardins"))
    csv = f"Date;Libellé;Montant(EUROS)\n02/03/2026;VIR {shop.claire.payment_reference};9,50\n".encode()

    result = services.statement_import(seller=other.shop, file=csv, file_format="banque_postale")

    assert (result.matched, result.unmatched) == (0, 1)
    assert state(shop.claire) == PaymentState.UNPAID


def test_a_cancelled_order_is_not_paid_automatically():
    shop = Shop()
    shop.claire.status = "cancelled"
    shop.claire.save(update_fields=["status"])
    csv = f"Date;Libellé;Montant(EUROS)\n02/03/2026;VIR {shop.claire.payment_reference};9,50\n".encode()

    result = services.statement_import(seller=shop.shop, file=csv, file_format="banque_postale")

    assert result.unmatched == 1 and not Payment.objects.exists()


def test_the_account_reference_stored_on_the_customer_is_recognised():
    shop = Shop()
    shop.helene.payment_reference = account_reference(shop.helene.pk)
    shop.helene.save(update_fields=["payment_reference"])
    spaced = " ".join(shop.helene.payment_reference[i : i + 4] for i in range(0, 16, 4))
    csv = f"Date;Libellé;Montant(EUROS)\n02/03/2026;VIR RECU /MOTIF {spaced};25,00\n".encode()

    services.statement_import(seller=shop.shop, file=csv, file_format="banque_postale")

    assert ledger.account_balance(shop.helene) == Decimal("25.00")


def test_a_bad_file_imports_nothing_and_says_which_lines():
    shop = Shop()

    with pytest.raises(StatementRejected) as error:
        shop.load("credit_agricole_bad.csv")

    assert (
        error.value.problems[0] == "Ligne 5 : date « 31/02/2026 » illisible (attendue au format jj/mm/aaaa)."
    )
    assert not StatementImport.objects.exists() and not StatementLine.objects.exists()
    assert not Payment.objects.exists()


def test_an_empty_file_an_unknown_format_or_a_missing_mapping_are_refused():
    shop = Shop()
    with pytest.raises(StatementRejected, match="vide"):
        services.statement_import(seller=shop.shop, file=b"  \r\n", file_format=CA)
    with pytest.raises(PaymentError, match="Format de relevé inconnu"):
        services.statement_import(seller=shop.shop, file=b"x", file_format="ofx")
    with pytest.raises(PaymentError, match="Décrivez les colonnes"):
        services.statement_import(seller=shop.shop, file=b"x", file_format=services.CUSTOM)
    assert not StatementImport.objects.exists()


def test_a_custom_mapping_imports_and_matches_too():
    shop = Shop()
    csv = f"Opération,Valeur,Somme,Texte\n2026-03-02,2026-03-03,9.50,{shop.claire.number}\n".encode()
    mapping = CsvMapping(
        date_column="Opération",
        date_format="%Y-%m-%d",
        amount_column="Somme",
        label_columns=("Texte",),
        delimiter=",",
        decimal_comma=False,
    )

    result = services.statement_import(
        seller=shop.shop, file=csv, file_format=services.CUSTOM, mapping=mapping
    )

    assert result.matched == 1 and state(shop.claire) == PaymentState.PAID
    assert result.statement.file_format == "csv-custom"


# --- CAMT.053 and SEPA collections ------------------------------------------------------------


def sepa_data():
    """A shop with SEPA: a collection of Paul's and Léa's orders (19 €), Claire's order by transfer
    and Hélène's account."""
    data = sepa_shop()
    paul = sepa_order(data, email="paul@exemple.fr")
    lea = sepa_order(data, email="lea@exemple.fr")
    mandate_for(paul, iban="FR7610278000000001234567856")
    mandate_for(lea, iban="FR1420041010050500013M02606")
    collection = collect(data, [paul, lea])
    return data, collection, (paul, lea)


def test_a_camt053_statement_pays_an_order_tops_up_an_account_and_settles_a_sepa_collection(owner):
    data, collection, debited = sepa_data()
    shop = Shop(data)
    assert collection.total == Decimal("19.00")
    assert all(state(order) == PaymentState.UNPAID for order in debited)

    result = shop.load(
        "camt053.xml",
        file_format="camt053",
        user=owner,
        COLLECTION_TOTAL="19.00",
        COLLECTION_MSG_ID=collection.message_id,
    )

    assert (result.stored, result.matched, result.unmatched) == (5, 3, 1)
    assert state(shop.claire) == PaymentState.PAID
    assert shop.claire.payments.get().reference == "2026030400017A"  # the bank's reference
    assert ledger.account_balance(shop.helene) == Decimal("30.00")
    line = StatementLine.objects.get(collection=collection)
    assert (line.status, line.amount, line.payment) == (Status.MATCHED, Decimal("19.00"), None)
    # The collection's debits are received.
    assert all(state(order) == PaymentState.PAID for order in debited)
    assert StatementLine.objects.get(status=Status.UNMATCHED).counterparty == "Bénédicte Garçon"


def test_a_collection_mentioned_by_its_id_with_another_amount_is_left_for_a_person():
    data, collection, debited = sepa_data()
    shop = Shop(data)

    result = shop.load(
        "camt053.xml", file_format="camt053", COLLECTION_TOTAL="9.50", COLLECTION_MSG_ID=collection.message_id
    )

    assert (
        StatementLine.objects.get(amount=Decimal("9.50"), collection=None, payment=None).status
        == Status.UNMATCHED
    )
    assert result.unmatched == 2
    assert all(state(order) == PaymentState.UNPAID for order in debited)


def _collection_csv(amount: str, booked_on: datetime.date) -> bytes:
    return f"Date;Libellé;Montant(EUROS)\n{booked_on:%d/%m/%Y};REMISE PRLV SEPA;{amount}\n".encode()


def test_a_collection_is_recognised_by_its_total_around_its_due_date():
    data, collection, debited = sepa_data()

    result = services.statement_import(
        seller=data.shop,
        file=_collection_csv("19,00", collection.collection_date + datetime.timedelta(days=1)),
        file_format="banque_postale",
    )

    assert result.matched == 1
    assert StatementLine.objects.get().collection == collection
    assert all(state(order) == PaymentState.PAID for order in debited)


def test_a_total_far_from_the_due_date_or_shared_by_two_collections_is_left_for_a_person():
    data, collection, _debited = sepa_data()
    far = collection.collection_date + datetime.timedelta(days=30)
    result = services.statement_import(
        seller=data.shop, file=_collection_csv("19,00", far), file_format="banque_postale"
    )
    assert result.unmatched == 1

    claire = sepa_order(data, email="claire2@exemple.fr")
    marc = sepa_order(data, email="marc@exemple.fr")
    mandate_for(claire)
    mandate_for(marc, iban="FR7630004000000001234567845")
    twin = collect(data, [claire, marc], days=3)
    assert twin.total == collection.total and twin.collection_date == collection.collection_date
    result = services.statement_import(
        seller=data.shop,
        file=_collection_csv("19,00", collection.collection_date),
        file_format="banque_postale",
    )
    assert result.unmatched == 1


# --- Matching by hand -------------------------------------------------------------------------


def unmatched(shop, amount):
    return StatementLine.objects.get(seller=shop.shop, amount=Decimal(amount), status=Status.UNMATCHED)


def test_a_manager_matches_a_credit_to_an_order_even_above_what_is_left(manager):
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    line = unmatched(shop, "17.80")

    services.statement_line_match_order(line=line, order=shop.francois, user=manager)

    line.refresh_from_db()
    assert line.status == Status.MATCHED and line.payment.order == shop.francois
    assert line.payment.recorded_by == manager
    assert services_payments.order_paid(shop.francois) == Decimal("22.80")
    assert state(shop.francois) == PaymentState.OVERPAID  # a credit owed to François, shown as such


def test_a_manager_tops_up_an_account_or_ignores_a_line_and_cannot_match_it_twice(manager):
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    line = unmatched(shop, "17.80")

    services.statement_line_match_account(line=line, customer=shop.helene, user=manager)
    assert ledger.account_balance(shop.helene) == Decimal("67.80")
    with pytest.raises(PaymentError, match="déjà rapprochée"):
        services.statement_line_match_order(line=line, order=shop.claire, user=manager)
    with pytest.raises(PaymentError, match="déjà rapprochée"):
        services.statement_line_ignore(line=line, user=manager)

    cheques = unmatched(shop, "1250.00")
    services.statement_line_ignore(line=cheques, user=manager)
    cheques.refresh_from_db()
    assert cheques.status == Status.IGNORED
    assert Payment.objects.filter(amount=Decimal("1250.00")).count() == 0


def test_a_debit_or_another_sellers_order_cannot_be_matched(manager):
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    debit = StatementLine.objects.get(amount=Decimal("-84.32"))
    debit.status = Status.UNMATCHED  # even if it were left unmatched
    debit.save(update_fields=["status"])
    with pytest.raises(PaymentError, match="Seuls les crédits"):
        services.statement_line_match_order(line=debit, order=shop.francois, user=manager)

    other = placed_order(open_shop(shop=EnterpriseFactory(name="Les Jardins", slug="les-jardins")), key="o1")
    with pytest.raises(PaymentError, match="pas une commande de ce vendeur"):
        services.statement_line_match_order(line=unmatched(shop, "17.80"), order=other, user=manager)
    other_customer = Customer.objects.create(enterprise=other.seller, email="x@exemple.fr")
    with pytest.raises(PaymentError, match="pas un client de ce vendeur"):
        services.statement_line_match_account(
            line=unmatched(shop, "17.80"), customer=other_customer, user=manager
        )
    assert unmatched(shop, "17.80").payment is None


def test_a_manual_match_to_a_cancelled_order_is_refused(manager):
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    shop.claire.status = "cancelled"
    shop.claire.save(update_fields=["status"])
    with pytest.raises(PaymentError, match="ne peut pas être payée"):
        services.statement_line_match_order(line=unmatched(shop, "17.80"), order=shop.claire, user=manager)


def test_the_lists_count_what_each_statement_holds():
    shop = Shop()
    shop.load("credit_agricole_1.csv")
    shop.load("credit_agricole_2.csv")

    second, first = services.statements_for_list(shop.shop)

    assert (first.line_count, first.matched_count, first.unmatched_count) == (7, 3, 2)
    assert first.credits == Decimal("1332.30")  # 9,50 + 5 + 50 + 1 250 + 17,80
    assert (second.line_count, second.matched_count, second.unmatched_count) == (2, 1, 0)
    assert [line.amount for line in services.unmatched_lines(shop.shop)] == [
        Decimal("1250.00"),
        Decimal("17.80"),
    ]
    assert timezone.now() >= first.imported_at


def test_references_and_order_numbers_are_found_however_a_bank_writes_them():
    from cabas.payments.statements.matching import order_numbers_in, references_in

    # "RF29CMDFDS202600001R" is a valid reference too: every valid prefix is a candidate.
    assert "RF29CMDFDS202600001" in references_in("MOTIF: RF29CMDFDS202600001 REF: 2026030212345")
    assert {"RF29CMDFDS202600001", "RF90CPT000003"} <= references_in("rf29 cmdf ds20 2600 001RF90CPT000003")
    assert order_numbers_in("cde fds 2026 00002, FDS-2026-00003 et FDS202600004/FDS-2026-000051") == {
        "FDS-2026-00002",
        "FDS-2026-00003",
        "FDS-2026-00004",
    }


def test_a_collection_credited_as_two_payment_blocks_is_matched_by_both_lines():
    data = sepa_shop()
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(paul, iban="FR7610278000000001234567856")
    collect(data, [paul])  # Paul's first debit: his next one is a recurring one (RCUR)
    again = sepa_order(data, email="paul@exemple.fr", key="paul-2")
    lea = sepa_order(data, email="lea@exemple.fr")
    mandate_for(lea, iban="FR1420041010050500013M02606")
    collection = collect(data, [again, lea], days=4)
    assert sorted(collection.items.values_list("sequence_type", flat=True)) == ["FRST", "RCUR"]
    day = collection.collection_date
    csv = (
        "Date;Libellé;Montant(EUROS)\n"
        f"{day:%d/%m/%Y};REMISE PRLV SEPA {collection.message_id} FRST;9,50\n"
        f"{day:%d/%m/%Y};REMISE PRLV SEPA {collection.message_id} RCUR;9,50\n"
        f"{day:%d/%m/%Y};REMISE PRLV SEPA {collection.message_id} RCUR;9,50\n"
    ).encode()

    result = services.statement_import(seller=data.shop, file=csv, file_format="banque_postale")

    # Two blocks of 9,50 € make the collection's 19 €; a third credit would be too much.
    assert (result.matched, result.unmatched) == (2, 1)
    assert collection.statement_lines.count() == 2
    assert all(state(order) == PaymentState.PAID for order in (again, lea))


def test_a_manager_matches_a_credit_to_a_collection_but_not_beyond_its_total(manager):
    data, collection, debited = sepa_data()
    csv = "Date;Libellé;Montant(EUROS)\n01/01/2020;VIR BANQUE;19,00\n02/01/2020;VIR BANQUE;0,50\n"
    services.statement_import(seller=data.shop, file=csv.encode(), file_format="banque_postale")
    line, extra = StatementLine.objects.order_by("booked_on")

    services.statement_line_match_collection(line=line, collection=collection, user=manager)

    assert all(state(order) == PaymentState.PAID for order in debited)
    with pytest.raises(PaymentError, match="dépasse ce qui reste à recevoir"):
        services.statement_line_match_collection(line=extra, collection=collection, user=manager)
    extra.refresh_from_db()
    assert extra.status == Status.UNMATCHED


def test_a_file_above_the_size_limit_is_refused_before_being_read():
    shop = Shop()
    data = b"Date;Libell\xe9;D\xe9bit euros;Cr\xe9dit euros;\n" + b"x" * MAX_FILE_BYTES

    with pytest.raises(StatementRejected) as refused:
        services.statement_import(seller=shop.shop, file=data, file_format="credit_agricole")

    assert refused.value.problems == ["Le fichier dépasse 5 Mo : exportez une période plus courte."]
    assert not StatementImport.objects.exists()
