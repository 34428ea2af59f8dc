"""The dashboard's to-do items computed from the data: a producer's first product, prices waiting
for the member's decision, a seller's next cycle. Each one disappears once done."""

import pytest
from django.urls import reverse

from cabas.cycles import services, services_approval
from cabas.cycles.tests.test_cycles_services import DAY, granting_producer, make_cycle
from cabas.enterprises.models import Role, Sells
from tests.factories import EnterpriseFactory, HubFactory, RoleFactory, VariantFactory

FIRST_PRODUCT = "Ajoutez votre premier produit"
PRICES = "Prix à décider : «"
OPEN_CYCLE = "Ouvrez un cycle"


def dashboard(client, enterprise) -> str:
    return client.get(reverse("manage:dashboard", args=[enterprise.slug])).content.decode()


def test_a_producer_is_asked_for_its_first_product_until_it_has_one(client_for, manager, enterprise):
    client = client_for(manager)
    page = dashboard(client, enterprise)
    assert FIRST_PRODUCT in page
    assert reverse("catalogue:product_new", args=[enterprise.slug]) in page

    VariantFactory(product__producer=enterprise)

    assert FIRST_PRODUCT not in dashboard(client, enterprise)


def test_a_seller_is_asked_to_open_a_cycle_until_one_is_open_or_upcoming(client_for, manager, enterprise):
    client = client_for(manager)
    make_cycle(enterprise, opens_in=-5 * DAY, length=DAY)  # closed: it does not count
    page = dashboard(client, enterprise)
    assert OPEN_CYCLE in page and reverse("cycles:new", args=[enterprise.slug]) in page

    make_cycle(enterprise, opens_in=2 * DAY)

    assert OPEN_CYCLE not in dashboard(client, enterprise)


def test_a_shop_selling_in_another_coordinators_cycle_has_its_cycle(client_for, db):
    shop = HubFactory()
    other = HubFactory()
    cycle = make_cycle(other, opens_in=-DAY)
    cycle.distributors.create(distributor=shop)
    user = RoleFactory(enterprise=shop, role="manager").user

    assert OPEN_CYCLE not in dashboard(client_for(user), shop)


def test_an_enterprise_that_sells_nothing_is_never_asked_to_open_a_cycle(client_for, db):
    farm = EnterpriseFactory(sells=Sells.NONE, is_producer=True)
    user = RoleFactory(enterprise=farm, role="owner").user

    page = dashboard(client_for(user), farm)

    assert OPEN_CYCLE not in page and FIRST_PRODUCT in page


def test_a_volunteer_is_not_asked_what_only_managers_can_do(client_for, volunteer, enterprise):
    page = dashboard(client_for(volunteer), enterprise)

    assert FIRST_PRODUCT not in page and OPEN_CYCLE not in page


@pytest.fixture
def submitted(db):
    """A hub's cycle whose prices two producers must approve, submitted; the first producer."""
    hub = HubFactory(price_approval="producers")
    coordinator = RoleFactory(enterprise=hub, role="manager").user
    cycle = make_cycle(hub, opens_in=5 * DAY)
    producers = [granting_producer(hub), granting_producer(hub)]
    for producer in producers:
        services.cycle_supplier_add(cycle=cycle, supplier=producer)
        VariantFactory(product__producer=producer)
    services.cycle_variants_add(cycle=cycle)
    services_approval.cycle_prices_submit(cycle=cycle, user=coordinator)
    return cycle, producers


def test_prices_wait_for_each_producers_decision_until_it_approves(client, submitted):
    cycle, (producer, other) = submitted
    role = Role.objects.get(enterprise=producer, role="manager")
    client.force_login(role.user)
    page = dashboard(client, producer)
    assert PRICES in page and reverse("cycles:approval", args=[producer.slug, cycle.uuid]) in page
    assert "attend votre réponse sur 1 prix" in page

    services_approval.cycle_price_decide(
        cycle=cycle, user=role.user, enterprise=producer, role=role, kind="approved"
    )

    assert PRICES not in dashboard(client, producer)
    client.force_login(Role.objects.get(enterprise=other, role="manager").user)
    assert PRICES in dashboard(client, other)


def test_prices_wait_again_after_a_counter_proposal_or_a_new_submission(client, submitted):
    cycle, (producer, other) = submitted
    role = Role.objects.get(enterprise=producer, role="manager")
    services_approval.cycle_price_decide(
        cycle=cycle, user=role.user, enterprise=producer, role=role, kind="approved"
    )
    other_role = Role.objects.get(enterprise=other, role="manager")
    other_line = f"v{other.products.get().variants.get().pk}"
    services_approval.cycle_prices_respond(
        cycle=cycle, user=other_role.user, enterprise=other, role=other_role, answers={other_line: "99.00"}
    )
    coordinator = Role.objects.get(enterprise=cycle.coordinator, role="manager").user
    client.force_login(coordinator)
    page = dashboard(client, cycle.coordinator)
    assert "attend votre réponse sur 1 prix" in page  # the coordinator must answer the counter-proposal
    assert reverse("cycles:prices", args=[cycle.coordinator.slug, cycle.uuid]) in page
    client.force_login(role.user)
    assert PRICES not in dashboard(client, producer)  # not its product

    VariantFactory(product__producer=other)
    services.cycle_variants_add(cycle=cycle)  # a change sends the prices back to preparation
    client.force_login(coordinator)
    assert "Soumettez les prix du cycle" in dashboard(client, cycle.coordinator)
    services_approval.cycle_prices_submit(cycle=cycle, user=coordinator)

    client.force_login(role.user)
    assert PRICES in dashboard(client, producer)


def test_prices_waiting_are_not_a_task_for_who_cannot_decide(client_for, submitted):
    _cycle, (producer, _other) = submitted
    volunteer = RoleFactory(enterprise=producer, role="volunteer").user

    assert PRICES not in dashboard(client_for(volunteer), producer)


def test_the_dashboard_reads_a_bounded_number_of_queries(
    client_for, submitted, django_assert_max_num_queries
):
    _cycle, (producer, _other) = submitted
    client = client_for(Role.objects.get(enterprise=producer, role="manager").user)

    with django_assert_max_num_queries(10):
        page = dashboard(client, producer)

    assert PRICES in page
