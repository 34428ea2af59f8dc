"""Paying an order by card, end to end against the local Stripe stand-in: the order awaits its
payment with its stock reserved, the buyer pays on a Checkout Session of the seller's account, and
the return URL or the webhook — whichever comes first — completes it, once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.cycles.models import CycleSupplier, Fee
from cabas.orders.models import Order
from cabas.payments.card.checkout import card_checkout_url, card_sync
from cabas.payments.card.connect import card_methods_offerable
from cabas.payments.card.stripe_client import to_cents
from cabas.payments.models import Payment, ProviderEvent
from cabas.payments.tests.placed import placed_order
from cabas.payments.tests.stripe_standin import card_shop, running
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings):
    with running(settings) as standin:
        yield standin


@pytest.fixture
def data(standin):
    return card_shop(standin)


@pytest.fixture
def buyer(client_for, customer):
    return client_for(customer)


def _awaiting(data, customer, key="k1"):
    return placed_order(data, method=data.card, user=customer, key=key)


def _stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).on_hand


def _to_stripe(buyer, order) -> str:
    """The buyer opens the pay page and is sent to Stripe: the session id."""
    response = buyer.get(reverse("pay:card_pay", args=[order.uuid]))
    assert response.status_code == 302, response.content
    return response["Location"].rsplit("/", 1)[1]


def _webhook(client, standin, event_type, obj, *, account, event_id=None):
    payload, header = standin.event(event_type, obj, account=account, event_id=event_id)
    url = reverse("pay:stripe_webhook")
    return client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def _confirmations():
    return [m for m in mail.outbox if "confirmée" in m.subject]


# --- placing -------------------------------------------------------------------------------------


def test_it_places_a_card_order_awaiting_payment_with_its_stock_reserved(data, customer):
    before = timezone.now()
    order = _awaiting(data, customer)
    assert order.status == Order.Status.AWAITING
    assert before + datetime.timedelta(minutes=30) <= order.payment_due_by
    assert order.payment_due_by <= timezone.now() + datetime.timedelta(minutes=30)
    assert _stock(data.variants[0]) == 8 and _stock(data.variants[1]) == 3
    assert order.events.get().to_status == Order.Status.AWAITING
    assert mail.outbox == []  # confirmed once paid


def test_the_checkout_sends_the_buyer_to_stripe_on_the_sellers_account(
    data, standin, buyer, customer, django_capture_on_commit_callbacks
):
    buyer.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "2"},
    )
    form = {
        "cycle": data.cycle.uuid, "email": "claire@exemple.fr", "full_name": "Claire Martin",
        "shipping_method": data.pickup.uuid, "payment_method": data.card.uuid,
        "idempotency_key": "cle-carte", "confirm": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(reverse("shop:checkout", args=[data.shop.slug]), form)
    order = Order.objects.get(status=Order.Status.AWAITING)
    assert response["Location"] == reverse("pay:card_pay", args=[order.uuid])
    assert mail.outbox == []
    to_stripe = buyer.get(response["Location"])
    assert to_stripe.status_code == 302 and to_stripe["Location"].startswith(standin.url + "/pay/cs_test_")
    [call] = standin.calls("/v1/checkout/sessions")
    assert call["account"] == data.account.account_id  # charged on the seller's own account
    assert call["key"] == f"cabas-order-{order.uuid}-0"
    item = call["params"]["line_items"][0]
    assert item["price_data"]["unit_amount"] == "680" and item["price_data"]["currency"] == "eur"
    assert order.total == Decimal("6.80")
    assert call["params"]["metadata"]["order"] == str(order.uuid)
    assert call["params"]["payment_intent_data"]["metadata"]["order"] == str(order.uuid)
    assert "application_fee_amount" not in call["params"]["payment_intent_data"]  # no platform fee
    assert call["params"]["success_url"].endswith(
        reverse("pay:card_return", args=[order.uuid]) + "?session_id={CHECKOUT_SESSION_ID}"
    )
    payment = Payment.objects.get(order=order)
    assert (payment.kind, payment.state, payment.amount) == ("card", "pending", Decimal("6.80"))
    assert payment.reference == to_stripe["Location"].rsplit("/", 1)[1]


def test_the_platform_takes_only_its_platform_fee_line(standin, customer, settings):
    data = card_shop(standin)
    platform = EnterpriseFactory(slug=settings.PLATFORM_ENTERPRISE_SLUG, name="Coopérative Cabas")
    Fee.objects.create(
        enterprise=platform, name="Plateforme", fee_type="platform", calculator="percent", amount=Decimal("2")
    )
    order = _awaiting(data, customer)
    line = order.fee_lines.get(fee_type="platform")
    assert Decimal("0.10") < line.amount < Decimal("0.20")  # about 2 % of 8,90 € of products
    card_checkout_url(order=order)
    [call] = standin.calls("/v1/checkout/sessions")
    assert call["params"]["payment_intent_data"]["application_fee_amount"] == str(to_cents(line.amount))
    assert call["params"]["line_items"][0]["price_data"]["unit_amount"] == str(to_cents(order.total))


def test_the_card_is_not_offered_while_the_sellers_account_cannot_take_charges(standin, client, customer):
    data = card_shop(standin, charges=False)
    client.post(
        reverse("shop:cart_set", args=[data.shop.slug]),
        {"cycle": data.cycle.uuid, "variant": data.variants[0].uuid, "set": "1"},
    )
    page = client.get(reverse("shop:checkout", args=[data.shop.slug])).content.decode()
    assert "Chèque" in page and "Carte bancaire" not in page
    with pytest.raises(Exception) as error:
        _awaiting(data, customer)
    assert "pas disponible" in str(error.value.message)
    assert _stock(data.variants[0]) == 10 and not Order.objects.exclude(status="cart").exists()


def test_the_card_is_not_offered_when_the_platform_has_no_stripe_key(data, customer, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert card_methods_offerable([data.card, data.cheque], data.shop) == [data.cheque]
    with pytest.raises(Exception, match="pas disponible"):
        _awaiting(data, customer)


def test_a_double_click_on_pay_opens_one_session(data, standin, buyer, customer):
    order = _awaiting(data, customer)
    first, second = _to_stripe(buyer, order), _to_stripe(buyer, order)
    assert first == second
    assert len(standin.calls("/v1/checkout/sessions")) == 1
    assert Payment.objects.filter(order=order).count() == 1


# --- completion: return URL and webhook, in any order ---------------------------------------------


def test_the_return_url_completes_the_order_then_the_webhook_changes_nothing(
    data, standin, buyer, client, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    standin.pay(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.get(reverse("pay:card_return", args=[order.uuid]) + f"?session_id={session_id}")
    assert response["Location"] == reverse("shop:order", args=[order.uuid])
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert Payment.objects.get(order=order).state == "succeeded"
    assert [e.to_status for e in order.events.filter(kind="status")] == ["awaiting", "placed"]
    assert len(_confirmations()) == 1 and order.number in _confirmations()[0].subject
    page = buyer.get(response["Location"]).content.decode()
    assert "Votre paiement est reçu" in page

    with django_capture_on_commit_callbacks(execute=True):
        late = _webhook(
            client, standin, "checkout.session.completed", standin.session(session_id),
            account=data.account.account_id,
        )
    assert late.status_code == 200
    assert Payment.objects.filter(order=order).count() == 1
    assert order.events.filter(kind="status").count() == 2
    assert len(_confirmations()) == 1
    assert _stock(data.variants[0]) == 8  # reserved once, sold once


def test_the_webhook_completes_the_order_then_the_return_url_shows_it(
    data, standin, buyer, client, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    standin.pay(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = _webhook(
            client, standin, "checkout.session.completed", standin.session(session_id),
            account=data.account.account_id,
        )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and len(_confirmations()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        back = buyer.get(reverse("pay:card_return", args=[order.uuid]) + f"?session_id={session_id}")
    assert back["Location"] == reverse("shop:order", args=[order.uuid])
    assert "Votre paiement est reçu" in buyer.get(back["Location"]).content.decode()
    assert len(_confirmations()) == 1 and Payment.objects.filter(order=order).count() == 1


def test_a_webhook_replayed_twice_changes_nothing_the_second_time(
    data, standin, buyer, client, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    standin.pay(session_id)
    obj = standin.session(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            response = _webhook(
                client, standin, "checkout.session.completed", obj,
                account=data.account.account_id, event_id="evt_once",
            )
            assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert (event.event_id, event.event_type) == ("evt_once", "checkout.session.completed")
    assert event.processed_at is not None and event.payload["data"]["object"]["id"] == session_id
    asked = [r for r in standin.requests if r["path"].endswith(session_id)]
    assert len(asked) == 1  # the replays did not even ask Stripe
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert len(_confirmations()) == 1 and Payment.objects.filter(order=order, state="succeeded").count() == 1


def test_events_in_shuffled_order_complete_the_order_once(
    data, standin, buyer, client, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    # The charge succeeds a moment before the session completes: its event comes first.
    standin.pay(session_id, complete_session=False)
    intent = standin.intent(standin.session(session_id)["payment_intent"])
    account = data.account.account_id
    with django_capture_on_commit_callbacks(execute=True):
        response = _webhook(client, standin, "payment_intent.succeeded", intent, account=account)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    standin.pay(session_id)  # the session completes
    events = [
        ("charge.succeeded", {"id": "ch_1", "object": "charge", "metadata": {}}),
        ("checkout.session.completed", standin.session(session_id)),
        ("payment_intent.succeeded", intent),
        ("checkout.session.completed", standin.session(session_id)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for event_type, obj in events:
            assert _webhook(client, standin, event_type, obj, account=account).status_code == 200
    assert ProviderEvent.objects.count() == 5
    assert Payment.objects.filter(order=order).count() == 1
    assert order.events.filter(kind="status", to_status="placed").count() == 1
    assert len(_confirmations()) == 1


def test_a_refused_card_leaves_the_order_waiting_for_another_try(
    data, standin, buyer, client, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    intent = standin.decline(session_id)
    account = data.account.account_id
    response = _webhook(client, standin, "payment_intent.payment_failed", intent, account=account)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING and Payment.objects.get(order=order).state == "pending"
    assert _to_stripe(buyer, order) == session_id  # the same session, open for another card
    standin.pay(session_id)
    with django_capture_on_commit_callbacks(execute=True):
        _webhook(client, standin, "checkout.session.completed", standin.session(session_id), account=account)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and len(_confirmations()) == 1


def test_coming_back_without_paying_offers_to_pay_or_cancel(data, standin, buyer, customer):
    order = _awaiting(data, customer)
    _to_stripe(buyer, order)
    response = buyer.get(reverse("pay:card_return", args=[order.uuid]) + "?abandoned=1")
    page = response.content.decode()
    assert response.status_code == 200
    assert "rien ne vous a été débité" in page and "Payer par carte" in page and "Annuler la commande" in page
    assert "9,50\u00a0€" in page


def test_the_buyer_cancels_and_the_stock_goes_back(
    data, standin, buyer, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    session_id = _to_stripe(buyer, order)
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(reverse("pay:card_cancel", args=[order.uuid]))
    assert response["Location"] == reverse("shop:order", args=[order.uuid])
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert standin.session(session_id)["status"] == "expired"  # can no longer be paid
    assert Payment.objects.get(order=order).state == "cancelled"
    assert _stock(data.variants[0]) == 10 and _stock(data.variants[1]) == 4
    assert mail.outbox == []  # the buyer knows
    assert "est annulée" in buyer.get(response["Location"]).content.decode()


def test_cancelling_after_the_payment_went_through_places_the_order(
    data, standin, buyer, customer, django_capture_on_commit_callbacks
):
    order = _awaiting(data, customer)
    standin.pay(_to_stripe(buyer, order))
    with django_capture_on_commit_callbacks(execute=True):
        buyer.post(reverse("pay:card_cancel", args=[order.uuid]))
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and _stock(data.variants[0]) == 8
    assert len(_confirmations()) == 1


def test_stripe_down_at_the_pay_page_says_so_and_changes_nothing(data, standin, buyer, customer):
    order = _awaiting(data, customer)
    standin.down = True
    response = buyer.get(reverse("pay:card_pay", args=[order.uuid]))
    assert response.status_code == 503
    assert "Le service de paiement ne répond pas" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING and not Payment.objects.filter(order=order).exists()


def test_only_the_buyer_reaches_the_pay_pages(data, customer, client, client_for, outsider):
    order = _awaiting(data, customer)
    for url in (reverse("pay:card_pay", args=[order.uuid]), reverse("pay:card_return", args=[order.uuid])):
        assert client.get(url).status_code == 404
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(reverse("pay:card_cancel", args=[order.uuid])).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING


def test_a_guest_buyer_pays_from_the_browser_that_ordered(data, standin, client):
    session = client.session
    order = placed_order(data, method=data.card)
    session["cabas_guest_orders"] = [str(order.uuid)]
    session.save()
    assert _to_stripe(client, order).startswith("cs_test_")


def test_a_placed_order_is_not_paid_again(data, standin, buyer, customer):
    order = _awaiting(data, customer)
    standin.pay(_to_stripe(buyer, order))
    card_sync(order=order)
    response = buyer.get(reverse("pay:card_pay", args=[order.uuid]))
    assert response["Location"] == reverse("shop:order", args=[order.uuid])
    assert len(standin.calls("/v1/checkout/sessions")) == 1


def test_an_order_paid_by_cheque_has_no_card_pages(standin, customer, buyer):
    data = card_shop(standin)
    order = placed_order(data, user=customer)
    assert buyer.get(reverse("pay:card_pay", args=[order.uuid])).status_code == 404


def test_card_payment_needs_at_least_fifty_cents(standin, customer):
    data = card_shop(standin)
    CycleSupplier.objects.filter(cycle=data.cycle).first().fees.clear()
    data.variants[0].price = Decimal("0.10")
    data.variants[0].save()
    from cabas.orders.cart import cart_set_quantity
    from cabas.orders.placing import order_place

    cart = Order.objects.create(seller=data.shop, cycle=data.cycle, user=customer)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=1)
    with pytest.raises(Exception, match="au moins 0,50"):
        order_place(
            cart=cart, email="a@exemple.fr", full_name="A B", shipping_method=data.pickup,
            payment_method=data.card, idempotency_key="petit",
        )


def test_the_order_page_offers_to_pay_while_the_order_awaits_its_payment(data, standin, buyer, customer):
    order = _awaiting(data, customer)
    page = buyer.get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert "En attente de paiement" in page and "vos produits vous sont réservés jusqu" in page
    assert reverse("pay:card_pay", args=[order.uuid]) in page
    assert reverse("pay:card_cancel", args=[order.uuid]) in page
    standin.pay(_to_stripe(buyer, order))
    card_sync(order=order)
    page = buyer.get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert reverse("pay:card_pay", args=[order.uuid]) not in page


def test_an_order_paid_by_card_can_be_cancelled_but_not_edited(
    data, standin, buyer, customer, django_capture_on_commit_callbacks
):
    from cabas.orders.changes import order_edit
    from cabas.orders.exceptions import OrderNotEditable

    data.shop.orders_editable = True
    data.shop.save(update_fields=["orders_editable"])
    order = _awaiting(data, customer)
    standin.pay(_to_stripe(buyer, order))
    with django_capture_on_commit_callbacks(execute=True):
        buyer.get(reverse("pay:card_return", args=[order.uuid]))
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED

    page = buyer.get(reverse("shop:order", args=[order.uuid])).content.decode()
    assert "Annuler la commande" in page and "Modifier la commande" not in page
    assert buyer.get(reverse("shop:order_edit", args=[order.uuid])).status_code == 302
    with pytest.raises(OrderNotEditable, match="payée par carte"):
        order_edit(order=order, quantities={str(data.variants[0].uuid): 1})
    order.refresh_from_db()
    assert order.lines.get(variant=data.variants[0]).quantity == 2
