"""AMAP API: an AMAP's season contracts (public), subscribing to one and a member's baskets and
absences (token), the distributions and subscriptions its managers follow (token of an owner or
manager of the AMAP).

Who may do what:
- contracts: anyone, for a published contract of a public AMAP (others: 404);
- subscribing: a member of the AMAP, i.e. someone whose account is linked to one of the AMAP's
  customers (others: 403); the service's rules answer 422 with their French message, a full
  contract 409 unless `waiting_list`;
- baskets and absences: the member who subscribed or shares the basket (others: 404). A basket is
  named by its order's uuid (a basket is one order of the producer);
- distributions and subscriptions of an AMAP, and marking an instalment received: its owners and
  managers (a volunteer 403, anyone else 404; an enterprise that is not an AMAP 404); the service's
  refusals answer 422 with their French message;
- volunteer shifts: the enterprise's team, any role (anyone else 404), in any enterprise.
"""

from uuid import UUID

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from cabas.amap.baskets import absence_declare
from cabas.amap.exceptions import AmapError, ContractFull
from cabas.amap.payments import instalment_receive
from cabas.amap.selectors_api import (
    amap_distribution,
    amap_distributions,
    amap_instalment,
    amap_subscriptions,
    basket_answer,
    basket_of_order,
    instalment_answer,
    member_at,
    member_subscription,
    next_baskets,
    public_amap,
    published_contract,
    published_contracts,
    subscription_answer,
)
from cabas.amap.selectors_shifts import planning
from cabas.amap.subscribing import subscription_create
from cabas.api import idempotency
from cabas.api.access import enterprise_role, require_manager
from cabas.api.auth import token_auth
from cabas.api.errors import errors, invalid
from cabas.api.models import IdempotencyKey as StoredKey
from cabas.api.pagination import Pagination
from cabas.api.schemas import QueryInteger, Slug, text
from cabas.api.schemas_amap import (
    AbsenceIn,
    BasketOut,
    ContractDetail,
    ContractListItem,
    DistributionFilters,
    InstalmentReceiveIn,
    ManagedDistributionOut,
    ManagedSubscriptionOut,
    ReceivedInstalmentOut,
    ShiftFilters,
    ShiftOut,
    SubscriptionFilters,
    SubscriptionIn,
    SubscriptionOut,
)
from cabas.enterprises.models import ModelPreset

router = Router(tags=["AMAP"])

IdempotencyKey = text(80)
KEY_HEADER = Header("", alias="Idempotency-Key")
INSTALMENT_ID = Path(..., ge=1, le=2**31 - 1, description="L'`id` d'un versement (voir /subscriptions)")


@router.get(
    "/enterprises/{slug}/contracts",
    response={200: list[ContractListItem], **errors(404, 422)},
    auth=None,
    summary="Contrats d'une AMAP",
    description=(
        "Les contrats publiés de l'AMAP (les plus récents d'abord) : producteur, saison, type, "
        "période d'inscription et places restantes. 404 si la structure n'est pas une AMAP publique."
    ),
)
def amap_contract_list(request: HttpRequest, slug: Slug):
    amap = public_amap(slug)
    if amap is None:
        raise Http404
    return published_contracts(amap)


def _contract(uuid: UUID):
    contract = published_contract(uuid)
    if contract is None:
        raise Http404
    return contract


@router.get(
    "/contracts/{uuid}",
    response={200: ContractDetail, **errors(404, 422)},
    auth=None,
    summary="Un contrat d'AMAP",
    description=(
        "Un contrat publié : ses distributions (date, horaires, lieu), ses produits (variante, prix "
        "par distribution, quantité du panier, maximum), ses tarifs solidaires et les places restantes."
    ),
)
def amap_contract_detail(request: HttpRequest, uuid: UUID):
    return _contract(uuid)


def _quantities(contract, sent: dict) -> dict[int, int] | Status:
    """The body's {variant uuid: n} as {contract product pk: n}; a 422 answer for an unknown one."""
    products = {p.variant.uuid: p.pk for p in contract.products.all()}
    unknown = [str(v) for v in sent if v not in products]
    if unknown:
        return invalid("quantities", _("Produit absent de ce contrat : %(uuid)s.") % {"uuid": unknown[0]})
    return {products[v]: n for v, n in sent.items()}


def _tier(contract, tier_id: int | None):
    if tier_id is None:
        return None
    return next((t for t in contract.tiers.all() if t.pk == tier_id), False)


def _plain(payload: SubscriptionIn) -> dict:
    """The body as plain data for its fingerprint (JSON keys are text)."""
    data = payload.model_dump()
    data["quantities"] = {str(variant): n for variant, n in payload.quantities.items()}
    return data


def _subscribe(request, contract, member, payload: SubscriptionIn, key: str):
    quantities = _quantities(contract, payload.quantities)
    if isinstance(quantities, Status):
        return quantities
    tier = _tier(contract, payload.tier)
    if tier is False:
        return invalid("tier", _("Choisissez un tarif de ce contrat."))
    with transaction.atomic():
        if key and not idempotency.claim(
            seller=contract.amap,
            kind=StoredKey.Kind.SUBSCRIPTION,
            key=key,
            fingerprint=idempotency.fingerprint(_plain(payload), contract=contract.uuid, member=member.uuid),
        ):
            return member_subscription(contract, member)  # the same request again
        return subscription_create(
            contract=contract,
            customer=member,
            quantities=quantities,
            starts_on=payload.starts_on,
            instalments=payload.instalments,
            method=payload.method,
            tier=tier,
            donation=payload.donation,
            accepted=payload.accepted,
            waiting_list=payload.waiting_list,
            user=request.auth,
        )


@router.post(
    "/contracts/{uuid}/subscriptions",
    response={201: SubscriptionOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=token_auth,
    summary="Souscrire un contrat d'AMAP",
    description=(
        "Inscrit l'adhérent authentifié (un client de l'AMAP lié à son compte ; sinon 403) : "
        "`quantities` par variante, `starts_on` (prorata : seuls les paniers à partir de cette date "
        "sont dus), `instalments` et `method` de l'échéancier, `tier` et `donation` solidaires, "
        "`accepted` (true : contrat lu et accepté). Réponse 201 : le prix au prorata (`amount`, "
        "`deliveries`) et l'échéancier, dont la somme vaut exactement `amount`. 409 si le contrat est "
        "complet, sauf avec `waiting_list` (l'inscription attend alors une place, sans échéancier). "
        "422 avec un message en français si l'inscription est refusée (rien n'est enregistré). "
        "Un en-tête `Idempotency-Key` rend l'appel rejouable : la même demande donne la même "
        "inscription ; la clé envoyée avec une autre demande donne 422."
    ),
)
def amap_subscribe(
    request: HttpRequest, uuid: UUID, payload: SubscriptionIn, idempotency_key: IdempotencyKey = KEY_HEADER
):
    contract = _contract(uuid)
    member = member_at(contract.amap_id, request.auth)
    if member is None:
        raise HttpError(
            403,
            _("Seuls les adhérents de %(amap)s peuvent souscrire ses contrats : adhérez d'abord.")
            % {"amap": contract.amap.name},
        )
    try:
        answer = _subscribe(request, contract, member, payload, idempotency_key)
    except idempotency.KeyReused:
        return invalid("Idempotency-Key", _("Cette clé a déjà servi pour une autre inscription."))
    except ContractFull as error:
        raise HttpError(409, error.message) from error
    except AmapError as error:  # SubscriptionRefused, PlanInvalid
        return invalid(error.field, error.message)
    if answer is None:  # sent again, but the subscription it made was cancelled since
        return invalid("Idempotency-Key", _("L'inscription faite avec cette clé a été annulée depuis."))
    if isinstance(answer, Status):
        return answer
    return Status(201, subscription_answer(answer.pk))


@router.get(
    "/me/deliveries",
    response={200: list[BasketOut], **errors(401, 422)},
    auth=token_auth,
    summary="Mes prochains paniers d'AMAP",
    description=(
        "Les paniers à venir de la personne authentifiée (ceux de ses contrats et ceux qu'elle "
        "partage), par date : distribution, lieu, contrat, producteur, contenu, qui le retire "
        "(panier partagé) et absence déclarée. `order` identifie le panier pour déclarer une absence."
    ),
)
@paginate(Pagination)
def my_deliveries(request: HttpRequest):
    return next_baskets(request.auth)


@router.post(
    "/me/absences",
    response={201: BasketOut, **errors(400, 401, 404, 422)},
    auth=token_auth,
    summary="Déclarer une absence",
    description=(
        "Déclare l'adhérent absent à la distribution d'un de ses paniers (`order` : l'identifiant "
        "donné par /me/deliveries), dans le quota et le délai du contrat. Selon le contrat, le panier "
        "va au panier solidaire, est reporté à la distribution `move_to`, ou n'est ni livré ni payé "
        "(l'échéancier est recalculé). 201 avec le panier ; 422 avec un message en français si "
        "l'absence est refusée (rien ne change) ; 404 pour un panier qui n'est pas le sien."
    ),
)
def my_absence(request: HttpRequest, payload: AbsenceIn):
    basket = basket_of_order(request.auth, payload.order)
    if basket is None:
        raise Http404
    move_to = None
    if payload.move_to is not None:
        move_to = amap_distribution(basket.subscription.contract.amap_id, payload.move_to)
        if move_to is None:
            return invalid("move_to", _("Choisissez la distribution où reprendre ce panier."))
    try:
        absence_declare(basket=basket, move_to=move_to, user=request.auth)
    except AmapError as error:  # AbsenceRefused
        return invalid(error.field, error.message)
    return Status(201, basket_answer(basket.pk))


def _managed_amap(user, slug: str):
    amap, role = enterprise_role(user, slug)
    require_manager(amap, role)
    if amap.model != ModelPreset.AMAP:
        raise Http404
    return amap


@router.get(
    "/enterprises/{slug}/distributions",
    response={200: list[ManagedDistributionOut], **errors(401, 403, 404, 422)},
    auth=token_auth,
    summary="Distributions d'une AMAP",
    description=(
        "Les distributions de l'AMAP à partir de `since` (aujourd'hui par défaut), annulées comprises, "
        "avec les contrats qui y livrent. Pour les responsables et gestionnaires de l'AMAP."
    ),
)
@paginate(Pagination)
def amap_distribution_list(request: HttpRequest, slug: Slug, filters: Query[DistributionFilters]):
    amap = _managed_amap(request.auth, slug)
    return amap_distributions(amap, since=filters.since or timezone.localdate())


@router.get(
    "/enterprises/{slug}/subscriptions",
    response={200: list[ManagedSubscriptionOut], **errors(401, 403, 404, 422)},
    auth=token_auth,
    summary="Inscriptions aux contrats d'une AMAP",
    description=(
        "Les inscriptions aux contrats de l'AMAP, par contrat puis par adhérent, avec le prix souscrit, "
        "le dû (total des paniers non annulés), le reçu (versements reçus ou remis au producteur) et "
        "l'échéancier (l'`id` de chaque versement sert à le marquer reçu). "
        "Filtres : `contract` (uuid), `status`. Pour les responsables et gestionnaires de l'AMAP."
    ),
)
@paginate(Pagination)
def amap_subscription_list(request: HttpRequest, slug: Slug, filters: Query[SubscriptionFilters]):
    amap = _managed_amap(request.auth, slug)
    return amap_subscriptions(amap, contract=filters.contract, status=filters.status or "")


@router.post(
    "/enterprises/{slug}/instalments/{id}/received",
    response={200: ReceivedInstalmentOut, **errors(400, 401, 403, 404, 422)},
    auth=token_auth,
    summary="Marquer un versement reçu",
    description=(
        "L'AMAP a reçu le versement `id` (l'`id` d'un versement de /subscriptions) : « À fournir » → "
        "« Reçu par l'AMAP », avec le numéro du chèque (obligatoire pour un chèque) et sa banque. "
        "200 avec le versement ; 422 avec un message en français si c'est impossible (déjà reçu, "
        "prélèvement SEPA encaissé par le producteur, numéro de chèque manquant), rien ne change. "
        "Pour les responsables et gestionnaires de l'AMAP."
    ),
)
def amap_instalment_received(
    request: HttpRequest, slug: Slug, payload: InstalmentReceiveIn, id: QueryInteger = INSTALMENT_ID
):
    amap = _managed_amap(request.auth, slug)
    instalment = amap_instalment(amap.pk, id)
    if instalment is None:
        raise Http404
    try:
        instalment_receive(
            instalment=instalment, cheque_number=payload.cheque_number, bank=payload.bank, user=request.auth
        )
    except AmapError as error:  # PaymentStateError
        return invalid(error.field, error.message)
    return instalment_answer(instalment.pk)


def _team_enterprise(user, slug: str):
    """The enterprise `slug` when `user` is in its team, any role (404 otherwise)."""
    enterprise, role = enterprise_role(user, slug)
    if role is None:
        raise Http404
    return enterprise


@router.get(
    "/enterprises/{slug}/shifts",
    response={200: list[ShiftOut], **errors(401, 404, 422)},
    auth=token_auth,
    summary="Permanences d'une structure",
    description=(
        "Les permanences à venir de la structure (AMAP ou autre), à partir de `since` (aujourd'hui "
        "par défaut), par date : horaires, rôle, personnes minimum et maximum, inscrites et places "
        "restantes, distribution, et les personnes inscrites. Pour toute l'équipe, bénévoles compris."
    ),
)
@paginate(Pagination)
def enterprise_shift_list(request: HttpRequest, slug: Slug, filters: Query[ShiftFilters]):
    enterprise = _team_enterprise(request.auth, slug)
    return planning(enterprise, today=filters.since)
