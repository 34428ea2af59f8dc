import pytest
from django.urls import reverse

from cabas.enterprises.models import Relationship
from tests.factories import EnterpriseFactory, HubFactory, RelationshipFactory, RoleFactory

Status = Relationship.Status


@pytest.fixture
def hub(db):
    return HubFactory(name="Épicerie du Plateau", slug="epicerie-du-plateau")


@pytest.fixture
def hub_manager(hub):
    return RoleFactory(enterprise=hub, role="manager", user__email="hub@exemple.fr").user


@pytest.fixture
def as_hub(client_for, hub_manager):
    return client_for(hub_manager)


@pytest.fixture
def as_producer(client_for, owner):
    return client_for(owner)


def url(enterprise, name="relationships"):
    return reverse(f"manage:{name}", args=[enterprise.slug])


def ask(client, hub, producer, permissions=("add_to_cycles", "manage_products"), message="Bonjour !"):
    return client.post(
        url(hub, "relationship_request"),
        {"producer": producer.slug, "permissions": list(permissions), "message": message},
        follow=True,
    )


def test_it_finds_producers_by_name(as_hub, hub, enterprise):
    EnterpriseFactory(name="Chèvrerie des Sapins")
    response = as_hub.get(url(hub), {"q": "collines"})
    assert "Ferme des Collines" in response.text
    assert "Chèvrerie des Sapins" not in response.text
    assert "Envoyer la demande" in response.text


def test_it_sends_a_request_to_the_producer(
    as_hub, hub, enterprise, owner, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(as_hub, hub, enterprise)
    assert "Demande envoyée à Ferme des Collines" in response.text
    rel = Relationship.objects.get()
    assert (rel.grantor, rel.grantee, rel.status) == (enterprise, hub, Status.REQUESTED)
    assert rel.permissions() == ["add_to_cycles", "manage_products"]
    assert rel.message == "Bonjour !"
    [email] = mailoutbox
    assert sorted(email.to) == ["manager@exemple.fr", "owner@exemple.fr"]
    assert "Épicerie du Plateau demande votre accord" in email.subject
    assert "Gérer les produits du producteur" in email.body
    assert "Bonjour !" in email.body


def test_it_shows_the_request_to_the_producer(as_producer, enterprise, hub):
    RelationshipFactory(grantor=enterprise, grantee=hub, message="On aimerait vos tomates")
    response = as_producer.get(url(enterprise))
    assert "Demandes reçues" in response.text
    assert "Épicerie du Plateau" in response.text
    assert "On aimerait vos tomates" in response.text


def test_it_lets_the_producer_accept_fewer_permissions(
    as_producer, enterprise, hub, hub_manager, django_capture_on_commit_callbacks, mailoutbox
):
    RelationshipFactory(grantor=enterprise, grantee=hub, add_to_cycles=True, manage_products=True)
    with django_capture_on_commit_callbacks(execute=True):
        as_producer.post(
            url(enterprise, "relationship_accept"),
            {"other": hub.slug, "permissions": ["add_to_cycles", "edit_profile"]},
        )
    rel = Relationship.objects.get()
    assert rel.status == Status.ACCEPTED
    assert rel.permissions() == ["add_to_cycles"]  # unticked one dropped; one never asked for not added
    [email] = mailoutbox
    assert email.to == ["hub@exemple.fr"]
    assert "a accepté votre demande" in email.subject


def test_it_wants_at_least_one_permission_to_accept(as_producer, enterprise, hub):
    RelationshipFactory(grantor=enterprise, grantee=hub)
    response = as_producer.post(url(enterprise, "relationship_accept"), {"other": hub.slug}, follow=True)
    assert "Cochez au moins une permission" in response.text
    assert Relationship.objects.get().status == Status.REQUESTED


def test_it_lets_the_producer_refuse(
    as_producer, enterprise, hub, hub_manager, django_capture_on_commit_callbacks, mailoutbox
):
    RelationshipFactory(grantor=enterprise, grantee=hub)
    with django_capture_on_commit_callbacks(execute=True):
        as_producer.post(url(enterprise, "relationship_refuse"), {"other": hub.slug})
    assert Relationship.objects.get().status == Status.REFUSED
    assert "a refusé votre demande" in mailoutbox[0].subject


def test_it_lets_the_hub_ask_again_after_a_refusal(as_hub, hub, enterprise):
    RelationshipFactory(grantor=enterprise, grantee=hub, status=Status.REFUSED)
    ask(as_hub, hub, enterprise, permissions=["edit_profile"])
    rel = Relationship.objects.get()
    assert rel.status == Status.REQUESTED
    assert rel.permissions() == ["edit_profile"]


def test_it_refuses_a_second_request_while_one_is_pending(as_hub, hub, enterprise):
    RelationshipFactory(grantor=enterprise, grantee=hub, message="premier")
    response = ask(as_hub, hub, enterprise, message="second")
    assert "déjà demandée" in response.text
    assert Relationship.objects.get().message == "premier"


def test_it_only_asks_producers(as_hub, hub):
    other_hub = HubFactory()
    response = ask(as_hub, hub, other_hub)
    assert "Seul un producteur peut accorder" in response.text
    assert not Relationship.objects.exists()


@pytest.mark.parametrize("side", ["producer", "hub"])
def test_it_lets_either_side_revoke(
    side,
    as_producer,
    enterprise,
    hub,
    client_for,
    hub_manager,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    RelationshipFactory(grantor=enterprise, grantee=hub, status=Status.ACCEPTED)
    if side == "producer":
        client, me, data = as_producer, enterprise, {"other": hub.slug, "side": "granted"}
    else:
        client, me, data = client_for(hub_manager), hub, {"other": enterprise.slug, "side": "received"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(me, "relationship_revoke"), data)
    assert Relationship.objects.get().status == Status.REVOKED
    assert mailoutbox[0].to == (["hub@exemple.fr"] if side == "producer" else ["owner@exemple.fr"])


def test_it_lets_the_hub_ask_again_after_a_revocation(as_hub, hub, enterprise):
    RelationshipFactory(grantor=enterprise, grantee=hub, status=Status.REVOKED)
    ask(as_hub, hub, enterprise)
    assert Relationship.objects.get().status == Status.REQUESTED


def test_it_cannot_accept_a_refused_request(as_producer, enterprise, hub):
    RelationshipFactory(grantor=enterprise, grantee=hub, status=Status.REFUSED)
    response = as_producer.post(
        url(enterprise, "relationship_accept"),
        {"other": hub.slug, "permissions": ["add_to_cycles"]},
        follow=True,
    )
    assert "plus possible" in response.text
    assert Relationship.objects.get().status == Status.REFUSED


def test_it_cannot_answer_for_another_producer(as_producer, enterprise, hub):
    RelationshipFactory(grantee=hub)  # asked of another farm
    response = as_producer.post(
        url(enterprise, "relationship_accept"),
        {"other": hub.slug, "permissions": ["add_to_cycles"]},
        follow=True,
    )
    assert "introuvable" in response.text
    assert Relationship.objects.get().status == Status.REQUESTED


def test_it_lists_many_relationships_in_few_queries(as_producer, enterprise, django_assert_max_num_queries):
    for _ in range(10):
        RelationshipFactory(grantor=enterprise)
        RelationshipFactory(grantor=enterprise, status=Status.ACCEPTED)
        RelationshipFactory(grantee=enterprise)
    with django_assert_max_num_queries(10):
        response = as_producer.get(url(enterprise), {"q": "ferme"})
    assert response.status_code == 200


def test_it_hides_relationships_from_volunteers(client_for, volunteer, enterprise):
    response = client_for(volunteer).get(reverse("manage:dashboard", args=[enterprise.slug]))
    assert url(enterprise) not in response.text


def test_it_does_not_reach_a_hidden_producer(as_hub, hub):
    hidden = EnterpriseFactory(name="Ferme cachée", visibility="hidden")
    assert "Ferme cachée" not in as_hub.get(url(hub), {"q": "cachée"}).text
    response = ask(as_hub, hub, hidden)
    assert "introuvable" in response.text
    assert not Relationship.objects.exists()
