"""Networks: public groups of enterprises run by a coordinating enterprise."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.enterprises.exceptions import (
    NetworkError,
)
from cabas.enterprises.models import (
    Enterprise,
    Network,
)
from cabas.enterprises.services import member_emails, site_url, slug_base

# "new" is the back-office creation page (/manage/<slug>/networks/new/).
RESERVED_NETWORK_SLUGS = frozenset({"new"})


def network_unique_slug(*, name: str) -> str:
    base = slug_base(name, "reseau")
    candidate, n = base, 1
    while candidate in RESERVED_NETWORK_SLUGS or Network.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def network_create(
    *, coordinator: Enterprise, name: str, slug: str = "", description: str = "", website: str = ""
) -> Network:
    """Create a network animated by `coordinator`, which is also its first member."""
    slug = slug or network_unique_slug(name=name)
    if slug in RESERVED_NETWORK_SLUGS:
        raise NetworkError(
            _("L'adresse « %(slug)s » est réservée, choisissez-en une autre.") % {"slug": slug}
        )
    try:
        with transaction.atomic():
            if Network.objects.filter(slug=slug).exists():
                raise NetworkError(_("L'adresse « %(slug)s » est déjà prise.") % {"slug": slug})
            network = Network.objects.create(
                coordinator=coordinator, name=name, slug=slug, description=description, website=website
            )
            network.members.add(coordinator)
    except IntegrityError:
        raise NetworkError(_("L'adresse « %(slug)s » est déjà prise.") % {"slug": slug})
    return network


def network_update(*, network: Network, name: str, description: str = "", website: str = "") -> Network:
    """Edit a network's public presentation (its address stays stable)."""
    with transaction.atomic():
        network.name, network.description, network.website = name, description, website
        network.save(update_fields=["name", "description", "website"])
    return network


def network_add_member(*, network: Network, enterprise: Enterprise) -> None:
    """Add `enterprise` to `network` and tell its owners."""
    with transaction.atomic():
        if network.members.filter(pk=enterprise.pk).exists():
            raise NetworkError(_("%(name)s fait déjà partie du réseau.") % {"name": enterprise.name})
        network.members.add(enterprise)
        emails = member_emails(enterprise)
        if emails:
            enqueue_templated_email(
                "emails/enterprises/network_added",
                to=emails,
                from_name=network.coordinator.name,
                context={
                    "network": network.name,
                    "enterprise": enterprise.name,
                    "coordinator": network.coordinator.name,
                    "url": site_url(reverse("public:network", args=[network.slug])),
                },
            )


def network_remove_member(*, network: Network, enterprise: Enterprise) -> None:
    """Take `enterprise` out of `network` (the coordinator itself cannot be removed)."""
    if enterprise.pk == network.coordinator_id:
        raise NetworkError(_("La structure qui anime le réseau ne peut pas en être retirée."))
    with transaction.atomic():
        if not network.members.filter(pk=enterprise.pk).exists():
            raise NetworkError(_("%(name)s ne fait pas partie du réseau.") % {"name": enterprise.name})
        network.members.remove(enterprise)


def network_leave(*, network: Network, enterprise: Enterprise) -> None:
    """`enterprise` leaves `network` of its own accord (not possible for the coordinator)."""
    if enterprise.pk == network.coordinator_id:
        raise NetworkError(_("La structure qui anime le réseau ne peut pas le quitter."))
    network_remove_member(network=network, enterprise=enterprise)


def networks_of(enterprise: Enterprise):
    """Networks `enterprise` coordinates or belongs to."""
    return (
        Network.objects.filter(Q(coordinator=enterprise) | Q(members=enterprise))
        .distinct()
        .select_related("coordinator")
        .order_by("name")
    )
