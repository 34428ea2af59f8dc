"""The team of an enterprise: invitations, roles, leaving. An enterprise always keeps an owner."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.enterprises.exceptions import (
    AlreadyInvited,
    AlreadyMember,
    EnterpriseError,
    InvitationEmailMismatch,
    LastOwner,
    NotAMember,
    RoleNotAllowed,
)
from cabas.enterprises.models import (
    Enterprise,
    Invitation,
    Role,
)
from cabas.enterprises.services import site_url


def _may_grant(actor_role: Role, level: str) -> bool:
    """Owners give any role; managers may only bring in volunteers."""
    if actor_role.role == Role.Level.OWNER:
        return True
    return actor_role.role == Role.Level.MANAGER and level == Role.Level.VOLUNTEER


def team_invite(*, enterprise: Enterprise, by: Role, email: str, role: str) -> Role | Invitation:
    """Invite `email` into the team with `role`.

    A person who already has an account gets the role at once (and an email saying so); anyone else
    gets an Invitation with a random token and a link to accept it once signed up.
    """
    email = email.strip()
    if not _may_grant(by, role):
        raise RoleNotAllowed()
    User = get_user_model()
    inviter = by.user.get_full_name()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
        if user is not None:
            if Role.objects.filter(enterprise=enterprise, user=user).exists():
                raise AlreadyMember(email)
            new_role = Role.objects.create(enterprise=enterprise, user=user, role=role)
            enqueue_templated_email(
                "emails/enterprises/role_added",
                to=user.email,
                from_name=enterprise.name,
                language=user.language,
                context={
                    "enterprise": enterprise.name,
                    "role": new_role.get_role_display(),
                    "inviter": inviter,
                    "url": site_url(reverse("manage:dashboard", args=[enterprise.slug])),
                },
            )
            return new_role
        pending = Invitation.objects.filter(enterprise=enterprise, accepted_at__isnull=True)
        if pending.filter(email__iexact=email).exists():
            raise AlreadyInvited(email)
        invitation = Invitation.objects.create(
            enterprise=enterprise,
            email=email.lower(),
            role=role,
            invited_by=by.user,
            token=secrets.token_urlsafe(32),
        )
        enqueue_templated_email(
            "emails/enterprises/invitation",
            to=invitation.email,
            from_name=enterprise.name,
            reply_to=[by.user.email],
            context={
                "enterprise": enterprise.name,
                "role": invitation.get_role_display(),
                "inviter": inviter,
                "url": site_url(reverse("invitation", args=[invitation.token])),
            },
        )
        return invitation


def invitation_cancel(*, enterprise: Enterprise, by: Role, email: str) -> None:
    """Withdraw the pending invitation sent to `email` (managers only those for volunteers)."""
    with transaction.atomic():
        invitation = Invitation.objects.filter(
            enterprise=enterprise, email__iexact=email.strip(), accepted_at__isnull=True
        ).first()
        if invitation is None:
            raise NotAMember()
        if not _may_grant(by, invitation.role):
            raise RoleNotAllowed()
        invitation.delete()


def invitation_accept(*, invitation: Invitation, user) -> Role:
    """Join the team `invitation` names; only the person it was sent to may accept it."""
    if invitation.email.lower() != user.email.lower():
        raise InvitationEmailMismatch()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise EnterpriseError(_("Cette invitation a déjà été utilisée."))
        role, created = Role.objects.get_or_create(
            enterprise=invitation.enterprise, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return role


def _member_role(enterprise: Enterprise, email: str, *, lock: bool = False) -> Role:
    qs = Role.objects.filter(enterprise=enterprise, user__email__iexact=email.strip()).select_related("user")
    role = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if role is None:
        raise NotAMember()
    return role


def _ensure_another_owner(enterprise: Enterprise, role: Role) -> None:
    """Raise LastOwner when `role` is the enterprise's only owner (rows locked to serialise demotions)."""
    if role.role != Role.Level.OWNER:
        return
    owners = list(
        Role.objects.select_for_update().filter(enterprise=enterprise, role=Role.Level.OWNER).order_by("pk")
    )
    if len(owners) <= 1:
        raise LastOwner()


def role_change(*, enterprise: Enterprise, by: Role, email: str, role: str) -> Role:
    """Give the member identified by `email` a new role (owners only; the last owner stays owner)."""
    if by.role != Role.Level.OWNER:
        raise RoleNotAllowed()
    Role.Level(role)
    with transaction.atomic():
        member = _member_role(enterprise, email, lock=True)
        if member.role == role:
            return member
        _ensure_another_owner(enterprise, member)
        member.role = role
        member.save(update_fields=["role"])
    return member


def role_set_referent(*, enterprise: Enterprise, by: Role, email: str, referent: bool) -> Role:
    """Name the member identified by `email` a consumer referent, or stop (owners only).

    Referents speak for the eaters in the approval of a cycle's prices when the enterprise asks for
    it (Enterprise.price_approval)."""
    if by.role != Role.Level.OWNER:
        raise RoleNotAllowed()
    with transaction.atomic():
        member = _member_role(enterprise, email, lock=True)
        if member.consumer_referent != referent:
            member.consumer_referent = referent
            member.save(update_fields=["consumer_referent"])
    return member


def role_remove(*, enterprise: Enterprise, by: Role, email: str) -> None:
    """Remove the member identified by `email` from the team (owners only; never the last owner)."""
    if by.role != Role.Level.OWNER:
        raise RoleNotAllowed()
    with transaction.atomic():
        member = _member_role(enterprise, email, lock=True)
        _ensure_another_owner(enterprise, member)
        member.delete()


def team_leave(*, enterprise: Enterprise, user) -> None:
    """`user` leaves the team; the last owner must first hand over to someone else."""
    with transaction.atomic():
        member = _member_role(enterprise, user.email, lock=True)
        _ensure_another_owner(enterprise, member)
        member.delete()
