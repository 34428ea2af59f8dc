"""The fees back-office: list, create with each calculator, tiers typed as lines, French errors,
edit, withdraw and put back, the platform fee type reserved to the operator, prices reopened."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import TaxRate
from cabas.cycles.forms_fees import format_tiers, parse_tiers_text
from cabas.cycles.models import Fee, OrderCycle
from tests.factories import EnterpriseFactory


def fee_of(enterprise, **kwargs):
    values = {"name": "Préparation", "fee_type": "packing", "calculator": "flat_per_item", "amount": "0.50"}
    values.update(kwargs)
    return Fee.objects.create(enterprise=enterprise, **values)


def post_fee(client, enterprise, data, fee=None):
    url = (
        reverse("cycles:fee_edit", args=[enterprise.slug, fee.uuid])
        if fee
        else reverse("cycles:fee_new", args=[enterprise.slug])
    )
    values = {"name": "Préparation des paniers", "fee_type": "packing", "calculator": "flat_per_item"}
    values.update(data)
    return client.post(url, values)


def test_it_lists_the_fees_with_how_they_are_computed(
    client_for, manager, enterprise, django_assert_max_num_queries
):
    fee_of(enterprise, name="Préparation", amount="0.50")
    fee_of(enterprise, name="Gestion", fee_type="admin", calculator="percent", amount="8")
    fee_of(enterprise, name="Transport", fee_type="transport", calculator="per_kg", amount="0.40")
    fee_of(
        enterprise,
        name="Paliers",
        calculator="tiered",
        amount=0,
        tiers=[{"from": 1, "amount": "0.50"}, {"from": 10, "amount": "0.30"}],
    )
    fee_of(enterprise, name="Sacs", calculator="flat_per_order", amount="1", active=False)
    fee_of(EnterpriseFactory(), name="Frais du voisin")
    client = client_for(manager)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("cycles:fees", args=[enterprise.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "0,50\u00a0€ par article" in text
    assert "8 % du prix producteur" in text
    assert "0,40\u00a0€ par kilo" in text
    assert "à partir de 10 articles : 0,30 €" in text
    assert "plus appliqués" in text
    assert "Frais du voisin" not in text


def test_it_shows_an_empty_list_with_a_hint(client_for, manager, enterprise):
    response = client_for(manager).get(reverse("cycles:fees", args=[enterprise.slug]))
    assert "pas encore de frais" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "calculator", "amount"),
    [
        ({"calculator": "flat_per_item", "amount": "0,50"}, "flat_per_item", Decimal("0.50")),
        ({"calculator": "flat_per_order", "amount": "2"}, "flat_per_order", Decimal("2")),
        ({"calculator": "percent", "rate": "7,5", "amount": "99"}, "percent", Decimal("7.5")),
        ({"calculator": "per_kg", "amount_per_kg": "0,125"}, "per_kg", Decimal("0.125")),
    ],
)
def test_it_creates_a_fee_with_the_amount_of_its_calculator(
    client_for, manager, enterprise, data, calculator, amount
):
    response = post_fee(client_for(manager), enterprise, {**data, "tax_rate": "tva-20"})
    assert response.status_code == 302
    fee = Fee.objects.get(enterprise=enterprise)
    assert (fee.calculator, fee.amount, fee.tax_rate.rate) == (calculator, amount, Decimal("20"))


def test_it_creates_a_tiered_fee_from_lines(client_for, manager, enterprise):
    tiers = "à partir de 1 article : 0,50 €\nà partir de 10 articles : 0,30 €\n\n25 : 0,2"
    response = post_fee(client_for(manager), enterprise, {"calculator": "tiered", "tiers": tiers})
    assert response.status_code == 302
    fee = Fee.objects.get(enterprise=enterprise)
    assert fee.tiers == [
        {"from": 1, "amount": "0.50"},
        {"from": 10, "amount": "0.30"},
        {"from": 25, "amount": "0.20"},
    ]
    assert fee.amount == 0


def test_it_explains_wrong_tier_lines_and_saves_nothing(client_for, manager, enterprise):
    tiers = "à partir de 1 article : 0,50 €\nbeaucoup : pas cher\nà partir de 1 article : 0,40 €"
    response = post_fee(client_for(manager), enterprise, {"calculator": "tiered", "tiers": tiers})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 2 : écrivez par exemple" in text
    assert "Ligne 3 : il y a déjà un palier à partir de 1" in text
    assert not Fee.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"calculator": "flat_per_item", "amount": ""}, "Indiquez le montant des frais"),
        ({"calculator": "flat_per_item", "amount": "-1"}, "Le montant doit être un nombre positif"),
        ({"calculator": "percent", "rate": "150"}, "Le taux doit être un pourcentage entre 0 et 100"),
        ({"calculator": "per_kg", "amount_per_kg": "abc"}, "Le montant par kilo doit être un nombre positif"),
        ({"calculator": "tiered", "tiers": ""}, "Indiquez au moins un palier"),
        ({"name": ""}, "Ce champ est obligatoire"),
        ({"fee_type": "platform", "amount": "1"}, "Sélectionnez un choix valide"),
    ],
)
def test_it_refuses_bad_input_in_french(client_for, manager, enterprise, data, message):
    response = post_fee(client_for(manager), enterprise, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Fee.objects.exists()


def test_it_lets_the_platform_operator_create_platform_fees(client_for, settings, manager, enterprise):
    settings.PLATFORM_ENTERPRISE_SLUG = enterprise.slug
    response = post_fee(
        client_for(manager), enterprise, {"fee_type": "platform", "calculator": "percent", "rate": "2"}
    )
    assert response.status_code == 302
    assert Fee.objects.get().fee_type == "platform"


def test_it_edits_a_fee_and_shows_its_tiers_as_lines(client_for, manager, enterprise):
    fee = fee_of(enterprise, calculator="tiered", amount=0, tiers=[{"from": 5, "amount": "0.25"}])
    client = client_for(manager)
    page = client.get(reverse("cycles:fee_edit", args=[enterprise.slug, fee.uuid]))
    assert "à partir de 5 articles : 0,25 €" in page.content.decode()
    response = post_fee(
        client, enterprise, {"name": "Préparation", "calculator": "percent", "rate": "3"}, fee=fee
    )
    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.calculator, fee.amount, fee.tiers) == ("percent", Decimal("3"), [])


def test_it_answers_404_for_another_enterprises_fee(client_for, manager, enterprise):
    other = fee_of(EnterpriseFactory())
    response = client_for(manager).get(reverse("cycles:fee_edit", args=[enterprise.slug, other.uuid]))
    assert response.status_code == 404
    response = client_for(manager).post(reverse("cycles:fee_deactivate", args=[enterprise.slug, other.uuid]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.active


def test_it_withdraws_a_fee_and_puts_it_back(client_for, manager, enterprise):
    fee = fee_of(enterprise)
    client = client_for(manager)
    client.post(reverse("cycles:fee_deactivate", args=[enterprise.slug, fee.uuid]))
    fee.refresh_from_db()
    assert not fee.active
    response = client.post(reverse("cycles:fee_activate", args=[enterprise.slug, fee.uuid]), follow=True)
    fee.refresh_from_db()
    assert fee.active
    assert "de nouveau appliqués" in response.content.decode()


def test_it_sends_approved_prices_back_to_draft_when_a_fee_used_by_a_cycle_changes(
    client_for, manager, enterprise
):
    fee = fee_of(enterprise)
    now = timezone.now()
    cycle = OrderCycle.objects.create(
        coordinator=enterprise,
        name="Semaine 3",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=3),
        approval=OrderCycle.Approval.APPROVED,
    )
    cycle.coordinator_fees.add(fee)
    client = client_for(manager)
    # a new name only: prices unchanged, the approval holds
    post_fee(client, enterprise, {"name": "Préparation soignée", "amount": "0,50"}, fee=fee)
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    response = post_fee(client, enterprise, {"amount": "0,60"}, fee=fee)
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.DRAFT
    assert response.status_code == 302


def test_it_formats_and_parses_tiers_both_ways():
    tiers = [{"from": 1, "amount": "0.50"}, {"from": 12, "amount": "0.35"}]
    assert parse_tiers_text(format_tiers(tiers)) == tiers
    assert TaxRate  # the reference rates are seeded by migrations


def test_it_keeps_volunteers_out(client_for, volunteer, enterprise):
    assert client_for(volunteer).get(reverse("cycles:fees", args=[enterprise.slug])).status_code == 403
