"""Products API: a producer's catalogue (public reads), and writes for the people who manage it.

Who may write a producer's products: its owners and managers, and those of a structure the
producer granted `manage_products` (an accepted relationship) — the back-office rule. Someone
with no role there gets 404 (nothing tells them the product exists), a volunteer 403.
"""

from uuid import UUID

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from cabas.api.auth import token_auth
from cabas.api.errors import errors
from cabas.api.pagination import Pagination
from cabas.api.schemas import Slug
from cabas.api.schemas_products import ProductFilters, ProductIn, ProductOut, ProductPatch
from cabas.catalogue import services as product_services
from cabas.catalogue.models import Category, Label, Product, ProductPhoto, TaxRate, Variant
from cabas.enterprises.models import Enterprise, Relationship, Role, Visibility
from cabas.errors import DomainError

router = Router(tags=["Produits"])

MANAGER = Role.RANK[Role.Level.MANAGER]
# Fields that mean something when sent as null; any other null means "not given".
NULLABLE = {"tax_rate", "low_stock_threshold"}
WRITE_RESPONSES = errors(400, 401, 403, 404, 422)


class BodyError(Exception):
    """A value of the request body that cannot be used (answered as 422 with its field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _invalid(error: BodyError):
    body = {
        "detail": _("Paramètres invalides : %(fields)s.") % {"fields": error.field}
        if error.field
        else error.message,
        "errors": [{"field": error.field, "message": error.message, "type": "invalid"}],
    }
    return Status(422, body)


# --- Who is asking ----------------------------------------------------------------------------


def _optional_user(request):
    """The token's user when a token is sent (a wrong one is refused), else a logged-in browser's."""
    user = token_auth(request)
    if user is not None:
        return user
    return request.user if request.user.is_authenticated else None


def _rank_over(user, producer: Enterprise) -> int:
    """The highest role rank `user` holds over `producer`'s products (0: none)."""
    if user is None:
        return 0
    managing = Relationship.objects.filter(
        grantor=producer, status=Relationship.Status.ACCEPTED, manage_products=True
    ).values("grantee")
    roles = Role.objects.filter(user=user).filter(Q(enterprise=producer) | Q(enterprise__in=managing))
    return max((Role.RANK[role] for role in roles.values_list("role", flat=True)), default=0)


def _require_manager(user, producer: Enterprise) -> None:
    rank = _rank_over(user, producer)
    if rank == 0:
        raise Http404
    if rank < MANAGER:
        raise HttpError(
            403,
            _("Seuls les responsables et gestionnaires de %(name)s peuvent modifier ses produits.")
            % {"name": producer.name},
        )


# --- Reading ----------------------------------------------------------------------------------


def _products(*, archived: bool):
    """Products with everything the answer shows, in a constant number of queries."""
    variants = Variant.objects.select_related("tax_rate").order_by("position", "pk")
    if not archived:
        variants = variants.filter(archived_at__isnull=True)
    return Product.objects.select_related(
        "producer", "category__parent", "category__default_tax_rate"
    ).prefetch_related(
        Prefetch("variants", queryset=variants, to_attr="api_variants"),
        Prefetch("labels", queryset=Label.objects.only("id", "slug").order_by("slug")),
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")),
    )


def _load(product_uuid, *, archived: bool) -> Product:
    return _products(archived=archived).get(uuid=product_uuid)


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
    user = _optional_user(request)
    producer = Enterprise.objects.filter(slug=slug).first()
    if producer is None:
        raise Http404
    rank = _rank_over(user, producer)
    if producer.visibility != Visibility.PUBLIC and rank == 0:
        raise Http404
    if filters.archived and rank < MANAGER:
        raise HttpError(
            403,
            _("Les produits archivés ne sont visibles que des gestionnaires du producteur (avec un jeton)."),
        )
    products = _products(archived=filters.archived).filter(producer=producer)
    if not filters.archived:
        products = products.active()
    if filters.category:
        category = Category.objects.filter(slug=filters.category).only("pk").first()
        if category is None:
            # Paginated views answer a list: an unknown category is simply an empty one.
            return Product.objects.none()
        products = products.filter(Q(category=category) | Q(category__parent=category))
    if filters.q.strip():
        products = products.filter(name__icontains=filters.q.strip())
    return products.order_by("name", "pk")


def _uuid_or_404(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404


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
    user = _optional_user(request)
    product = Product.objects.select_related("producer").filter(uuid=_uuid_or_404(uuid)).first()
    if product is None:
        raise Http404
    rank = _rank_over(user, product.producer)
    public = product.archived_at is None and product.producer.visibility == Visibility.PUBLIC
    if rank < MANAGER and not (public or (rank and product.archived_at is None)):
        raise Http404
    return _load(product.uuid, archived=rank >= MANAGER)


# --- Writing ----------------------------------------------------------------------------------


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise BodyError("category", _("Catégorie inconnue : « %(slug)s ».") % {"slug": slug})
    return category


def _labels(slugs: list[str]) -> list[Label]:
    labels = list(Label.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {label.slug for label in labels})
    if unknown:
        raise BodyError("labels", _("Label inconnu : %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return labels


def _product_data(fields: dict) -> dict:
    data = {k: v for k, v in fields.items() if k != "variants" and v is not None}
    if "category" in data:
        data["category"] = _category(data["category"])
    if "labels" in data:
        data["labels"] = _labels(data["labels"])
    return data


def _variant_data(index: int, fields: dict, rates: dict) -> dict:
    data = {k: v for k, v in fields.items() if v is not None or k in NULLABLE}
    if data.get("tax_rate") is not None:
        rate = rates.get(data["tax_rate"])
        if rate is None:
            raise BodyError(
                f"variants.{index}.tax_rate",
                _("Taux de TVA inconnu : choisissez 0, 5.5, 10 ou 20."),
            )
        data["tax_rate"] = rate
    return data


def _variants_data(variants: list[dict], *, existing: set | None = None) -> list[dict]:
    rates = {rate.rate: rate for rate in TaxRate.objects.all()}
    result = []
    for index, fields in enumerate(variants):
        if existing is not None:
            uuid = fields.get("uuid")
            if uuid is not None and uuid not in existing:
                raise BodyError(f"variants.{index}.uuid", _("Cette variante n'appartient pas à ce produit."))
            if uuid is None and not fields.get("archive"):
                for required in ("quantity", "price"):
                    if fields.get(required) is None:
                        raise BodyError(
                            f"variants.{index}.{required}",
                            _("Ce champ est obligatoire pour une nouvelle variante."),
                        )
        result.append(_variant_data(index, fields, rates))
    return result


def _domain_error(error: DomainError):
    return _invalid(BodyError("", error.message))


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
    producer = Enterprise.objects.filter(slug=slug).first()
    if producer is None:
        raise Http404
    _require_manager(request.auth, producer)
    try:
        data = _product_data(payload.dict(exclude_unset=True))
        variants = _variants_data([v.dict(exclude_unset=True) for v in payload.variants])
        product = product_services.product_create(producer=producer, data=data, variants=variants)
    except BodyError as error:
        return _invalid(error)
    except DomainError as error:
        return _domain_error(error)
    return Status(201, _load(product.uuid, archived=True))


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
    product = Product.objects.select_related("producer").filter(uuid=_uuid_or_404(uuid)).first()
    if product is None:
        raise Http404
    _require_manager(request.auth, product.producer)
    try:
        data = _product_data(payload.dict(exclude_unset=True))
        variants = None
        if payload.variants is not None:
            existing = set(product.variants.values_list("uuid", flat=True))
            variants = _variants_data(
                [v.dict(exclude_unset=True) for v in payload.variants], existing=existing
            )
        product_services.product_update(product=product, data=data, variants=variants)
    except BodyError as error:
        return _invalid(error)
    except DomainError as error:
        return _domain_error(error)
    return _load(product.uuid, archived=True)
