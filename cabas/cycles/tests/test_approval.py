"""Co-decided prices: submit a cycle's price list, producers and consumer referents approve,
comment or ask for changes; the cycle cannot open before; the history keeps every step."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.cycles import services, services_approval
from cabas.cycles.exceptions import ApprovalError, CycleError
from cabas.cycles.models import OrderCycle, PriceDecision
from cabas.cycles.tests.test_cycles_services import DAY, fee, granting_producer, make_cycle
from tests.factories import HubFactory, RoleFactory, UserFactory, VariantFactory


@pytest.fixture
def hub(db):
    hub = HubFactory(name="Épicerie Coop", slug="epicerie-coop", price_approval="producers")
    return hub


@pytest.fixture
def hub_manager(hub):
    return RoleFactory(enterprise=hub, role="manager", user__email="coord@exemple.fr").user


@pytest.fixture
def setup(hub):
    """A cycle of the hub supplied by two producers, each with a variant in it."""
    first = granting_producer(hub, name="Ferme du Haut", slug="ferme-du-haut")
    second = granting_producer(hub, name="Ferme du Bas", slug="ferme-du-bas")
    cycle = make_cycle(hub, opens_in=5 * DAY)
    for producer in (first, second):
        services.cycle_supplier_add(cycle=cycle, supplier=producer)
        VariantFactory(product__producer=producer, price="4.10")
    services.cycle_variants_add(cycle=cycle)
    return cycle, first, second


def _submit(client, hub, cycle, comment="Prix d'été"):
    with_url = reverse("cycles:prices_submit", args=[hub.slug, cycle.uuid])
    return client.post(with_url, {"comment": comment}, follow=True)


def test_it_starts_a_cycle_of_an_approving_coordinator_as_draft_and_not_sellable(setup):
    cycle, _first, _second = setup

    assert cycle.approval == OrderCycle.Approval.DRAFT
    assert services.cycle_can_open(cycle) is False
    assert services.cycle_is_sellable(cycle, at=cycle.opens_at + DAY) is False


def test_it_refuses_to_open_a_cycle_now_before_its_prices_are_approved(client_for, hub, hub_manager):
    now = timezone.localtime()
    response = client_for(hub_manager).post(
        reverse("cycles:new", args=[hub.slug]),
        {
            "name": "Tout de suite",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert "ne peut pas ouvrir avant que ses prix soient approuvés" in response.content.decode()
    assert not OrderCycle.objects.exists()


def test_it_submits_the_frozen_price_list_and_emails_the_producers(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    fee(hub, name="Frais de gestion", fee_type="admin")
    cycle.coordinator_fees.add(*hub.fees.all())

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client_for(hub_manager), hub, cycle)

    assert "Prix soumis" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.SUBMITTED
    decision = PriceDecision.objects.get(cycle=cycle)
    assert decision.kind == "submitted" and decision.comment == "Prix d'été"
    assert [v["price"] for v in decision.price_list["variants"]] == ["4.10", "4.10"]
    assert [f["name"] for f in decision.price_list["fees"]] == ["Frais de gestion"]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["gerant@ferme-du-bas.fr", "gerant@ferme-du-haut.fr"]
    message = mail.outbox[0]
    assert "Prix à approuver" in message.subject
    assert "Prix d'été" in message.body
    assert reverse("cycles:approval", args=["ferme-du-bas", cycle.uuid]) in message.body
    assert message.alternatives[0][1] == "text/html"


def test_it_approves_once_every_producer_approved(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    _submit(client_for(hub_manager), hub, cycle)
    mail.outbox.clear()
    first_manager = first.roles.get().user
    second_manager = second.roles.get().user

    client = client_for(first_manager)
    page = client.get(reverse("cycles:approvals", args=[first.slug])).content.decode()
    assert cycle.name in page and "à faire" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cycles:approval", args=[first.slug, cycle.uuid]), {"kind": "approved"})
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.SUBMITTED  # the other producer has not answered

    with django_capture_on_commit_callbacks(execute=True):
        client_for(second_manager).post(
            reverse("cycles:approval", args=[second.slug, cycle.uuid]),
            {"kind": "approved", "comment": "OK !"},
        )

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    assert services.cycle_is_sellable(cycle, at=cycle.opens_at + DAY)
    assert [d.kind for d in cycle.price_decisions.all()] == ["submitted", "approved", "approved"]
    assert mail.outbox[-1].to == ["coord@exemple.fr"]
    assert "Prix approuvés" in mail.outbox[-1].subject


def test_it_sends_the_prices_back_to_draft_when_a_producer_asks_for_changes(
    client_for, hub, hub_manager, setup
):
    cycle, first, _second = setup
    _submit(client_for(hub_manager), hub, cycle)
    client = client_for(first.roles.get().user)
    url = reverse("cycles:approval", args=[first.slug, cycle.uuid])

    response = client.post(url, {"kind": "changes_requested"})
    assert "Dites quelles modifications vous demandez." in response.content.decode()
    client.post(url, {"kind": "changes_requested", "comment": "Le prix des tomates est trop bas."})

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.DRAFT
    page = client_for(hub_manager).get(reverse("cycles:prices", args=[hub.slug, cycle.uuid])).content.decode()
    assert "Le prix des tomates est trop bas." in page
    assert "Modifications demandées" in page


def test_it_lets_a_producer_volunteer_read_but_not_decide(client_for, hub, hub_manager, setup):
    cycle, first, _second = setup
    _submit(client_for(hub_manager), hub, cycle)
    volunteer = RoleFactory(enterprise=first, role="volunteer").user
    client = client_for(volunteer)
    url = reverse("cycles:approval", args=[first.slug, cycle.uuid])

    page = client.get(url).content.decode()
    assert "Vous pouvez consulter ces prix" in page
    assert client.post(url, {"kind": "approved"}).status_code == 403
    assert not PriceDecision.objects.filter(kind="approved").exists()


def test_it_needs_the_consumer_referents_when_the_setting_says_so(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    hub.price_approval = "producers_and_referents"
    hub.save()
    client = client_for(hub_manager)

    response = _submit(client, hub, cycle)
    assert "est référent consommateurs dans votre équipe" in response.content.decode()
    referent = RoleFactory(
        enterprise=hub, role="volunteer", consumer_referent=True, user__email="ref@exemple.fr"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, hub, cycle)
    assert any(m.to == ["ref@exemple.fr"] for m in mail.outbox)
    for producer in (first, second):
        services_approval.cycle_price_decide(
            cycle=cycle,
            user=producer.roles.get().user,
            enterprise=producer,
            role=producer.roles.get(),
            kind="approved",
        )
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.SUBMITTED  # referents still to answer

    referent_client = client_for(referent.user)
    page = referent_client.get(reverse("cycles:approvals", args=[hub.slug])).content.decode()
    assert cycle.name in page
    referent_client.post(reverse("cycles:approval", args=[hub.slug, cycle.uuid]), {"kind": "approved"})

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED


def test_it_resets_approved_prices_to_draft_when_a_fee_changes_and_says_so(
    client_for, hub, hub_manager, setup
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    for producer in (first, second):
        services_approval.cycle_price_decide(
            cycle=cycle,
            user=producer.roles.get().user,
            enterprise=producer,
            role=producer.roles.get(),
            kind="approved",
        )
    packing = fee(hub, name="Préparation")

    response = client_for(hub_manager).post(
        reverse("cycles:edit", args=[hub.slug, cycle.uuid]),
        {
            "name": cycle.name,
            "opens_at": timezone.localtime(cycle.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(cycle.closes_at).strftime("%Y-%m-%dT%H:%M"),
            "coordinator_fees": [packing.pk],
        },
        follow=True,
    )

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.DRAFT
    assert "doivent être de nouveau soumis et approuvés" in response.content.decode()


def test_it_resets_submitted_prices_when_variants_are_added(hub, hub_manager, setup):
    cycle, first, _second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    VariantFactory(product__producer=first)

    services.cycle_variants_add(cycle=cycle)

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.DRAFT


def test_it_refuses_a_decision_from_someone_outside_the_cycle(hub, hub_manager, setup):
    cycle, _first, _second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    stranger_role = RoleFactory(enterprise=HubFactory(), role="owner")

    with pytest.raises(ApprovalError, match="ne participez pas"):
        services_approval.cycle_price_decide(
            cycle=cycle,
            user=stranger_role.user,
            enterprise=stranger_role.enterprise,
            role=stranger_role,
            kind="approved",
        )


def test_it_keeps_the_whole_discussion_in_the_history(client_for, hub, hub_manager, setup):
    cycle, first, _second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    first_role = first.roles.get()
    services_approval.cycle_price_decide(
        cycle=cycle,
        user=first_role.user,
        enterprise=first,
        role=first_role,
        kind="commented",
        comment="Pourquoi ces frais de transport ?",
    )
    client_for(hub_manager).post(
        reverse("cycles:prices_comment", args=[hub.slug, cycle.uuid]), {"comment": "Le camion coûte cher."}
    )

    kinds = list(cycle.price_decisions.values_list("kind", "comment"))
    assert kinds[1:] == [
        ("commented", "Pourquoi ces frais de transport ?"),
        ("commented", "Le camion coûte cher."),
    ]
    page = client_for(first_role.user).get(reverse("cycles:approval", args=[first.slug, cycle.uuid]))
    assert "Le camion coûte cher." in page.content.decode()


def test_it_approves_at_once_when_the_coordinator_supplies_alone(enterprise, owner):
    enterprise.price_approval = "producers"
    enterprise.save()
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    VariantFactory(product__producer=enterprise)
    services.cycle_variants_add(cycle=cycle)

    services_approval.cycle_prices_submit(cycle=cycle, user=owner)

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED


def test_it_lets_owners_change_the_price_approval_setting(client_for, enterprise, owner, manager):
    upcoming = make_cycle(enterprise, opens_in=3 * DAY)
    url = reverse("cycles:price_approval_setting", args=[enterprise.slug])

    assert client_for(manager).post(url, {"price_approval": "producers"}).status_code == 403
    page = client_for(owner).get(reverse("cycles:list", args=[enterprise.slug])).content.decode()
    assert "Approbation des prix" in page
    client_for(owner).post(url, {"price_approval": "producers"})

    enterprise.refresh_from_db()
    upcoming.refresh_from_db()
    assert enterprise.price_approval == "producers"
    assert upcoming.approval == OrderCycle.Approval.DRAFT
    with pytest.raises(CycleError):
        services.cycle_create(
            coordinator=enterprise, name="Maintenant", opens_at=timezone.now(), closes_at=timezone.now() + DAY
        )


def test_it_does_not_show_someone_elses_cycle_to_a_producer(client_for, setup):
    cycle, _first, _second = setup
    stranger = RoleFactory(role="manager", user=UserFactory())

    response = client_for(stranger.user).get(
        reverse("cycles:approval", args=[stranger.enterprise.slug, cycle.uuid])
    )

    assert response.status_code == 404
