"""Finding visible enterprises by name, kind and place — shared by the public pages, the map
GeoJSON and the API so they always agree."""

from dataclasses import dataclass

from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from cabas.enterprises.models import Enterprise, Kind
from cabas.lib.geo import EARTH_RADIUS_KM, bounding_box

MAX_RADIUS_KM = 500.0
MAX_WORDS = 6


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    km: float


def distance_expression(lat: float, lon: float):
    """Great-circle distance in km from (lat, lon) to each row, in SQL (works on SQLite and
    PostgreSQL: Django provides the trigonometric functions on both)."""
    cos_angle = Cos(Radians(lat)) * Cos(Radians(F("lat"))) * Cos(Radians(F("lon")) - Radians(lon)) + Sin(
        Radians(lat)
    ) * Sin(Radians(F("lat")))
    # Clamp into [-1, 1]: rounding can push the cosine of a zero angle slightly above 1.
    return EARTH_RADIUS_KM * ACos(Least(Greatest(cos_angle, -1.0), 1.0), output_field=FloatField())


def enterprise_search(
    *,
    q: str = "",
    kind: str = "",
    near: Near | None = None,
    queryset: QuerySet | None = None,
) -> QuerySet:
    """Visible enterprises matching a name/trade/town/postcode query, a kind and a circle.

    With `near`, rows get a `distance_km` annotation and come nearest first; the bounding-box
    pre-filter uses the (visibility, lat, lon) index before the exact distance test.
    """
    qs = (queryset if queryset is not None else Enterprise.objects.all()).public()
    if kind:
        qs = qs.filter(Enterprise.kind_q(Kind(kind)))
    # Every word must match somewhere: "maraîchage yzeron" finds the market gardeners of Yzeron.
    for word in (q or "").split()[:MAX_WORDS]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(city__icontains=word)
            | Q(postcode__startswith=word)
            | Q(trade__icontains=word)
        )
    if near is not None:
        km = min(max(near.km, 0.0), MAX_RADIUS_KM)
        min_lat, max_lat, min_lon, max_lon = bounding_box(near.lat, near.lon, km)
        qs = (
            qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)
            .annotate(distance_km=distance_expression(near.lat, near.lon))
            .filter(distance_km__lte=km)
            .order_by("distance_km", "name")
        )
    return qs
