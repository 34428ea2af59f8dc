import pytest
from django.urls import reverse

from cabas.enterprises.models import Network
from tests.factories import HubFactory, NetworkFactory, RoleFactory


@pytest.fixture
def as_manager(client_for, manager):
    return client_for(manager)


@pytest.fixture
def network(enterprise):
    network = NetworkFactory(coordinator=enterprise, name="Paysans des Monts", slug="paysans-des-monts")
    network.members.add(enterprise)
    return network


def url(enterprise, name, network=None):
    args = [enterprise.slug] + ([network.slug] if network else [])
    return reverse(f"manage:{name}", args=args)


def test_it_creates_a_network_animated_by_the_enterprise(as_manager, enterprise):
    response = as_manager.post(
        url(enterprise, "network_new"),
        {
            "name": "Réseau des AMAP du Rhône",
            "slug": "",
            "description": "Entraide",
            "website": "amap-rhone.fr",
        },
    )
    network = Network.objects.get()
    assert response["Location"] == url(enterprise, "network", network)
    assert network.slug == "reseau-des-amap-du-rhone"
    assert network.coordinator == enterprise
    assert list(network.members.all()) == [enterprise]
    assert network.website == "https://amap-rhone.fr"


def test_it_refuses_a_network_address_already_taken(as_manager, enterprise, network):
    response = as_manager.post(url(enterprise, "network_new"), {"name": "Autre", "slug": "paysans-des-monts"})
    assert "est déjà prise" in response.text
    assert Network.objects.count() == 1


def test_it_refuses_the_reserved_network_address(as_manager, enterprise):
    response = as_manager.post(url(enterprise, "network_new"), {"name": "Nouveau", "slug": "new"})
    assert "est réservée" in response.text
    assert not Network.objects.exists()


def test_it_lists_networks_animated_and_joined(client_for, volunteer, enterprise, network):
    joined = NetworkFactory(name="Coopérative des Coteaux")
    joined.members.add(enterprise)
    NetworkFactory(name="Réseau étranger")
    response = client_for(volunteer).get(url(enterprise, "networks"))
    assert "Paysans des Monts" in response.text
    assert "Vous animez ce réseau" in response.text
    assert "Coopérative des Coteaux" in response.text
    assert "Réseau étranger" not in response.text
    assert "Créer un réseau" not in response.text  # volunteers only look


def test_it_finds_and_adds_a_member_and_tells_it(
    as_manager, enterprise, network, django_capture_on_commit_callbacks, mailoutbox
):
    hub = HubFactory(name="Épicerie du Plateau")
    RoleFactory(enterprise=hub, role="owner", user__email="epicerie@exemple.fr")
    page = as_manager.get(url(enterprise, "network", network), {"q": "plateau"})
    assert "Épicerie du Plateau" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        as_manager.post(url(enterprise, "network_add", network), {"member": hub.slug})
    assert hub in network.members.all()
    [email] = mailoutbox
    assert email.to == ["epicerie@exemple.fr"]
    assert "Paysans des Monts" in email.subject


def test_it_removes_a_member(as_manager, enterprise, network):
    hub = HubFactory()
    network.members.add(hub)
    as_manager.post(url(enterprise, "network_remove", network), {"member": hub.slug})
    assert hub not in network.members.all()


def test_it_never_removes_the_coordinator(as_manager, enterprise, network):
    response = as_manager.post(
        url(enterprise, "network_remove", network), {"member": enterprise.slug}, follow=True
    )
    assert "ne peut pas en être retirée" in response.text
    assert enterprise in network.members.all()


def test_it_lets_a_member_leave(as_manager, enterprise):
    other = NetworkFactory()
    other.members.add(enterprise)
    as_manager.post(url(enterprise, "network_leave", other))
    assert enterprise not in other.members.all()


def test_it_does_not_let_the_coordinator_leave(as_manager, enterprise, network):
    response = as_manager.post(url(enterprise, "network_leave", network), follow=True)
    assert "ne peut pas le quitter" in response.text
    assert enterprise in network.members.all()


def test_it_edits_the_network(as_manager, enterprise, network):
    as_manager.post(
        url(enterprise, "network", network),
        {"name": "Paysans des Monts du Lyonnais", "description": "Vingt fermes", "website": ""},
    )
    network.refresh_from_db()
    assert (network.name, network.description, network.slug) == (
        "Paysans des Monts du Lyonnais",
        "Vingt fermes",
        "paysans-des-monts",
    )


def test_it_hides_networks_animated_by_others(as_manager, enterprise):
    other = NetworkFactory()
    other.members.add(enterprise)
    assert as_manager.get(url(enterprise, "network", other)).status_code == 404
    hub = HubFactory()
    assert as_manager.post(url(enterprise, "network_add", other), {"member": hub.slug}).status_code == 404
    assert hub not in other.members.all()


def test_it_does_not_add_a_hidden_enterprise(as_manager, enterprise, network):
    hidden = HubFactory(visibility="hidden")
    as_manager.post(url(enterprise, "network_add", network), {"member": hidden.slug})
    assert hidden not in network.members.all()
