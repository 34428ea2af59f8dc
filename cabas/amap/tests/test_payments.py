"""Cheques tracked by the AMAP: every allowed and forbidden move of an instalment, the bulk
hand-over to the producer and its slip (page and PDF), the balances and the end-of-season
regularisation, SEPA instalments collected by the producer, and the pages of a basket's order."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.amap.exceptions import PaymentStateError, PlanInvalid
from cabas.amap.models import Contract, HandOver, Instalment
from cabas.amap.payments import (
    instalment_receive,
    instalment_unreceive,
    instalments_hand_over,
    season_regularisation,
    subscription_balance,
)
from cabas.amap.plans import plan_create, subscription_due
from cabas.amap.selectors_payments import handover_slip
from cabas.amap.slips import slip_document, slip_pdf
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import Role
from cabas.orders.models import Order
from cabas.orders.standing import standing_orders_cancel
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db

State = Instalment.State


def _subscribe(s, email, name="Camille Martin", *, contract=None, instalments=3, method="cheque"):
    contract = contract or s.vegetables
    product = s.big if contract == s.vegetables else s.dozen
    return subscription_create(
        contract=contract,
        customer=member(s.amap, email, name),
        quantities={product.pk: 1},
        instalments=instalments,
        method=method,
        accepted=True,
    )


def _state(instalment) -> str:
    instalment.refresh_from_db()
    return instalment.state


def _force(instalment, state, number="1234567"):
    Instalment.objects.filter(pk=instalment.pk).update(state=state, cheque_number=number)
    instalment.refresh_from_db()
    return instalment


def _text(document) -> str:
    """The text laid out on the pages of a WeasyPrint document."""

    def walk(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from walk(child)

    return " ".join(t for page in document.pages for t in walk(page._page_box))


def _flat(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(page).replace("\xa0", " ").replace("\u202f", " "))


# --- Every move, allowed or not -------------------------------------------------------------------


@pytest.fixture
def world():
    s = season(weeks=4)
    sub = _subscribe(s, "camille@exemple.fr")
    return s, sub


def _receive(s, instalment, user):
    return instalment_receive(
        instalment=instalment, cheque_number="0045871", bank="Crédit Agricole", user=user
    )


def _unreceive(s, instalment, user):
    return instalment_unreceive(instalment=instalment, user=user)


def _hand_over(s, instalment, user):
    return instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[instalment], user=user)


ACTIONS = {"receive": _receive, "unreceive": _unreceive, "hand_over": _hand_over}
# (state before, action) → the state after, or None: refused.
MOVES = {
    (State.TO_PROVIDE, "receive"): State.RECEIVED,
    (State.TO_PROVIDE, "unreceive"): None,
    (State.TO_PROVIDE, "hand_over"): None,
    (State.RECEIVED, "receive"): None,
    (State.RECEIVED, "unreceive"): State.TO_PROVIDE,
    (State.RECEIVED, "hand_over"): State.HANDED_OVER,
    (State.HANDED_OVER, "receive"): None,
    (State.HANDED_OVER, "unreceive"): None,
    (State.HANDED_OVER, "hand_over"): None,
}


@pytest.mark.parametrize(("before", "action"), list(MOVES), ids=[f"{b}-{a}" for b, a in MOVES])
def test_every_move_of_a_cheque_is_allowed_or_refused_as_the_states_say(world, before, action):
    s, sub = world
    instalment = _force(sub.instalments.first(), before)
    after = MOVES[(before, action)]
    handovers = HandOver.objects.count()
    if after is None:
        with pytest.raises(PaymentStateError) as refused:
            ACTIONS[action](s, instalment, s.owner)
        assert refused.value.message  # a French sentence
        assert _state(instalment) == before and HandOver.objects.count() == handovers
    else:
        ACTIONS[action](s, instalment, s.owner)
        assert _state(instalment) == after


def test_receiving_a_cheque_needs_its_number_and_keeps_it_with_the_bank(world):
    s, sub = world
    instalment = sub.instalments.first()
    with pytest.raises(PaymentStateError, match="numéro du chèque") as refused:
        instalment_receive(instalment=instalment, cheque_number="  ", user=s.owner)
    assert refused.value.field == "cheque_number" and _state(instalment) == State.TO_PROVIDE
    instalment_receive(
        instalment=instalment, cheque_number=" 0045871 ", bank="La Banque Postale", user=s.owner
    )
    instalment.refresh_from_db()
    assert (instalment.state, instalment.cheque_number, instalment.bank) == (
        State.RECEIVED,
        "0045871",
        "La Banque Postale",
    )
    assert instalment.received_at is not None
    instalment_unreceive(instalment=instalment, user=s.owner)
    instalment.refresh_from_db()
    assert (instalment.state, instalment.cheque_number, instalment.received_at) == (
        State.TO_PROVIDE,
        "",
        None,
    )


def test_cash_and_transfers_need_no_cheque_number_and_sepa_is_never_received_by_the_amap(world):
    s, sub = world
    cash, transfer, sepa = sub.instalments.all()[:3]
    Instalment.objects.filter(pk=cash.pk).update(method=Instalment.Method.CASH)
    Instalment.objects.filter(pk=transfer.pk).update(method=Instalment.Method.TRANSFER)
    Instalment.objects.filter(pk=sepa.pk).update(method=Instalment.Method.SEPA)
    for instalment in (cash, transfer):
        instalment.refresh_from_db()
        instalment_receive(instalment=instalment, user=s.owner)
        assert _state(instalment) == State.RECEIVED
    sepa.refresh_from_db()
    with pytest.raises(PaymentStateError, match="prélevée par le producteur"):
        instalment_receive(instalment=sepa, cheque_number="1", user=s.owner)
    assert _state(sepa) == State.TO_PROVIDE


# --- Bulk hand-over -------------------------------------------------------------------------------


def test_a_hand_over_takes_only_received_cheques_of_that_producer_and_changes_nothing_otherwise():
    s = season(weeks=10)
    alix = _subscribe(s, "alix@exemple.fr", "Alix Durand")
    basile = _subscribe(s, "basile@exemple.fr", "Basile Roux")
    eggs = _subscribe(s, "chloe@exemple.fr", "Chloé Petit", contract=s.eggs, instalments=1)
    a1, a2, _a3 = alix.instalments.all()
    b1 = basile.instalments.first()
    for instalment, number in ((a1, "100"), (a2, "101"), (b1, "200")):
        instalment_receive(instalment=instalment, cheque_number=number, user=s.owner)
    egg_cheque = eggs.instalments.first()
    instalment_receive(instalment=egg_cheque, cheque_number="300", user=s.owner)

    with pytest.raises(PaymentStateError, match="n'est pas un règlement de ce producteur"):
        instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[a1, egg_cheque], user=s.owner)
    with pytest.raises(PaymentStateError, match="« À fournir »"):
        instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[a1, _a3], user=s.owner)
    other_amap = EnterpriseFactory(model="amap")
    with pytest.raises(PaymentStateError):
        instalments_hand_over(amap=other_amap, producer=s.farm, instalments=[a1], user=s.owner)
    with pytest.raises(PaymentStateError, match="Cochez au moins"):
        instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[], user=s.owner)
    assert HandOver.objects.count() == 0
    assert {_state(i) for i in (a1, a2, b1, egg_cheque)} == {State.RECEIVED}

    handover = instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[a1, a2, b1], user=s.owner)
    assert {_state(i) for i in (a1, a2, b1)} == {State.HANDED_OVER}
    assert set(handover.instalments.values_list("cheque_number", flat=True)) == {"100", "101", "200"}
    assert (handover.amap, handover.producer, handover.created_by) == (s.amap, s.farm, s.owner)
    assert _state(egg_cheque) == State.RECEIVED
    with pytest.raises(PaymentStateError, match="Remis au producteur"):  # never twice
        instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[a1], user=s.owner)


def test_the_slip_pdf_lists_each_cheque_and_a_total_equal_to_the_sum_of_its_lines():
    s = season(weeks=5)
    alix = _subscribe(s, "alix@exemple.fr", "Alix Durand", instalments=2)
    basile = _subscribe(s, "basile@exemple.fr", "Basile Roux", instalments=3)
    chosen = [*alix.instalments.all(), basile.instalments.first()]
    for n, instalment in enumerate(chosen):
        instalment_receive(
            instalment=instalment, cheque_number=f"98765{n}", bank="Crédit Mutuel", user=s.owner
        )
    handover = instalments_hand_over(amap=s.amap, producer=s.farm, instalments=chosen, user=s.owner)

    slip = handover_slip(handover)
    assert slip.total == sum(i.amount for i in slip.lines) == Decimal("120.00")  # 90 + 30
    text = _flat(_text(slip_document(slip)))
    for n in range(3):
        assert f"98765{n}" in text
    assert "AMAP des Pentes" in text and "Jardins du Garon" in text and "Alix Durand" in text
    assert "Total (3 règlements)" in text and "120,00 €" in text
    assert slip_pdf(slip).startswith(b"%PDF")


def _manager(client, s):
    manager = RoleFactory(enterprise=s.amap, role=Role.Level.MANAGER).user
    client.force_login(manager)
    return manager


def test_the_producer_page_filters_receives_and_hands_over_the_checked_cheques(client):
    s = season(weeks=4)
    alix = _subscribe(s, "alix@exemple.fr", "Alix Durand")
    _manager(client, s)
    url = reverse("amap:payments_producer", args=[s.amap.slug, s.farm.slug])
    first = alix.instalments.first()

    response = client.post(
        reverse("amap:instalment_receive", args=[s.amap.slug, first.pk]),
        {"cheque_number": "", "back": "state=to_provide"},
    )
    assert response.status_code == 302 and response["Location"] == url + "?state=to_provide"
    assert "Indiquez le numéro du chèque." in client.get(response["Location"]).content.decode()
    client.post(
        reverse("amap:instalment_receive", args=[s.amap.slug, first.pk]),
        {"cheque_number": "5550001", "bank": "CIC"},
    )
    assert _state(first) == State.RECEIVED

    page = client.get(url, {"state": "received"}).content.decode()
    assert "5550001" in page and "Alix Durand" in page and 'name="instalments"' in page
    month = first.cash_on.strftime("%Y-%m")
    later = client.get(url, {"month": (first.cash_on + datetime.timedelta(days=40)).strftime("%Y-%m")})
    assert "5550001" not in later.content.decode()
    assert "5550001" in client.get(url, {"month": month}).content.decode()

    response = client.post(
        reverse("amap:hand_over", args=[s.amap.slug, s.farm.slug]), {"instalments": [first.pk]}
    )
    handover = HandOver.objects.get()
    assert response["Location"] == reverse("amap:handover", args=[s.amap.slug, handover.uuid])
    page = _flat(client.get(response["Location"]).content.decode())
    assert "5550001" in page and "CIC" in page and "24,00 €" in page
    pdf = client.get(reverse("amap:handover_pdf", args=[s.amap.slug, handover.uuid]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    day = timezone.localdate().isoformat()
    assert pdf["Content-Disposition"] == f'attachment; filename="bordereau-jardins-du-garon-{day}.pdf"'


def test_handing_over_another_producers_cheque_from_the_page_changes_nothing(client):
    s = season(weeks=10)
    eggs = _subscribe(s, "chloe@exemple.fr", "Chloé Petit", contract=s.eggs, instalments=1)
    cheque = eggs.instalments.first()
    instalment_receive(instalment=cheque, cheque_number="300", user=s.owner)
    _manager(client, s)
    response = client.post(
        reverse("amap:hand_over", args=[s.amap.slug, s.farm.slug]), {"instalments": [cheque.pk]}, follow=True
    )
    assert "rien n'a été remis" in _flat(response.content.decode())
    assert _state(cheque) == State.RECEIVED and not HandOver.objects.exists()


def test_the_lists_cost_the_same_number_of_queries_for_more_members(client, django_assert_max_num_queries):
    s = season(weeks=4)
    _manager(client, s)
    pages = [
        reverse("amap:payments", args=[s.amap.slug]),
        reverse("amap:payments_producer", args=[s.amap.slug, s.farm.slug]),
        reverse("amap:balances", args=[s.amap.slug, s.vegetables.uuid]),
        reverse("amap:memberships", args=[s.amap.slug]),
    ]
    for n in range(2):
        _subscribe(s, f"a{n}@exemple.fr", f"Adhérent A{n}")
    for url in pages:
        assert client.get(url).status_code == 200
    for n in range(6):
        sub = _subscribe(s, f"b{n}@exemple.fr", f"Adhérent B{n}")
        instalment_receive(instalment=sub.instalments.first(), cheque_number=f"{n}", user=s.owner)
        instalments_hand_over(
            amap=s.amap, producer=s.farm, instalments=[sub.instalments.first()], user=s.owner
        )
    for url in pages:
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_only_an_amap_has_these_pages(client):
    farm = EnterpriseFactory(slug="une-ferme")
    client.force_login(RoleFactory(enterprise=farm, role=Role.Level.OWNER).user)
    assert client.get(reverse("amap:payments", args=[farm.slug])).status_code == 404
    assert client.get(reverse("amap:memberships", args=[farm.slug])).status_code == 404


# --- Balances, regularisation, SEPA ---------------------------------------------------------------


def test_a_balance_compares_what_is_due_received_and_handed_over(client):
    s = season(weeks=4)  # 4 × 18 € = 72 € in 3 cheques of 24 €
    sub = _subscribe(s, "alix@exemple.fr", "Alix Durand")
    one, two, _three = sub.instalments.all()
    instalment_receive(instalment=one, cheque_number="1", user=s.owner)
    instalment_receive(instalment=two, cheque_number="2", user=s.owner)
    instalments_hand_over(amap=s.amap, producer=s.farm, instalments=[one], user=s.owner)
    balance = subscription_balance(sub)
    assert (balance.due, balance.received, balance.handed_over, balance.left, balance.overpaid) == (
        Decimal("72.00"),
        Decimal("48.00"),
        Decimal("24.00"),
        Decimal("24.00"),
        Decimal("0.00"),
    )
    _manager(client, s)
    page = _flat(client.get(reverse("amap:balances", args=[s.amap.slug, s.vegetables.uuid])).content.decode())
    assert (
        "Alix Durand" in page
        and "72,00 €" in page
        and "48,00 €" in page
        and "<strong>24,00 €</strong>" in page
    )


def test_the_end_of_season_regularisation_splits_each_plan_to_the_actual_cost():
    s = season(weeks=10)  # eggs: 5 distributions, a dozen at 4.20 €: 21 € in 3 instalments
    alix = _subscribe(s, "alix@exemple.fr", "Alix Durand", contract=s.eggs, instalments=3)
    basile = _subscribe(s, "basile@exemple.fr", "Basile Roux", contract=s.eggs, instalments=1)
    for instalment in alix.instalments.all()[:2]:
        instalment_receive(instalment=instalment, cheque_number="7", user=s.owner)
    paid = basile.instalments.get()
    instalment_receive(instalment=paid, cheque_number="8", user=s.owner)
    # Two of Basile's baskets were not delivered: he paid 8.40 € too much.
    standing_orders_cancel(
        orders=list(Order.objects.filter(amap_basket__subscription=basile).order_by("pickup_at")[:2]),
        reason="test",
    )
    rows = {r.subscription.pk: r for r in season_regularisation(s.eggs)}
    assert sum(i.amount for i in alix.instalments.all()) == subscription_due(alix) == Decimal("21.00")
    assert rows[alix.pk].balance.left == Decimal("7.00") and "doit encore 7,00" in rows[alix.pk].sentence
    assert rows[basile.pk].balance.overpaid == Decimal("8.40")
    assert "Le producteur doit rendre 8,40 € à Basile Roux" in rows[basile.pk].sentence.replace("\xa0", " ")
    with pytest.raises(PlanInvalid, match="commande variable"):
        season_regularisation(s.vegetables)


def test_regularisation_adds_an_instalment_for_what_is_still_due_when_all_were_received():
    s = season(weeks=10)
    sub = _subscribe(s, "alix@exemple.fr", "Alix Durand", contract=s.eggs, instalments=1)
    instalment_receive(instalment=sub.instalments.get(), cheque_number="1", user=s.owner)
    order = Order.objects.filter(amap_basket__subscription=sub).first()
    Order.objects.filter(pk=order.pk).update(total=order.total + Decimal("2.30"))  # a half-dozen more
    [row] = season_regularisation(s.eggs)
    assert row.balance.left == Decimal("2.30")
    assert [(i.number, i.amount, i.state) for i in sub.instalments.order_by("number")] == [
        (1, Decimal("21.00"), State.RECEIVED),
        (2, Decimal("2.30"), State.TO_PROVIDE),
    ]


def test_sepa_instalments_show_as_collected_by_the_producer_with_their_dates(client):
    s = season(weeks=4)
    Contract.objects.filter(pk=s.vegetables.pk).update(sepa_offered=True)
    s.vegetables.refresh_from_db()
    sub = _subscribe(s, "alix@exemple.fr", "Alix Durand", instalments=2, method="sepa")
    _manager(client, s)
    page = client.get(reverse("amap:payments_producer", args=[s.amap.slug, s.farm.slug])).content.decode()
    assert page.count("Prélevé par le producteur") == 2
    for instalment in sub.instalments.all():
        assert f"le {instalment.cash_on:%d/%m/%Y}" in page
    assert 'name="instalments"' not in page and "cheque_number" not in page
    balance = subscription_balance(sub)
    assert balance.by_producer == balance.due == Decimal("72.00") and balance.left == Decimal("0.00")


def test_a_plan_from_the_subscription_sums_to_the_due():
    s = season(weeks=3)
    sub = _subscribe(s, "alix@exemple.fr", instalments=1)
    sub.instalments.all().delete()
    plan = plan_create(subscription=sub, count=5, first_cash_on=timezone.localdate(), method="cheque")
    assert sum(i.amount for i in plan) == subscription_due(sub) == Decimal("54.00")


# --- A basket's order on the order pages ----------------------------------------------------------


def test_a_basket_order_renders_on_the_producers_and_the_members_pages_as_paid_by_the_plan(client):
    s = season(weeks=3)
    sub = _subscribe(s, "alix@exemple.fr", "Alix Durand")
    order = sub.baskets.first().order
    assert order.cycle is None and order.status == Order.Status.PLACED

    client.force_login(RoleFactory(enterprise=s.farm, role=Role.Level.OWNER).user)
    page = _flat(client.get(reverse("orders:order", args=[s.farm.slug, order.uuid])).content.decode())
    assert order.number in page and "Réglé par l'échéancier du contrat « Légumes »" in page
    assert "Reste à payer" not in page and "Non payée" not in page

    client.force_login(sub.customer.user)
    page = _flat(client.get(reverse("shop:order", args=[order.uuid])).content.decode())
    assert "Réglé par l'échéancier du contrat « Légumes » (voir votre espace adhérent)." in page
    assert "Non payée" not in page and "Payer par virement" not in page
    mine = client.get(reverse("shop:my_orders")).content.decode()
    assert order.number in mine


def test_the_producers_orders_list_shows_basket_orders_as_paid_by_the_plan_and_can_filter_them(client):
    s = season(weeks=2)
    sub = _subscribe(s, "alix@exemple.fr", "Alix Durand", instalments=1)
    numbers = sorted(Order.objects.filter(amap_basket__subscription=sub).values_list("number", flat=True))
    client.force_login(RoleFactory(enterprise=s.farm, role=Role.Level.OWNER).user)
    url = reverse("orders:orders", args=[s.farm.slug])
    page = _flat(client.get(url).content.decode())
    assert all(number in page for number in numbers)
    assert page.count("Réglé par l'échéancier") >= 2 and "Non payée</span>" not in page
    assert 'name="amap"' in page
    others = _flat(client.get(url, {"amap": "other"}).content.decode())
    assert not any(number in others for number in numbers)
    baskets = _flat(client.get(url, {"amap": "plan"}).content.decode())
    assert all(number in baskets for number in numbers)


def test_the_payments_page_sums_what_each_producer_is_waiting_for(client):
    s = season(weeks=4)  # 72 € in 3 cheques of 24 €
    alix = _subscribe(s, "alix@exemple.fr", "Alix Durand")
    cancelled = _subscribe(s, "basile@exemple.fr", "Basile Roux")
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.save()
    instalment_receive(instalment=alix.instalments.first(), cheque_number="1", user=s.owner)
    _manager(client, s)
    page = _flat(client.get(reverse("amap:payments", args=[s.amap.slug])).content.decode())
    row = page[page.index("Jardins du Garon") :]
    assert re.search(r"48,00 €</td> <td [^>]*><strong>24,00 €</strong></td> <td [^>]*>0,00 €", row)
