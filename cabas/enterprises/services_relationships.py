"""Permissions between enterprises: a hub asks a producer, the producer accepts or refuses,
either side revokes."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.enterprises.exceptions import (
    RelationshipError,
)
from cabas.enterprises.models import (
    Enterprise,
    Permission,
    Relationship,
    Role,
)
from cabas.enterprises.services import member_emails, site_url

PERMISSIONS = tuple(p.value for p in Permission)


def enterprise_grants(grantor: Enterprise, grantee: Enterprise, permission: str) -> bool:
    """Whether `grantor` currently lets `grantee` do `permission` (an accepted relationship)."""
    Permission(permission)
    return Relationship.objects.filter(
        grantor=grantor, grantee=grantee, status=Relationship.Status.ACCEPTED, **{permission: True}
    ).exists()


def _relationship_email(
    relationship: Relationship, *, event: str, to_side: Enterprise, from_side: Enterprise
) -> None:
    emails = member_emails(to_side, levels=(Role.Level.OWNER, Role.Level.MANAGER))
    if not emails:
        return
    enqueue_templated_email(
        f"emails/enterprises/relationship_{event}",
        to=emails,
        from_name=from_side.name,
        context={
            "grantor": relationship.grantor.name,
            "grantee": relationship.grantee.name,
            "permissions": [str(Permission(p).label) for p in relationship.permissions()],
            "message": relationship.message,
            "url": site_url(reverse("manage:relationships", args=[to_side.slug])),
        },
    )


def _clean_permissions(permissions) -> dict[str, bool]:
    chosen = set(permissions)
    unknown = chosen - set(PERMISSIONS)
    if unknown:
        raise RelationshipError(_("Permission inconnue."))
    if not chosen:
        raise RelationshipError(_("Cochez au moins une permission."))
    return {p: p in chosen for p in PERMISSIONS}


def relationship_request(
    *, grantee: Enterprise, grantor: Enterprise, permissions, message: str = ""
) -> Relationship:
    """`grantee` (a hub, a shop) asks the producer `grantor` for `permissions`.

    A refused or revoked relationship can be asked for again; a pending or accepted one cannot.
    The producer's owners and managers are told by email.
    """
    if grantor.pk == grantee.pk:
        raise RelationshipError(_("Une structure ne peut pas se demander des droits à elle-même."))
    if not grantor.is_producer:
        raise RelationshipError(_("Seul un producteur peut accorder ces droits."))
    flags = _clean_permissions(permissions)
    with transaction.atomic():
        relationship = (
            Relationship.objects.select_for_update().filter(grantor=grantor, grantee=grantee).first()
        )
        if relationship is None:
            relationship = Relationship(grantor=grantor, grantee=grantee)
        elif relationship.status in (Relationship.Status.REQUESTED, Relationship.Status.ACCEPTED):
            raise RelationshipError(
                _("Une demande à %(name)s est déjà %(status)s.")
                % {"name": grantor.name, "status": relationship.get_status_display().lower()}
            )
        else:
            relationship.set_status(Relationship.Status.REQUESTED)
        for field, value in flags.items():
            setattr(relationship, field, value)
        relationship.message = message.strip()
        relationship.save()
        _relationship_email(relationship, event="requested", to_side=grantor, from_side=grantee)
    return relationship


def _relationship_for_update(relationship: Relationship) -> Relationship:
    qs = Relationship.objects.select_for_update(of=("self",)).select_related("grantor", "grantee")
    return qs.get(pk=relationship.pk)


def relationship_accept(*, relationship: Relationship, permissions) -> Relationship:
    """The producer accepts a request, possibly granting fewer permissions than asked (never more)."""
    with transaction.atomic():
        relationship = _relationship_for_update(relationship)
        asked = set(relationship.permissions())
        flags = _clean_permissions(set(permissions) & asked if asked else permissions)
        relationship.set_status(Relationship.Status.ACCEPTED)
        for field, value in flags.items():
            setattr(relationship, field, value)
        relationship.save()
        _relationship_email(
            relationship, event="accepted", to_side=relationship.grantee, from_side=relationship.grantor
        )
    return relationship


def relationship_refuse(*, relationship: Relationship) -> Relationship:
    """The producer refuses a pending request; the asker may ask again later."""
    with transaction.atomic():
        relationship = _relationship_for_update(relationship)
        relationship.set_status(Relationship.Status.REFUSED)
        relationship.save()
        _relationship_email(
            relationship, event="refused", to_side=relationship.grantee, from_side=relationship.grantor
        )
    return relationship


def relationship_revoke(*, relationship: Relationship, by: Enterprise) -> Relationship:
    """Either side ends a relationship (or withdraws its request); the other side is told by email."""
    if by.pk not in (relationship.grantor_id, relationship.grantee_id):
        raise RelationshipError(_("Cette relation ne concerne pas votre structure."))
    with transaction.atomic():
        relationship = _relationship_for_update(relationship)
        relationship.set_status(Relationship.Status.REVOKED)
        relationship.save()
        other = relationship.grantee if by.pk == relationship.grantor_id else relationship.grantor
        _relationship_email(relationship, event="revoked", to_side=other, from_side=by)
    return relationship
