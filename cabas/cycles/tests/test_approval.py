"""Co-decided prices: the coordinator submits a cycle's prices, each party accepts or counter-proposes
line by line for that cycle only, a thread of dated messages; the cycle opens only once every party
accepted the current numbers, which then become the cycle's prices."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cabas.catalogue.models import InventoryItem, Variant
from cabas.cycles import services, services_approval
from cabas.cycles.exceptions import ApprovalError, CycleError
from cabas.cycles.models import CycleFee, CycleVariant, OrderCycle, PriceDecision, PriceProposal
from cabas.cycles.negotiation import negotiation
from cabas.cycles.pricing import FeeContext
from cabas.cycles.tests.test_cycles_services import DAY, fee, granting_producer, make_cycle
from cabas.orders.offers import apply_offer_price, offered_variants
from tests.factories import HubFactory, RoleFactory, UserFactory, VariantFactory


@pytest.fixture
def hub(db):
    return HubFactory(name="Épicerie Coop", slug="epicerie-coop", price_approval="producers")


@pytest.fixture
def hub_manager(hub):
    return RoleFactory(enterprise=hub, role="manager", user__email="coord@exemple.fr").user


@pytest.fixture
def setup(hub):
    """A cycle of the hub supplied by two producers, each with a variant in it at 4,10 €."""
    first = granting_producer(hub, name="Ferme du Haut", slug="ferme-du-haut")
    second = granting_producer(hub, name="Ferme du Bas", slug="ferme-du-bas")
    cycle = make_cycle(hub, opens_in=5 * DAY)
    for producer in (first, second):
        services.cycle_supplier_add(cycle=cycle, supplier=producer)
        VariantFactory(product__producer=producer, product__name=f"Pommes {producer.name}", price="4.10")
    services.cycle_variants_add(cycle=cycle)
    return cycle, first, second


def _submit(client, hub, cycle, comment="Prix d'été"):
    with_url = reverse("cycles:prices_submit", args=[hub.slug, cycle.uuid])
    return client.post(with_url, {"comment": comment}, follow=True)


def _respond(producer, cycle, **kwargs):
    role = producer.roles.get()
    return services_approval.cycle_prices_respond(
        cycle=cycle, user=role.user, enterprise=producer, role=role, **kwargs
    )


def _variant_key(producer):
    return f"v{Variant.objects.get(product__producer=producer).pk}"


def _plain(text: str) -> str:
    """`text` with its non-breaking spaces as plain spaces (amounts are written « 4,10\xa0€ »)."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _accept_all(cycle, *producers):
    for producer in producers:
        _respond(producer, cycle, accept_all=True)


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


def test_it_submits_every_line_and_emails_the_producers(
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
    submission = PriceDecision.objects.get(cycle=cycle)
    assert submission.kind == "submitted" and submission.comment == "Prix d'été"
    assert [v["price"] for v in submission.price_list["variants"]] == ["4.10", "4.10"]
    assert [f["name"] for f in submission.price_list["fees"]] == ["Frais de gestion"]
    # the coordinator proposes every line: 2 variants and the fee
    assert PriceProposal.objects.filter(submission=submission, party="coordinator").count() == 3
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["gerant@ferme-du-bas.fr", "gerant@ferme-du-haut.fr"]
    message = mail.outbox[0]
    assert "Prix à décider" in message.subject
    assert "Prix d'été" in message.body
    assert reverse("cycles:approval", args=["ferme-du-bas", cycle.uuid]) in message.body
    assert message.alternatives[0][1] == "text/html"


def test_it_decides_once_every_producer_accepted_and_emails_everyone(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    _submit(client_for(hub_manager), hub, cycle)
    mail.outbox.clear()
    client = client_for(first.roles.get().user)
    page = client.get(reverse("cycles:approvals", args=[first.slug])).content.decode()
    assert cycle.name in page and "1 prix à accepter" in page
    assert "Prix à approuver" not in page  # the folded menu names the section as its link does

    client.post(reverse("cycles:approval", args=[first.slug, cycle.uuid]), {"accept_all": "1"})
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.SUBMITTED  # the other producer has not answered
    page = client.get(reverse("cycles:approvals", args=[first.slug])).content.decode()
    assert "vous avez tout accepté" in page

    with django_capture_on_commit_callbacks(execute=True):
        client_for(second.roles.get().user).post(
            reverse("cycles:approval", args=[second.slug, cycle.uuid]),
            {"accept": [_variant_key(second)], "comment": "OK !"},
        )

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    assert services.cycle_is_sellable(cycle, at=cycle.opens_at + DAY)
    assert [d.kind for d in cycle.price_decisions.all()] == ["submitted", "approved", "approved", "decided"]
    decided = [m for m in mail.outbox if "Prix décidés" in m.subject]
    assert sorted(a for m in decided for a in m.to) == [
        "coord@exemple.fr",
        "gerant@ferme-du-bas.fr",
        "gerant@ferme-du-haut.fr",
    ]
    assert set(CycleVariant.objects.filter(cycle=cycle).values_list("price", flat=True)) == {Decimal("4.10")}


def test_a_counter_proposal_becomes_the_cycles_price_once_accepted_and_leaves_the_catalogue_alone(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    other_cycle = make_cycle(hub, opens_in=5 * DAY, name="Autre cycle")
    services.cycle_supplier_add(cycle=other_cycle, supplier=first)
    services.cycle_variants_add(cycle=other_cycle)
    mail.outbox.clear()
    key = _variant_key(first)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(first.roles.get().user).post(
            reverse("cycles:approval", args=[first.slug, cycle.uuid]),
            {f"n-{key}": "4,60", "comment": "Le gel a pris la moitié de la récolte."},
        )

    cycle.refresh_from_db()
    state = negotiation(cycle)
    line = next(line for line in state.lines if line.key == key)
    assert line.current == Decimal("4.60") and line.base == Decimal("4.10")
    assert line.accepted == {f"producer:{first.pk}"}  # the coordinator must accept it again
    assert line.breakdown.unit_price == Decimal("4.60")
    # the counter-proposal goes to the coordinator, not to the other producer (not its line)
    assert [m.to for m in mail.outbox] == [["coord@exemple.fr"]]
    assert "4,10 € → 4,60 €" in _plain(mail.outbox[0].body)
    assert "Le gel a pris la moitié de la récolte." in mail.outbox[0].body
    page = _plain(
        client_for(hub_manager).get(reverse("cycles:prices", args=[hub.slug, cycle.uuid])).content.decode()
    )
    assert (
        "Ferme du Haut propose 4,60 €" in page and "À vous de répondre : 1 prix attend votre accord." in page
    )

    client_for(hub_manager).post(reverse("cycles:prices", args=[hub.slug, cycle.uuid]), {"accept": [key]})
    _respond(second, cycle, accept_all=True)

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    variant = Variant.objects.get(product__producer=first)
    assert variant.price == Decimal("4.10")  # the catalogue did not change
    assert CycleVariant.objects.get(cycle=cycle, variant=variant).price == Decimal("4.60")
    sold = apply_offer_price(offered_variants(cycle, hub).get(pk=variant.pk))
    assert sold.price == Decimal("4.60")
    elsewhere = apply_offer_price(offered_variants(other_cycle, hub).get(pk=variant.pk))
    assert elsewhere.price == Decimal("4.10")


def test_a_fee_is_negotiated_for_the_cycle_only_and_priced_with_the_decided_amount(hub, hub_manager, setup):
    cycle, first, second = setup
    admin = fee(hub, name="Frais de gestion", fee_type="admin", calculator="percent", amount="10")
    cycle.coordinator_fees.add(admin)
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)

    _respond(first, cycle, answers={f"f{admin.pk}": "8"}, accept_all=True)
    cycle.refresh_from_db()
    state = negotiation(cycle)
    variant_line = next(line for line in state.lines if line.key == _variant_key(first))
    assert variant_line.breakdown.unit_price == Decimal("4.43")  # 4,10 + 8 % (0,33)
    fee_line = next(line for line in state.lines if line.fee is not None)
    assert _plain(fee_line.current_display) == "8 %" and fee_line.waits_for(f"producer:{second.pk}")

    _respond(second, cycle, accept_all=True)
    role = hub.roles.get()
    services_approval.cycle_prices_respond(
        cycle=cycle, user=role.user, enterprise=hub, role=role, party_kind="coordinator", accept_all=True
    )

    cycle.refresh_from_db()
    admin.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    assert admin.amount == Decimal("10")  # the fee itself is unchanged
    assert CycleFee.objects.get(cycle=cycle, fee=admin).amount == Decimal("8")
    variant = Variant.objects.select_related("product__producer").get(product__producer=first)
    assert FeeContext.for_cycle(cycle, hub).unit_price(variant) == Decimal("4.43")
    other = make_cycle(hub, opens_in=5 * DAY, name="Autre cycle")
    other.coordinator_fees.add(admin)
    assert FeeContext.for_cycle(other, hub).unit_price(variant) == Decimal("4.51")


def test_after_a_resubmission_the_producer_must_answer_again_from_the_numbers_reached(
    client_for, hub, hub_manager, setup
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    _respond(first, cycle, answers={_variant_key(first): "4.60"})
    _respond(second, cycle, accept_all=True)
    VariantFactory(product__producer=second, price="2.00")
    services.cycle_variants_add(cycle=cycle)  # a change: back to draft
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.DRAFT
    url = reverse("cycles:approval", args=[second.slug, cycle.uuid])
    assert "nouvelle version" in client_for(second.roles.get().user).get(url).content.decode()

    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)

    page = client_for(second.roles.get().user).get(url).content.decode()
    assert "À vous de répondre : 2 prix attendent votre accord." in page
    assert "vous avez accepté ce prix" not in page
    cycle.refresh_from_db()
    numbers = {line.key: line.current for line in negotiation(cycle).lines}
    assert numbers[_variant_key(first)] == Decimal("4.60")  # the number reached is kept


def test_it_refuses_bad_numbers_with_a_clear_message_and_records_nothing(client_for, hub, hub_manager, setup):
    cycle, first, _second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    key = _variant_key(first)
    before = PriceProposal.objects.count()

    for typed, message in [
        ("abc", "n'est pas un nombre"),
        ("-2", "ne peut pas être négatif"),
        ("4,555", "Au centime près"),
        ("999999", "trop élevé"),
    ]:
        with pytest.raises(ApprovalError, match=message):
            _respond(first, cycle, answers={key: typed})
    response = client_for(first.roles.get().user).post(
        reverse("cycles:approval", args=[first.slug, cycle.uuid]), {f"n-{key}": "abc"}, follow=True
    )

    assert "n&#x27;est pas un nombre" in response.content.decode()
    assert PriceProposal.objects.count() == before
    assert not PriceDecision.objects.exclude(kind="submitted").exists()


def test_it_shows_the_price_per_kg_of_a_variable_weight_product(client_for, hub, hub_manager, setup):
    cycle, first, _second = setup
    VariantFactory(
        product__producer=first,
        product__name="Tomme",
        price="13.50",
        variable_weight=True,
        unit="g",
        quantity="500",
    )
    services.cycle_variants_add(cycle=cycle)
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)

    page = client_for(first.roles.get().user).get(reverse("cycles:approval", args=[first.slug, cycle.uuid]))

    text = _plain(page.content.decode())
    assert "13,50 €/kg" in text
    assert "6,75 €" in text  # the shelf price of a piece of about 500 g


def test_it_lets_a_producer_volunteer_read_but_not_decide(client_for, hub, hub_manager, setup):
    cycle, first, _second = setup
    _submit(client_for(hub_manager), hub, cycle)
    volunteer = RoleFactory(enterprise=first, role="volunteer").user
    client = client_for(volunteer)
    url = reverse("cycles:approval", args=[first.slug, cycle.uuid])

    page = client.get(url).content.decode()
    assert "Vous pouvez consulter ces prix" in page
    assert client.post(url, {"accept_all": "1"}).status_code == 403
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
        enterprise=hub,
        role="volunteer",
        consumer_referent=True,
        user__email="ref@exemple.fr",
        user__full_name="Rose Référente",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, hub, cycle)
    assert "Rose Référente" in response.content.decode()  # who the referents are is shown
    assert any(m.to == ["ref@exemple.fr"] for m in mail.outbox)
    _accept_all(cycle, first, second)
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.SUBMITTED  # referents still to answer

    referent_client = client_for(referent.user)
    page = referent_client.get(reverse("cycles:approvals", args=[hub.slug])).content.decode()
    assert cycle.name in page and "2 prix à accepter" in page
    referent_client.post(reverse("cycles:approval", args=[hub.slug, cycle.uuid]), {"accept_all": "1"})

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    decided = cycle.price_decisions.get(kind="decided")
    assert "Référents consommateurs de Épicerie Coop" in decided.price_list["parties"]


def test_it_resets_approved_prices_to_draft_when_a_fee_changes_and_says_so(
    client_for, hub, hub_manager, setup
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    _accept_all(cycle, first, second)
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


def test_it_keeps_a_dated_thread_of_messages(
    client_for, hub, hub_manager, setup, django_capture_on_commit_callbacks
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _respond(first, cycle, comment="Pourquoi ces frais de transport ?")
    assert sorted(a for m in mail.outbox for a in m.to) == ["coord@exemple.fr", "gerant@ferme-du-bas.fr"]
    client_for(hub_manager).post(
        reverse("cycles:prices_comment", args=[hub.slug, cycle.uuid]), {"comment": "Le camion coûte cher."}
    )

    kinds = list(cycle.price_decisions.values_list("kind", "comment"))
    assert kinds[1:] == [
        ("commented", "Pourquoi ces frais de transport ?"),
        ("commented", "Le camion coûte cher."),
    ]
    page = client_for(first.roles.get().user).get(reverse("cycles:approval", args=[first.slug, cycle.uuid]))
    text = page.content.decode()
    assert "Le camion coûte cher." in text and "Fil de la discussion" in text
    assert "<time datetime=" in text


def test_it_decides_at_once_when_the_coordinator_supplies_alone(enterprise, owner):
    enterprise.price_approval = "producers"
    enterprise.save()
    cycle = make_cycle(enterprise, opens_in=3 * DAY)
    VariantFactory(product__producer=enterprise, price="3.00")
    services.cycle_variants_add(cycle=cycle)

    services_approval.cycle_prices_submit(cycle=cycle, user=owner)

    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED
    assert CycleVariant.objects.get(cycle=cycle).price == Decimal("3.00")


def test_the_hubs_own_price_is_the_starting_number_of_the_negotiation(hub, hub_manager, setup):
    cycle, first, _second = setup
    variant = Variant.objects.get(product__producer=first)
    InventoryItem.objects.create(hub=hub, variant=variant, price=Decimal("4.80"))

    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)

    cycle.refresh_from_db()
    numbers = {line.key: line.current for line in negotiation(cycle).lines}
    assert numbers[f"v{variant.pk}"] == Decimal("4.80")


def test_it_lets_owners_change_the_price_approval_setting(client_for, enterprise, owner, manager):
    upcoming = make_cycle(enterprise, opens_in=3 * DAY)
    url = reverse("cycles:price_approval_setting", args=[enterprise.slug])

    assert client_for(manager).post(url, {"price_approval": "producers"}).status_code == 403
    page = client_for(owner).get(reverse("cycles:list", args=[enterprise.slug])).content.decode()
    assert "Prix décidés ensemble" in page
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


def test_the_negotiation_pages_read_as_many_queries_for_many_lines_as_for_few(
    client_for, hub, hub_manager, setup, django_assert_max_num_queries
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    _respond(first, cycle, answers={_variant_key(first): "4.20"})
    urls = [
        (hub_manager, reverse("cycles:prices", args=[hub.slug, cycle.uuid])),
        (first.roles.get().user, reverse("cycles:approval", args=[first.slug, cycle.uuid])),
    ]
    counts = []
    for _round in range(2):
        for user, url in urls:
            client = client_for(user)
            client.get(url)
            with django_assert_max_num_queries(40) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        for _i in range(6):
            VariantFactory(product__producer=first, price="1.00")
        services.cycle_variants_add(cycle=cycle)
        services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
        _respond(first, cycle, accept_all=True)
    assert counts[:2] == counts[2:]


def test_the_cycle_opens_with_the_decided_numbers_and_shows_how_they_were_decided(
    client, client_for, hub, hub_manager, setup
):
    cycle, first, second = setup
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)
    _respond(first, cycle, answers={_variant_key(first): "4,60"}, accept_all=True)
    client_for(hub_manager).post(reverse("cycles:prices", args=[hub.slug, cycle.uuid]), {"accept_all": "1"})
    _respond(second, cycle, accept_all=True)
    cycle.refresh_from_db()
    assert cycle.approval == OrderCycle.Approval.APPROVED

    services.cycle_open_now(cycle=cycle)

    client.logout()
    shop = _plain(client.get(reverse("shop:front", args=[hub.slug])).content.decode())
    money_url = reverse("cycles_public:money", args=[cycle.uuid])
    assert "Pommes Ferme du Haut" in shop and "4,60 €" in shop
    assert money_url in shop
    money = _plain(client.get(money_url).content.decode())
    assert "Des prix décidés ensemble" in money
    assert "D'accord : Épicerie Coop, Ferme du Bas, Ferme du Haut." in _plain(money.replace("&#x27;", "'"))
    assert "4,10 € (Épicerie Coop) → 4,60 € (Ferme du Haut)" in money


def test_a_tiered_fee_is_shown_with_its_tiers_in_euros_and_cannot_be_counter_proposed(
    client_for, hub, hub_manager, setup
):
    cycle, first, _second = setup
    tiered = fee(hub, name="Palier", calculator="tiered", tiers=[{"from": 10, "amount": "0.30"}])
    cycle.coordinator_fees.add(tiered)
    services_approval.cycle_prices_submit(cycle=cycle, user=hub_manager)

    page = client_for(first.roles.get().user).get(reverse("cycles:approval", args=[first.slug, cycle.uuid]))

    text = _plain(page.content.decode())
    assert "dès 10 articles : 0,30 €" in text
    assert f'name="n-f{tiered.pk}"' not in text  # accepted or not, never another number
    assert f'value="f{tiered.pk}"' in text
