"""Memberships (adhésions): the AMAP's settings, recording a member's membership of a year above
the minimum, marking it paid, and the members with a contract who have not paid theirs."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.amap.memberships import (
    MembershipRefused,
    amap_settings_save,
    membership_mark_paid,
    membership_record,
)
from cabas.amap.models import AmapSettings, Membership
from cabas.amap.selectors_payments import members_without_paid_membership
from cabas.amap.subscribing import season_year, subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import Role
from cabas.orders.models import Customer
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _flat(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(page).replace("\xa0", " ").replace("\u202f", " "))


def _manager(client, s):
    client.force_login(RoleFactory(enterprise=s.amap, role=Role.Level.MANAGER).user)


def test_a_membership_is_at_least_the_minimum_once_a_year_and_paid_by_a_method():
    s = season()  # minimum 10 €, suggested 15 €
    newcomer = member(s.amap, "new@exemple.fr", "Nina Simon", membership=False)
    year = season_year(s.vegetables)
    with pytest.raises(MembershipRefused, match="L'adhésion est de 10,00\xa0€ au moins.") as refused:
        membership_record(amap=s.amap, customer=newcomer, year=year, amount=Decimal("9.99"), method="cheque")
    assert refused.value.field == "amount"
    with pytest.raises(MembershipRefused, match="Indiquez comment"):
        membership_record(amap=s.amap, customer=newcomer, year=year, amount=Decimal("10"), paid=True)
    with pytest.raises(MembershipRefused, match="moyen de règlement"):
        membership_record(amap=s.amap, customer=newcomer, year=year, amount=Decimal("10"), method="bitcoin")
    stranger = Customer.objects.create(enterprise=EnterpriseFactory(), email="x@exemple.fr")
    with pytest.raises(MembershipRefused, match="adhérent de l'AMAP"):
        membership_record(amap=s.amap, customer=stranger, year=year, amount=Decimal("10"))
    assert not Membership.objects.filter(customer=newcomer).exists()

    membership = membership_record(amap=s.amap, customer=newcomer, year=year, amount=Decimal("12.5"))
    assert (membership.amount, membership.paid_at, membership.method) == (Decimal("12.50"), None, "")
    with pytest.raises(MembershipRefused, match=f"Nina Simon a déjà une adhésion pour {year}"):
        membership_record(amap=s.amap, customer=newcomer, year=year, amount=Decimal("20"), method="cash")
    with pytest.raises(MembershipRefused, match="Indiquez comment"):
        membership_mark_paid(membership=membership)
    paid = membership_mark_paid(membership=membership, method="transfer")
    assert paid.paid_at is not None and paid.method == "transfer"
    with pytest.raises(MembershipRefused, match="déjà réglée"):
        membership_mark_paid(membership=membership, method="cash")
    # Another year is another membership.
    assert membership_record(
        amap=s.amap, customer=newcomer, year=year + 1, amount=Decimal("10"), method="cash", paid=True
    ).paid_at


def test_the_settings_keep_a_suggested_amount_above_the_minimum():
    s = season()
    with pytest.raises(MembershipRefused, match="négative"):
        amap_settings_save(amap=s.amap, required=True, minimum=Decimal("-1"), suggested=Decimal("5"))
    with pytest.raises(MembershipRefused, match="inférieure à l'adhésion minimale"):
        amap_settings_save(amap=s.amap, required=True, minimum=Decimal("20"), suggested=Decimal("15"))
    settings = amap_settings_save(
        amap=s.amap, required=False, minimum=Decimal("5"), suggested=Decimal("20"), payee=" AMAP des Pentes "
    )
    assert AmapSettings.objects.get(amap=s.amap) == settings
    assert (settings.membership_required, settings.membership_minimum, settings.membership_payee) == (
        False,
        Decimal("5.00"),
        "AMAP des Pentes",
    )


def test_who_has_not_paid_lists_the_members_with_a_contract_and_no_paid_membership():
    s = season()
    year = season_year(s.vegetables)
    paid = member(s.amap, "paid@exemple.fr", "Paul Payé")
    unpaid = member(s.amap, "unpaid@exemple.fr", "Ulysse Impayé", membership=False)
    member(s.amap, "nocontract@exemple.fr", "Noé Sanscontrat", membership=False)
    Membership.objects.create(amap=s.amap, customer=unpaid, year=year, amount=Decimal("10"))  # not paid
    for customer in (paid, unpaid):
        subscription_create(contract=s.vegetables, customer=customer, quantities={s.big.pk: 1}, accepted=True)
    assert list(members_without_paid_membership(s.amap, year)) == [unpaid]
    assert list(members_without_paid_membership(s.amap, year - 1)) == []
    # A season that goes on into the next year still asks for the membership of the year it starts.
    assert list(members_without_paid_membership(s.amap, year + 1)) == []


def test_the_memberships_page_records_marks_paid_and_lists_who_has_not_paid(client):
    s = season()
    year = season_year(s.vegetables)
    nina = member(s.amap, "nina@exemple.fr", "Nina Simon", membership=False)
    Membership.objects.create(amap=s.amap, customer=nina, year=year, amount=Decimal("10"))
    subscription_create(contract=s.vegetables, customer=nina, quantities={s.small.pk: 1}, accepted=True)
    _manager(client, s)
    url = reverse("amap:memberships", args=[s.amap.slug])

    page = _flat(client.get(url, {"year": year}).content.decode())
    assert f"Adhésions {year}" in page and "1 adhérent a un contrat cette année sans adhésion réglée" in page
    assert 'value="15.00"' in page or 'value="15,00"' in page  # the suggested amount

    omar = member(s.amap, "omar@exemple.fr", "Omar Benali", membership=False)
    response = client.post(
        reverse("amap:membership_new", args=[s.amap.slug]),
        {"year": year, "customer": omar.uuid, "amount": "8", "method": "cheque", "paid": "on"},
    )
    assert response.status_code == 400
    assert "L'adhésion est de 10,00 € au moins." in _flat(response.content.decode())
    assert not Membership.objects.filter(customer=omar).exists()
    response = client.post(
        reverse("amap:membership_new", args=[s.amap.slug]),
        {"year": year, "customer": omar.uuid, "amount": "12,50", "method": "cheque", "paid": "on"},
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?year={year}"
    assert Membership.objects.get(customer=omar).amount == Decimal("12.50")

    nina_membership = Membership.objects.get(customer=nina)
    client.post(reverse("amap:membership_paid", args=[s.amap.slug, nina_membership.pk]), {"method": "cash"})
    nina_membership.refresh_from_db()
    assert nina_membership.paid_at is not None and nina_membership.method == "cash"
    page = _flat(client.get(url, {"year": year}).content.decode())
    assert "Tous les adhérents qui ont un contrat ont réglé leur adhésion." in page
    assert "Omar Benali" in page and "12,50 €" in page


def test_the_settings_page_saves_or_says_what_is_wrong(client):
    s = season()
    _manager(client, s)
    url = reverse("amap:membership_settings", args=[s.amap.slug])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"membership_minimum": "20", "membership_suggested": "10", "membership_required": "on"}
    )
    assert bad.status_code == 400
    assert "inférieure à l'adhésion minimale" in _flat(bad.content.decode())
    assert AmapSettings.objects.get(amap=s.amap).membership_minimum == Decimal("10.00")
    good = client.post(
        url,
        {"membership_minimum": "8", "membership_suggested": "12,50", "membership_payee": "AMAP des Pentes"},
    )
    assert good.status_code == 302
    settings = AmapSettings.objects.get(amap=s.amap)
    assert (settings.membership_required, settings.membership_minimum, settings.membership_suggested) == (
        False,
        Decimal("8.00"),
        Decimal("12.50"),
    )


def test_a_volunteer_may_not_see_the_payments(client):
    s = season()
    client.force_login(RoleFactory(enterprise=s.amap, role=Role.Level.VOLUNTEER).user)
    assert client.get(reverse("amap:memberships", args=[s.amap.slug])).status_code == 403
    assert client.get(reverse("amap:payments", args=[s.amap.slug])).status_code == 403
