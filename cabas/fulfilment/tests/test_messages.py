"""Messages to customers: whom a message reaches, the emails the task sends (once), the service's
checks, the manager's pages and the cycle's history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import Variant
from cabas.enterprises.models import Role
from cabas.fulfilment import customer_messages, tasks
from cabas.fulfilment.customer_messages import MessageError, message_send, recipients_count
from cabas.fulfilment.models import CustomerMessage
from cabas.orders.cart import cart_set_quantity
from cabas.orders.changes import order_cancel
from cabas.orders.models import Order
from cabas.orders.placing import order_place
from cabas.orders.tests.shop_setup import open_shop
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _shop(slug="ferme-des-saules", email="contact@saules.fr"):
    data = open_shop(shop=EnterpriseFactory(name=f"Ferme {slug}", slug=slug, email=email))
    Variant.objects.filter(pk__in=[v.pk for v in data.variants]).update(on_hand=1000)
    return data


def _place(data, email, *, key, delivery=False, name="Zoé Petit"):
    cart = Order.objects.create(seller=data.shop, cycle=data.cycle)
    cart_set_quantity(cart=cart, variant=data.variants[0], quantity=7 if delivery else 1)
    details = {"address": "3 rue Terme", "postcode": "69001", "city": "Lyon"} if delivery else {}
    return order_place(
        cart=cart,
        email=email,
        full_name=name,
        phone="06 00 00 00 00",
        shipping_method=data.delivery if delivery else data.pickup,
        payment_method=data.cheque,
        idempotency_key=f"{data.shop.slug}-{key}",
        **details,
    )


def _day(data) -> datetime.date:
    return timezone.localtime(data.distribution.pickup_at).date()


@pytest.fixture
def sold():
    """A shop's cycle with: Zoé (two orders, her address typed in two cases), Marc (delivered,
    collected the next day), a cancelled order, a cart; and another shop's customer."""
    data = _shop()
    first = _place(data, "zoe@exemple.fr", key=1)
    second = _place(data, "Zoe@Exemple.fr", key=2)
    marc = _place(data, "marc@exemple.fr", key=3, delivery=True, name="Marc Durand")
    Order.objects.filter(pk=marc.pk).update(
        pickup_at=data.distribution.pickup_at + datetime.timedelta(days=1)
    )
    order_cancel(order=_place(data, "annule@exemple.fr", key=4))
    Order.objects.create(seller=data.shop, cycle=data.cycle, email="panier@exemple.fr")
    other = _shop("ferme-voisine", email="")
    _place(other, "voisin@exemple.fr", key=5)
    data.orders = [first, second, marc]
    data.other = other
    return data


def _send(data, user, **extra):
    values = {"subject": "Livraison retardée", "body": "Le camion a crevé.\nRetrait à 19 h."}
    return message_send(seller=data.shop, cycle=data.cycle, user=user, **{**values, **extra})


# --- Recipients -----------------------------------------------------------------------------------


def test_a_cycle_reaches_each_address_of_its_placed_orders_once(sold):
    assert recipients_count(seller=sold.shop, cycle=sold.cycle) == 2  # Zoé once, Marc
    assert recipients_count(seller=sold.other.shop, cycle=sold.other.cycle) == 1


def test_a_distribution_date_reaches_only_its_customers(sold):
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, day=_day(sold)) == 1
    next_day = _day(sold) + datetime.timedelta(days=1)
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, day=next_day) == 1
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, day=next_day + datetime.timedelta(1)) == 0


def test_a_pickup_point_reaches_only_its_customers(sold):
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, shipping_method=sold.pickup) == 1
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, shipping_method=sold.delivery) == 1
    day = _day(sold)
    assert recipients_count(seller=sold.shop, cycle=sold.cycle, day=day, shipping_method=sold.delivery) == 0


# --- Sending --------------------------------------------------------------------------------------


def test_the_task_emails_each_customer_once_with_their_orders(
    sold, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(sold, manager)

    assert len(mailoutbox) == 2
    by_address = {mail.to[0].lower(): mail for mail in mailoutbox}
    assert set(by_address) == {"zoe@exemple.fr", "marc@exemple.fr"}
    zoe = by_address["zoe@exemple.fr"]
    assert zoe.subject == "Livraison retardée"
    assert "Le camion a crevé.\nRetrait à 19 h." in zoe.body
    assert sold.orders[0].number in zoe.body and sold.orders[1].number in zoe.body
    assert "Retrait à la ferme" in zoe.body
    assert "vous avez commandé chez Ferme ferme-des-saules" in zoe.body
    assert zoe.reply_to == ["contact@saules.fr"]
    assert zoe.from_email.startswith("Ferme ferme-des-saules")
    html = zoe.alternatives[0].content
    assert "Le camion a crevé.<br>Retrait à 19 h." in html
    assert sold.orders[2].number not in zoe.body  # Marc's order is his own
    message.refresh_from_db()
    assert message.status == CustomerMessage.Status.SENT
    assert message.sent_at is not None and message.recipients == 2


def test_a_second_run_of_the_task_emails_nobody_again(
    sold, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(sold, manager, day=_day(sold))
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.customer_message_send.call(str(message.uuid))

    assert again == 0
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"subject": "  "}, "Écrivez un objet de 1 à 150 caractères."),
        ({"subject": "x" * 151}, "Écrivez un objet de 1 à 150 caractères."),
        ({"body": ""}, "Écrivez un message de 1 à 5000 caractères."),
        ({"body": "x" * 5001}, "Écrivez un message de 1 à 5000 caractères."),
        ({"day": datetime.date(2020, 1, 1)}, "Aucun client ne correspond à ce choix"),
    ],
)
def test_it_refuses_a_bad_message_in_french_and_saves_nothing(
    sold, manager, mailoutbox, django_capture_on_commit_callbacks, values, error
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MessageError) as raised:
        _send(sold, manager, **values)
    assert error in raised.value.message
    assert not CustomerMessage.objects.exists()
    assert mailoutbox == []


def test_it_refuses_a_cycle_the_seller_has_no_orders_in(sold, manager):
    with pytest.raises(MessageError) as raised:
        message_send(seller=sold.shop, cycle=sold.other.cycle, subject="Bonjour", body="Test", user=manager)
    assert raised.value.message == "Choisissez un cycle où votre structure a des commandes."
    assert not CustomerMessage.objects.exists()


# --- Pages ----------------------------------------------------------------------------------------


def _manager(client, data):
    user = RoleFactory(enterprise=data.shop, role=Role.Level.MANAGER).user
    client.force_login(user)
    return user


def test_a_manager_previews_the_count_then_sends(
    sold, client, mailoutbox, django_capture_on_commit_callbacks
):
    _manager(client, sold)
    url = reverse("fulfilment:message_new", args=[sold.shop.slug])
    data = {
        "cycle": sold.cycle.uuid,
        "day": "",
        "shipping_method": "",
        "subject": "Retard",
        "body": "Une heure.",
    }

    preview = client.post(url, {**data, "action": "preview"})
    assert "2 destinataires" in preview.content.decode()
    assert not CustomerMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**data, "action": "send"})

    assert sent.status_code == 302 and sent["Location"] == reverse(
        "fulfilment:messages", args=[sold.shop.slug]
    )
    assert len(mailoutbox) == 2
    page = client.get(sent["Location"]).content.decode()
    assert "Retard" in page and "Vente de la semaine" in page and "2 destinataires" in page


def test_the_form_says_when_nobody_matches_and_sends_nothing(sold, client):
    _manager(client, sold)
    url = reverse("fulfilment:message_new", args=[sold.shop.slug])
    next_day = (_day(sold) + datetime.timedelta(days=1)).isoformat()
    data = {"cycle": sold.cycle.uuid, "day": next_day, "shipping_method": sold.pickup.uuid}
    response = client.post(url, {**data, "subject": "Retard", "body": "Une heure.", "action": "send"})
    assert response.status_code == 200
    assert "Aucun client ne correspond à ce choix" in response.content.decode()
    assert not CustomerMessage.objects.exists()


def test_the_distribution_page_leads_a_manager_to_the_form_with_its_date(sold, client):
    _manager(client, sold)
    day = _day(sold).isoformat()
    page = client.get(reverse("fulfilment:distribution", args=[sold.shop.slug, day])).content.decode()
    link = reverse("fulfilment:message_new", args=[sold.shop.slug]) + f"?day={day}"
    assert link in page

    form = client.get(link).content.decode()
    assert f'value="{day}" selected' in form
    assert f'value="{sold.cycle.uuid}" selected' in form  # the date's only cycle


def test_the_distribution_page_offers_no_message_to_a_volunteer(sold, client):
    client.force_login(RoleFactory(enterprise=sold.shop, role=Role.Level.VOLUNTEER).user)
    day = _day(sold).isoformat()
    page = client.get(reverse("fulfilment:distribution", args=[sold.shop.slug, day])).content.decode()
    assert "Écrire aux clients" not in page


def test_the_list_costs_a_bounded_number_of_queries(sold, client, django_assert_max_num_queries):
    senders = [RoleFactory(enterprise=sold.shop, role=Role.Level.MANAGER).user for _ in range(3)]
    for i in range(25):
        _send(sold, senders[i % 3], subject=f"Message {i}", shipping_method=[None, sold.pickup][i % 2])
    client.force_login(senders[0])
    url = reverse("fulfilment:messages", args=[sold.shop.slug])
    with django_assert_max_num_queries(7):  # session, user, enterprise, role, count, messages
        page = client.get(url).content.decode()
    assert "Message 24" in page and "Message 5" in page and "Message 4" not in page  # newest first


def test_the_cycle_page_shows_the_messages_sent_to_its_customers(sold, client, manager):
    message = _send(sold, manager, day=_day(sold))
    RoleFactory(enterprise=sold.shop, role=Role.Level.MANAGER, user=manager)
    client.force_login(manager)
    page = client.get(reverse("cycles:edit", args=[sold.shop.slug, sold.cycle.uuid])).content.decode()
    assert "Message aux clients : « Livraison retardée »" in page
    assert "1 destinataire" in page
    assert message.target in page


def test_the_history_entry_names_the_sender_and_the_target(sold, manager):
    message = _send(sold, manager, shipping_method=sold.delivery)
    [entry] = customer_messages.cycle_history_entries(cycle=sold.cycle, enterprise=sold.shop)
    assert entry.at == message.created_at
    assert entry.detail == "1 destinataire · Livraison Lyon"
    assert sold.shop.name in entry.by
