"""An AMAP's dashboard lists what is to do: the next distribution and its sign-in sheet, the shifts
short of volunteers and, for its managers, the cheques to hand over, the unpaid memberships, the
waiting lists and the contracts to publish. Each item goes once done; other enterprises get none."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from cabas.amap.models import Contract, Membership, Shift, ShiftSignup
from cabas.amap.payments import instalment_receive, instalments_hand_over
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import Role
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

SHEET = "feuille d&#x27;émargement"
SHIFTS = "Permanences :"
CHEQUES = "Chèques à remettre aux producteurs"
WAITING = "Liste d&#x27;attente du contrat"
PUBLISH = "Publiez le contrat"
MANAGERS_ONLY = (CHEQUES, "n&#x27;a pas réglé", "n&#x27;ont pas réglé", WAITING, PUBLISH)


def dashboard(client, enterprise) -> str:
    response = client.get(reverse("manage:dashboard", args=[enterprise.slug]))
    assert response.status_code == 200
    return " ".join(response.content.decode().replace("\xa0", " ").split())


def login(client, enterprise, level):
    client.force_login(RoleFactory(enterprise=enterprise, role=level).user)
    return client


def subscribe(s, count: int, *, contract=None, product=None, **options):
    subscriptions = []
    for i in range(count):
        customer = member(s.amap, f"membre{i}@exemple.fr", f"Membre Numéro{i}")
        subscriptions.append(
            subscription_create(
                contract=contract or s.vegetables,
                customer=customer,
                quantities={(product or s.big).pk: 1},
                accepted=True,
                **options,
            )
        )
    return subscriptions


def shift(s, distribution, *, min_people=2):
    return Shift.objects.create(
        enterprise=s.amap,
        distribution=distribution,
        role="Accueil",
        date=distribution.date,
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(19, 30),
        min_people=min_people,
        max_people=3,
    )


def _day(distribution) -> str:
    return formats.date_format(distribution.date, "l j F")


def test_the_next_distribution_links_to_its_sign_in_sheet_with_its_baskets(client):
    s = season(weeks=4)
    subscribe(s, 3)
    first, second = s.distributions[:2]  # next Tuesday (within 7 days), then the one after
    page = dashboard(login(client, s.amap, Role.Level.MANAGER), s.amap)

    assert f"Distribution {_day(first)} à Salle des Canuts : 3 paniers — {SHEET}" in page
    assert reverse("amap:sign_in_sheet", args=[s.amap.slug, first.uuid]) in page
    assert reverse("amap:sign_in_sheet", args=[s.amap.slug, second.uuid]) not in page  # later

    first.cancelled_at = timezone.now()
    first.save(update_fields=["cancelled_at"])
    assert SHEET not in dashboard(client, s.amap)


def test_shifts_short_of_volunteers_in_the_next_seven_days(client):
    s = season(weeks=4)
    first, second = s.distributions[:2]
    short = shift(s, first, min_people=2)
    shift(s, second, min_people=2)  # more than 7 days ahead: not yet
    client = login(client, s.amap, Role.Level.MANAGER)

    page = dashboard(client, s.amap)
    assert "Permanences : 1 permanence des 7 prochains jours manque de bénévoles" in page
    assert reverse("amap:shifts", args=[s.amap.slug]) in page

    ShiftSignup.objects.create(shift=short, user=UserFactory())
    assert "1 permanence des 7 prochains jours" in dashboard(client, s.amap)  # one of two
    ShiftSignup.objects.create(shift=short, user=UserFactory())
    assert SHIFTS not in dashboard(client, s.amap)


def test_cheques_received_and_not_handed_over(client):
    s = season(weeks=4)
    first, second = subscribe(s, 2, instalments=2)
    received = [first.instalments.get(number=1), second.instalments.get(number=1)]
    for number, instalment in enumerate(received):
        instalment_receive(instalment=instalment, cheque_number=f"00{number}", user=s.owner)
    client = login(client, s.amap, Role.Level.OWNER)

    page = dashboard(client, s.amap)
    assert f"{CHEQUES} : 2 règlements reçus, 72,00 €" in page  # 2 × 36 € (72 € in two cheques)
    assert reverse("amap:payments", args=[s.amap.slug]) in page

    instalments_hand_over(amap=s.amap, producer=s.farm, instalments=received, user=s.owner)
    assert CHEQUES not in dashboard(client, s.amap)


def test_members_of_the_season_with_an_unpaid_membership(client):
    s = season(weeks=4)
    subscribe(s, 3)
    year = s.distributions[0].date.year
    Membership.objects.filter(
        amap=s.amap, customer__email__in=["membre0@exemple.fr", "membre1@exemple.fr"]
    ).update(paid_at=None)
    member(s.amap, "sans-contrat@exemple.fr", membership=False)  # no contract: not counted
    client = login(client, s.amap, Role.Level.MANAGER)

    page = dashboard(client, s.amap)
    assert f"Adhésions {year} : 2 adhérents avec un contrat n&#x27;ont pas réglé leur adhésion" in page
    assert f"{reverse('amap:memberships', args=[s.amap.slug])}?year={year}" in page

    Membership.objects.filter(amap=s.amap).update(paid_at=timezone.now())
    assert "réglé leur adhésion" not in dashboard(client, s.amap)


def test_members_waiting_per_contract_link_to_the_contract(client):
    s = season(weeks=4, capacity=1)
    subscribe(s, 3, waiting_list=True)  # one place: two wait
    client = login(client, s.amap, Role.Level.MANAGER)

    page = dashboard(client, s.amap)
    assert f"{WAITING} « Légumes — Été » : 2 adhérents en attente" in page
    assert reverse("amap:contract", args=[s.amap.slug, s.vegetables.uuid]) in page
    assert "« Œufs — Été » : " not in page

    s.vegetables.subscriptions.filter(status="waiting").update(status="cancelled")
    assert WAITING not in dashboard(client, s.amap)


def test_a_contract_open_for_sign_up_but_not_published(client):
    s = season(weeks=4, published=False)
    Contract.objects.filter(pk=s.eggs.pk).update(
        signup_opens_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    client = login(client, s.amap, Role.Level.MANAGER)

    page = dashboard(client, s.amap)
    assert f"{PUBLISH} « Légumes — Été » : ses inscriptions sont ouvertes jusqu&#x27;au" in page
    assert reverse("amap:contract", args=[s.amap.slug, s.vegetables.uuid]) in page
    assert "« Œufs — Été »" not in page  # its window opens later

    Contract.objects.filter(pk=s.vegetables.pk).update(published=True)
    assert PUBLISH not in dashboard(client, s.amap)


def _busy_season():
    """A season with something of every kind to do."""
    s = season(weeks=4, capacity=2)
    subscriptions = subscribe(s, 4, waiting_list=True)
    Contract.objects.filter(pk=s.eggs.pk).update(published=False)
    instalment_receive(instalment=subscriptions[0].instalments.first(), cheque_number="001", user=s.owner)
    Membership.objects.filter(amap=s.amap, customer=subscriptions[1].customer).update(paid_at=None)
    shift(s, s.distributions[0])
    return s


def test_a_volunteer_sees_only_the_distribution_and_the_shifts(client):
    s = _busy_season()
    page = dashboard(login(client, s.amap, Role.Level.VOLUNTEER), s.amap)

    assert SHEET in page and SHIFTS in page
    assert not [text for text in MANAGERS_ONLY if text in page]

    manager_page = dashboard(login(client, s.amap, Role.Level.MANAGER), s.amap)
    assert all(text in manager_page for text in (CHEQUES, "n&#x27;a pas réglé", WAITING, PUBLISH))


def test_another_enterprise_gets_no_amap_item(client):
    s = _busy_season()
    shop = EnterpriseFactory(name="Épicerie", slug="epicerie", model="hub")
    Shift.objects.create(
        enterprise=shop,
        role="Caisse",
        date=timezone.localdate() + datetime.timedelta(days=1),
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(12, 0),
        min_people=2,
    )
    client = login(client, shop, Role.Level.OWNER)
    page = dashboard(client, shop)

    assert SHEET not in page and SHIFTS not in page
    assert not [text for text in MANAGERS_ONLY if text in page]
    assert s.amap.slug not in page


def _queries(client, enterprise, django_assert_max_num_queries, limit: int) -> str:
    with django_assert_max_num_queries(limit):
        return dashboard(client, enterprise)


@pytest.mark.parametrize("members", [2, 12])
def test_the_dashboard_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, members):
    s = season(weeks=8, capacity=members // 2)
    subscriptions = subscribe(s, members, waiting_list=True)
    subscribe_eggs = [
        subscription_create(
            contract=s.eggs,
            customer=sub.customer,
            quantities={s.dozen.pk: 2},
            accepted=True,
            waiting_list=True,
        )
        for sub in subscriptions
    ]
    for number, sub in enumerate(subscriptions[: members // 2] + subscribe_eggs[: members // 2]):
        instalment_receive(instalment=sub.instalments.first(), cheque_number=f"{number:03}", user=s.owner)
    Membership.objects.filter(amap=s.amap).update(paid_at=None, amount=Decimal("12.00"))
    Contract.objects.filter(amap=s.amap).update(published=False)
    for distribution in s.distributions:
        shift(s, distribution)
    client = login(client, s.amap, Role.Level.MANAGER)

    # The dashboard's own queries (session, user, enterprise, role, its checklist, the cycles'
    # items: 8), then the AMAP's: 3 for everyone, 4 more for a manager.
    page = _queries(client, s.amap, django_assert_max_num_queries, 15)
    assert all(text in page for text in (SHEET, SHIFTS, CHEQUES, WAITING, PUBLISH, "réglé leur adhésion"))
    baskets = members // 2 + members  # vegetables: as many as places; eggs: everyone
    assert f"Salle des Canuts : {baskets} paniers" in page
    page = _queries(login(client, s.amap, Role.Level.VOLUNTEER), s.amap, django_assert_max_num_queries, 11)
    assert SHEET in page and SHIFTS in page
