"""Workflows of the enterprises app: creating and editing a structure. The team, relationships and
networks have their own modules (services_team.py, services_relationships.py, services_networks.py).

Every function is keyword-only, writes inside `transaction.atomic` and sends email after commit.
"""

from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import URLResolver, get_resolver
from django.utils.text import slugify

from cabas.enterprises.exceptions import (
    SlugUnavailable,
)
from cabas.enterprises.geocoding import geocode_address
from cabas.enterprises.models import (
    PRESET_PRICE_APPROVAL,
    Enterprise,
    GeocodeStatus,
    PriceApproval,
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


def slug_base(name: str, fallback: str) -> str:
    return slugify(name.translate(_LIGATURES))[:72].strip("-") or fallback


def enterprise_unique_slug(*, name: str) -> str:
    """A free, non-reserved page address derived from `name` ('Ferme de l'Étang' → 'ferme-de-l-etang')."""
    base = slug_base(name, "structure")
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
                price_approval=PRESET_PRICE_APPROVAL.get(model, PriceApproval.NONE),
            )
            # In an AMAP the founding member speaks for the members on prices until others do.
            Role.objects.create(
                user=owner,
                enterprise=enterprise,
                role=Role.Level.OWNER,
                consumer_referent=enterprise.price_approval == PriceApproval.PRODUCERS_AND_REFERENTS,
            )
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
    "public_email",
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
    "shop_private",
    "guest_checkout",
    "orders_editable",
    "share_customer_names_with_producers",
)


def enterprise_update(*, enterprise: Enterprise, data: dict) -> Enterprise:
    """Apply the settings form's `data` to `enterprise` (slug excepted: page addresses stay stable).

    A changed address is geocoded again (the old coordinates no longer hold), before the transaction
    so a slow geocoder never holds the row lock; coordinates typed by hand are kept as `manual`.
    `logo` may be a new file, False (remove it) or absent; `labels` a list.
    """
    address = {field: data.get(field, getattr(enterprise, field)) for field in ADDRESS_FIELDS}
    address_changed = any(address[field] != getattr(enterprise, field) for field in ADDRESS_FIELDS)
    lat, lon = data.get("lat", enterprise.lat), data.get("lon", enterprise.lon)
    coords_changed = (lat, lon) != (enterprise.lat, enterprise.lon)
    position = None
    if coords_changed and lat is not None and lon is not None:
        position = (lat, lon, GeocodeStatus.MANUAL)
    elif address_changed or coords_changed:
        position = _locate(**address, lat=None, lon=None)

    with transaction.atomic():
        current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for field in UPDATABLE_FIELDS:
            if field in data:
                setattr(current, field, data[field])
        if position is not None:
            current.lat, current.lon, current.geocode_status = position
        logo = data.get("logo")
        if logo is False:
            current.logo = ""
        elif logo and hasattr(logo, "content_type"):  # a freshly uploaded file
            current.logo = logo
        current.save()
        if "labels" in data:
            current.labels.set(data["labels"])
    return current


def site_url(path: str) -> str:
    """Absolute link for emails."""
    return settings.SITE_URL + path


def member_emails(enterprise: Enterprise, levels=(Role.Level.OWNER,)) -> list[str]:
    """Addresses of the active members of `enterprise` with one of `levels`, for notifications."""
    return list(
        Role.objects.filter(enterprise=enterprise, role__in=levels, user__is_active=True)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )
