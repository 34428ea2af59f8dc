"""Payments API: an order's payments (read; record one by hand), a customer's account (balance and
entries), SEPA mandates (list, add).

Who may do what — the back-office rules, tenant-safe:
- an order's payments: its buyer and the seller's owners and managers read them; only the latter
  record one (the buyer gets 403); anyone else gets 404, as if the order did not exist;
- a customer's account: the owners and managers of the structure that keeps it, and the customer
  themself (the account's customer record is linked to their user account);
- mandates: the seller's owners and managers.
A volunteer of the structure gets 403 where a manager is needed; someone with no role there, 404.

An order number is unique per seller only: `/orders/{seller}/{number}/payments` names the seller;
`/orders/{number}/payments` looks among the orders the caller may read (or, to record, manage) and
answers 409 when several carry the number.
"""

from uuid import UUID

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from cabas.api import idempotency
from cabas.api.access import enterprise_role, forbidden, require_manager
from cabas.api.auth import token_auth
from cabas.api.errors import errors, invalid
from cabas.api.pagination import Pagination
from cabas.api.schemas import OrderNumber, Slug, text
from cabas.api.schemas_payments import (
    AccountFilters,
    AccountOut,
    MandateFilters,
    MandateIn,
    MandateOut,
    OrderPaymentsOut,
    PaymentIn,
    PaymentRecordedOut,
)
from cabas.api.schemas_products import money_text
from cabas.enterprises.selectors import enterprises_managed_by
from cabas.lib import money
from cabas.orders.models import Customer, Order
from cabas.orders.selectors import customer_of, orders_numbered
from cabas.payments.accounts.ledger import account_balance
from cabas.payments.exceptions import PaymentError
from cabas.payments.goodwill import order_owed
from cabas.payments.models import Payment, PaymentMethod, PaymentState
from cabas.payments.records.services import order_payment_state, payment_record
from cabas.payments.selectors import (
    account_entries,
    mandate_listed,
    mandates_of,
    payment_method_for,
    payments_of,
)
from cabas.payments.sepa import services as services_sepa

router = Router(tags=["Paiements"])

SUCCEEDED = Payment.State.SUCCEEDED
# The key is stored with a prefix ("api-"), in Payment.idempotency_key's 80 characters.
IdempotencyKey = text(76)
KEY_HEADER = Header("", alias="Idempotency-Key")


# --- An order's payments ----------------------------------------------------------------------


def _order(user, number: str, seller: str | None, *, to_record: bool) -> tuple[Order, bool]:
    """The order `number` (of `seller` when given) the caller may read, and whether they manage its
    seller. 404 when there is none; 409 when several sellers' orders carry that number; when
    recording, 403 for the buyer (who may only read)."""
    managed = enterprises_managed_by(user)
    orders = orders_numbered(number, user=user, managed=managed, seller=seller, limit=3)
    candidates = [o for o in orders if o.seller_id in managed] if to_record else orders
    if not candidates:
        if orders:  # the buyer asks to record a payment
            raise forbidden(orders[0].seller)
        raise Http404
    if len(candidates) > 1:
        raise HttpError(
            409,
            _(
                "Plusieurs commandes portent ce numéro : précisez le vendeur, "
                "/api/v1/orders/<vendeur>/%(number)s/payments."
            )
            % {"number": number},
        )
    order = candidates[0]
    return order, order.seller_id in managed


def _payment(payment: Payment, *, manager: bool) -> dict:
    return {
        "uuid": payment.uuid,
        "kind": payment.kind,
        "kind_label": str(payment.get_kind_display()),
        "method": payment.method.uuid if payment.method_id else None,
        "amount": money_text(payment.amount),
        "state": payment.state,
        "state_label": str(payment.get_state_display()),
        "date": payment.received_on,
        "cheque_number": payment.cheque_number,
        "note": payment.note if manager else None,
        "reference": payment.reference,
        "refund_of": payment.refund_of.uuid if payment.refund_of_id else None,
        "created_at": payment.created_at,
    }


def _summary(order: Order, payments: list[Payment]) -> dict:
    paid = sum((p.amount for p in payments if p.state == SUCCEEDED), money.ZERO)
    owed = order_owed(order)
    state = order_payment_state(order, paid)
    return {
        "number": order.number,
        "seller": order.seller.slug,
        "status": order.status,
        "total": money_text(order.total),
        "paid": money_text(paid),
        "due": money_text(owed - paid),
        "payment_state": state.value,
        "payment_state_label": str(PaymentState(state).label),
    }


def _order_payments(order: Order, *, manager: bool) -> dict:
    payments = payments_of(order)
    return {**_summary(order, payments), "payments": [_payment(p, manager=manager) for p in payments]}


LIST_DESCRIPTION = (
    "Les paiements de la commande (reçus, en attente, échoués, annulés ; un remboursement a un montant "
    "négatif), du plus ancien au plus récent, avec ce qui a été reçu, le reste à payer et l'état de "
    "paiement (unpaid, partial, paid, overpaid). Pour l'acheteur et les responsables et gestionnaires "
    "du vendeur ; les notes du vendeur ne sont données qu'à ces derniers. Les autres reçoivent 404."
)


@router.get(
    "/orders/{seller}/{number}/payments",
    response={200: OrderPaymentsOut, **errors(401, 404, 422)},
    auth=token_auth,
    url_name="order_payments_of_seller",
    summary="Paiements d'une commande, par vendeur et numéro",
    description=LIST_DESCRIPTION,
)
def order_payments_of_seller(request: HttpRequest, seller: Slug, number: OrderNumber):
    order, manager = _order(request.auth, number, seller, to_record=False)
    return _order_payments(order, manager=manager)


@router.get(
    "/orders/{number}/payments",
    response={200: OrderPaymentsOut, **errors(401, 404, 409, 422)},
    auth=token_auth,
    url_name="order_payments",
    summary="Paiements d'une commande, par numéro",
    description=LIST_DESCRIPTION
    + " Un numéro n'est unique que chez un vendeur : 409 si plusieurs commandes lisibles le portent.",
)
def order_payments(request: HttpRequest, number: OrderNumber):
    order, manager = _order(request.auth, number, None, to_record=False)
    return _order_payments(order, manager=manager)


def _record(request, order: Order, payload: PaymentIn, key: str):
    received_on = payload.date or timezone.localdate()
    if received_on > timezone.localdate():
        return invalid("date", _("La date de réception ne peut pas être dans le futur."))
    try:
        with transaction.atomic():
            if key:  # the same key again: the same order and body, or a refusal (see cabas.api.idempotency)
                idempotency.claim(
                    seller=order.seller,
                    kind="payment",
                    key=key,
                    fingerprint=idempotency.fingerprint(payload, order=order.uuid),
                )
            payment = payment_record(
                seller=order.seller,
                kind=payload.kind,
                amount=payload.amount,
                order=order,
                method=payment_method_for(order, payload.kind),
                received_on=received_on,
                cheque_number=payload.cheque_number if payload.kind == PaymentMethod.Kind.CHEQUE else "",
                note=payload.note,
                idempotency_key=f"api-{key}" if key else "",
                user=request.auth,
            )
    except idempotency.KeyReused:
        return invalid("Idempotency-Key", _("Cette clé a déjà servi pour un autre paiement."))
    except PaymentError as error:
        return invalid("", error.message)
    payments = payments_of(order)
    recorded = next(p for p in payments if p.pk == payment.pk)
    return Status(201, {**_payment(recorded, manager=True), "order": _summary(order, payments)})


RECORD_DESCRIPTION = (
    "Enregistre un paiement reçu à la main : `kind` (cash, cheque, transfer, ou card pour le terminal "
    "du vendeur), `amount` (en texte, positif), `date` de réception (aujourd'hui si absente, jamais "
    "dans le futur), `note`, `cheque_number`. Pour les responsables et gestionnaires du vendeur (403 "
    "pour l'acheteur). Envoyez un en-tête `Idempotency-Key` (une valeur par paiement) : le même appel "
    "répété donne le même paiement, jamais deux ; la clé envoyée avec une autre demande donne 422. "
    "Réponses : 201 avec le paiement et l'état de la commande ; 422 si la demande est invalide "
    "(message en français, rien n'est enregistré)."
)


@router.post(
    "/orders/{seller}/{number}/payments",
    response={201: PaymentRecordedOut, **errors(400, 401, 403, 404, 422)},
    auth=token_auth,
    url_name="order_payment_record_of_seller",
    summary="Enregistrer un paiement, par vendeur et numéro",
    description=RECORD_DESCRIPTION,
)
def order_payment_record_of_seller(
    request: HttpRequest,
    seller: Slug,
    number: OrderNumber,
    payload: PaymentIn,
    idempotency_key: IdempotencyKey = KEY_HEADER,
):
    order, _manager = _order(request.auth, number, seller, to_record=True)
    return _record(request, order, payload, idempotency_key)


@router.post(
    "/orders/{number}/payments",
    response={201: PaymentRecordedOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=token_auth,
    url_name="order_payment_record",
    summary="Enregistrer un paiement, par numéro",
    description=RECORD_DESCRIPTION
    + " Un numéro n'est unique que chez un vendeur : 409 si plusieurs commandes gérées le portent.",
)
def order_payment_record(
    request: HttpRequest,
    number: OrderNumber,
    payload: PaymentIn,
    idempotency_key: IdempotencyKey = KEY_HEADER,
):
    order, _manager = _order(request.auth, number, None, to_record=True)
    return _record(request, order, payload, idempotency_key)


# --- A customer's account ---------------------------------------------------------------------


def _customer_ref(customer: Customer) -> dict:
    return {"uuid": customer.uuid, "name": customer.full_name, "email": customer.email}


@router.get(
    "/enterprises/{slug}/customers/{uuid}/account",
    response={200: AccountOut, **errors(401, 403, 404, 422)},
    auth=token_auth,
    url_name="customer_account",
    summary="Compte d'un client : solde et écritures",
    description=(
        "Le compte prépayé (ou d'allocation) que la structure tient pour ce client : le solde (somme "
        "des écritures) et les écritures, de la plus récente à la plus ancienne, par pages (`limit`, "
        "200 au plus, et `offset`). Pour les responsables et gestionnaires de la structure, et pour le "
        "client lui-même. Les autres reçoivent 404."
    ),
)
def customer_account(request: HttpRequest, slug: Slug, uuid: UUID, filters: Query[AccountFilters]):
    user = request.auth
    enterprise, role = enterprise_role(user, slug)
    customer = customer_of(enterprise, uuid)
    if customer is None or customer.user_id != user.pk:  # not their own account
        require_manager(enterprise, role)
    if customer is None:
        raise Http404
    page = account_entries(customer, offset=filters.offset, limit=filters.limit)
    return {
        "enterprise": enterprise.slug,
        "customer": _customer_ref(customer),
        "balance": money_text(account_balance(customer)),
        "count": page.count,
        "limit": filters.limit,
        "offset": filters.offset,
        "entries": [
            {
                "uuid": entry.uuid,
                "created_at": entry.created_at,
                "kind": entry.kind,
                "kind_label": str(entry.get_kind_display()),
                "amount": money_text(entry.amount),
                "balance_after": money_text(entry.balance_after),
                "note": entry.note,
                "order": entry.order.number if entry.order_id else None,
                "spent_at": entry.spent_at.slug if entry.spent_at_id else None,
            }
            for entry in page.entries
        ],
    }


# --- SEPA mandates ----------------------------------------------------------------------------


@router.get(
    "/enterprises/{slug}/mandates",
    response={200: list[MandateOut], **errors(401, 403, 404, 422)},
    auth=token_auth,
    url_name="mandates",
    summary="Mandats de prélèvement SEPA",
    description=(
        "Les mandats SEPA signés par les clients de la structure, actifs d'abord, avec la date du "
        "dernier prélèvement ; l'IBAN est masqué. Filtre `status` (active, revoked) ; pagination "
        "`limit` et `offset`. Pour les responsables et gestionnaires de la structure."
    ),
)
@paginate(Pagination)
def mandate_list(request: HttpRequest, slug: Slug, filters: Query[MandateFilters]):
    enterprise, role = enterprise_role(request.auth, slug)
    require_manager(enterprise, role)
    return mandates_of(enterprise, status=filters.status or "")


@router.post(
    "/enterprises/{slug}/mandates",
    response={201: MandateOut, **errors(400, 401, 403, 404, 422)},
    auth=token_auth,
    url_name="mandate_create",
    summary="Ajouter un mandat SEPA",
    description=(
        "Enregistre le mandat qu'un client a signé : `customer` (uuid d'un client de la structure), "
        "`debtor_name`, `iban` (vérifié : pays, longueur, clés de contrôle, zone SEPA), `bic` "
        "(facultatif), `signed_on` (pas dans le futur) et `reference` (la RUM du mandat papier ; "
        "absente, elle est générée). Un client n'a qu'un mandat actif. Réponses : 201 avec le mandat ; "
        "422 avec un message en français, rien n'est enregistré."
    ),
)
def mandate_create(request: HttpRequest, slug: Slug, payload: MandateIn):
    enterprise, role = enterprise_role(request.auth, slug)
    require_manager(enterprise, role)
    customer = customer_of(enterprise, payload.customer)
    if customer is None:
        return invalid("customer", _("Ce client n'est pas un client de votre structure."))
    try:
        mandate = services_sepa.mandate_create(
            seller=enterprise,
            customer=customer,
            debtor_name=payload.debtor_name,
            iban=payload.iban,
            bic=payload.bic,
            signed_on=payload.signed_on,
            reference=payload.reference,
            user=request.auth,
        )
    except PaymentError as error:
        return invalid("", error.message)
    return Status(201, mandate_listed(enterprise, mandate.pk))
