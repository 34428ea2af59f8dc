"""factory_boy factories shared by every test module."""

from decimal import Decimal

import factory
from django.utils import timezone

from cabas.accounts.models import User
from cabas.catalogue.models import Category, Product, Variant
from cabas.enterprises.models import Enterprise, ModelPreset, Network, Relationship, Role, Sells

PASSWORD = "motdepasse-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Faker("name", locale="fr_FR")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Ferme numéro {n}")
    slug = factory.Sequence(lambda n: f"ferme-{n}")
    model = ModelPreset.FARM_SALE
    is_producer = True
    sells = Sells.OWN
    address = "12 chemin des Vergers"
    postcode = "69510"
    city = "Yzeron"
    lat = 45.7081
    lon = 4.5903
    geocode_status = "ok"


class HubFactory(EnterpriseFactory):
    name = factory.Sequence(lambda n: f"Épicerie {n}")
    slug = factory.Sequence(lambda n: f"epicerie-{n}")
    model = ModelPreset.HUB
    is_producer = False
    sells = Sells.ANY
    postcode = "69001"
    city = "Lyon"
    lat = 45.7676
    lon = 4.8345


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Role.Level.OWNER


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    grantor = factory.SubFactory(EnterpriseFactory)
    grantee = factory.SubFactory(HubFactory)
    status = Relationship.Status.REQUESTED


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Réseau {n}")
    slug = factory.Sequence(lambda n: f"reseau-{n}")
    coordinator = factory.SubFactory(HubFactory)


class ProductFactory(factory.django.DjangoModelFactory):
    """A product in a seeded category (the reference categories come from the migrations)."""

    class Meta:
        model = Product

    producer = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"Produit {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(slug="tomates"))


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    unit = "g"
    quantity = Decimal("500")
    price = Decimal("3.20")
    on_hand = 10
