import pytest

from cabas.enterprises import services, services_relationships, services_team
from cabas.enterprises.exceptions import (
    InvalidTransition,
    InvitationEmailMismatch,
    LastOwner,
    RelationshipError,
    RoleNotAllowed,
    SlugUnavailable,
)
from cabas.enterprises.models import Enterprise, GeocodeStatus, Invitation, Relationship, Role
from tests.factories import EnterpriseFactory, HubFactory, RelationshipFactory, UserFactory

Status = Relationship.Status


def create(owner, **overrides):
    data = {
        "owner": owner,
        "name": "Le Panier Vert",
        "model": "amap",
        "is_producer": False,
        "sells": "any",
        "postcode": "69007",
        "city": "Lyon",
    }
    return services.enterprise_create(**{**data, **overrides})


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ferme de l'Étang", "ferme-de-l-etang"),
        ("  GAEC  Les Prés  ", "gaec-les-pres"),
        ("Œufs & Cie", "oeufs-cie"),
        ("Admin", "admin-2"),
        ("???", "structure"),
    ],
)
def test_it_derives_page_addresses_from_names(db, name, slug):
    assert services.enterprise_unique_slug(name=name) == slug


def test_it_reserves_every_top_level_url(db):
    for slug in [
        "manage",
        "accounts",
        "api",
        "map",
        "producers",
        "shops",
        "networks",
        "invitations",
        "healthz",
        "i18n",
        "static",
        "media",
        "admin",
    ]:
        assert services.slug_is_reserved(slug), slug
    assert not services.slug_is_reserved("ferme-des-collines")


def test_it_creates_an_enterprise_with_its_owner(db, customer):
    enterprise = create(customer)
    assert enterprise.slug == "le-panier-vert"
    assert enterprise.geocode_status == GeocodeStatus.OK
    assert enterprise.email == customer.email
    assert Role.objects.get(enterprise=enterprise).role == Role.Level.OWNER


@pytest.mark.parametrize(
    ("model", "approval", "referent"),
    [
        ("amap", "producers_and_referents", True),
        ("producer_store", "producers", False),
        ("hub", "none", False),
        ("producer", "none", False),
    ],
)
def test_the_amap_and_producer_store_presets_decide_prices_together(db, customer, model, approval, referent):
    enterprise = create(customer, model=model)

    assert enterprise.price_approval == approval
    # the founding member of an AMAP speaks for its members on prices until others do
    assert Role.objects.get(enterprise=enterprise).consumer_referent is referent


def test_it_refuses_a_taken_slug_and_creates_nothing(db, customer, enterprise):
    with pytest.raises(SlugUnavailable):
        create(customer, slug="ferme-des-collines")
    assert Enterprise.objects.count() == 1
    assert not Role.objects.filter(user=customer).exists()


def test_it_refuses_a_reserved_slug(db, customer):
    with pytest.raises(SlugUnavailable):
        create(customer, slug="manage")


def test_it_keeps_the_last_owner(enterprise, owner):
    by = Role.objects.get(user=owner)
    with pytest.raises(LastOwner):
        services_team.role_change(enterprise=enterprise, by=by, email=owner.email, role="manager")
    with pytest.raises(LastOwner):
        services_team.role_remove(enterprise=enterprise, by=by, email=owner.email)
    with pytest.raises(LastOwner):
        services_team.team_leave(enterprise=enterprise, user=owner)
    assert Role.objects.get(user=owner).role == "owner"


def test_it_does_not_let_a_manager_invite_an_owner(enterprise, manager):
    with pytest.raises(RoleNotAllowed):
        services_team.team_invite(
            enterprise=enterprise, by=Role.objects.get(user=manager), email="x@exemple.fr", role="owner"
        )
    assert not Invitation.objects.exists()


def test_it_does_not_let_a_manager_change_roles(enterprise, manager, volunteer):
    with pytest.raises(RoleNotAllowed):
        services_team.role_change(
            enterprise=enterprise, by=Role.objects.get(user=manager), email=volunteer.email, role="owner"
        )


def test_it_accepts_an_invitation_only_for_its_address(enterprise, owner):
    invitation = Invitation.objects.create(
        enterprise=enterprise, email="lea@exemple.fr", role="volunteer", token="abc"
    )
    with pytest.raises(InvitationEmailMismatch):
        services_team.invitation_accept(invitation=invitation, user=UserFactory(email="autre@exemple.fr"))
    role = services_team.invitation_accept(invitation=invitation, user=UserFactory(email="LEA@exemple.fr"))
    assert role.role == "volunteer"


def test_it_tells_whether_a_producer_grants_a_permission(db):
    producer, hub = EnterpriseFactory(), HubFactory()
    rel = RelationshipFactory(grantor=producer, grantee=hub, add_to_cycles=True, manage_products=False)
    assert not services_relationships.enterprise_grants(
        producer, hub, "add_to_cycles"
    )  # still only requested
    services_relationships.relationship_accept(relationship=rel, permissions=["add_to_cycles"])
    assert services_relationships.enterprise_grants(producer, hub, "add_to_cycles")
    assert not services_relationships.enterprise_grants(producer, hub, "manage_products")
    assert not services_relationships.enterprise_grants(hub, producer, "add_to_cycles")
    services_relationships.relationship_revoke(relationship=rel, by=hub)
    assert not services_relationships.enterprise_grants(producer, hub, "add_to_cycles")


def test_it_follows_the_relationship_transitions(db):
    rel = RelationshipFactory(status=Status.REFUSED)
    with pytest.raises(InvalidTransition):
        services_relationships.relationship_accept(relationship=rel, permissions=["add_to_cycles"])
    with pytest.raises(InvalidTransition):
        services_relationships.relationship_refuse(relationship=rel)
    rel.refresh_from_db()
    assert rel.status == Status.REFUSED


def test_it_never_grants_more_than_asked(db):
    rel = RelationshipFactory(add_to_cycles=True, manage_products=False, edit_profile=False)
    services_relationships.relationship_accept(
        relationship=rel, permissions=["add_to_cycles", "edit_profile"]
    )
    rel.refresh_from_db()
    assert rel.permissions() == ["add_to_cycles"]


def test_it_refuses_a_request_to_oneself(db):
    producer = EnterpriseFactory()
    with pytest.raises(RelationshipError):
        services_relationships.relationship_request(
            grantee=producer, grantor=producer, permissions=["add_to_cycles"]
        )


def test_it_only_lets_the_two_sides_revoke(db):
    rel = RelationshipFactory(status=Status.ACCEPTED)
    with pytest.raises(RelationshipError):
        services_relationships.relationship_revoke(relationship=rel, by=HubFactory())
    rel.refresh_from_db()
    assert rel.status == Status.ACCEPTED


def test_it_updates_an_enterprise_without_touching_its_slug(enterprise):
    updated = services.enterprise_update(
        enterprise=enterprise, data={"name": "Ferme des Collines Bio", "slug": "autre"}
    )
    assert (updated.name, updated.slug) == ("Ferme des Collines Bio", "ferme-des-collines")


def test_it_geocodes_a_new_address_outside_the_transaction(enterprise, customer, monkeypatch):
    """A slow address service must not hold the enterprise row locked (or a creation open)."""
    from django.db import connection

    from cabas.enterprises.geocoding import Place

    depth_at_start = len(connection.atomic_blocks)
    depths = []

    def geocode(address, postcode, city):
        depths.append(len(connection.atomic_blocks))
        return Place(45.6597, 4.5617, city)

    monkeypatch.setattr(services, "geocode_address", geocode)

    services.enterprise_update(
        enterprise=enterprise, data={"address": "1 place de l'Église", "city": "Saint-Martin-en-Haut"}
    )
    services.enterprise_create(
        owner=customer,
        name="Nouvelle ferme",
        model="producer",
        is_producer=True,
        sells="none",
        postcode="69850",
        city="Saint-Martin-en-Haut",
    )

    assert depths == [depth_at_start, depth_at_start]
    enterprise.refresh_from_db()
    assert (enterprise.lat, enterprise.lon, enterprise.geocode_status) == (45.6597, 4.5617, GeocodeStatus.OK)
