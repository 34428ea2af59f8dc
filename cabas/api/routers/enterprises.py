from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from cabas.api.errors import errors
from cabas.api.pagination import Pagination
from cabas.api.schemas import EnterpriseDetail, EnterpriseFilters, EnterpriseListItem, Slug
from cabas.catalogue.models import Label
from cabas.enterprises.models import Enterprise, Network
from cabas.enterprises.search import Near, enterprise_search
from cabas.lib.geo import parse_latlon

router = Router(tags=["Structures"])

LABELS = Prefetch("labels", queryset=Label.objects.only("id", "slug").order_by("slug"))


@router.get(
    "/enterprises",
    response={200: list[EnterpriseListItem], **errors(422)},
    auth=None,
    summary="Annuaire des structures",
    description=(
        "Les structures publiques (producteurs, AMAP, magasins, épiceries...), par ordre alphabétique "
        "ou, avec `near`, de la plus proche à la plus lointaine dans un rayon de `km` kilomètres. "
        "Pagination : `limit` (200 au plus) et `offset` ; `count` donne le nombre total de résultats."
    ),
)
@paginate(Pagination)
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilters]):
    near = None
    if filters.near is not None:
        lat, lon = parse_latlon(filters.near)  # the schema's pattern let only a valid point through
        near = Near(lat=lat, lon=lon, km=filters.km)
    qs = enterprise_search(q=filters.q, kind=filters.kind or "", near=near)
    if near is None:
        qs = qs.order_by("name", "slug")  # a total order keeps pages stable
    return qs.prefetch_related(LABELS)


@router.get(
    "/enterprises/{slug}",
    response={200: EnterpriseDetail, **errors(404, 422)},
    auth=None,
    summary="Fiche d'une structure",
    description="Une structure publique, avec sa présentation, son site web et ses réseaux.",
)
def enterprise_detail(request: HttpRequest, slug: Slug):
    qs = Enterprise.objects.public().prefetch_related(
        LABELS, Prefetch("networks", queryset=Network.objects.only("id", "slug", "name"))
    )
    return get_object_or_404(qs, slug=slug)
