import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone

from cabas.accounts.models import User
from cabas.enterprises.models import Enterprise, GeocodeStatus, Kind, ModelPreset, Network, Relationship, Role
from cabas.lib.geo import haversine_km

DEMO_PASSWORD = "cabas-demo-2026"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo products' photos


@pytest.fixture
def demo(db):
    call_command("demo_data", verbosity=0)


def counts():
    return {
        "enterprises": Enterprise.objects.count(),
        "users": User.objects.count(),
        "roles": Role.objects.count(),
        "relationships": Relationship.objects.count(),
        "networks": Network.objects.count(),
        "members": Network.members.through.objects.count(),
        "labels": Enterprise.labels.through.objects.count(),
    }


def test_it_builds_a_territory_of_producers_shops_and_amaps(demo):
    producers = Enterprise.objects.producers()
    assert producers.count() >= 12
    assert len(set(producers.values_list("trade", flat=True))) == producers.count()  # all different trades
    assert Enterprise.objects.of_kind(Kind.HUB).count() >= 5
    assert Enterprise.objects.filter(model=ModelPreset.HUB).count() >= 2
    assert Enterprise.objects.filter(model=ModelPreset.AMAP).count() >= 2
    assert Enterprise.objects.filter(model=ModelPreset.PRODUCER_STORE).count() >= 1
    assert Enterprise.objects.of_kind(Kind.PRODUCER).exists()
    assert Enterprise.objects.of_kind(Kind.PRODUCER_SHOP).exists()
    assert Network.objects.filter(members__isnull=False).distinct().count() >= 1


def test_it_names_the_places_of_the_readme(demo):
    claire_farm = Enterprise.objects.get(slug="ferme-des-collines")
    assert (claire_farm.name, claire_farm.city) == ("Ferme des Collines", "Yzeron")
    assert "maraîchage" in claire_farm.trade
    assert Enterprise.objects.get(name="L'Épicerie de la Croix-Rousse").postcode == "69004"
    assert Enterprise.objects.get(name="AMAP de la Guillotière").postcode == "69007"
    assert Enterprise.objects.filter(city="Villeurbanne", model=ModelPreset.HUB).exists()


def test_it_can_run_twice_without_duplicating_anything(demo):
    before = counts()

    call_command("demo_data", verbosity=0)

    assert counts() == before


def test_it_restores_the_demo_state_on_a_second_run(demo):
    Enterprise.objects.filter(slug="ferme-des-collines").update(name="Renommée", visibility="hidden")

    call_command("demo_data", verbosity=0)

    farm = Enterprise.objects.get(slug="ferme-des-collines")
    assert (farm.name, farm.visibility) == ("Ferme des Collines", "public")


def test_it_places_every_enterprise_in_the_lyon_area(demo):
    for enterprise in Enterprise.objects.all():
        assert enterprise.geocode_status == GeocodeStatus.OK, enterprise.slug
        assert 45.4 < enterprise.lat < 46.0 and 4.3 < enterprise.lon < 5.0, enterprise.slug


@pytest.mark.parametrize(
    ("slug", "lat", "lon"),
    [
        ("epicerie-croix-rousse", 45.7786, 4.8272),  # Lyon 4e
        ("amap-de-la-guillotiere", 45.7456, 4.8424),  # Lyon 7e
        ("ferme-des-collines", 45.7081, 4.5903),  # Yzeron
    ],
)
def test_it_places_enterprises_in_their_own_district(demo, slug, lat, lon):
    enterprise = Enterprise.objects.get(slug=slug)

    assert haversine_km(enterprise.lat, enterprise.lon, lat, lon) < 1.5


def test_it_gives_every_enterprise_a_french_description_labels_and_a_team(demo):
    for enterprise in Enterprise.objects.prefetch_related("roles", "labels"):
        enterprise.full_clean()
        assert len(enterprise.description) > 100, enterprise.slug
        assert enterprise.short_description, enterprise.slug
        assert enterprise.roles.filter(role__in=["owner", "manager"]).exists(), enterprise.slug
        assert resolve(enterprise.get_absolute_url()).url_name == "enterprise", enterprise.slug
        if enterprise.is_producer:
            assert enterprise.labels.exists(), enterprise.slug
    assert set(Enterprise.labels.through.objects.values_list("label__slug", flat=True)) >= {
        "ab",
        "nature-et-progres",
        "hve",
        "aop-aoc",
    }


def test_it_links_producers_to_the_shops_and_amaps_they_supply(demo):
    amap = Enterprise.objects.get(slug="amap-de-la-guillotiere")
    accepted = Relationship.objects.filter(status=Relationship.Status.ACCEPTED)

    assert accepted.filter(grantee=amap).count() >= 5
    assert all(r.grantor.is_producer and not r.grantee.is_producer for r in accepted.select_related())
    assert Relationship.objects.filter(status=Relationship.Status.REQUESTED).exists()


@pytest.mark.parametrize(
    ("email", "slug", "role"),
    [
        ("claire@ferme-des-collines.fr", "ferme-des-collines", "owner"),
        ("marc@epicerie-croix-rousse.fr", "epicerie-croix-rousse", "owner"),
        ("sophie@amap-guillotiere.fr", "amap-de-la-guillotiere", "owner"),
        ("lucie.benevole@exemple.fr", "amap-de-la-guillotiere", "volunteer"),
    ],
)
def test_it_gives_the_demo_logins_their_roles(demo, email, slug, role):
    assert Role.objects.get(user__email=email, enterprise__slug=slug).role == role


def test_it_makes_the_admin_a_superuser_and_the_eater_a_plain_member(demo):
    assert User.objects.get(email="admin@cabas.localhost").is_superuser
    assert not Role.objects.filter(user__email="mangeur@exemple.fr").exists()


def test_it_lets_every_demo_login_of_the_readme_sign_in(demo):
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    emails = re.findall(r"^\| `([^`]+@[^`]+)` \|", readme, flags=re.MULTILINE)

    assert len(emails) == 7
    for email in emails:
        assert authenticate(email=email, password=DEMO_PASSWORD) is not None, email


def test_it_reports_what_it_built(db, capsys):
    call_command("demo_data")

    out = capsys.readouterr().out
    assert "Données de démonstration prêtes" in out
    assert DEMO_PASSWORD in out


def test_it_gives_the_demo_producers_a_catalogue_that_stays_the_same_on_a_second_run(db):
    from cabas.catalogue.models import Product, Variant

    call_command("demo_data", verbosity=0)
    counts = (Product.objects.count(), Variant.objects.count())
    call_command("demo_data", verbosity=0)

    assert (Product.objects.count(), Variant.objects.count()) == counts
    assert counts[1] >= 25
    tomatoes = Variant.objects.get(
        product__name="Tomates anciennes", product__producer__slug="ferme-des-collines", name="Barquette"
    )
    assert tomatoes.measure.display() == "500 g"
    assert tomatoes.reference_price() == Decimal("5.60")


# --- Shops, fees and open cycles (cabas/demo/cycles.py) ---------------------------------------

DEMO_SHOPS = ["epicerie-croix-rousse", "panier-gratte-ciel", "comptoir-des-monts"]


def shop_counts():
    from cabas.cycles.models import (
        CycleDistributor,
        CycleSupplier,
        CycleVariant,
        Fee,
        OrderCycle,
        ShippingMethod,
    )
    from cabas.orders.models import Customer
    from cabas.payments.models import PaymentMethod

    return {
        "shipping": ShippingMethod.objects.count(),
        "payments": PaymentMethod.objects.count(),
        "fees": Fee.objects.count(),
        "cycles": OrderCycle.objects.count(),
        "suppliers": CycleSupplier.objects.count(),
        "variants": CycleVariant.objects.count(),
        "distributors": CycleDistributor.objects.count(),
        "customers": Customer.objects.count(),
        "enterprises": Enterprise.objects.count(),
    }


@pytest.mark.parametrize("slug", DEMO_SHOPS)
def test_it_opens_a_cycle_in_each_demo_shop_with_pickup_payments_and_the_producers_products(demo, slug):
    from cabas.cycles.models import OrderCycle

    cycle = OrderCycle.objects.open().get(coordinator__slug=slug)
    distributor = cycle.distributors.get()

    assert cycle.status() == "open"
    assert distributor.distributor.slug == slug
    assert distributor.pickup_at > cycle.closes_at
    assert distributor.shipping_methods.filter(kind="pickup").exists()
    kinds = set(distributor.payment_methods.values_list("kind", flat=True))
    assert kinds == {"cash", "cheque", "transfer", "credit"}
    assert distributor.payment_methods.get(kind="transfer").iban.startswith("FR76")
    assert cycle.suppliers.count() >= 3
    assert cycle.cycle_variants.count() >= 5
    producers = set(cycle.cycle_variants.values_list("variant__product__producer", flat=True))
    assert producers == set(cycle.suppliers.values_list("supplier", flat=True))


def test_it_gives_one_shop_a_delivery_zone_and_the_shops_fees_of_each_kind(demo):
    from cabas.cycles.models import Fee, ShippingMethod

    delivery = ShippingMethod.objects.get(kind="delivery")
    assert delivery.enterprise.slug == "epicerie-croix-rousse"
    assert delivery.serves("69004") and not delivery.serves("69007")
    assert delivery.fee > 0 and delivery.minimum_order > 0
    fees = Fee.objects.filter(enterprise__slug__in=DEMO_SHOPS)
    assert fees.filter(fee_type="packing", calculator="percent").exists()
    assert fees.filter(fee_type="transport", calculator="flat_per_item").exists()
    assert fees.filter(fee_type="solidarity").exists()


def test_it_creates_the_platform_operator_as_a_hidden_profile_with_its_fee(demo):
    platform = Enterprise.objects.get(slug=settings.PLATFORM_ENTERPRISE_SLUG)

    assert platform.name == "Cabas, coopérative"
    assert platform.kind == Kind.PROFILE
    assert platform.visibility == "hidden"
    assert not Enterprise.objects.public().filter(pk=platform.pk).exists()
    fee = platform.fees.get(fee_type="platform", active=True)
    assert fee.calculator == "percent"


def test_it_prices_the_demo_products_with_every_fee_shown(demo):
    from cabas.cycles.models import OrderCycle
    from cabas.cycles.pricing import FeeContext

    cycle = OrderCycle.objects.get(coordinator__slug="epicerie-croix-rousse")
    shop = cycle.coordinator
    variant = cycle.cycle_variants.select_related("variant__product__producer").first().variant

    breakdown = FeeContext.for_cycle(cycle, shop).price_breakdown(variant)

    types = {share.fee_type for share in breakdown.fees}
    assert {"packing", "transport", "platform"} <= types
    assert breakdown.unit_price == breakdown.producer_price + sum(share.amount for share in breakdown.fees)


def test_it_keeps_the_shops_and_cycles_the_same_and_open_on_a_second_run(demo):
    from cabas.cycles.models import OrderCycle

    before = shop_counts()
    OrderCycle.objects.update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=20)
    )

    call_command("demo_data", verbosity=0)

    assert shop_counts() == before
    assert OrderCycle.objects.open().count() == len(DEMO_SHOPS)


def test_it_makes_the_demo_eater_a_tagged_customer_of_the_shops(demo):
    from cabas.orders.models import Customer

    karim = Customer.objects.get(enterprise__slug="epicerie-croix-rousse", email="mangeur@exemple.fr")

    assert karim.user.email == "mangeur@exemple.fr"
    assert karim.tags == ["adherent"]


@pytest.mark.django_db
def test_the_demo_transfer_shows_a_valid_account_and_the_regular_customer_has_credit():
    from schwifty import IBAN

    from cabas.orders.models import Customer
    from cabas.payments.accounts.ledger import account_balance
    from cabas.payments.models import PaymentMethod

    call_command("demo_data", verbosity=0)
    call_command("demo_data", verbosity=0)  # twice: the credit is written once
    transfers = PaymentMethod.objects.filter(kind="transfer", enterprise__slug__in=DEMO_SHOPS)
    assert transfers.count() == len(DEMO_SHOPS)
    for method in transfers:
        assert IBAN(method.iban).compact == method.iban and method.account_holder and method.bic
    for customer in Customer.objects.filter(email="mangeur@exemple.fr", enterprise__slug__in=DEMO_SHOPS):
        assert account_balance(customer) == Decimal("30.00")
