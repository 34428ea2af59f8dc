"""What enterprises adds to the account's life through cabas.accounts.registry.

Registered in EnterprisesConfig.ready(): the user's roles and pending invitations in the
personal-data export, the "Mes structures" list of the profile page, and, on account deletion,
the refusal to leave an enterprise without an owner and the erasure of roles and invitations.
"""

from django.db.models import Count, Q
from django.urls import reverse

from cabas.accounts import registry
from cabas.accounts.exceptions import LastOwnerOfEnterprises
from cabas.accounts.models import User
from cabas.enterprises.models import Enterprise, Invitation, Role
from cabas.enterprises.selectors import is_member, roles_of


def enterprises_solely_owned(*, user: User) -> list[Enterprise]:
    """Enterprises where `user` is the only owner (they must hand over before leaving)."""
    owned = Role.objects.filter(user=user, role=Role.Level.OWNER).values("enterprise")
    return list(
        Enterprise.objects.filter(pk__in=owned)
        .annotate(owner_count=Count("roles", filter=Q(roles__role=Role.Level.OWNER)))
        .filter(owner_count=1)
        .order_by("name")
    )


def roles_section(user: User) -> list[dict]:
    roles = roles_of(user)
    return [
        {
            "enterprise_slug": role.enterprise.slug,
            "enterprise_name": role.enterprise.name,
            "role": role.role,
            "since": role.created_at,
        }
        for role in roles
    ]


def invitations_section(user: User) -> list[dict]:
    invitations = (
        Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True)
        .select_related("enterprise")
        .order_by("created_at")
    )
    return [
        {
            "enterprise_slug": invitation.enterprise.slug,
            "enterprise_name": invitation.enterprise.name,
            "role": invitation.role,
            "sent_at": invitation.created_at,
        }
        for invitation in invitations
    ]


def refuse_sole_owner(user: User) -> None:
    """Raise LastOwnerOfEnterprises when deleting `user` would leave an enterprise without an owner."""
    sole = enterprises_solely_owned(user=user)
    if sole:
        raise LastOwnerOfEnterprises(sole)


def erase_roles_and_invitations(user: User) -> None:
    """Drop the user's roles and the invitations still waiting for their email address."""
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    Role.objects.filter(user=user).delete()


def profile_context(user: User) -> dict:
    """`roles` for the "Mes structures" list of the profile page."""
    return {"roles": roles_of(user)}


def delete_page_context(user: User) -> dict:
    """`sole_enterprises`, listed on the deletion page so the user can hand them over first."""
    return {"sole_enterprises": enterprises_solely_owned(user=user)}


def member_landing(user: User) -> str:
    """A member of an enterprise lands on the back office after logging in."""
    return reverse("manage:home") if is_member(user) else ""


def register() -> None:
    """Hook enterprises into accounts (called once, from EnterprisesConfig.ready())."""
    registry.register_personal_data_section("roles", roles_section)
    registry.register_personal_data_section("pending_invitations", invitations_section)
    registry.register_deletion_check(refuse_sole_owner)
    registry.register_personal_data_eraser(erase_roles_and_invitations)
    registry.register_profile_context(profile_context)
    registry.register_delete_page_context(delete_page_context)
    registry.register_landing(member_landing)
