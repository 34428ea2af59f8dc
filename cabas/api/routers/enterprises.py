from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from cabas.api.errors import errors
from cabas.api.pagination import Pagination
from cabas.api.schemas import EnterpriseDetail, EnterpriseFilters, EnterpriseListItem, Slug
from cabas.enterprises.search import Near
from cabas.enterprises.selectors import enterprise_directory, public_enterprise
from cabas.lib.geo import parse_latlon

router = Router(tags=["Structures"])


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
    return enterprise_directory(q=filters.q, kind=filters.kind or "", near=near)


@router.get(
    "/enterprises/{slug}",
    response={200: EnterpriseDetail, **errors(404, 422)},
    auth=None,
    summary="Fiche d'une structure",
    description="Une structure publique, avec sa présentation, son site web et ses réseaux.",
)
def enterprise_detail(request: HttpRequest, slug: Slug):
    enterprise = public_enterprise(slug)
    if enterprise is None:
        raise Http404
    return enterprise
