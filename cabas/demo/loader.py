"""The demo territory: Lyon and the Monts du Lyonnais.

Loaded by `python manage.py demo_data` (and by `make run` on the first start). Every row is
created or updated by its natural key (slug, email, pair of enterprises), so running the command
again restores the demo state without duplicating anything. Names, farms and people are fictional;
towns and streets are real places of the territory.

The data lives next to this module, by what it builds: people.py (logins), territory.py
(enterprises and teams), networks.py (relationships and networks), catalogue.py (products) and
cycles.py (shops' settings and open order cycles) and amap.py with amap_data.py (the season of the
AMAP de la Guillotière, built once through the AMAP services).
"""

from dataclasses import dataclass

from django.db import transaction

from cabas.catalogue.models import Label
from cabas.catalogue.reference import reference_data_seed
from cabas.demo.amap import demo_amap_load
from cabas.demo.catalogue import demo_products_load
from cabas.demo.cycles import demo_cycles_load
from cabas.demo.networks import NETWORKS, PENDING, RELATIONSHIPS
from cabas.demo.people import USERS, user_upsert
from cabas.demo.territory import ENTERPRISES, enterprise_upsert
from cabas.enterprises.models import Network, Relationship, Role


@dataclass(frozen=True)
class DemoSummary:
    enterprises: int
    users: int
    roles: int
    relationships: int
    networks: int
    unlocated: tuple[str, ...]
    variants: int = 0
    amap_members: int = 0
    amap_subscriptions: int = 0


@transaction.atomic
def demo_data_load() -> DemoSummary:
    """Create or refresh the demo territory (people, enterprises, teams, relationships, networks).

    Idempotent: rows are matched by slug, email or enterprise pair; a second run restores the
    demo state and creates nothing new.
    """
    reference_data_seed()  # in case the database was flushed since it was migrated
    labels = {label.slug: label for label in Label.objects.all()}
    missing = {slug for row in ENTERPRISES for slug in row["labels"]} - labels.keys()
    if missing:
        raise ValueError(f"Unknown label slugs in the demo data: {sorted(missing)}")

    users = {row["email"]: user_upsert(row) for row in USERS}
    enterprises = {row["slug"]: enterprise_upsert(row, labels) for row in ENTERPRISES}

    roles = 0
    for row in ENTERPRISES:
        for email, level in row["team"].items():
            Role.objects.update_or_create(
                user=users[email], enterprise=enterprises[row["slug"]], defaults={"role": level}
            )
            roles += 1

    for grantor, grantee, extra in RELATIONSHIPS:
        Relationship.objects.update_or_create(
            grantor=enterprises[grantor],
            grantee=enterprises[grantee],
            defaults={
                "status": Relationship.Status.ACCEPTED,
                "add_to_cycles": True,
                "manage_products": "manage_products" in extra,
                "edit_profile": "edit_profile" in extra,
                "message": "",
            },
        )
    for grantor, grantee, message in PENDING:
        Relationship.objects.update_or_create(
            grantor=enterprises[grantor],
            grantee=enterprises[grantee],
            defaults={
                "status": Relationship.Status.REQUESTED,
                "add_to_cycles": True,
                "manage_products": False,
                "edit_profile": False,
                "message": message,
            },
        )

    for row in NETWORKS:
        network, _created = Network.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "coordinator": enterprises[row["coordinator"]],
            },
        )
        network.members.set([enterprises[slug] for slug in row["members"]])

    variants = demo_products_load(enterprises)
    demo_cycles_load(enterprises, users)
    amap = demo_amap_load(enterprises, users)

    return DemoSummary(
        enterprises=len(enterprises),
        users=len(users),
        roles=roles,
        relationships=len(RELATIONSHIPS) + len(PENDING),
        networks=len(NETWORKS),
        variants=variants,
        amap_members=amap.members,
        amap_subscriptions=amap.subscriptions,
        unlocated=tuple(slug for slug, e in enterprises.items() if not e.has_position),
    )
