"""SEPA collections: which orders are debited and for how much, the pain.008 file (valid against the
XSD shipped with sepaxml), FRST then RCUR, settling and rejected debits."""

import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.payments.models import Collection, CollectionItem, Payment, PaymentState
from cabas.payments.records import services as services_payments
from cabas.payments.sepa import services as services_sepa
from cabas.payments.sepa.files import Creditor, Debit, pain008, sepa_text
from cabas.payments.sepa.services import SepaError
from cabas.payments.tests.sepa_setup import (
    CREDITOR_IBAN,
    CREDITOR_ID,
    LEA_IBAN,
    NS,
    PAUL_IBAN,
    collect,
    mandate_for,
    pain008_schema,
    sepa_order,
    sepa_shop,
)

pytestmark = pytest.mark.django_db


def _xml(collection):
    return ElementTree.fromstring(collection.xml.encode("utf-8"))


def _texts(root, path):
    return [node.text for node in root.findall(path, NS)]


def test_it_writes_a_pain008_file_valid_against_the_xsd_with_the_header_matching_the_debits():
    data = sepa_shop()
    orders = [
        sepa_order(data, email="claire@exemple.fr"),
        sepa_order(data, email="paul@exemple.fr"),
        sepa_order(data, email="lea@exemple.fr"),
    ]
    for order, iban in zip(orders, [None, PAUL_IBAN, LEA_IBAN], strict=True):
        mandate_for(order, **({"iban": iban} if iban else {}))
    services_payments.payment_record(seller=data.shop, order=orders[2], kind="cheque", amount="2,00")

    collection = collect(data, orders)

    assert pain008_schema().is_valid(collection.xml)
    root = _xml(collection)
    items = list(collection.items.select_related("payment").order_by("pk"))
    assert [i.amount for i in items] == [Decimal("9.50"), Decimal("9.50"), Decimal("7.50")]
    assert collection.total == Decimal("26.50") == sum(i.amount for i in items)
    assert _texts(root, "p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs") == ["3"]
    assert _texts(root, "p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum") == ["26.50"]
    assert _texts(root, "p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId") == [collection.message_id]
    assert sorted(_texts(root, ".//p:DrctDbtTxInf/p:InstdAmt")) == ["7.50", "9.50", "9.50"]
    assert sorted(_texts(root, ".//p:DrctDbtTxInf/p:PmtId/p:EndToEndId")) == sorted(
        i.end_to_end_id for i in items
    )
    assert _texts(root, ".//p:PmtInf/p:ReqdColltnDt") == [str(collection.collection_date)]
    assert _texts(root, ".//p:PmtInf/p:CdtrAcct/p:Id/p:IBAN") == [CREDITOR_IBAN]
    assert _texts(root, ".//p:PmtInf/p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id") == [CREDITOR_ID]
    assert "FR7630004000000001234567845" in _texts(root, ".//p:DbtrAcct/p:Id/p:IBAN")
    # Each debit is a pending payment of the order, found back by its end-to-end id.
    for item in items:
        assert item.payment.state == Payment.State.PENDING
        assert item.payment.kind == "sepa" and item.payment.reference == item.end_to_end_id
        assert item.payment.amount == item.amount and item.payment.order_id == item.order_id
    assert services_payments.order_payment_state(orders[0]) == PaymentState.UNPAID


def test_the_first_debit_on_a_mandate_is_frst_and_the_next_ones_rcur():
    data = sepa_shop()
    claire = sepa_order(data, email="claire@exemple.fr")
    mandate_for(claire)
    first = collect(data, [claire])
    assert first.items.get().sequence_type == "FRST"
    assert _texts(_xml(first), ".//p:PmtTpInf/p:SeqTp") == ["FRST"]

    services_sepa.collection_settle(collection=first)
    again = sepa_order(data, email="claire@exemple.fr", key="claire-2")
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(paul, iban=PAUL_IBAN)
    second = collect(data, [again, paul])

    assert {i.order_id: i.sequence_type for i in second.items.all()} == {again.pk: "RCUR", paul.pk: "FRST"}
    root = _xml(second)
    assert pain008_schema().is_valid(second.xml)
    blocks = {
        block.find("p:PmtTpInf/p:SeqTp", NS).text: (
            block.find("p:NbOfTxs", NS).text,
            block.find("p:CtrlSum", NS).text,
        )
        for block in root.findall(".//p:PmtInf", NS)
    }
    assert blocks == {"FRST": ("1", "9.50"), "RCUR": ("1", "9.50")}


def test_a_revoked_mandate_is_not_collected():
    data = sepa_shop()
    order = sepa_order(data)
    mandate = mandate_for(order)
    services_sepa.mandate_revoke(mandate=mandate)

    candidates, without_mandate = services_sepa.collection_candidates(data.shop)
    assert candidates == [] and without_mandate == [order]
    with pytest.raises(SepaError) as refused:
        collect(data, [order])
    assert order.number in refused.value.message and "sans mandat actif" in refused.value.message
    assert not Collection.objects.exists() and not Payment.objects.exists()


def test_an_order_is_debited_for_what_is_left_to_pay_and_never_twice():
    data = sepa_shop()
    partly = sepa_order(data, email="claire@exemple.fr")
    paid = sepa_order(data, email="paul@exemple.fr")
    mandate_for(partly)
    mandate_for(paid, iban=PAUL_IBAN)
    services_payments.payment_record(seller=data.shop, order=partly, kind="cheque", amount="4")
    services_payments.payment_record(seller=data.shop, order=paid, kind="cash", amount="9.50")
    cheque_order = sepa_order(data, email="lea@exemple.fr")
    cheque_order.payment_method = data.cheque
    cheque_order.save(update_fields=["payment_method"])

    candidates, _ = services_sepa.collection_candidates(data.shop)
    assert [(c.order, c.amount) for c in candidates] == [(partly, Decimal("5.50"))]

    collect(data, [partly])
    assert services_sepa.collection_candidates(data.shop) == ([], [])
    with pytest.raises(SepaError):
        collect(data, [partly])  # the same page submitted twice
    assert Collection.objects.count() == 1 and CollectionItem.objects.count() == 1


def test_settling_a_collection_marks_its_debits_received_once():
    data = sepa_shop()
    claire = sepa_order(data, email="claire@exemple.fr")
    paul = sepa_order(data, email="paul@exemple.fr")
    mandate_for(claire)
    mandate_for(paul, iban=PAUL_IBAN)
    collection = collect(data, [claire, paul])
    rejected = collection.items.get(order=paul)
    services_sepa.collection_item_reject(item=rejected)

    assert services_sepa.collection_settle(collection=collection) == 1
    assert services_sepa.collection_settle(collection=collection) == 0  # a statement seen twice
    assert services_payments.order_payment_state(claire) == PaymentState.PAID
    assert services_payments.order_payment_state(paul) == PaymentState.UNPAID
    rejected.payment.refresh_from_db()
    assert rejected.payment.state == Payment.State.FAILED
    with pytest.raises(SepaError):
        services_sepa.collection_item_reject(item=collection.items.get(order=claire))


def test_a_rejected_debit_makes_the_order_collectable_again_as_a_first_debit():
    data = sepa_shop()
    order = sepa_order(data)
    mandate_for(order)
    first = collect(data, [order])
    services_sepa.collection_item_reject(item=first.items.get())

    candidates, _ = services_sepa.collection_candidates(data.shop)
    assert [(c.order, c.amount, c.sequence_type) for c in candidates] == [(order, Decimal("9.50"), "FRST")]
    second = collect(data, [order])
    assert second.items.get().sequence_type == "FRST"


def test_it_refuses_a_past_date_an_empty_choice_and_an_incomplete_account_and_writes_nothing():
    data = sepa_shop()
    order = sepa_order(data)
    mandate_for(order)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(SepaError, match="date d'échéance est passée"):
        services_sepa.collection_create(
            seller=data.shop, method=data.sepa, collection_date=yesterday, orders=[order.uuid]
        )
    with pytest.raises(SepaError, match="Cochez au moins une commande"):
        collect(data, [])
    data.sepa.creditor_identifier = "FR00ZZZ123456"
    data.sepa.save()
    with pytest.raises(SepaError, match="identifiant créancier SEPA"):
        collect(data, [order])
    data.sepa.creditor_identifier, data.sepa.iban = CREDITOR_ID, "FR76 3000 6000 0112 3456 7890 188"
    data.sepa.save()
    with pytest.raises(SepaError, match="clé de contrôle"):
        collect(data, [order])
    with pytest.raises(SepaError, match="Prélèvement SEPA"):
        services_sepa.collection_create(
            seller=data.shop, method=data.cheque, collection_date=timezone.localdate(), orders=[order.uuid]
        )
    assert not Collection.objects.exists() and not Payment.objects.exists()


def test_the_creditor_bic_comes_from_the_bank_registry_when_the_method_has_none():
    data = sepa_shop()
    data.sepa.bic = ""
    data.sepa.save()
    order = sepa_order(data)
    mandate_for(order)
    collection = collect(data, [order])
    assert _texts(_xml(collection), ".//p:CdtrAgt/p:FinInstnId/p:BIC") == ["AGRIFRPPXXX"]


def test_accents_and_symbols_in_names_are_transliterated_to_the_sepa_characters():
    data = sepa_shop()
    data.sepa.account_holder = "Ferme des Saules – Coopérative «Bio»"
    data.sepa.save()
    order = sepa_order(data)
    mandate_for(order, name="Hélène Lefèvre-Œuvray & Fils")
    collection = collect(data, [order])

    root = _xml(collection)
    assert _texts(root, ".//p:DrctDbtTxInf/p:Dbtr/p:Nm") == ["Helene Lefevre-OEuvray Fils"]
    assert _texts(root, ".//p:PmtInf/p:Cdtr/p:Nm") == ["Ferme des Saules - Cooperative Bio"]
    assert _texts(root, ".//p:RmtInf/p:Ustrd") == [f"Ferme des Saules {order.number}"]
    assert sepa_text("Çà et là, 100 % naturel ! ß") == "Ca et la, 100 naturel ss"


amounts = st.lists(
    st.integers(min_value=1, max_value=99_999_999).map(lambda cents: Decimal(cents) / 100),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None)
@given(amounts=amounts, recurring=st.lists(st.booleans(), min_size=8, max_size=8))
def test_the_group_header_and_each_block_add_up_to_the_debits(amounts, recurring):
    debits = [
        Debit(
            end_to_end_id=f"C-2026-{n:05d}-1",
            amount=amount,
            mandate_reference=f"RUM-C-2026-{n:04d}",
            mandate_signed_on=datetime.date(2026, 1, 5),
            sequence_type="RCUR" if recurring[n] else "FRST",
            debtor_name="Client",
            debtor_iban=PAUL_IBAN,
            debtor_bic="",
            label="Commande",
        )
        for n, amount in enumerate(amounts)
    ]
    creditor = Creditor(name="Ferme", iban=CREDITOR_IBAN, bic="AGRIFRPP", identifier=CREDITOR_ID)
    _message_id, xml = pain008(creditor=creditor, collection_date=datetime.date(2030, 1, 2), debits=debits)

    root = ElementTree.fromstring(xml)
    header_sum = Decimal(root.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", NS).text)
    assert header_sum == sum(amounts)
    assert int(root.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", NS).text) == len(amounts)
    blocks = root.findall(".//p:PmtInf", NS)
    assert sum(Decimal(b.find("p:CtrlSum", NS).text) for b in blocks) == header_sum
    for block in blocks:
        kind = block.find("p:PmtTpInf/p:SeqTp", NS).text
        expected = [a for a, r in zip(amounts, recurring, strict=False) if (kind == "RCUR") == r]
        assert Decimal(block.find("p:CtrlSum", NS).text) == sum(expected)
        assert sorted(Decimal(t) for t in _texts(block, "p:DrctDbtTxInf/p:InstdAmt")) == sorted(expected)
