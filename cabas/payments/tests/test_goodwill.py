"""A refund never makes the customer owe money: what it gives back beyond what the order was overpaid
is a goodwill reduction (« Geste commercial »), a negative line of the order written with the refund,
so that the total shown is the sum of the lines shown and what is left to pay does not move."""

import contextlib
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.cycles.pricing import order_totals
from cabas.enterprises.models import VatRegime
from cabas.orders.changes import order_cancel, order_edit
from cabas.orders.exceptions import OrderError, OrderNotEditable
from cabas.orders.models import Customer, Order
from cabas.orders.tests.shop_setup import open_shop
from cabas.payments.accounts import ledger
from cabas.payments.exceptions import PaymentError
from cabas.payments.models import PaymentState
from cabas.payments.records.refunds import payment_refund, payment_refundable
from cabas.payments.records.services import (
    filter_by_payment_state,
    order_paid,
    order_payment_state,
    payment_record,
    with_paid,
)
from cabas.payments.tests.placed import placed_order
from tests.factories import RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
ZERO = Decimal("0.00")


@pytest.fixture
def shop():
    """The open shop (subject to VAT), its transfer method with an IBAN, honey at 8,00 € and a manager."""
    data = open_shop(vat_regime=VatRegime.STANDARD)
    data.transfer.iban, data.transfer.bic, data.transfer.account_holder = IBAN, "AGRIFRPP", "Ferme des Saules"
    data.transfer.save()
    data.honey = data.add_variant(
        product__name="Miel", unit="item", quantity=Decimal("1"), price=Decimal("8.00")
    )
    data.manager = RoleFactory(enterprise=data.shop, role="manager").user
    return data


def _order_of_17_70(data, user=None, key="k1"):
    """2 tomatoes, 1 box of eggs and 1 jar of honey, with the packing fee: 17,70 €, by transfer."""
    order = placed_order(data, method=data.transfer, user=user, key=key)
    order_edit(order=order, quantities={str(data.honey.uuid): 1})
    order.refresh_from_db()
    assert order.total == Decimal("17.70")
    return order


def _manager_page(client, order) -> str:
    return client.get(reverse("orders:order", args=[order.seller.slug, order.uuid])).content.decode()


def test_a_partial_refund_of_an_order_paid_by_transfer_leaves_it_paid_with_a_lower_total(client_for, shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    client = client_for(shop.manager)
    prefix = f"refund-{payment.uuid.hex[:12]}"
    url = reverse("payments:order_payment_refund", args=[order.seller.slug, order.uuid, payment.uuid])
    data = {f"{prefix}-amount": "3,97", f"{prefix}-to": "transfer", f"{prefix}-idempotency_key": "r1"}
    assert client.post(url, data).status_code == 302

    html = _manager_page(client, order)
    assert "Reste à payer" not in html and "Partiellement payée" not in html
    assert 'value="3,97"' not in html  # no payment of 3,97 € more is proposed
    assert "Payée" in html and "Geste commercial" in html
    assert "13,73\u00a0€" in html and "-3,97\u00a0€" in html
    order.refresh_from_db()
    assert order.total == Decimal("13.73")


def test_the_buyer_sees_the_goodwill_line_and_the_lower_total_on_their_order_and_in_my_orders(client, shop):
    buyer = UserFactory(email="claire@exemple.fr")
    order = _order_of_17_70(shop, user=buyer)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    payment_refund(payment=payment, amount="3.97", to="transfer", user=shop.manager)
    client.force_login(buyer)
    page = client.get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert "Geste commercial du" in page and "13,73\u00a0€" in page
    assert "-3,79\u00a0€" in page and "-0,18\u00a0€" in page  # one line per VAT rate
    assert "Payer par virement" not in page  # nothing left to pay: no transfer to make
    mine = client.get(reverse("shop:my_orders")).content.decode()
    assert "13,73\u00a0€" in mine and "17,70\u00a0€" not in mine


def _shown(order):
    """(Σ lines shown, the order's totals as computed from them)."""
    lines, fee_lines = list(order.lines.all()), list(order.fee_lines.all())
    shown = sum((line.total for line in lines), ZERO) + sum((f.amount for f in fee_lines), ZERO)
    return shown, order_totals(lines, fee_lines)


def test_a_goodwill_reduction_is_split_over_the_vat_rates_and_keeps_the_vat_exact(shop):
    order = _order_of_17_70(shop)  # 16,90 of products at 5,5 %, 0,80 of packing fees at 20 %
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    refund = payment_refund(payment=payment, amount="3.97", to="cash", user=shop.manager)
    goodwill = list(refund.goodwill_lines.order_by("tax_rate"))
    # 3,97 × 16,90 / 17,70 = 3,7905… and 3,97 × 0,80 / 17,70 = 0,1794…: 3,79 + 0,18 (largest remainder)
    assert [(g.tax_rate, g.amount, g.fee_type) for g in goodwill] == [
        (Decimal("5.50"), Decimal("-3.79"), "goodwill"),
        (Decimal("20.00"), Decimal("-0.18"), "goodwill"),
    ]
    assert goodwill[0].name.startswith("Geste commercial du ") and goodwill[0].name.endswith(" — TVA 5,5 %")
    order.refresh_from_db()
    shown, totals = _shown(order)
    assert order.total == shown == totals.total == Decimal("13.73")
    assert order.vat_total == totals.vat_total
    assert order.fees_total == Decimal("0.80") - Decimal("3.97")
    assert all(vat >= 0 for vat in totals.vat_by_rate.values())


def test_a_refund_of_what_was_overpaid_after_an_edit_is_no_goodwill(shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    order_edit(order=order, quantities={str(shop.honey.uuid): 0})  # 8,20 less: overpaid
    order.refresh_from_db()
    assert order.total == Decimal("9.50") and order_payment_state(order) == PaymentState.OVERPAID
    refund = payment_refund(payment=payment, amount="8.20", to="transfer", user=shop.manager)
    order.refresh_from_db()
    assert not refund.goodwill_lines.exists() and order.total == Decimal("9.50")
    assert order_payment_state(order) == PaymentState.PAID


def test_only_the_part_beyond_what_was_overpaid_is_goodwill(shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="20.00")  # 2,30 over
    refund = payment_refund(payment=payment, amount="5.00", to="cash", user=shop.manager)
    assert sum(g.amount for g in refund.goodwill_lines.all()) == Decimal("-2.70")
    order.refresh_from_db()
    assert order.total == Decimal("15.00") and order_paid(order) == Decimal("15.00")


def test_a_refund_on_a_partly_paid_order_leaves_what_is_left_to_pay_unchanged(client_for, shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="cheque", amount="10.00")
    payment_refund(payment=payment, amount="2.00", to="cash", user=shop.manager)
    order.refresh_from_db()
    assert order.total == Decimal("15.70") and order_paid(order) == Decimal("8.00")
    html = _manager_page(client_for(shop.manager), order)
    assert "Reste à payer</dt><dd>7,70\u00a0€" in html and "Partiellement payée" in html


def test_a_goodwill_reduction_survives_an_edit_split_again_over_what_is_left(shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    refund = payment_refund(payment=payment, amount="3.97", to="transfer", user=shop.manager)
    tomatoes, eggs = str(shop.variants[0].uuid), str(shop.variants[1].uuid)
    order_edit(order=order, quantities={tomatoes: 1, eggs: 2})  # 3,40 less, 2,70 more
    order.refresh_from_db()
    goodwill = list(order.fee_lines.filter(fee_type="goodwill"))
    assert sum(g.amount for g in goodwill) == Decimal("-3.97") and {g.refund for g in goodwill} == {refund}
    shown, totals = _shown(order)
    assert order.total == shown == totals.total == Decimal("17.00") - Decimal("3.97")
    assert order.vat_total == totals.vat_total
    assert order_payment_state(order) == PaymentState.OVERPAID  # 0,70 less: to give back


def test_an_edit_leaving_the_order_worth_less_than_its_goodwill_is_refused(shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    payment_refund(payment=payment, amount="12.00", to="transfer", user=shop.manager)
    order.refresh_from_db()
    before = (order.total, list(order.fee_lines.values_list("amount", flat=True)))
    honey, eggs = str(shop.honey.uuid), str(shop.variants[1].uuid)
    with pytest.raises(OrderNotEditable, match="geste commercial de 12,00"):
        order_edit(order=order, quantities={honey: 0, eggs: 0})  # 6,80 left
    order.refresh_from_db()
    assert (order.total, list(order.fee_lines.values_list("amount", flat=True))) == before
    assert order.lines.count() == 3


def test_a_cancelled_order_gives_back_all_it_received_even_after_a_goodwill_refund(client_for, shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    payment_refund(payment=payment, amount="3.97", to="transfer", user=shop.manager)
    order_cancel(order=order)
    order.refresh_from_db()
    assert order_payment_state(order) == PaymentState.OVERPAID
    html = _manager_page(client_for(shop.manager), order)
    assert "À rendre au client</dt><dd>13,73\u00a0€" in html and "Trop-perçu" in html
    refund = payment_refund(payment=payment, amount="13.73", to="transfer", user=shop.manager)
    order.refresh_from_db()
    assert not refund.goodwill_lines.exists() and order_paid(order) == ZERO
    listed = with_paid(Order.objects.filter(pk=order.pk))
    assert [state for state in PaymentState.values if filter_by_payment_state(listed, state).exists()] == [
        "unpaid"  # cancelled, nothing held any more: nothing to pay nor to give back
    ]


def test_a_refund_never_gives_back_more_than_the_order_holds(shop):
    order = _order_of_17_70(shop)
    payment = payment_record(seller=order.seller, order=order, kind="transfer", amount="17.70")
    # Money given back without naming the payment (e.g. recorded through the API).
    payment_record(seller=order.seller, order=order, kind="cash", amount="-15.00")
    with pytest.raises(PaymentError, match="ce que la commande a reçu : 2,70"):
        payment_refund(payment=payment, amount="3.00", to="cash", user=shop.manager)
    assert order.payments.count() == 2


# --- card refunds: the same rule, once Stripe has given the money back ----------------------------


@pytest.fixture
def charge(settings, customer):
    """A card order of 9,50 € paid on the seller's Stripe account (the local stand-in)."""
    from cabas.payments.card.checkout import card_checkout_url, card_sync
    from cabas.payments.models import Payment
    from cabas.payments.tests.stripe_standin import card_shop, running

    with running(settings) as standin:
        data = card_shop(standin)
        order = placed_order(data, method=data.card, user=customer)
        card_checkout_url(order=order)
        payment = Payment.objects.get(order=order)
        standin.pay(payment.reference)
        card_sync(order=order)
        payment.refresh_from_db()
        yield payment, standin


def test_a_card_refund_confirmed_later_becomes_goodwill_when_stripe_confirms_it(charge):
    from cabas.payments.card.reconcile import card_reconcile
    from cabas.payments.card.refunds import refund_card

    payment, standin = charge
    standin.refund_status = "pending"
    refund = refund_card(payment, Decimal("4.00"))
    order = Order.objects.get(pk=payment.order_id)
    assert order.total == Decimal("9.50") and not order.fee_lines.filter(fee_type="goodwill").exists()
    standin.refunds[refund.reference]["status"] = "succeeded"
    card_reconcile()
    order.refresh_from_db()
    assert sum(g.amount for g in refund.goodwill_lines.all()) == Decimal("-4.00")
    assert order.total == Decimal("5.50") and order_payment_state(order) == PaymentState.PAID


def test_a_card_refund_that_failed_leaves_the_order_as_it_was(charge):
    from cabas.payments.card.reconcile import card_reconcile
    from cabas.payments.card.refunds import refund_card

    payment, standin = charge
    standin.refund_status = "pending"
    refund = refund_card(payment, Decimal("4.00"))
    standin.refunds[refund.reference]["status"] = "failed"
    card_reconcile()
    order = Order.objects.get(pk=payment.order_id)
    assert order.total == Decimal("9.50") and order_payment_state(order) == PaymentState.PAID
    assert not refund.goodwill_lines.exists()


def test_a_card_refund_accepted_at_once_is_goodwill_at_once(charge):
    from cabas.payments.card.refunds import refund_card

    payment, _standin = charge
    refund_card(payment, Decimal("1.50"))
    order = Order.objects.get(pk=payment.order_id)
    assert order.total == Decimal("8.00") and order_payment_state(order) == PaymentState.PAID


# --- orders paid from the customer's account ------------------------------------------------------


def _credit_order(data, balance="50"):
    from cabas.payments.accounts.services import top_up_record
    from cabas.payments.models import PaymentMethod

    data.credit = PaymentMethod.objects.create(enterprise=data.shop, kind="credit", name="Compte client")
    data.distribution.payment_methods.add(data.credit)
    user = UserFactory(email="claire@exemple.fr")
    customer = Customer.objects.create(enterprise=data.shop, email="claire@exemple.fr", user=user)
    top_up_record(enterprise=data.shop, customer=customer, kind="cash", amount=balance)
    return placed_order(data, method=data.credit, user=user), user, customer


def test_an_order_paid_by_credit_edited_after_a_goodwill_refund_is_not_refunded_twice(shop):
    order, user, customer = _credit_order(shop)  # 9,50 taken from 50,00
    payment = order.payments.get()
    payment_refund(payment=payment, amount="2.00", to="cash", user=shop.manager)  # goodwill, in cash
    tomatoes = str(shop.variants[0].uuid)
    order_edit(order=order, quantities={tomatoes: 2}, user=user)  # nothing changes
    order.refresh_from_db()
    assert ledger.account_balance(customer) == Decimal("40.50")  # the 2,00 € are not given back again
    assert order.total == Decimal("7.50") and order_payment_state(order) == PaymentState.PAID
    order_cancel(order=order, user=user)
    assert ledger.account_balance(customer) == Decimal("48.00")  # what the order still held
    assert order_paid(order) == ZERO


def test_a_goodwill_refund_to_the_account_then_an_edit_keeps_the_account_right(shop):
    order, user, customer = _credit_order(shop)
    payment_refund(payment=order.payments.get(), amount="2.00", to="credit", user=shop.manager)
    assert ledger.account_balance(customer) == Decimal("42.50")
    eggs = str(shop.variants[1].uuid)
    order_edit(order=order, quantities={eggs: 0}, user=user)  # 2,70 less: back to the account
    order.refresh_from_db()
    assert order.total == Decimal("6.80") - Decimal("2.00")
    assert ledger.account_balance(customer) == Decimal("45.20")
    assert order_payment_state(order) == PaymentState.PAID


# --- property: whatever happens, a refund never makes the customer owe ----------------------------

amounts = st.integers(min_value=1, max_value=2500).map(lambda c: Decimal(c) / 100)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), amounts),
        st.tuples(
            st.just("refund"),
            st.integers(min_value=0, max_value=5),
            amounts,
            st.sampled_from(["cash", "cheque", "transfer", "credit"]),
        ),
        st.tuples(
            st.just("edit"), st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=4)
        ),
        st.tuples(st.just("cancel")),
    ),
    max_size=8,
)


def _state(order):
    """(what is left to pay: positive, or negative to give back; the order's payment state), as the
    order's page shows them."""
    from cabas.payments.records.views import payments_context

    context = payments_context(order)
    return context["due"], context["payment_state"]


def _check(order, *, every_filter=False):
    """The order's invariants: the total is the sum of the lines shown, VAT included, never
    negative; what is left to pay is what it owes minus what it holds; the state says the same,
    in the orders list's filter too (`every_filter`: and no other filter lists it)."""
    order.refresh_from_db()
    lines, fee_lines = list(order.lines.all()), list(order.fee_lines.all())
    totals = order_totals(lines, fee_lines)
    assert order.total == totals.total == order.items_total + order.fees_total
    assert order.vat_total == totals.vat_total and all(vat >= 0 for vat in totals.vat_by_rate.values())
    assert order.total >= 0
    paid = order_paid(order)
    assert paid >= 0  # never more given back than received
    due, state = _state(order)
    owed = ZERO if order.status == Order.Status.CANCELLED else order.total
    assert due == owed - paid
    if due > 0:
        assert state in (PaymentState.UNPAID, PaymentState.PARTIAL)
    elif due < 0:
        assert state == PaymentState.OVERPAID
    listed = with_paid(Order.objects.filter(pk=order.pk))
    others = [s for s in PaymentState.values if s != state] if every_filter else []
    assert filter_by_payment_state(listed, state).exists()
    assert not any(filter_by_payment_state(listed, s).exists() for s in others)
    return due


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, by_credit=st.booleans())
def test_a_refund_never_makes_what_is_left_to_pay_grow(shop, steps, by_credit):
    variants = [str(v.uuid) for v in (shop.variants[0], shop.variants[1], shop.honey)]
    with transaction.atomic():
        if by_credit:
            order, user, _customer = _credit_order(shop, balance="500")
        else:
            order, user = _order_of_17_70(shop), None
        due = _check(order)
        for step in steps:
            kind = step[0]
            if kind == "pay" and order.status != Order.Status.CANCELLED:
                payment_record(seller=order.seller, order=order, kind="transfer", amount=step[1])
            elif kind == "refund":
                received = order.payments.filter(state="succeeded", amount__gt=0, refund_of=None)
                received = list(received.order_by("pk"))
                if not received:
                    continue
                payment = received[step[1] % len(received)]
                value = min(step[2], payment_refundable(payment))
                if value <= 0:
                    continue
                try:
                    payment_refund(payment=payment, amount=value, to=step[3], user=shop.manager)
                except PaymentError:
                    assert _check(order) == due  # refused: nothing changed
                    continue
                after = _check(order)
                # What is left to pay never moves; what is to give back shrinks by the refund, to 0.
                assert after == (due if due >= 0 else min(due + value, ZERO))
            elif kind == "edit":
                with contextlib.suppress(OrderError):  # e.g. not below its goodwill, not empty
                    order_edit(order=order, quantities={variants[step[1]]: step[2]}, user=user)
            elif kind == "cancel":
                with contextlib.suppress(OrderError):  # already cancelled
                    order_cancel(order=order, user=user)
            due = _check(order)
        _check(order, every_filter=True)
        transaction.set_rollback(True)
