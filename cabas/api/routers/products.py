"""Products API: a producer's catalogue (public reads), and writes for the people who manage it.

Who may write a producer's products: its owners and managers, and those of a structure the
producer granted `manage_products` (an accepted relationship) — the back-office rule. Someone
with no role there gets 404 (nothing tells them the product exists), a volunteer 403.
"""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from cabas.api.access import optional_user
from cabas.api.auth import token_auth
from cabas.api.errors import errors, invalid
from cabas.api.pagination import Pagination
from cabas.api.product_payloads import BodyError, product_data, variants_data
from cabas.api.schemas import Slug
from cabas.api.schemas_products import ProductFilters, ProductIn, ProductOut, ProductPatch
from cabas.catalogue import services as product_services
from cabas.catalogue.selectors import (
    producer_products_for_api,
    product_for_api,
    product_manager_rank,
    product_with_producer,
    variant_uuids,
)
from cabas.enterprises.models import Enterprise, Role, Visibility
from cabas.enterprises.selectors import enterprise_by_slug
from cabas.errors import DomainError

router = Router(tags=["Produits"])

MANAGER = Role.RANK[Role.Level.MANAGER]
WRITE_RESPONSES = errors(400, 401, 403, 404, 422)


def _require_manager(user, producer: Enterprise) -> None:
    rank = product_manager_rank(user, producer)
    if rank == 0:
        raise Http404
    if rank < MANAGER:
        raise HttpError(
            403,
            _("Seuls les responsables et gestionnaires de %(name)s peuvent modifier ses produits.")
            % {"name": producer.name},
        )


def _producer(slug: str) -> Enterprise:
    producer = enterprise_by_slug(slug)
    if producer is None:
        raise Http404
    return producer


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404


def _product(uuid: str):
    product = product_with_producer(_uuid_or_404(uuid))
    if product is None:
        raise Http404
    return product


# --- Reading ----------------------------------------------------------------------------------


@router.get(
    "/enterprises/{slug}/products",
    response={200: list[ProductOut], **errors(401, 403, 404, 422)},
    auth=None,
    summary="Produits d'un producteur",
    description=(
        "Les produits en vente d'un producteur visible, avec leurs variantes, par ordre alphabétique. "
        "Filtres : `category` (identifiant ; ses sous-catégories sont incluses) et `q` (nom). "
        "Avec un jeton de gestionnaire du producteur (ou d'un point de vente qui gère ses produits), "
        "`archived=true` inclut les produits et variantes archivés. Pagination : `limit` et `offset`."
    ),
)
@paginate(Pagination)
def product_list(request: HttpRequest, slug: Slug, filters: Query[ProductFilters]):
    producer = _producer(slug)
    rank = product_manager_rank(optional_user(request), producer)
    if producer.visibility != Visibility.PUBLIC and rank == 0:
        raise Http404
    if filters.archived and rank < MANAGER:
        raise HttpError(
            403,
            _("Les produits archivés ne sont visibles que des gestionnaires du producteur (avec un jeton)."),
        )
    # Paginated views answer a list: an unknown category is simply an empty one.
    return producer_products_for_api(
        producer, archived=filters.archived, category=filters.category or "", q=filters.q
    )


@router.get(
    "/products/{uuid}",
    response={200: ProductOut, **errors(401, 404)},
    auth=None,
    summary="Fiche d'un produit",
    description=(
        "Un produit en vente d'un producteur visible, avec ses variantes. Un gestionnaire du "
        "producteur (jeton) voit aussi les produits et variantes archivés."
    ),
)
def product_detail(request: HttpRequest, uuid: str):
    product = _product(uuid)
    rank = product_manager_rank(optional_user(request), product.producer)
    public = product.archived_at is None and product.producer.visibility == Visibility.PUBLIC
    if rank < MANAGER and not (public or (rank and product.archived_at is None)):
        raise Http404
    return product_for_api(product.uuid, archived=rank >= MANAGER)


# --- Writing ----------------------------------------------------------------------------------


@router.post(
    "/enterprises/{slug}/products",
    response={201: ProductOut, **WRITE_RESPONSES},
    auth=token_auth,
    summary="Créer un produit",
    description=(
        "Crée un produit du producteur avec ses variantes (au moins une), tout ou rien. Montants et "
        "quantités en texte (« 3.20 », « 500 »). Réservé aux responsables et gestionnaires du "
        "producteur ou d'un point de vente qui gère ses produits."
    ),
)
def product_create(request: HttpRequest, slug: Slug, payload: ProductIn):
    producer = _producer(slug)
    _require_manager(request.auth, producer)
    try:
        data = product_data(payload.dict(exclude_unset=True))
        variants = variants_data([v.dict(exclude_unset=True) for v in payload.variants])
        product = product_services.product_create(producer=producer, data=data, variants=variants)
    except BodyError as error:
        return invalid(error.field, error.message)
    except DomainError as error:
        return invalid("", error.message)
    return Status(201, product_for_api(product.uuid, archived=True))


@router.patch(
    "/products/{uuid}",
    response={200: ProductOut, **WRITE_RESPONSES},
    auth=token_auth,
    summary="Modifier un produit",
    description=(
        "Modifie les champs envoyés du produit et des variantes désignées par leur `uuid` (prix, "
        "stock...) ; une variante sans `uuid` est ajoutée, `archive: true` archive une variante. "
        "Tout ou rien."
    ),
)
def product_update(request: HttpRequest, uuid: str, payload: ProductPatch):
    product = _product(uuid)
    _require_manager(request.auth, product.producer)
    try:
        data = product_data(payload.dict(exclude_unset=True))
        variants = None
        if payload.variants is not None:
            existing = variant_uuids(product)
            variants = variants_data(
                [v.dict(exclude_unset=True) for v in payload.variants], existing=existing
            )
        product_services.product_update(product=product, data=data, variants=variants)
    except BodyError as error:
        return invalid(error.field, error.message)
    except DomainError as error:
        return invalid("", error.message)
    return product_for_api(product.uuid, archived=True)
