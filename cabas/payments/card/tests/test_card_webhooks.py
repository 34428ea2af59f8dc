"""Stripe's webhook endpoint: only signed events get in (400 and nothing stored otherwise), each
event is stored once, and an event that cannot be applied yet is answered 503 so that Stripe
sends it again."""

import json
import time

import pytest
import stripe
from django.urls import reverse

from cabas.orders.models import Order
from cabas.payments.models import Payment, ProviderEvent, StripeAccount
from cabas.payments.tests.placed import placed_order
from cabas.payments.tests.stripe_standin import WEBHOOK_SECRET, card_shop, connect_seller, running
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

URL = "/payments/webhooks/stripe/"


@pytest.fixture
def standin(settings):
    with running(settings) as standin:
        yield standin


@pytest.fixture
def paid(standin, client_for, customer):
    """An order awaiting its card payment whose session was just paid at Stripe."""
    data = card_shop(standin)
    order = placed_order(data, method=data.card, user=customer)
    location = client_for(customer).get(reverse("pay:card_pay", args=[order.uuid]))["Location"]
    session_id = location.rsplit("/", 1)[1]
    standin.pay(session_id)
    return data, order, standin.session(session_id)


def _post(client, payload: bytes, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **extra)


def _unchanged(order):
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING
    assert Payment.objects.get(order=order).state == "pending"
    assert not ProviderEvent.objects.exists()


def test_the_url_is_the_one_to_configure_at_stripe():
    assert reverse("pay:stripe_webhook") == URL


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda s, p, h: (p, None), id="no-signature"),
        pytest.param(lambda s, p, h: (p, "t=1,v1=abc"), id="garbage-signature"),
        pytest.param(lambda s, p, h: (p, stripe.WebhookSignature.generate_signature_header(
            p.decode(), "whsec_someone_else")), id="other-secret"),
        pytest.param(lambda s, p, h: (p.replace(b'"complete"', b'"open"'), h), id="tampered-body"),
        pytest.param(lambda s, p, h: (p, stripe.WebhookSignature.generate_signature_header(
            p.decode(), WEBHOOK_SECRET, timestamp=int(time.time()) - 3600)), id="replayed-an-hour-later"),
        pytest.param(lambda s, p, h: (b"not json", stripe.WebhookSignature.generate_signature_header(
            "not json", WEBHOOK_SECRET)), id="signed-garbage"),
    ],
)
def test_a_bad_signature_is_refused_with_400_and_nothing_changes(paid, standin, client, forge):
    data, order, session = paid
    payload, header = standin.event("checkout.session.completed", session, account=data.account.account_id)
    payload, header = forge(standin, payload, header)
    before = len(standin.requests)
    response = _post(client, payload, header)
    assert response.status_code == 400
    assert "signature invalide" in response.content.decode()
    _unchanged(order)
    assert len(standin.requests) == before  # Stripe not even asked


def test_without_a_webhook_secret_every_event_is_refused(paid, standin, client, settings):
    data, order, session = paid
    payload, header = standin.event("checkout.session.completed", session, account=data.account.account_id)
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert _post(client, payload, header).status_code == 400
    _unchanged(order)


def test_only_post_is_accepted(client):
    assert client.get(URL).status_code == 405


def test_an_event_stripe_cannot_be_asked_about_is_answered_503_and_applied_when_sent_again(
    paid, standin, client
):
    data, order, session = paid
    payload, header = standin.event(
        "checkout.session.completed", session, account=data.account.account_id, event_id="evt_retry"
    )
    standin.down = True
    response = _post(client, payload, header)
    assert response.status_code == 503
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING
    assert ProviderEvent.objects.get().processed_at is None
    standin.down = False
    assert _post(client, payload, header).status_code == 200  # Stripe's retry
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert ProviderEvent.objects.get().processed_at is not None


def test_an_event_of_another_sellers_account_does_not_touch_the_order(paid, standin, client):
    data, order, session = paid
    other = connect_seller(standin, EnterpriseFactory(slug="ferme-voisine"))
    payload, header = standin.event("checkout.session.completed", session, account=other.account_id)
    assert _post(client, payload, header).status_code == 200
    assert ProviderEvent.objects.get().processed_at is not None  # stored, and nothing to do
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING


def test_an_event_about_an_unknown_order_is_stored_and_ignored(standin, client):
    payload, header = standin.event(
        "checkout.session.completed",
        {"id": "cs_test_x", "object": "checkout.session", "metadata": {"order": "pas-un-uuid"}},
        account="acct_x",
    )
    assert _post(client, payload, header).status_code == 200
    assert ProviderEvent.objects.get().event_type == "checkout.session.completed"


def test_account_updated_refreshes_whether_the_seller_can_take_charges(standin, client):
    seller = EnterpriseFactory(slug="ferme-nouvelle")
    account = connect_seller(standin, seller, charges=False)
    standin.account_enable(account.account_id)
    payload, header = standin.event(
        "account.updated", {"id": account.account_id, "object": "account"}, account=account.account_id
    )
    assert _post(client, payload, header).status_code == 200
    account = StripeAccount.objects.get(pk=account.pk)
    assert account.charges_enabled and account.details_submitted


def test_the_stored_event_is_the_verified_payload(paid, standin, client):
    data, order, session = paid
    payload, header = standin.event("checkout.session.completed", session, account=data.account.account_id)
    _post(client, payload, header)
    event = ProviderEvent.objects.get()
    assert event.payload == json.loads(payload)
