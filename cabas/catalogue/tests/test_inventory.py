"""Hub inventory: a hub's own price, stock and visibility for the producers' variants it may sell,
and the producer's view of what each hub overrides."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cabas.catalogue.exceptions import InventoryError, NotAHub, NotGranted
from cabas.catalogue.models import InventoryItem
from cabas.catalogue.services_inventory import (
    effective_offer,
    inventory_reset,
    inventory_set,
    offers_for,
)
from cabas.enterprises.models import Relationship
from tests.factories import (
    EnterpriseFactory,
    HubFactory,
    ProductFactory,
    RelationshipFactory,
    RoleFactory,
    VariantFactory,
)


@pytest.fixture
def hub(db):
    return HubFactory(name="L'Épicerie de la Croix-Rousse", slug="epicerie-croix-rousse")


@pytest.fixture
def hub_manager(hub):
    return RoleFactory(enterprise=hub, role="manager", user__email="gerant@exemple.fr").user


@pytest.fixture
def relationship(hub, enterprise):
    return RelationshipFactory(grantor=enterprise, grantee=hub, status=Relationship.Status.ACCEPTED)


@pytest.fixture
def bread(enterprise):
    product = ProductFactory(producer=enterprise, name="Pain de campagne")
    return VariantFactory(
        product=product, unit="kg", quantity=Decimal("1"), price=Decimal("3.20"), on_hand=12
    )


def inventory_url(hub):
    return reverse("catalogue:inventory", args=[hub.slug])


def item_url(hub, variant):
    return reverse("catalogue:inventory_item", args=[hub.slug, variant.uuid])


def _groups(response) -> list[tuple[str, list[str]]]:
    """(producer name, product names) in the order the page shows them."""
    groups = {}
    for row in response.context["rows"]:
        groups.setdefault(row.variant.product.producer.name, []).append(row.variant.product.name)
    return list(groups.items())


# --- services ---------------------------------------------------------------------------------


def test_it_uses_the_producer_values_until_the_hub_overrides_them(hub, relationship, bread):
    offer = effective_offer(hub, bread)
    assert (offer.price, offer.on_hand, offer.visible) == (Decimal("3.20"), 12, True)
    assert not offer.price_overridden

    inventory_set(hub=hub, variant=bread, price="3,50", on_hand=4)

    offer = effective_offer(hub, bread)
    assert (offer.price, offer.on_hand, offer.visible) == (Decimal("3.50"), 4, True)
    assert offer.price_overridden and offer.stock_overridden


def test_it_limits_an_on_demand_variant_to_the_hub_stock(hub, relationship, bread):
    bread.on_demand = True
    bread.save()
    assert effective_offer(hub, bread).on_demand

    inventory_set(hub=hub, variant=bread, on_hand=0)

    offer = effective_offer(hub, bread)
    assert not offer.on_demand and not offer.in_stock


def test_it_hides_and_shows_a_variant_in_the_hub_shop(hub, relationship, bread):
    inventory_set(hub=hub, variant=bread, visible=False)
    assert not effective_offer(hub, bread).visible
    assert list(offers_for(hub).filter(offer_visible=True)) == []

    inventory_set(hub=hub, variant=bread, visible=True)
    assert effective_offer(hub, bread).visible
    assert not InventoryItem.objects.exists()  # nothing overridden any more: no row left


def test_it_resets_only_the_price(hub, relationship, bread):
    inventory_set(hub=hub, variant=bread, price=Decimal("4.00"), on_hand=3)

    inventory_reset(hub=hub, variant=bread, fields=("price",))

    offer = effective_offer(hub, bread)
    assert offer.price == Decimal("3.20") and offer.on_hand == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"price": "-1"}, "Le prix ne peut pas être négatif."),
        ({"price": "trois euros"}, "Le prix doit être un montant en euros, par exemple 3,50."),
        ({"price": "3,555"}, "Le prix a au plus deux chiffres après la virgule (les centimes)."),
        ({"on_hand": "-2"}, "Le stock ne peut pas être négatif."),
        ({"on_hand": "2,5"}, "Le stock doit être un nombre entier, par exemple 12."),
    ],
)
def test_it_refuses_bad_values_and_changes_nothing(hub, relationship, bread, kwargs, message):
    inventory_set(hub=hub, variant=bread, price="3,40")

    with pytest.raises(InventoryError) as error:
        inventory_set(hub=hub, variant=bread, **{"price": "3,90", "on_hand": "5", **kwargs})

    assert error.value.message == message
    item = InventoryItem.objects.get()
    assert (item.price, item.on_hand) == (Decimal("3.40"), None)


def test_it_refuses_a_producer_that_did_not_grant_the_hub(hub, bread):
    RelationshipFactory(grantor=bread.product.producer, grantee=hub, status=Relationship.Status.REQUESTED)

    with pytest.raises(NotGranted):
        inventory_set(hub=hub, variant=bread, price="3,50")
    assert not InventoryItem.objects.exists()


def test_it_refuses_a_structure_that_does_not_sell_others_products(enterprise, bread):
    farm_shop = EnterpriseFactory()
    with pytest.raises(NotAHub):
        inventory_set(hub=farm_shop, variant=bread, price="3,50")


def test_it_ignores_overrides_after_a_revocation_and_keeps_them(hub, relationship, bread):
    inventory_set(hub=hub, variant=bread, price="3,50")

    relationship.status = Relationship.Status.REVOKED
    relationship.save()

    offer = effective_offer(hub, bread)
    assert (offer.price, offer.visible) == (Decimal("3.20"), False)
    assert InventoryItem.objects.get().price == Decimal("3.50")

    relationship.status = Relationship.Status.ACCEPTED
    relationship.save()
    assert effective_offer(hub, bread).price == Decimal("3.50")


def test_it_leaves_archived_variants_out_of_the_offer(hub, relationship, bread):
    from django.utils import timezone

    bread.product.archived_at = timezone.now()
    bread.product.save()
    assert list(offers_for(hub)) == []
    assert not effective_offer(hub, bread).visible


# --- hub inventory page -----------------------------------------------------------------------


def test_it_lists_the_granted_producers_variants_grouped_by_producer(
    client_for, hub, hub_manager, relationship, bread
):
    other = EnterpriseFactory(name="Chèvrerie du Pilat")
    RelationshipFactory(grantor=other, grantee=hub, status=Relationship.Status.ACCEPTED)
    VariantFactory(
        product=ProductFactory(producer=other, name="Crottin"),
        unit="item",
        quantity=1,
        unit_name="pièce",
        price=Decimal("2.10"),
    )
    stranger = EnterpriseFactory(name="Ferme sans accord")
    VariantFactory(product=ProductFactory(producer=stranger, name="Carottes secrètes"))

    response = client_for(hub_manager).get(inventory_url(hub))

    assert response.status_code == 200
    html = response.content.decode()
    assert _groups(response) == [
        ("Chèvrerie du Pilat", ["Crottin"]),
        ("Ferme des Collines", ["Pain de campagne"]),
    ]
    assert (
        html.index(">Chèvrerie du Pilat</h2>")
        < html.index("Crottin")
        < html.index(">Ferme des Collines</h2>")
    )
    assert "3,20\u00a0€" in html
    assert "Carottes secrètes" not in html
    assert "Rétablir le prix du producteur" not in html


def test_it_saves_an_override_without_javascript(client_for, hub, hub_manager, relationship, bread):
    client = client_for(hub_manager)

    response = client.post(
        item_url(hub, bread),
        {"price": "3,50", "on_hand": "6", "action": "save", "next": inventory_url(hub) + "?page=1"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == inventory_url(hub) + "?page=1"
    assert "Pain de campagne : enregistré." in response.content.decode()
    item = InventoryItem.objects.get(hub=hub, variant=bread)
    assert (item.price, item.on_hand, item.visible) == (Decimal("3.50"), 6, True)
    assert "Rétablir le prix du producteur" in response.content.decode()


def test_it_saves_an_override_with_htmx_and_returns_the_row(
    client_for, hub, hub_manager, relationship, bread
):
    response = client_for(hub_manager).post(
        item_url(hub, bread), {"price": "3.5", "on_hand": "", "action": "save"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="inv-{bread.uuid}"')
    assert 'value="3,50"' in html
    assert "Pain de campagne : enregistré." in html
    assert "<html" not in html


def test_it_shows_a_bad_price_in_the_row_and_changes_nothing(
    client_for, hub, hub_manager, relationship, bread
):
    inventory_set(hub=hub, variant=bread, price="3,40")

    response = client_for(hub_manager).post(
        item_url(hub, bread), {"price": "-3", "on_hand": "2", "action": "save"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "Le prix ne peut pas être négatif." in html
    assert 'aria-invalid="true"' in html
    assert 'value="-3"' in html  # what was typed stays, to be corrected
    item = InventoryItem.objects.get()
    assert (item.price, item.on_hand) == (Decimal("3.40"), None)


def test_it_shows_a_bad_stock_on_the_page_without_javascript(
    client_for, hub, hub_manager, relationship, bread
):
    response = client_for(hub_manager).post(
        item_url(hub, bread),
        {"price": "", "on_hand": "beaucoup", "action": "save", "next": inventory_url(hub)},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Le stock doit être un nombre entier, par exemple 12." in html
    assert 'value="beaucoup"' in html
    assert not InventoryItem.objects.exists()


def test_it_restores_the_producer_price(client_for, hub, hub_manager, relationship, bread):
    inventory_set(hub=hub, variant=bread, price="3,50")

    response = client_for(hub_manager).post(item_url(hub, bread), {"action": "reset_price"}, follow=True)

    assert "Pain de campagne : prix du producteur rétabli." in response.content.decode()
    assert effective_offer(hub, bread).price == Decimal("3.20")


def test_it_hides_then_shows_a_variant_from_the_page(client_for, hub, hub_manager, relationship, bread):
    client = client_for(hub_manager)

    response = client.post(item_url(hub, bread), {"action": "hide"}, HTTP_HX_REQUEST="true")
    assert "Masqué dans ma boutique" in response.content.decode()
    assert not effective_offer(hub, bread).visible

    client.post(item_url(hub, bread), {"action": "show"})
    assert effective_offer(hub, bread).visible


def test_it_drops_the_variants_of_a_revoked_producer_from_the_page(
    client_for, hub, hub_manager, relationship, bread
):
    inventory_set(hub=hub, variant=bread, price="3,50")
    relationship.status = Relationship.Status.REVOKED
    relationship.save()
    client = client_for(hub_manager)

    response = client.get(inventory_url(hub))

    assert "Pain de campagne" not in response.content.decode()
    assert client.post(item_url(hub, bread), {"price": "4"}).status_code == 404
    assert InventoryItem.objects.get().price == Decimal("3.50")


def test_it_filters_by_producer_and_name(client_for, hub, hub_manager, relationship, bread):
    VariantFactory(product=ProductFactory(producer=bread.product.producer, name="Brioche"))

    html = client_for(hub_manager).get(inventory_url(hub), {"q": "brio"}).content.decode()

    assert "Brioche" in html and "Pain de campagne" not in html


def test_it_explains_the_inventory_to_a_structure_that_sells_only_its_own_products(client_for, owner):
    response = client_for(owner).get(reverse("catalogue:inventory", args=["ferme-des-collines"]))

    assert response.status_code == 200
    assert "ne vend pas les produits d'autres structures" in response.content.decode()


def test_it_lists_many_variants_in_a_constant_number_of_queries(
    client_for, hub, hub_manager, django_assert_max_num_queries
):
    for n in range(6):
        producer = EnterpriseFactory()
        RelationshipFactory(grantor=producer, grantee=hub, status=Relationship.Status.ACCEPTED)
        for p in range(5):
            product = ProductFactory(producer=producer)
            for size in (250, 500):
                variant = VariantFactory(product=product, quantity=size)
                if p % 2:
                    inventory_set(hub=hub, variant=variant, price="9,99")
    client = client_for(hub_manager)

    with django_assert_max_num_queries(20):
        response = client.get(inventory_url(hub))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 60
    assert response.content.decode().count('<tr id="inv-') == 40


# --- the producer's view ----------------------------------------------------------------------


def test_it_shows_the_producer_which_hub_sells_at_which_price(
    client_for, owner, hub, relationship, bread, django_assert_max_num_queries
):
    inventory_set(hub=hub, variant=bread, price="3,50")
    second = HubFactory(name="Drive des Monts")
    RelationshipFactory(grantor=bread.product.producer, grantee=second, status=Relationship.Status.ACCEPTED)
    inventory_set(hub=second, variant=bread, on_hand=5, visible=False)
    revoked = HubFactory(name="Ancienne épicerie")
    RelationshipFactory(grantor=bread.product.producer, grantee=revoked, status=Relationship.Status.ACCEPTED)
    inventory_set(hub=revoked, variant=bread, price="9,00")
    Relationship.objects.filter(grantee=revoked).update(status=Relationship.Status.REVOKED)
    client = client_for(owner)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalogue:products_in_shops", args=["ferme-des-collines"]))

    html = response.content.decode()
    assert "L&#x27;Épicerie de la Croix-Rousse vend à 3,50\u00a0€ (votre prix : 3,20\u00a0€)" in html
    assert "Drive des Monts" in html and "stock réservé : 5" in html and "masqué dans sa boutique" in html
    assert "Ancienne épicerie" not in html


def test_it_tells_the_producer_when_no_hub_overrides_anything(client_for, owner, relationship, bread):
    response = client_for(owner).get(reverse("catalogue:products_in_shops", args=["ferme-des-collines"]))

    assert "ils sont vendus comme vous les avez fixés" in response.content.decode()
