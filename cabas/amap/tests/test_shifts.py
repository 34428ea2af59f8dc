"""Volunteer shifts: who may sign up, the rules of signing up and leaving, shifts added to a season's
distributions, deleting a shift people took, the reminders and vacancy alerts (each once, on its
day), who has not done their share, and the back-office and members' pages."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cabas.amap.models import Distribution, Shift, ShiftSignup
from cabas.amap.selectors_shifts import may_sign_up, share_missing, shift_people, shifts_of_user
from cabas.amap.shift_reminders import shift_reminders_send
from cabas.amap.shifts import (
    ShiftError,
    shift_create,
    shift_delete,
    shift_leave,
    shift_rule_set,
    shift_signup,
    shift_update,
    shifts_for_distributions,
)
from cabas.amap.tests.season import member, season
from cabas.cycles.models import ShippingMethod
from cabas.enterprises.models import ModelPreset, Role, Sells
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def a_shift(enterprise, *, in_days=10, role="Accueil", min_people=1, max_people=2) -> Shift:
    return shift_create(
        enterprise=enterprise,
        role=role,
        date=days(in_days),
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(20, 0),
        min_people=min_people,
        max_people=max_people,
    )


@pytest.fixture
def amap():
    s = season(weeks=4)
    s.camille = member(s.amap, "camille@exemple.fr", "Camille Martin").user
    s.dominique = member(s.amap, "dominique@exemple.fr", "Dominique Petit").user
    return s


@pytest.fixture
def store():
    """A producer store: the farms' people are its team; its customers do not take shifts."""
    shop = EnterpriseFactory(
        name="Le Comptoir des Fermes", slug="comptoir", model=ModelPreset.PRODUCER_STORE, sells=Sells.ANY
    )
    farmer = RoleFactory(enterprise=shop, role=Role.Level.VOLUNTEER, user__email="paysan@exemple.fr").user
    buyer = UserFactory(email="client@exemple.fr")
    Customer.objects.create(enterprise=shop, email=buyer.email, user=buyer)
    return shop, farmer, buyer


# --- who may sign up ------------------------------------------------------------------------------


def test_an_amap_s_team_and_members_with_an_account_may_sign_up(amap):
    without_account = member(amap.amap, "sans-compte@exemple.fr", user=False)
    stranger = UserFactory(email="inconnu@exemple.fr")
    people = set(shift_people(amap.amap).values_list("email", flat=True))
    assert {amap.owner.email, "camille@exemple.fr", "dominique@exemple.fr"} <= people
    assert without_account.email not in people
    assert may_sign_up(amap.amap, amap.camille)
    assert not may_sign_up(amap.amap, stranger)


def test_in_a_producer_store_only_the_team_signs_up(store):
    shop, farmer, buyer = store
    assert may_sign_up(shop, farmer)
    assert not may_sign_up(shop, buyer)
    with pytest.raises(ShiftError, match="réservées à son équipe et à ses adhérents"):
        shift_signup(shift=a_shift(shop), user=buyer)


# --- creating shifts ------------------------------------------------------------------------------


def test_a_shift_needs_a_role_a_day_to_come_and_sensible_hours_and_numbers(amap):
    base = {
        "enterprise": amap.amap,
        "role": "Pesée",
        "starts_at": datetime.time(18),
        "ends_at": datetime.time(19),
    }
    with pytest.raises(ShiftError, match="date à venir"):
        shift_create(**base, date=days(-1))
    with pytest.raises(ShiftError, match="heure de fin"):
        shift_create(**{**base, "ends_at": datetime.time(17)}, date=days(3))
    with pytest.raises(ShiftError, match="minimum"):
        shift_create(**base, date=days(3), min_people=3, max_people=2)
    with pytest.raises(ShiftError, match="rôle"):
        shift_create(**{**base, "role": "  "}, date=days(3))
    other = season_of_another_amap()
    with pytest.raises(ShiftError, match="distribution de la structure"):
        shift_create(enterprise=amap.amap, role="Accueil", distribution=other)
    assert not Shift.objects.exists()


def season_of_another_amap():
    other = EnterpriseFactory(name="AMAP voisine", slug="amap-voisine", model=ModelPreset.AMAP)
    place = ShippingMethod.objects.create(enterprise=other, kind="pickup", name="Préau")
    return Distribution.objects.create(
        amap=other, place=place, date=days(5), starts_at=datetime.time(18), ends_at=datetime.time(19)
    )


def test_roles_are_added_to_every_distribution_of_a_season_once(amap):
    roles = [("Accueil", 2, 3, None, None), ("Installation", 1, 2, datetime.time(18), datetime.time(18, 30))]
    created, skipped = shifts_for_distributions(
        enterprise=amap.amap, distributions=amap.distributions, roles=roles
    )
    assert (len(created), skipped) == (8, 0)
    welcome = Shift.objects.filter(role="Accueil").order_by("date")
    assert [s.date for s in welcome] == [d.date for d in amap.distributions]
    first = welcome[0]
    assert (first.starts_at, first.ends_at, first.min_people, first.max_people) == (
        datetime.time(18, 30),
        datetime.time(19, 30),
        2,
        3,
    )
    assert Shift.objects.get(
        role="Installation", distribution=amap.distributions[0]
    ).ends_at == datetime.time(18, 30)

    again, skipped = shifts_for_distributions(
        enterprise=amap.amap, distributions=amap.distributions, roles=[("accueil", 2, 3, None, None)]
    )
    assert (again, skipped) == ([], 4)
    assert Shift.objects.count() == 8


# --- signing up and leaving -----------------------------------------------------------------------


def test_a_full_shift_refuses_one_more_in_french(amap):
    shift = a_shift(amap.amap, max_people=1)
    shift_signup(shift=shift, user=amap.camille)
    with pytest.raises(ShiftError, match="Cette permanence est complète"):
        shift_signup(shift=shift, user=amap.dominique)
    assert list(shift.signups.values_list("user__email", flat=True)) == ["camille@exemple.fr"]


def test_the_same_person_cannot_sign_up_twice(amap):
    shift = a_shift(amap.amap)
    shift_signup(shift=shift, user=amap.camille)
    with pytest.raises(ShiftError, match="déjà inscrit"):
        shift_signup(shift=shift, user=amap.camille)
    assert shift.signups.count() == 1


def test_a_past_shift_takes_no_signup(amap):
    shift = a_shift(amap.amap, in_days=2)
    with pytest.raises(ShiftError, match="passée"):
        shift_signup(shift=shift, user=amap.camille, today=days(3))
    assert not shift.signups.exists()


def test_a_person_leaves_until_two_days_before_a_manager_at_any_time(amap):
    shift = a_shift(amap.amap, in_days=5)
    shift_signup(shift=shift, user=amap.camille)
    shift_signup(shift=shift, user=amap.dominique)
    with pytest.raises(ShiftError, match="trop tard"):
        shift_leave(shift=shift, user=amap.camille, today=days(4))
    shift_leave(shift=shift, user=amap.camille, today=days(3))
    shift_leave(shift=shift, user=amap.dominique, by_manager=True, today=days(5))
    assert not shift.signups.exists()


def test_deleting_a_shift_people_took_asks_to_confirm_then_tells_them(
    amap, django_capture_on_commit_callbacks
):
    shift = a_shift(amap.amap)
    shift_signup(shift=shift, user=amap.camille)
    with pytest.raises(ShiftError, match="1 personne est inscrite"):
        shift_delete(shift=shift)
    assert Shift.objects.filter(pk=shift.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert shift_delete(shift=shift, force=True, notice="La salle est fermée ce jour-là.") == 1
    assert not Shift.objects.filter(pk=shift.pk).exists()
    [email] = mail.outbox
    assert email.to == ["camille@exemple.fr"]
    assert "Permanence annulée" in email.subject
    assert "La salle est fermée ce jour-là." in email.body


def test_an_empty_shift_is_deleted_without_asking(amap):
    shift = a_shift(amap.amap)
    assert shift_delete(shift=shift) == 0
    assert not Shift.objects.exists()


def test_a_shift_s_maximum_stays_above_the_people_signed_up_and_a_move_is_told(
    amap, django_capture_on_commit_callbacks
):
    shift = a_shift(amap.amap, max_people=3)
    shift_signup(shift=shift, user=amap.camille)
    shift_signup(shift=shift, user=amap.dominique)
    values = {"role": "Accueil", "date": shift.date, "starts_at": shift.starts_at, "ends_at": shift.ends_at}
    with pytest.raises(ShiftError, match="2 personnes sont inscrites"):
        shift_update(shift=shift, **values, min_people=1, max_people=1)
    with django_capture_on_commit_callbacks(execute=True):
        shift_update(shift=shift, **{**values, "date": days(11)}, min_people=1, max_people=2)
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@exemple.fr", "dominique@exemple.fr"]
    assert "Permanence déplacée" in mail.outbox[0].subject


def test_shifts_of_a_user_lists_their_upcoming_shifts_in_every_enterprise(amap, store):
    shop, farmer, _buyer = store
    RoleFactory(enterprise=shop, user=amap.camille, role=Role.Level.VOLUNTEER)
    later, sooner = a_shift(amap.amap, in_days=9), a_shift(shop, in_days=3, role="Caisse")
    a_shift(amap.amap, in_days=4, role="Pesée")  # not signed up
    for shift in (later, sooner):
        shift_signup(shift=shift, user=amap.camille)
    assert list(shifts_of_user(amap.camille)) == [sooner, later]
    assert list(shifts_of_user(amap.camille, today=days(5))) == [later]


# --- reminders ------------------------------------------------------------------------------------


def run(today, capture):
    with capture(execute=True):
        return shift_reminders_send(today=today)


def test_the_people_signed_up_are_reminded_four_days_before_once(amap, django_capture_on_commit_callbacks):
    shift = a_shift(amap.amap, in_days=10, min_people=0)
    shift_signup(shift=shift, user=amap.camille)
    assert run(days(5), django_capture_on_commit_callbacks).emails == 0  # 5 days before: not yet
    sent = run(days(6), django_capture_on_commit_callbacks)
    assert (sent.reminded, sent.emails) == (1, 1)
    [email] = mail.outbox
    assert email.to == ["camille@exemple.fr"]
    assert "Rappel : votre permanence" in email.subject
    assert "« Accueil »" in email.body and "Salle" not in email.body
    assert run(days(6), django_capture_on_commit_callbacks).emails == 0
    assert run(days(7), django_capture_on_commit_callbacks).emails == 0
    assert len(mail.outbox) == 1
    shift.refresh_from_db()
    assert shift.reminded_at is not None


def test_everyone_is_told_seven_days_before_of_the_shifts_still_short_of_people(
    amap, django_capture_on_commit_callbacks
):
    [first] = shifts_for_distributions(
        enterprise=amap.amap, distributions=amap.distributions[:1], roles=[("Accueil", 2, 3, None, None)]
    )[0]
    staffed = a_shift(amap.amap, in_days=first.date.toordinal() - TODAY().toordinal(), role="Pesée")
    shift_signup(shift=first, user=amap.camille)
    shift_signup(shift=staffed, user=amap.dominique)
    before = first.date - datetime.timedelta(days=8)
    if before >= TODAY():
        assert run(before, django_capture_on_commit_callbacks).alerted == 0

    sent = run(first.date - datetime.timedelta(days=7), django_capture_on_commit_callbacks)
    assert sent.alerted == 1
    alerts = [m for m in mail.outbox if "Permanences à pourvoir" in m.subject]
    assert sorted(m.to[0] for m in alerts) == sorted(
        [amap.owner.email, "camille@exemple.fr", "dominique@exemple.fr"]
    )
    body = alerts[0].body
    assert "« Accueil »" in body and "Salle des Canuts" in body and "1 personne manquante" in body
    assert "« Pesée »" not in body
    assert reverse("amap_member:shifts", args=[amap.amap.slug]) in body

    mail.outbox.clear()
    assert run(first.date - datetime.timedelta(days=6), django_capture_on_commit_callbacks).alerted == 0
    assert not [m for m in mail.outbox if "Permanences à pourvoir" in m.subject]


def test_the_reminders_queries_do_not_grow_with_the_shifts(
    amap, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(6):
        shift = a_shift(amap.amap, in_days=3, role=f"Rôle {n}", min_people=3, max_people=3)
        shift_signup(shift=shift, user=amap.camille)
    with django_assert_max_num_queries(12):
        sent = run(TODAY(), django_capture_on_commit_callbacks)
    assert (sent.reminded, sent.alerted) == (6, 6)


def test_the_daily_command_sends_the_reminders(amap, django_capture_on_commit_callbacks):
    shift = a_shift(amap.amap, in_days=4, min_people=0)
    shift_signup(shift=shift, user=amap.camille)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("amap_shift_reminders", "--today", TODAY().isoformat(), stdout=out)
    assert "1 shift(s) reminded" in out.getvalue()
    assert len(mail.outbox) == 1


# --- who has not done their share -----------------------------------------------------------------


def test_the_share_report_lists_who_took_fewer_shifts_than_the_rule(amap, django_assert_num_queries):
    rule = shift_rule_set(enterprise=amap.amap, per_member=2, season_start=days(0))
    for in_days in (3, 10):
        shift_signup(shift=a_shift(amap.amap, in_days=in_days), user=amap.camille)
    shift_signup(shift=a_shift(amap.amap, in_days=5, role="Pesée"), user=amap.dominique)
    with django_assert_num_queries(1):
        rows = share_missing(amap.amap, rule)
    assert [(r.email, r.done, r.missing) for r in rows] == [
        (amap.owner.email, 0, 2),
        ("dominique@exemple.fr", 1, 1),
    ]


def test_signups_before_the_season_start_do_not_count(amap):
    shift_signup(shift=a_shift(amap.amap, in_days=3), user=amap.camille)
    shift_rule_set(enterprise=amap.amap, per_member=1, season_start=days(4))
    assert "camille@exemple.fr" in [r.email for r in share_missing(amap.amap)]
    with pytest.raises(ShiftError, match="entre 0 et 52"):
        shift_rule_set(enterprise=amap.amap, per_member=99, season_start=days(4))


# --- pages ----------------------------------------------------------------------------------------


def test_a_volunteer_sees_the_planning_with_the_names(amap, client, django_assert_max_num_queries):
    volunteer = RoleFactory(enterprise=amap.amap, role=Role.Level.VOLUNTEER).user
    shifts_for_distributions(
        enterprise=amap.amap, distributions=amap.distributions, roles=[("Accueil", 2, 3, None, None)]
    )
    for shift in Shift.objects.all():
        shift_signup(shift=shift, user=amap.camille)
    client.force_login(volunteer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("amap:shifts", args=[amap.amap.slug]))
    html = response.content.decode()
    assert html.count("Camille Martin") == 4
    assert "il manque 1 personne" in html
    assert "Nouvelle permanence" not in html


def test_a_manager_adds_a_role_to_the_season_s_distributions(amap, client):
    client.force_login(amap.owner)
    url = reverse("amap:shifts_generate", args=[amap.amap.slug])
    page = client.get(url).content.decode()
    assert "Salle des Canuts" in page
    data = {
        "distributions": [str(d.uuid) for d in amap.distributions[:2]],
        "role_0": "Accueil",
        "min_0": "2",
        "max_0": "3",
        "role_1": "",
        "role_2": "",
    }
    response = client.post(url, data, follow=True)
    assert "2 permanences ajoutées." in response.content.decode()
    assert Shift.objects.filter(role="Accueil").count() == 2


def test_a_manager_creates_a_shift_and_is_told_what_is_wrong(amap, client):
    client.force_login(amap.owner)
    url = reverse("amap:shift_new", args=[amap.amap.slug])
    data = {"role": "Caisse", "date": days(-2).isoformat(), "starts_at": "9:00", "ends_at": "12:00"}
    response = client.post(url, {**data, "min_people": "1", "max_people": "2"})
    assert "Choisissez une date à venir." in response.content.decode()
    assert not Shift.objects.exists()
    client.post(url, {**data, "date": days(2).isoformat(), "min_people": "1", "max_people": "2"})
    assert Shift.objects.get().role == "Caisse"


def test_the_share_page_names_who_has_not_done_their_share(amap, client):
    shift_rule_set(enterprise=amap.amap, per_member=1, season_start=days(0))
    shift_signup(shift=a_shift(amap.amap), user=amap.camille)
    client.force_login(amap.owner)
    html = client.get(reverse("amap:shift_share", args=[amap.amap.slug])).content.decode()
    assert "dominique@exemple.fr" in html and "camille@exemple.fr" not in html


def test_a_member_signs_up_and_leaves_on_the_members_page(amap, client, django_assert_max_num_queries):
    shift = a_shift(amap.amap)
    a_shift(amap.amap, role="Pesée", in_days=12)
    url = reverse("amap_member:shifts", args=[amap.amap.slug])
    assert "Connectez-vous pour vous inscrire" in client.get(url).content.decode()

    client.force_login(amap.camille)
    response = client.post(
        reverse("amap_member:shift_signup", args=[amap.amap.slug, shift.uuid]), follow=True
    )
    html = response.content.decode()
    assert "Vous êtes inscrit·e : « Accueil »" in html
    assert "Je me désinscris" in html and "1 place libre" in html
    with django_assert_max_num_queries(8):
        client.get(url)

    response = client.post(reverse("amap_member:shift_leave", args=[amap.amap.slug, shift.uuid]), follow=True)
    assert "Vous êtes désinscrit·e" in response.content.decode()
    assert not ShiftSignup.objects.exists()


def test_someone_who_is_not_a_member_is_told_why_they_cannot_sign_up(amap, client):
    shift = a_shift(amap.amap)
    client.force_login(UserFactory(email="passant@exemple.fr"))
    html = client.get(reverse("amap_member:shifts", args=[amap.amap.slug])).content.decode()
    assert "réservées à son équipe et à ses adhérents" in html
    assert "Je m&#x27;inscris" not in html and "Je m'inscris" not in html
    response = client.post(
        reverse("amap_member:shift_signup", args=[amap.amap.slug, shift.uuid]), follow=True
    )
    assert "réservées à son équipe et à ses adhérents" in response.content.decode()
    assert not ShiftSignup.objects.exists()


def test_signing_up_anonymously_asks_to_log_in(amap, client):
    shift = a_shift(amap.amap)
    response = client.post(reverse("amap_member:shift_signup", args=[amap.amap.slug, shift.uuid]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
