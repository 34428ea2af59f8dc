"""Workflows of the enterprises app: creating and editing a structure, its team, its relationships
with other structures and its networks.

Every function is keyword-only, writes inside `transaction.atomic` and sends email after commit.
"""

import secrets
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cabas.accounts.emails import enqueue_templated_email
from cabas.enterprises.exceptions import (
    AlreadyInvited,
    AlreadyMember,
    EnterpriseError,
    InvitationEmailMismatch,
    LastOwner,
    NetworkError,
    NotAMember,
    RelationshipError,
    RoleNotAllowed,
    SlugUnavailable,
)
from cabas.enterprises.geocoding import geocode_address
from cabas.enterprises.models import (
    Enterprise,
    GeocodeStatus,
    Invitation,
    Network,
    Permission,
    Relationship,
    Role,
    VatRegime,
)

# First path segments of top-level pages: an enterprise page lives at /<slug>/, so these are refused.
RESERVED_SLUGS = frozenset(
    {
        "about",
        "accounts",
        "admin",
        "api",
        "aide",
        "assets",
        "contact",
        "favicon",
        "healthz",
        "help",
        "i18n",
        "invitations",
        "login",
        "logout",
        "manage",
        "map",
        "media",
        "new",
        "networks",
        "producers",
        "robots",
        "search",
        "shops",
        "signup",
        "static",
        "www",
    }
)


@cache
def _url_prefixes() -> frozenset[str]:
    """Literal first segments of the site's URLs, including those of includes mounted at the root
    (the public pages), so URLs added later are refused as enterprise addresses too."""
    prefixes = set()

    def walk(patterns):
        for pattern in patterns:
            first = str(pattern.pattern).lstrip("^").split("/")[0]
            if not first and isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif first and "<" not in first and not any(c in first for c in "()[]\\$?*+"):
                prefixes.add(first)

    walk(get_resolver().url_patterns)
    return frozenset(prefixes)


def slug_is_reserved(slug: str) -> bool:
    return slug in RESERVED_SLUGS or slug in _url_prefixes() or slug.isdigit()


def slug_is_available(slug: str) -> bool:
    return not slug_is_reserved(slug) and not Enterprise.objects.filter(slug=slug).exists()


# Ligatures that ASCII folding would otherwise drop ("Œufs" must not become "ufs").
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "'": "-", "’": "-"})


def _slug_base(name: str, fallback: str) -> str:
    return slugify(name.translate(_LIGATURES))[:72].strip("-") or fallback


def enterprise_unique_slug(*, name: str) -> str:
    """A free, non-reserved page address derived from `name` ('Ferme de l'Étang' → 'ferme-de-l-etang')."""
    base = _slug_base(name, "structure")
    candidate, n = base, 1
    while not slug_is_available(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _locate(*, address: str, postcode: str, city: str, lat, lon) -> tuple[float | None, float | None, str]:
    """Coordinates and geocode status: typed coordinates win; otherwise the geocoder, which may fail."""
    if lat is not None and lon is not None:
        return lat, lon, GeocodeStatus.MANUAL
    place = geocode_address(address, postcode, city)
    if place is None:
        return None, None, GeocodeStatus.FAILED
    return place.lat, place.lon, GeocodeStatus.OK


def enterprise_create(
    *,
    owner,
    name: str,
    model: str,
    is_producer: bool,
    sells: str,
    slug: str = "",
    trade: str = "",
    short_description: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    lat: float | None = None,
    lon: float | None = None,
    siret: str = "",
    legal_form: str = "",
    vat_regime: str = VatRegime.FRANCHISE,
    vat_number: str = "",
) -> Enterprise:
    """Create an enterprise and make `owner` its first owner.

    The address is geocoded before the transaction (a slow geocoder must not hold it open);
    when it cannot be found the enterprise is saved with `geocode_status=failed`.
    Raises SlugUnavailable when `slug` is reserved or taken (checked again under the transaction).
    """
    slug = slug or enterprise_unique_slug(name=name)
    if slug_is_reserved(slug):
        raise SlugUnavailable(slug)
    lat, lon, status = _locate(address=address, postcode=postcode, city=city, lat=lat, lon=lon)
    try:
        with transaction.atomic():
            if Enterprise.objects.filter(slug=slug).exists():
                raise SlugUnavailable(slug)
            enterprise = Enterprise.objects.create(
                slug=slug,
                name=name,
                model=model,
                is_producer=is_producer,
                sells=sells,
                trade=trade,
                short_description=short_description,
                address=address,
                postcode=postcode,
                city=city,
                lat=lat,
                lon=lon,
                geocode_status=status,
                siret=siret,
                legal_form=legal_form,
                vat_regime=vat_regime,
                vat_number=vat_number,
                email=owner.email,
            )
            Role.objects.create(user=owner, enterprise=enterprise, role=Role.Level.OWNER)
    except IntegrityError:  # a concurrent creation took the slug between the check and the insert
        raise SlugUnavailable(slug)
    return enterprise


ADDRESS_FIELDS = ("address", "postcode", "city")
UPDATABLE_FIELDS = (
    "name",
    "trade",
    "short_description",
    "description",
    "website",
    "email",
    "phone",
    "is_producer",
    "sells",
    "siret",
    "legal_form",
    "vat_regime",
    "vat_number",
    "address",
    "postcode",
    "city",
    "visibility",
)


def enterprise_update(*, enterprise: Enterprise, data: dict) -> Enterprise:
    """Apply the settings form's `data` to `enterprise` (slug excepted: page addresses stay stable).

    A changed address is geocoded again (the old coordinates no longer hold); coordinates typed by
    hand are kept as `manual`. `logo` may be a new file, False (remove it) or absent; `labels` a list.
    """
    with transaction.atomic():
        current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        address_changed = any(
            field in data and data[field] != getattr(current, field) for field in ADDRESS_FIELDS
        )
        lat, lon = data.get("lat", current.lat), data.get("lon", current.lon)
        coords_changed = (lat, lon) != (current.lat, current.lon)
        for field in UPDATABLE_FIELDS:
            if field in data:
                setattr(current, field, data[field])
        if coords_changed and lat is not None and lon is not None:
            current.lat, current.lon, current.geocode_status = lat, lon, GeocodeStatus.MANUAL
        elif address_changed or (coords_changed and (lat is None or lon is None)):
            current.lat, current.lon, current.geocode_status = _locate(
                address=current.address, postcode=current.postcode, city=current.city, lat=None, lon=None
            )
        logo = data.get("logo")
        if logo is False:
            current.logo = ""
        elif logo and hasattr(logo, "content_type"):  # a freshly uploaded file
            current.logo = logo
        current.save()
        if "labels" in data:
            current.labels.set(data["labels"])
    return current


# --- Team -----------------------------------------------------------------------------------


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _owner_emails(enterprise: Enterprise, levels=(Role.Level.OWNER,)) -> list[str]:
    return list(
        Role.objects.filter(enterprise=enterprise, role__in=levels, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


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
                    "url": _site(reverse("manage:dashboard", args=[enterprise.slug])),
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
                "url": _site(reverse("invitation", args=[invitation.token])),
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


# --- Relationships --------------------------------------------------------------------------

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
    emails = _owner_emails(to_side, levels=(Role.Level.OWNER, Role.Level.MANAGER))
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
            "url": _site(reverse("manage:relationships", args=[to_side.slug])),
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


# --- Networks -------------------------------------------------------------------------------


# "new" is the back-office creation page (/manage/<slug>/networks/new/).
RESERVED_NETWORK_SLUGS = frozenset({"new"})


def network_unique_slug(*, name: str) -> str:
    base = _slug_base(name, "reseau")
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
        emails = _owner_emails(enterprise)
        if emails:
            enqueue_templated_email(
                "emails/enterprises/network_added",
                to=emails,
                from_name=network.coordinator.name,
                context={
                    "network": network.name,
                    "enterprise": enterprise.name,
                    "coordinator": network.coordinator.name,
                    "url": _site(reverse("public:network", args=[network.slug])),
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
