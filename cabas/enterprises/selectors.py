"""Reads of enterprises and of who belongs to them, shared by the back-office, the account pages
and the API: plain functions returning querysets, objects or plain values."""

from django.db.models import Prefetch, QuerySet

from cabas.enterprises.models import Enterprise, Network, Role
from cabas.enterprises.search import Near, enterprise_search

MANAGING = (Role.Level.MANAGER, Role.Level.OWNER)


def _label_slugs() -> Prefetch:
    # The related model is named by a string on Enterprise (catalogue sits above enterprises).
    label = Enterprise._meta.get_field("labels").related_model
    return Prefetch("labels", queryset=label.objects.only("id", "slug").order_by("slug"))


def enterprise_directory(*, q: str = "", kind: str = "", near: Near | None = None) -> QuerySet:
    """The public enterprises matching a search (see `enterprise_search`) with their labels' slugs:
    nearest first with `near`, else by name (a total order, so pages stay stable)."""
    qs = enterprise_search(q=q, kind=kind, near=near)
    if near is None:
        qs = qs.order_by("name", "slug")
    return qs.prefetch_related(_label_slugs())


def public_enterprise(slug: str) -> Enterprise | None:
    """The public enterprise `slug` with its labels' slugs and its networks (None: no such one)."""
    return (
        Enterprise.objects.public()
        .prefetch_related(
            _label_slugs(), Prefetch("networks", queryset=Network.objects.only("id", "slug", "name"))
        )
        .filter(slug=slug)
        .first()
    )


def enterprise_by_slug(slug: str) -> Enterprise | None:
    return Enterprise.objects.filter(slug=slug).first()


def role_in(user, enterprise: Enterprise) -> str | None:
    """`user`'s role level in `enterprise` (None: no role there)."""
    return Role.objects.filter(user=user, enterprise=enterprise).values_list("role", flat=True).first()


def enterprises_managed_by(user) -> set[int]:
    """Ids of the enterprises `user` manages (owner or manager)."""
    return set(Role.objects.filter(user=user, role__in=MANAGING).values_list("enterprise_id", flat=True))


def is_member(user) -> bool:
    """Whether `user` holds a role in at least one enterprise (one query)."""
    return Role.objects.filter(user=user).exists()


def roles_of(user) -> QuerySet:
    """`user`'s roles with their enterprise, by enterprise name."""
    return Role.objects.filter(user=user).select_related("enterprise").order_by("enterprise__name")
